// The MNIST data file, fetched once per worker (the HTTP cache serves the second worker).
let bytes = null;

/** The bytes of data/mnist.bin. */
export async function loadMnist() {
  if (bytes === null) {
    const response = await fetch(new URL('./data/mnist.bin', import.meta.url));
    if (!response.ok) throw new Error(`the MNIST data could not be loaded (HTTP ${response.status})`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  return bytes;
}
