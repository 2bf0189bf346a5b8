// Computes Deep RFM off the main thread, in its own wasm instance, one layer per request.
//   in:  { type: 'helper', port }       the channel to a helper worker (helper-worker.js), if any
//        { type: 'start', config, csv, testCsv }  config as JSON text; csv the user's file text,
//          testCsv their test file's text, each if any
//        { type: 'warm' }                fetch MNIST and run a tiny experiment, before a run needs them
//        { type: 'next' }                compute the next layer
//        { type: 'crash' }               panic on purpose (the tests' build only)
//   out: { type: 'started', result }     result: the Result so far (no layers), as JSON text
//        { type: 'progress', layer, step, seedIndex }
//        { type: 'layer', layer, views }  layer: the layer's message (src/web/rfm.rs, as JSON
//          text): its report and what changed in the result, never the whole result; views: its
//          pictures, empty for seeds after the first (the page shows the first seed's)
//        { type: 'error', message }
import { RfmRun } from './pkg/agop_collapse.js';
import { crashIfTesting, dataBytes, serveInOrder } from './worker-base.js';

let run = null;

/** Bytes of matrices sent to the helper and received from it, and jobs, since the worker started (read by the bench). */
self.helperTraffic = { sent: 0, received: 0, jobs: 0 };
/**
 * What this worker posted to the page since it started (read by the bench and the tests): bytes
 * of the JSON text of the start and of the layers' messages, progress messages, bytes of the
 * pictures, and each layer message's size in order.
 */
self.posted = { started: 0, layer: 0, progress: 0, views: 0, layerSizes: [] };
/** The Result as Rust writes it, of the run in progress (the tests compare the page's with it). */
self.rustResult = () => (run === null ? null : run.result());
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
  if (views.kernel) buffers.push(views.kernel.values.buffer);
  if (views.agop) buffers.push(views.agop.diagonal.buffer, views.agop.eigenvectors.buffer);
  return buffers;
}

function viewBytes(views) {
  return transferables(views).reduce((sum, buffer) => sum + buffer.byteLength, 0) + (views.labels?.byteLength ?? 0);
}

/**
 * Fetches MNIST and runs a tiny experiment through both workers: the engine compiles the hot
 * code of both wasm instances to optimised machine code before the first run instead of during
 * it. A failure here is left for the run that meets it to report.
 */
async function warmUp() {
  const bytes = await dataBytes({ data: { dataset: 'mnist' } });
  const config = { data: { n_train: 200, n_test: 50 }, depth: 2, width: 64 };
  const tiny = new RfmRun(JSON.stringify(config), bytes, '', '');
  try {
    while (!tiny.done()) await tiny.step(() => {}, runJob);
  } finally {
    tiny.free();
  }
}

serveInOrder(async (message) => {
  if (message.type === 'crash') await crashIfTesting();
  if (message.type === 'helper') runJob = helperRunner(message.port);
  // A failed fetch is reported by the run that needs the data.
  if (message.type === 'warm') await warmUp().catch(() => {});
  if (message.type === 'start') {
    const bytes = await dataBytes(JSON.parse(message.config));
    run?.free();
    run = null;
    run = new RfmRun(message.config, bytes, message.csv ?? '', message.testCsv ?? '');
    const result = run.result();
    self.posted.started += result.length;
    postMessage({ type: 'started', result });
  } else if (message.type === 'next') {
    if (run === null) throw new Error('no run has been started');
    const seedIndex = run.nextSeedIndex();
    const layer = await run.step((number, step, seed) => {
      self.posted.progress += 1;
      postMessage({ type: 'progress', layer: number, step, seedIndex: seed });
    }, runJob);
    const views = run.views();
    self.posted.layer += layer.length;
    self.posted.views += viewBytes(views);
    self.posted.layerSizes.push(layer.length);
    postMessage({ type: 'layer', layer, views, seedIndex }, transferables(views));
  }
});
