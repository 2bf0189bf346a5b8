// What every worker of the lab does the same way: start its wasm instance, fetch the data a
// config names, and answer the page's requests one at a time, in order, reporting a failure
// as `{ type: 'error', message }`.
import { startWasm } from './wasm.js';
import { loadMnist } from './mnist.js';
import { describeFailure } from './failure.js';

const ready = startWasm();

/**
 * The bytes of the data `config` (a parsed config, perhaps partial) names: MNIST's (also when it
 * names no dataset: MNIST is the default), or none.
 */
export function dataBytes(config) {
  return (config.data?.dataset ?? 'mnist') === 'mnist' ? loadMnist() : Promise.resolve(new Uint8Array());
}

/**
 * Handles each message with `handle(message)` (async) once the wasm instance is ready, one
 * after another in arrival order: a request that arrives while the data loads waits its turn.
 */
export function serveInOrder(handle) {
  let queue = Promise.resolve();
  self.onmessage = ({ data }) => {
    queue = queue
      .then(() => ready)
      .then(() => handle(data))
      .catch((error) => postMessage({ type: 'error', message: describeFailure(error) }));
  };
}

/**
 * Panics on purpose when the module was built for the tests (feature `testing`), so that the
 * page's recovery from a crashed worker can be checked; the page's own module has no such
 * entry point, and the request is then ignored.
 */
export async function crashIfTesting() {
  const module = await import('./pkg/agop_collapse.js');
  module.panicOnPurpose?.();
}
