// Computes Deep RFM off the main thread, in its own wasm instance, one layer per request.
//   in:  { type: 'start', config, csv, workers }  config as JSON text; csv the user's file text,
//                                       if any; workers: 2 to take a helper worker, 1 for none
//        { type: 'next' }                compute the next layer
//        { type: 'crash' }               panic on purpose (checks the page's recovery)
//   out: { type: 'started', result }     result: the Result JSON text so far (no layers)
//        { type: 'progress', layer, step }
//        { type: 'layer', report, views, result, done }
//        { type: 'error', message }
import init, { panicOnPurpose, Experiment } from './pkg/agop_collapse.js';
import { loadMnist } from './mnist.js';
import { describeFailure } from './failure.js';

const ready = init();
let experiment = null;
let helper = null;

/** Sends a job to the helper worker; the promise gives its result (src/web/offload.rs). */
function helperRunner() {
  if (helper === null) {
    const worker = new Worker(new URL('./helper-worker.js', import.meta.url), { type: 'module' });
    const waiting = new Map();
    let next = 0;
    worker.onmessage = ({ data }) => {
      if (!waiting.has(data.id)) return;
      const { resolve, reject } = waiting.get(data.id);
      waiting.delete(data.id);
      if (data.error === undefined) resolve(data.result);
      else reject(new Error(data.error));
    };
    worker.onerror = (event) => {
      for (const { reject } of waiting.values()) reject(new Error(event.message || 'the helper worker stopped'));
      waiting.clear();
    };
    helper = (job) => new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      const buffers = [job.a.buffer, job.b.buffer];
      worker.postMessage({ id, job }, buffers);
    });
  }
  return helper;
}
let runJob;

/** The typed arrays inside the views, so that they move to the page instead of being copied. */
function transferables(views) {
  const buffers = [];
  for (const stage of ['X', 'MX', 'PhiMX']) {
    if (views[stage]) buffers.push(views[stage].gram.values.buffer, views[stage].pca.buffer);
  }
  if (views.agop) buffers.push(views.agop.diagonal.buffer, views.agop.eigenvectors.buffer);
  return buffers;
}

async function handle(message) {
  await ready;
  if (message.type === 'crash') panicOnPurpose();
  if (message.type === 'start') {
    const config = JSON.parse(message.config);
    // The helper starts now, so that its wasm instance is ready by the first large product.
    runJob = (message.workers ?? 2) > 1 ? helperRunner() : undefined;
    const bytes = config.data.dataset === 'mnist' ? await loadMnist() : new Uint8Array();
    experiment?.free();
    experiment = null;
    experiment = new Experiment(message.config, bytes, message.csv ?? '');
    postMessage({ type: 'started', result: experiment.result() });
  } else if (message.type === 'next') {
    if (experiment === null) throw new Error('no experiment has been started');
    const report = await experiment.step((layer, step) => postMessage({ type: 'progress', layer, step }), runJob);
    const views = experiment.views();
    postMessage(
      { type: 'layer', report: JSON.parse(report), views, result: experiment.result(), done: experiment.done() },
      transferables(views),
    );
  }
}

// Requests are handled one after another: the page sends the next only after the last answer.
self.onmessage = ({ data }) => {
  handle(data).catch((error) => postMessage({ type: 'error', message: describeFailure(error) }));
};
