// One run controller for both panels (Deep RFM and the network): the run's state, the promises
// of those waiting for it, the status line with its ticking seconds and progress bar, and the
// workers it owns (started, warmed up, replaced after a crash, stopped on cancel).
import { workerUrl } from './wasm.js';

/**
 * A module worker running `script` (with the page's wasm build); `onMessage(data)` gets its
 * messages and `onFailure(message)` an uncaught failure.
 */
export function startWorker(script, onMessage, onFailure) {
  const worker = new Worker(workerUrl(script), { type: 'module' });
  worker.onmessage = ({ data }) => onMessage(data);
  worker.onerror = (event) => onFailure(event.message || `the ${script.replace(/^\.\//, '')} worker stopped unexpectedly`);
  return worker;
}

/** Milliseconds between two updates of the status line's seconds. */
const TICK_MS = 100;

export class RunController {
  /**
   * `statusId`: the status line; `progressId`: a <progress> element, or null; `onState(state)`
   * after every change of state. States: idle | running | paused | done | cancelled | error.
   */
  constructor({ statusId, progressId = null, onState = () => {} }) {
    this.status = document.getElementById(statusId);
    this.bar = progressId ? document.getElementById(progressId) : null;
    this.onState = onState;
    this.state = 'idle';
    this.error = null;
    this.run = null; // { waiters, startedAt, finished, ... the panel's own fields }
    this.workers = [];
    this.ticker = null;
    this.text = '';
  }

  /** True while a run computes or waits paused. */
  get busy() {
    return this.state === 'running' || this.state === 'paused';
  }

  setState(state) {
    this.state = state;
    this.onState(state);
  }

  /** Starts a new run record (`fields` are the panel's own); returns the promise of its result. */
  begin(fields = {}) {
    this.error = null;
    return new Promise((resolve, reject) => {
      this.run = { ...fields, waiters: [{ resolve, reject }], startedAt: performance.now(), finished: false };
    });
  }

  /** Another promise of the current run's next settling (Step, then Run, of one run). */
  join() {
    return new Promise((resolve, reject) => this.run.waiters.push({ resolve, reject }));
  }

  /** Marks the run as computing, and keeps the status line's seconds ticking. */
  resume(text) {
    this.setState('running');
    if (this.run) this.run.resumedAt = performance.now();
    this.progress(text);
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.progress(), TICK_MS);
  }

  /**
   * Shows `text` (or the last text) with the seconds since the run started, and the bar at
   * `done` of `total` (when given); the bar shows once a run has taken a second.
   */
  progress(text, done, total) {
    if (text !== undefined) this.text = text;
    if (this.run === null) return;
    const elapsed = (performance.now() - this.run.startedAt) / 1000;
    this.status.textContent = `${this.text} ${elapsed.toFixed(1)} s`;
    if (this.bar) {
      if (total !== undefined) {
        this.bar.max = total;
        this.bar.value = done;
      }
      this.bar.hidden = !(this.state === 'running' && elapsed >= 1);
    }
  }

  stopTicking() {
    clearInterval(this.ticker);
    this.ticker = null;
    if (this.bar) this.bar.hidden = true;
  }

  /** Shows `text` on the status line as it is. */
  say(text) {
    this.text = text;
    this.status.textContent = text;
  }

  /** Resolves the current run's waiters with `value`; the run stays open (a Step's pause). */
  settle(value, state = 'idle') {
    this.stopTicking();
    this.setState(state);
    for (const waiter of this.run.waiters.splice(0)) waiter.resolve(value);
  }

  /**
   * Ends the run: `done` resolves its waiters with `value`; `error` and `cancelled` reject them
   * with `message`, and an error stops the workers (they may be in a bad state: the next run
   * starts fresh ones).
   */
  finish(state, { value, message } = {}) {
    if (this.run === null || this.run.finished) return;
    this.run.finished = true;
    this.stopTicking();
    const waiters = this.run.waiters.splice(0);
    if (state === 'error') {
      this.error = message;
      this.stopWorkers();
    }
    this.setState(state);
    if (state === 'done') waiters.forEach((w) => w.resolve(value));
    else waiters.forEach((w) => w.reject(new Error(message ?? state)));
  }

  /** Cancels the run at once: a computation cannot be interrupted, so its workers are replaced. */
  cancel() {
    if (!this.busy) return false;
    this.stopWorkers();
    this.finish('cancelled', { message: 'cancelled' });
    return true;
  }

  /** Adopts workers, stopped together by [`stopWorkers`]. */
  own(...workers) {
    this.workers.push(...workers);
    return workers[0];
  }

  stopWorkers() {
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
  }
}
