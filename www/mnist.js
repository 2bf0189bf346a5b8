// The MNIST data file, fetched once per worker (the HTTP cache serves the second worker).
import { fetchGzipped } from './gzip.js';

let bytes = null;

/** The bytes of data/mnist.bin, fetched gzipped and inflated here. */
export async function loadMnist() {
  bytes ??= await fetchGzipped(new URL('./data/mnist.bin.gz', import.meta.url), 'the MNIST data');
  return bytes;
}
