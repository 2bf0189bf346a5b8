// The page: settings <-> URL hash, runs in the worker, live charts, and window.lab for embedders.
import init, { configFromHash, configToHash, defaultRfmConfig, freshSeed, validateRfmConfig, version } from './pkg/agop_collapse.js';
import { clearCharts, drawLayerCharts, drawPictures, STAGES } from './charts.js';

/** Hash keys that are presentation flags, not experiment settings. */
const PRESENTATION_KEYS = [];
const STEP_NAMES = { kernel: 'kernel matrix', solve: 'ridge solve', agop: 'AGOP', sqrt: 'square root and projection', features: 'random features', metrics: 'collapse metrics' };
const $ = (id) => document.getElementById(id);

/** Inputs and the config field each one sets: [id, path, kind]. */
const FIELDS = [
  ['dataset', ['data', 'dataset'], 'text'],
  ['n-train', ['data', 'n_train'], 'number'],
  ['n-test', ['data', 'n_test'], 'number'],
  ['pool', ['data', 'pool'], 'number'],
  ['classes', ['data', 'classes'], 'number'],
  ['dim', ['data', 'dim'], 'number'],
  ['rank', ['data', 'rank'], 'number'],
  ['separation', ['data', 'separation'], 'number'],
  ['noise', ['data', 'noise'], 'number'],
  ['standardize', ['data', 'standardize'], 'check'],
  ['depth', ['depth'], 'number'],
  ['kernel', ['kernel'], 'text'],
  ['bandwidth', ['bandwidth'], 'number'],
  ['ridge', ['ridge'], 'number'],
  ['feature', ['feature'], 'text'],
  ['width', ['width'], 'number'],
  ['sigma', ['sigma'], 'number'],
  ['seed', ['seed'], 'number'],
];

const lab = {
  state: 'idle',
  result: null,
  error: null,
  run: (config) => start('run', config),
  step: () => start('step'),
  cancel: () => cancel('cancelled'),
};
window.lab = lab;

let worker = null;
let session = null; // { configJson, layers, views, done, mode, startedAt, waiters }
let ticker = null;

// ---------- settings ----------

function digitBoxes() {
  return [...document.querySelectorAll('#digits input')];
}

function readControls() {
  const config = JSON.parse(defaultRfmConfig());
  for (const [id, path, kind] of FIELDS) {
    const input = $(id);
    const value = kind === 'check' ? input.checked : kind === 'number' ? (input.value === '' ? null : Number(input.value)) : input.value;
    path.length === 2 ? (config[path[0]][path[1]] = value) : (config[path[0]] = value);
  }
  config.data.digits = digitBoxes().filter((box) => box.checked).map((box) => Number(box.value));
  return config;
}

function writeControls(config) {
  for (const [id, path, kind] of FIELDS) {
    const value = path.length === 2 ? config[path[0]][path[1]] : config[path[0]];
    if (kind === 'check') $(id).checked = value;
    else $(id).value = String(value);
  }
  for (const box of digitBoxes()) box.checked = config.data.digits.includes(Number(box.value));
  showDependentControls(config);
}

function showDependentControls(config) {
  document.body.classList.toggle('dataset-mnist', config.data.dataset === 'mnist');
  document.body.classList.toggle('dataset-synthetic', config.data.dataset === 'synthetic');
  document.body.classList.toggle('feature-cos', config.feature === 'cos');
}

/** The validated config of the controls as JSON text, or null after showing why not. */
function validConfig() {
  try {
    const json = validateRfmConfig(JSON.stringify(readControls()));
    showMessage('');
    return json;
  } catch (error) {
    showMessage(error.message);
    return null;
  }
}

function settingsChanged(event) {
  const config = readControls();
  showDependentControls(config);
  event?.target?.removeAttribute?.('aria-invalid');
  const json = validConfig();
  if (json === null) {
    event?.target?.setAttribute?.('aria-invalid', 'true');
    return;
  }
  history.replaceState(null, '', `#${configToHash(json)}`);
}

