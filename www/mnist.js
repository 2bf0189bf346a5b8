// The MNIST data file, fetched once per worker (the HTTP cache serves the second worker).
let bytes = null;

const GZIP_MAGIC = [0x1f, 0x8b];

/** The bytes of data/mnist.bin, fetched gzipped and inflated here. */
export async function loadMnist() {
  if (bytes === null) {
    const response = await fetch(new URL('./data/mnist.bin.gz', import.meta.url));
    if (!response.ok) throw new Error(`the MNIST data could not be loaded (HTTP ${response.status})`);
    const body = new Uint8Array(await response.arrayBuffer());
    // A server that sends the file with Content-Encoding: gzip has inflated it already.
    const gzipped = body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1];
    bytes = gzipped ? await inflate(body) : body;
  }
  return bytes;
}

async function inflate(gzipped) {
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
