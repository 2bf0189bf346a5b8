// Files the page fetches gzipped and inflates itself, so that any static host serves them small
// (data/mnist.bin.gz, data/default-run.bin.gz).

const GZIP_MAGIC = [0x1f, 0x8b];

/** The inflated bytes of the gzipped file at `url`; `what` names it in the error when it cannot be fetched. */
export async function fetchGzipped(url, what) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what} could not be loaded (HTTP ${response.status})`);
  const body = new Uint8Array(await response.arrayBuffer());
  // A server that sends the file with Content-Encoding: gzip has inflated it already.
  const gzipped = body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1];
  return gzipped ? inflate(body) : body;
}

async function inflate(gzipped) {
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
