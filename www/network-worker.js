// Trains the MLP off the main thread, in its own wasm instance, a few epochs per request.
//   in:  { type: 'start', config, csv }   config: MLP config as JSON text
//        { type: 'train', epochs }
//        { type: 'crash' }                panic on purpose (checks the page's recovery)
//   out: { type: 'started', result }
//        { type: 'trained', epoch, measurement, result, done }   measurement: null or one history entry
//        { type: 'error', message }
import { panicOnPurpose, NetworkExperiment } from './pkg/agop_collapse.js';
import { startWasm } from './wasm.js';
import { loadMnist } from './mnist.js';
import { describeFailure } from './failure.js';

const ready = startWasm();
let experiment = null;

async function handle(message) {
  await ready;
  if (message.type === 'crash') panicOnPurpose();
  if (message.type === 'start') {
    const config = JSON.parse(message.config);
    const bytes = config.data.dataset === 'mnist' ? await loadMnist() : new Uint8Array();
    experiment?.free();
    experiment = null;
    experiment = new NetworkExperiment(message.config, bytes, message.csv ?? '');
    postMessage({ type: 'started', result: experiment.result() });
  } else if (message.type === 'train') {
    if (experiment === null) throw new Error('no training has been started');
    const measurement = experiment.train(message.epochs);
    postMessage({
      type: 'trained',
      epoch: experiment.epoch(),
      measurement: measurement === undefined ? null : JSON.parse(measurement),
      result: experiment.result(),
      done: experiment.done(),
    });
  }
}

self.onmessage = ({ data }) => {
  handle(data).catch((error) => postMessage({ type: 'error', message: describeFailure(error) }));
};