function applyHash() {
  const { config, messages } = configFromHash(location.hash, PRESENTATION_KEYS);
  writeControls(JSON.parse(config));
  history.replaceState(null, '', `#${configToHash(config)}`);
  showMessage(messages.join('\n'));
}

function showMessage(text) {
  $('message').textContent = text;
  $('message').hidden = text === '';
}

// ---------- runs ----------

function setState(state) {
  lab.state = state;
  document.body.dataset.state = state;
  const running = state === 'running';
  $('cancel').disabled = !running;
  $('run').disabled = running;
  $('step').disabled = running;
}

function newWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => onWorkerMessage(data);
  worker.onerror = (event) => finish('error', event.message || 'the computation stopped unexpectedly');
}

function start(mode, config) {
  if (lab.state === 'running') return Promise.reject(new Error('a run is already in progress'));
  if (config !== undefined) {
    try {
      writeControls(JSON.parse(validateRfmConfig(JSON.stringify(config))));
    } catch (error) {
      showMessage(error.message);
      return Promise.reject(error);
    }
  }
  const configJson = validConfig();
  if (configJson === null) return Promise.reject(new Error($('message').textContent));
  history.replaceState(null, '', `#${configToHash(configJson)}`);
  const fresh = session === null || session.done || session.configJson !== configJson || mode === 'run' && config !== undefined;
  const promise = new Promise((resolve, reject) => {
    if (fresh) {
      session = { configJson, layers: [], views: [], done: false, waiters: [] };
      lab.result = null;
      lab.error = null;
      clearCharts();
      renderTable();
    }
    session.waiters.push({ resolve, reject });
  });
  session.mode = mode;
  session.startedAt = performance.now();
  setState('running');
  if (worker === null) newWorker();
  worker.postMessage(fresh ? { type: 'start', config: configJson } : { type: 'next' });
  progress(fresh ? 'Loading the data…' : 'Next layer…');
  ticker = setInterval(() => progress(), 100);
  return promise;
}

let progressText = '';
function progress(text) {
  if (text !== undefined) progressText = text;
  const seconds = ((performance.now() - session.startedAt) / 1000).toFixed(1);
  $('status').textContent = `${progressText} ${seconds} s`;
}

function onWorkerMessage(message) {
  if (session === null) return;
  const depth = JSON.parse(session.configJson).depth;
  if (message.type === 'started') {
    lab.result = JSON.parse(message.result);
    worker.postMessage({ type: 'next' });
  } else if (message.type === 'progress') {
    progress(`Layer ${message.layer} of ${depth}: ${STEP_NAMES[message.step] ?? message.step}…`);
  } else if (message.type === 'layer') {
    session.layers.push(message.report);
    session.views.push(message.views);
    lab.result = JSON.parse(message.result);
    followLatestLayer();
    redraw();
    renderTable();
    if (message.done) finish('done');
    else if (session.mode === 'run') worker.postMessage({ type: 'next' });
    else pause();
  } else if (message.type === 'error') {
    finish('error', message.message);
  }
}

function stopTicker() {
  clearInterval(ticker);
  ticker = null;
}

/** After a Step: the run waits for Step or Run to go on. */
function pause() {
  stopTicker();
  setState('idle');
  const depth = JSON.parse(session.configJson).depth;
  $('status').textContent = `Layer ${session.layers.length} of ${depth} computed. Step or Run to go on.`;
  for (const waiter of session.waiters.splice(0)) waiter.resolve(lab.result);
}

function finish(state, message) {
  stopTicker();
  const waiters = session ? session.waiters.splice(0) : [];
  if (session) session.done = true;
  setState(state);
  if (state === 'done') {
    $('status').textContent = `Done: ${lab.result.layers.length} layers in ${lab.result.seconds_total.toFixed(1)} s of computation.`;
    waiters.forEach((w) => w.resolve(lab.result));
    return;
  }
  if (state === 'error') {
    lab.error = message;
    showMessage(message);
    $('status').textContent = 'Stopped by an error.';
    // The worker may be in a bad state after an error: start the next run on a fresh one.
    worker?.terminate();
    worker = null;
  }
  waiters.forEach((w) => w.reject(new Error(message ?? state)));
}

