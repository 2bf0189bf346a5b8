// Trains the MLP off the main thread, in its own wasm instance, a few epochs per request; a second
// instance of this worker measures the networks the first hands over, so that training goes on
// while a measurement is taken. Each message carries what is new, never the whole result.
//   training:  in:  { type: 'start', config, csv, testCsv }   config: MLP config as JSON text;
//                      csv, testCsv: the user's training and test files' text, if any
//                   { type: 'train', epochs }
//                   { type: 'record', measurement, seconds }   a measurement of the oldest epoch due
//                   { type: 'crash' }                panic on purpose (the tests' build only)
//              out: { type: 'started', result }      the Result so far (no epochs), as JSON text
//                   { type: 'trained', epoch, due, epochLosses, seconds, trained }
//                      due: null or { epoch, weights }; epochLosses: the losses of the epochs
//                      just trained; seconds: { total, measuring } of the result
//                   { type: 'recorded', seconds, done }
//   measuring: in:  { type: 'measurer', config, csv, testCsv }
//                   { type: 'measure', epoch, weights }   weights: Float64Array (transferred)
//              out: { type: 'measured', epoch, measurement, seconds }   measurement: JSON text
//   both:      out: { type: 'error', message }
import { MlpRun, MlpRunMeasurer } from './pkg/agop_collapse.js';
import { crashIfTesting, dataBytes, serveInOrder } from './worker-base.js';

let training = null;
let measurer = null;

serveInOrder(async (message) => {
  if (message.type === 'crash') await crashIfTesting();
  if (message.type === 'start') {
    const bytes = await dataBytes(JSON.parse(message.config));
    training?.free();
    training = null;
    training = new MlpRun(message.config, bytes, message.csv ?? '', message.testCsv ?? '');
    postMessage({ type: 'started', result: training.result() });
  } else if (message.type === 'measurer') {
    const bytes = await dataBytes(JSON.parse(message.config));
    measurer?.free();
    measurer = null;
    measurer = new MlpRunMeasurer(message.config, bytes, message.csv ?? '', message.testCsv ?? '');
  } else if (message.type === 'train') {
    if (training === null) throw new Error('no training has been started');
    const before = training.epoch();
    const epoch = training.trainUntilDue(message.epochs);
    let due = null;
    const transfer = [];
    if (epoch !== undefined) {
      due = { epoch, weights: training.weights() };
      transfer.push(due.weights.buffer);
    }
    const epochLosses = Array.from(training.epochLosses(before));
    postMessage({ type: 'trained', epoch: training.epoch(), due, epochLosses, seconds: training.seconds(), trained: training.trained() }, transfer);
  } else if (message.type === 'record') {
    training.record(message.measurement, message.seconds);
    postMessage({ type: 'recorded', seconds: training.seconds(), done: training.done() });
  } else if (message.type === 'measure') {
    if (measurer === null) throw new Error('no measurer has been started');
    const start = performance.now();
    const measurement = measurer.measure(message.epoch, message.weights);
    postMessage({ type: 'measured', epoch: message.epoch, measurement, seconds: (performance.now() - start) / 1000 });
  }
});
