// Trains the MLP off the main thread, in its own wasm instance, a few epochs per request; a second
// instance of this worker measures the networks the first hands over, so that training goes on
// while a measurement is taken.
//   training:  in:  { type: 'start', config, csv }   config: MLP config as JSON text
//                   { type: 'train', epochs }
//                   { type: 'record', measurement, seconds }   a measurement of the oldest epoch due
//                   { type: 'crash' }                panic on purpose (checks the page's recovery)
//              out: { type: 'started', result }
//                   { type: 'trained', epoch, due, result, trained }   due: null or { epoch, weights }
//                   { type: 'recorded', result, done }
//   measuring: in:  { type: 'measurer', config, csv }
//                   { type: 'measure', epoch, weights }   weights: Float64Array (transferred)
//              out: { type: 'measured', epoch, measurement, seconds }   measurement: JSON text
//   both:      out: { type: 'error', message }
import { panicOnPurpose, NetworkExperiment, NetworkMeasurer } from './pkg/agop_collapse.js';
import { startWasm } from './wasm.js';
import { loadMnist } from './mnist.js';
import { describeFailure } from './failure.js';

const ready = startWasm();
let experiment = null;
let measurer = null;

async function dataOf(message) {
  const config = JSON.parse(message.config);
  return config.data.dataset === 'mnist' ? loadMnist() : new Uint8Array();
}

async function handle(message) {
  await ready;
  if (message.type === 'crash') panicOnPurpose();
  if (message.type === 'start') {
    const bytes = await dataOf(message);
    experiment?.free();
    experiment = null;
    experiment = new NetworkExperiment(message.config, bytes, message.csv ?? '');
    postMessage({ type: 'started', result: experiment.result() });
  } else if (message.type === 'measurer') {
    const bytes = await dataOf(message);
    measurer?.free();
    measurer = null;
    measurer = new NetworkMeasurer(message.config, bytes, message.csv ?? '');
  } else if (message.type === 'train') {
    if (experiment === null) throw new Error('no training has been started');
    const epoch = experiment.trainUntilDue(message.epochs);
    let due = null;
    const transfer = [];
    if (epoch !== undefined) {
      due = { epoch, weights: experiment.weights() };
      transfer.push(due.weights.buffer);
    }
    postMessage({ type: 'trained', epoch: experiment.epoch(), due, result: experiment.result(), trained: experiment.trained() }, transfer);
  } else if (message.type === 'record') {
    experiment.record(message.measurement, message.seconds);
    postMessage({ type: 'recorded', result: experiment.result(), done: experiment.done() });
  } else if (message.type === 'measure') {
    if (measurer === null) throw new Error('no measurer has been started');
    const start = performance.now();
    const measurement = measurer.measure(message.epoch, message.weights);
    postMessage({ type: 'measured', epoch: message.epoch, measurement, seconds: (performance.now() - start) / 1000 });
  }
}

// Messages are handled one at a time, in order: a 'measure' that arrives while the data loads
// waits for the measurer.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data)).catch((error) => postMessage({ type: 'error', message: describeFailure(error) }));
};
