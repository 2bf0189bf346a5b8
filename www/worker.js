// Computes Deep RFM off the main thread, in its own wasm instance, one layer per request.
//   in:  { type: 'helper', port }       the channel to a helper worker (helper-worker.js), if any
//        { type: 'start', config, csv }  config as JSON text; csv the user's file text, if any
//        { type: 'warm' }                fetch MNIST and run a tiny experiment, before a run needs them
//        { type: 'next' }                compute the next layer
//        { type: 'crash' }               panic on purpose (checks the page's recovery)
//   out: { type: 'started', result }     result: the Result JSON text so far (no layers)
//        { type: 'progress', layer, step, seedIndex }
//        { type: 'layer', report, views, seedIndex, result, done }
//          seedIndex: the run (0-based, in seed order) the layer belongs to; views: its pictures,
//          empty for seeds after the first (the page shows the first seed's)
//        { type: 'error', message }
import { panicOnPurpose, Experiment } from './pkg/agop_collapse.js';
import { startWasm } from './wasm.js';
import { loadMnist } from './mnist.js';
import { describeFailure } from './failure.js';

const ready = startWasm();
let experiment = null;

/** Bytes of matrices sent to the helper and received from it, and jobs, since the worker started (read by the bench). */
self.helperTraffic = { sent: 0, received: 0, jobs: 0 };
const matrixBytes = (message) => Object.values(message ?? {}).reduce((sum, v) => sum + (v instanceof Float64Array ? v.byteLength : 0), 0);

/** Sends jobs through `port` to the helper worker; the promise gives a job's result (src/web/offload.rs). */
function helperRunner(port) {
  const waiting = new Map();
  let next = 0;
  port.onmessage = ({ data }) => {
    if (!waiting.has(data.id)) return;
    self.helperTraffic.received += matrixBytes(data.result);
    const { resolve, reject } = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error === undefined) resolve(data.result);
    else reject(new Error(data.error));
  };
  return (job) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    self.helperTraffic.sent += matrixBytes(job);
    self.helperTraffic.jobs += 1;
    port.postMessage({ id, job }, Object.values(job).filter((v) => v instanceof Float64Array).map((m) => m.buffer));
  });
}
let runJob; // undefined without a helper: this worker computes everything


/** The typed arrays inside the views, so that they move to the page instead of being copied. */
function transferables(views) {
  const buffers = [];
  for (const stage of ['X', 'MX', 'PhiMX']) {
    if (views[stage]) buffers.push(views[stage].gram.values.buffer, views[stage].pca.buffer);
  }
  if (views.agop) buffers.push(views.agop.diagonal.buffer, views.agop.eigenvectors.buffer);
  return buffers;
}

/**
 * Fetches MNIST and runs a tiny experiment through both workers: the engine compiles the hot
 * code of both wasm instances to optimised machine code before the first run instead of during
 * it. A failure here is left for the run that meets it to report.
 */
async function warmUp() {
  const bytes = await loadMnist();
  const config = { data: { n_train: 200, n_test: 50 }, depth: 2, width: 64 };
  const tiny = new Experiment(JSON.stringify(config), bytes, '');
  try {
    while (!tiny.done()) await tiny.step(() => {}, runJob);
  } finally {
    tiny.free();
  }
}

async function handle(message) {
  await ready;
  if (message.type === 'crash') panicOnPurpose();
  if (message.type === 'helper') runJob = helperRunner(message.port);
  // A failed fetch is reported by the run that needs the data.
  if (message.type === 'warm') await warmUp().catch(() => {});
  if (message.type === 'start') {
    const config = JSON.parse(message.config);
    const bytes = config.data.dataset === 'mnist' ? await loadMnist() : new Uint8Array();
    experiment?.free();
    experiment = null;
    experiment = new Experiment(message.config, bytes, message.csv ?? '');
    postMessage({ type: 'started', result: experiment.result() });
  } else if (message.type === 'next') {
    if (experiment === null) throw new Error('no experiment has been started');
    const seedIndex = experiment.nextSeedIndex();
    const report = await experiment.step((layer, step, seed) => postMessage({ type: 'progress', layer, step, seedIndex: seed }), runJob);
    const views = experiment.views();
    postMessage(
      { type: 'layer', report: JSON.parse(report), views, seedIndex, result: experiment.result(), done: experiment.done() },
      transferables(views),
    );
  }
}

// Requests are handled one after another: the page sends the next only after the last answer.
self.onmessage = ({ data }) => {
  handle(data).catch((error) => postMessage({ type: 'error', message: describeFailure(error) }));
};
