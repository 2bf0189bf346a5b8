// Computes Deep RFM off the main thread, in its own wasm instance, one layer per request, with
// the helper workers the page gives it as a pool that shares the blocks of every large product.
//   in:  { type: 'helper', port }       a channel to one helper worker (helper-worker.js); one message per helper
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
import { panicOnPurpose, runLocalJob, Experiment } from './pkg/agop_collapse.js';
import { startWasm } from './wasm.js';
import { loadMnist } from './mnist.js';
import { describeFailure } from './failure.js';

const ready = startWasm();
let experiment = null;

// ---------- the pool (src/web/offload.rs describes a batch) ----------

const helpers = []; // { port, outstanding: jobs sent and not answered, batch: the batch whose inputs it holds }
// Jobs a helper holds at once: its fair share of a batch of 8 (the blocks of src/parallel.rs)
// among the helpers and this worker, sent at once, so that it does not idle while this worker,
// busy with a job of its own, cannot answer it; a helper that is done early takes more.
const ahead = () => Math.ceil(8 / (helpers.length + 1));
// The batches being computed, oldest first (two overlap when a run starts during the warm-up).
const active = [];
const waiting = new Map(); // message id -> { state, index }
let nextId = 0;

function addHelper(port) {
  const helper = { port, outstanding: 0, batch: -1 };
  port.onmessage = ({ data }) => {
    const entry = waiting.get(data.id);
    if (!entry) return;
    waiting.delete(data.id);
    helper.outstanding -= 1;
    if (data.error !== undefined) {
      entry.state.fail(new Error(data.error));
      return;
    }
    entry.state.results[entry.index] = data.result;
    entry.state.done();
    // Idle: one more job, if any is left (this worker takes the others between its own).
    if (helper.outstanding === 0) dispatch(helper, 1);
  };
  helpers.push(helper);
}

/** Sends `helper` the next jobs nobody has taken (up to `limit` outstanding), with the batch's inputs if it lacks them. */
function dispatch(helper, limit) {
  for (;;) {
    const state = active.find((s) => s.queue.length > 0);
    if (state === undefined || helper.outstanding >= limit) return;
    const index = state.queue.shift();
    const id = nextId++;
    waiting.set(id, { state, index });
    helper.outstanding += 1;
    const message = { id, batch: state.batch, job: state.jobs[index] };
    if (helper.batch !== state.batch) {
      message.shared = state.shared;
      helper.batch = state.batch;
    }
    helper.port.postMessage(message);
  }
}

// A task of its own, not a microtask: the helpers' answers are handled between two local jobs.
const tasks = [];
const taskChannel = new MessageChannel();
taskChannel.port1.onmessage = () => tasks.shift()?.();
function soon(task) {
  tasks.push(task);
  taskChannel.port2.postMessage(null);
}

/** This worker's own share: the next job nobody has taken, one per task, while the batch lasts. */
function localStep(state) {
  if (!active.includes(state) || state.queue.length === 0) return;
  // From the end: the helpers take theirs from the front.
  const index = state.queue.pop();
  try {
    runLocalJob(state.batch, index);
  } catch (error) {
    state.fail(error);
    return;
  }
  state.done();
  soon(() => localStep(state));
}

/**
 * Runs a batch of jobs over the helpers and this worker, whichever is free taking the next job;
 * the promise gives the results in the order of the jobs (null where this worker ran the job:
 * its result stayed in its wasm memory).
 */
function runBatch({ batch, shared, jobs }) {
  return new Promise((resolve, reject) => {
    const state = { batch, shared, jobs, queue: jobs.map((_, i) => i), results: new Array(jobs.length).fill(null), remaining: jobs.length };
    const leave = () => {
      const at = active.indexOf(state);
      if (at >= 0) active.splice(at, 1);
      return at >= 0;
    };
    state.done = () => {
      state.remaining -= 1;
      if (state.remaining === 0 && leave()) resolve(state.results);
    };
    state.fail = (error) => {
      if (leave()) reject(error);
    };
    if (jobs.length === 0) {
      resolve([]);
      return;
    }
    active.push(state);
    for (const helper of helpers) dispatch(helper, ahead());
    // Runs once this worker waits for the batch: until then it computes what the layer does
    // beside the batch (the training kernel beside the test kernel's blocks).
    soon(() => localStep(state));
  });
}

/** The pool for a layer step, or undefined without helpers (this worker then computes everything). */
const pool = () => (helpers.length > 0 ? runBatch : undefined);

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
    while (!tiny.done()) await tiny.step(() => {}, pool());
  } finally {
    tiny.free();
  }
}

async function handle(message) {
  await ready;
  if (message.type === 'crash') panicOnPurpose();
  if (message.type === 'helper') addHelper(message.port);
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
    const report = await experiment.step((layer, step, seed) => postMessage({ type: 'progress', layer, step, seedIndex: seed }), pool());
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