function cancel(state) {
  if (lab.state !== 'running') return;
  // A layer cannot be interrupted from outside; the worker is replaced instead, at once.
  worker.terminate();
  worker = null;
  finish(state, state === 'cancelled' ? 'cancelled' : undefined);
  if (state === 'cancelled') $('status').textContent = `Cancelled after ${session.layers.length} layer(s).`;
}

function reset() {
  if (lab.state === 'running') cancel('idle');
  session = null;
  lab.result = null;
  lab.error = null;
  setState('idle');
  clearCharts();
  renderTable();
  $('view-layer').max = '1';
  $('view-layer').value = '1';
  $('view-layer-value').textContent = '1';
  showMessage('');
  $('status').textContent = 'Ready.';
}

// ---------- display ----------

function followLatestLayer() {
  const slider = $('view-layer');
  const atEnd = Number(slider.value) >= Number(slider.max) || session.layers.length === 1;
  slider.max = String(session.layers.length);
  if (atEnd) slider.value = String(session.layers.length);
  $('view-layer-value').textContent = slider.value;
}

function redraw() {
  if (session === null || session.layers.length === 0) return;
  drawLayerCharts(session.layers, { nc1Variant: $('nc1-variant').value, nc2Variant: $('nc2-variant').value });
  redrawPictures();
}

function redrawPictures() {
  if (session === null || session.layers.length === 0) return;
  const index = Math.min(Number($('view-layer').value), session.layers.length) - 1;
  const classNames = lab.result?.dataset?.class_names ?? [];
  drawPictures(session.layers[index], session.views[index], $('view-stage').value, classNames);
}

const METRICS = ['nc1', 'nc1_trace', 'nc1_papyan', 'nc1_wt', 'nc2', 'nc2_orth', 'nc2_equinorm', 'nc2_equiangle', 'ncc_agreement'];

function renderTable() {
  const body = $('metrics-table').tBodies[0];
  const rows = [];
  for (const layer of session?.layers ?? []) {
    for (const stage of STAGES) {
      const row = document.createElement('tr');
      const cells = [String(layer.layer), stage, ...METRICS.map((m) => layer.stages[stage][m].toPrecision(3))];
      cells.forEach((text, i) => {
        const cell = document.createElement(i < 2 ? 'th' : 'td');
        if (i < 2) cell.scope = 'row';
        cell.textContent = text;
        row.append(cell);
      });
      rows.push(row);
    }
  }
  body.replaceChildren(...rows);
}

// ---------- start-up ----------

async function main() {
  await init();
  $('version').textContent = `agop-collapse ${version()}`;
  const digits = $('digits');
  for (let d = 0; d <= 9; d += 1) {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" name="digit" value="${d}"> ${d}`;
    digits.append(label);
  }
  applyHash();
  $('controls').addEventListener('change', settingsChanged);
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    start('run').catch(() => {});
  });
  $('step').addEventListener('click', () => start('step').catch(() => {}));
  $('cancel').addEventListener('click', () => cancel('cancelled'));
  $('reset').addEventListener('click', reset);
  $('new-seed').addEventListener('click', () => {
    $('seed').value = String(freshSeed());
    settingsChanged();
  });
  window.addEventListener('hashchange', applyHash);
  $('nc1-variant').addEventListener('change', redraw);
  $('nc2-variant').addEventListener('change', redraw);
  $('view-stage').addEventListener('change', redrawPictures);
  $('view-layer').addEventListener('input', () => {
    $('view-layer-value').textContent = $('view-layer').value;
    redrawPictures();
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(redraw, 150);
  });
  setState('idle');
  $('status').textContent = 'Ready. Press Run.';
}

main().catch((error) => {
  $('status').textContent = 'The lab could not start.';
  showMessage(String(error?.message ?? error));
});
