// Runs Deep RFM off the main thread, in its own wasm instance.
import init, { runRfm, validateRfmConfig } from './pkg/agop_collapse.js';

const ready = init();
let mnist = null;

self.onmessage = async ({ data }) => {
  try {
    await ready;
    const config = JSON.parse(validateRfmConfig(JSON.stringify(data.config ?? {})));
    if (config.data.dataset === 'mnist' && mnist === null) {
      const response = await fetch(new URL('./data/mnist.bin', import.meta.url));
      if (!response.ok) throw new Error(`cannot load the MNIST data (${response.status})`);
      mnist = new Uint8Array(await response.arrayBuffer());
    }
    const result = runRfm(JSON.stringify(config), mnist ?? new Uint8Array(), data.csv ?? '');
    self.postMessage({ type: 'done', result: JSON.parse(result) });
  } catch (error) {
    self.postMessage({ type: 'error', message: String(error?.message ?? error) });
  }
};
