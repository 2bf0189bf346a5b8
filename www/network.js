// The neural-network panel: an MLP trained live in its own worker on the lab's data, with the
// collapse of each layer split at its right singular structure, and the Neural Feature Ansatz.
import { drawLineChart, networkFromHash, networkToHash, validateNetworkConfig } from './pkg/agop_collapse.js';
import { workerUrl } from './wasm.js';

const $ = (id) => document.getElementById(id);
/** Network controls: [id, config field]. */
const FIELDS = [['net-depth', 'depth'], ['net-width', 'width'], ['gain', 'gain'], ['lr', 'learning_rate'], ['batch', 'batch_size'], ['epochs', 'epochs'], ['every', 'measure_every']];
const COLOURS = { in: '#0072B2', SVt: '#D55E00', out: '#009E73' };

/** The programmatic face of the panel (`window.lab.network`). */
export const network = {
  state: 'idle', // idle | running | paused | done | cancelled | error
  result: null,
  error: null,
  train: (config) => start(config),
  pause: () => pause(),
  resume: () => resume(),
  cancel: () => cancel(),
};

let host = null; // what the page lends: { rfmConfigJson, rfmResult, csvText, hashChanged }
let worker = null;
let run = null; // { configJson, history, waiters }

function showMessage(text) {
  $('net-message').textContent = text;
  $('net-message').hidden = text === '';
}

/** The MLP config of the controls, with the data and seed of the lab's settings. */
function readConfig() {
  const rfm = JSON.parse(host.rfmConfigJson() ?? 'null');
  if (rfm === null) return null;
  const config = { data: rfm.data, seed: rfm.seed };
  for (const [id, field] of FIELDS) config[field] = $(id).value === '' ? null : Number($(id).value);
  return config;
}

/** The validated config as JSON text, or null after showing why not. */
function validConfig() {
  const config = readConfig();
  if (config === null) return null;
  try {
    const json = validateNetworkConfig(JSON.stringify(config));
    showMessage('');
    return json;
  } catch (error) {
    showMessage(error.message);
    return null;
  }
}

/** The network part of the page's hash (`net_depth=...&...`), or '' while a value is invalid. */
export function networkHash() {
  const json = validConfig();
  return json === null ? '' : networkToHash(json);
}

function writeControls(config) {
  for (const [id, field] of FIELDS) $(id).value = String(config[field]);
}

/** Reads the network settings of a hash; returns the messages for values it could not use. */
export function applyNetworkHash(hash, rfmConfigJson) {
  const { config, messages } = networkFromHash(hash, rfmConfigJson);
  writeControls(JSON.parse(config));
  return messages;
}

function setState(state) {
  network.state = state;
  const running = state === 'running';
  $('train').disabled = running || state === 'paused';
  $('pause').disabled = !(running || state === 'paused');
  $('pause').textContent = state === 'paused' ? 'Resume' : 'Pause';
  $('net-cancel').disabled = !(running || state === 'paused');
}

function status(text) {
  $('net-status').textContent = text;
}

function start(config) {
  if (network.state === 'running' || network.state === 'paused') return Promise.reject(new Error('a training run is in progress'));
  if (config !== undefined) {
    try {
      writeControls(JSON.parse(validateNetworkConfig(JSON.stringify({ ...readConfig(), ...config }))));
    } catch (error) {
      showMessage(error.message);
      return Promise.reject(error);
    }
  }
  const configJson = validConfig();
  if (configJson === null) return Promise.reject(new Error($('net-message').textContent));
  host.hashChanged();
  const dataset = JSON.parse(configJson).data.dataset;
  const csv = dataset.startsWith('csv:') ? host.csvText(dataset.slice(4)) : '';
  if (csv === null) {
    showMessage(`load the CSV file ${dataset.slice(4)} with the file control first`);
    return Promise.reject(new Error($('net-message').textContent));
  }
  const promise = new Promise((resolve, reject) => {
    run = { configJson, history: [], waiters: [{ resolve, reject }], startedAt: performance.now() };
  });
  network.result = null;
  network.error = null;
  worker = new Worker(workerUrl('./network-worker.js'), { type: 'module' });
  worker.onmessage = ({ data }) => onMessage(data);
  worker.onerror = (event) => finish('error', event.message || 'the training stopped unexpectedly');
  worker.postMessage({ type: 'start', config: configJson, csv });
  setState('running');
  status('Loading the data…');
  return promise;
}

function onMessage(message) {
  if (message.type === 'error') {
    finish('error', message.message);
    return;
  }
  network.result = JSON.parse(message.result);
  if (message.type === 'trained') {
    if (message.measurement) {
      run.history.push(message.measurement);
      draw();
    }
    if (message.done) {
      finish('done');
      return;
    }
  }
  const config = JSON.parse(run.configJson);
  const seconds = ((performance.now() - run.startedAt) / 1000).toFixed(1);
  const last = run.history.at(-1);
  const summary = last ? `, loss ${last.train_loss.toPrecision(3)}, train accuracy ${last.train_acc.toFixed(3)}` : '';
  const paused = network.state === 'paused';
  status(`Epoch ${message.epoch ?? 0} of ${config.epochs}${summary}. ${paused ? 'Paused.' : `${seconds} s`}`);
  run.inFlight = !paused;
  if (!paused) worker.postMessage({ type: 'train', epochs: 1 });
}

function pause() {
  if (network.state !== 'running') return;
  // The epoch in progress finishes (its message then says "Paused."); the next waits for Resume.
  setState('paused');
  status('Pausing after this epoch…');
}

function resume() {
  if (network.state !== 'paused') return;
  setState('running');
  if (!run.inFlight) {
    run.inFlight = true;
    worker.postMessage({ type: 'train', epochs: 1 });
  }
}

function cancel() {
  if (network.state !== 'running' && network.state !== 'paused') return;
  worker.terminate();
  worker = null;
  finish('cancelled', 'cancelled');
  status(`Cancelled after ${run.history.at(-1)?.epoch ?? 0} epochs.`);
}

function finish(state, message) {
  const waiters = run ? run.waiters.splice(0) : [];
  setState(state);
  if (state === 'done') {
    const last = run.history.at(-1);
    status(`Done: ${last.epoch} epochs, train accuracy ${last.train_acc.toFixed(3)}${last.test_acc === null ? '' : `, test accuracy ${last.test_acc.toFixed(3)}`}, in ${network.result.seconds_total.toFixed(1)} s.`);
    worker?.terminate();
    worker = null;
    waiters.forEach((w) => w.resolve(network.result));
    return;
  }
  if (state === 'error') {
    network.error = message;
    showMessage(message);
    status('Stopped by an error.');
    worker?.terminate();
    worker = null;
  }
  waiters.forEach((w) => w.reject(new Error(message)));
}

// ---------- charts ----------

function line(id, spec) {
  drawLineChart($(id), JSON.stringify({ title: '', ...spec }));
}

function layerChoices(depth) {
  const select = $('net-layer');
  if (select.options.length === depth) return;
  const chosen = Number(select.value || 1);
  select.replaceChildren();
  for (let l = 1; l <= depth; l += 1) {
    const option = document.createElement('option');
    option.value = String(l);
    option.textContent = String(l);
    select.append(option);
  }
  select.value = String(Math.min(chosen, depth));
}

/** Redraws the panel's charts from the measurements so far (and Deep RFM's last result). */
export function draw() {
  const history = run?.history ?? [];
  if (history.length === 0) return;
  const depth = history[0].layers.length;
  layerChoices(depth);
  const layer = Number($('net-layer').value) - 1;
  const epochs = history.map((m) => m.epoch);
  const series = (name, colour, values, dashed = false) => ({ name, colour, dashed, points: epochs.map((e, i) => [e, values[i]]) });

  line('chart-net-loss', {
    x_label: 'epoch', y_label: 'loss (log) / accuracy', log_y: true, integer_x: true,
    series: [
      series('train loss', '#000000', history.map((m) => m.train_loss)),
      series('train accuracy', '#0072B2', history.map((m) => m.train_acc)),
      ...(history[0].test_acc === null ? [] : [series('test accuracy', '#D55E00', history.map((m) => m.test_acc), true)]),
    ],
  });
  line('chart-net-nc1', {
    x_label: 'epoch', y_label: `NC1, layer ${layer + 1}`, log_y: true, integer_x: true,
    series: ['in', 'SVt', 'out'].map((stage) => series(stage, COLOURS[stage], history.map((m) => m.layers[layer].stages[stage].nc1), stage === 'SVt')),
  });
  const last = history.at(-1);
  line('chart-net-share', {
    x_label: 'layer', y_label: 'share at SVt', log_y: false, integer_x: true,
    series: [
      { name: `epoch ${last.epoch}`, colour: '#D55E00', dashed: false, points: last.layers.map((l) => [l.layer, l.share]) },
      { name: 'one half', colour: '#999999', dashed: true, points: [[1, 0.5], [depth, 0.5]] },
    ],
  });
  const atStart = history[0].layers[layer].nfa;
  line('chart-net-nfa', {
    x_label: 'epoch', y_label: `correlation, layer ${layer + 1}`, log_y: false, integer_x: true,
    series: [
      series('with AGOP^1/2', '#0072B2', history.map((m) => m.layers[layer].nfa)),
      series('with AGOP', '#009E73', history.map((m) => m.layers[layer].nfa_agop)),
      { name: 'at initialisation', colour: '#999999', dashed: true, points: [[epochs[0], atStart], [epochs.at(-1), atStart]] },
    ],
  });
  drawComparison();
}

/** NC1 of every layer's output: the network's last measurement against Deep RFM's result. */
export function drawComparison() {
  const last = run?.history.at(-1);
  if (!last) return;
  const series = [{ name: `network, epoch ${last.epoch}`, colour: '#D55E00', dashed: false, points: last.layers.map((l) => [l.layer, l.stages.out.nc1]) }];
  const rfm = host.rfmResult();
  if (rfm?.layers?.length) {
    series.push({ name: 'Deep RFM (PhiMX)', colour: '#0072B2', dashed: true, points: rfm.layers.map((l) => [l.layer, l.stages.PhiMX.nc1]) });
  }
  line('chart-net-compare', { x_label: 'layer', y_label: 'NC1 of the layer output', log_y: true, integer_x: true, series });
}

export function setupNetwork(page) {
  host = page;
  $('network-controls').addEventListener('submit', (event) => {
    event.preventDefault();
    start().catch(() => {});
  });
  $('network-controls').addEventListener('change', () => {
    if (validConfig() !== null) host.hashChanged();
  });
  $('pause').addEventListener('click', () => (network.state === 'paused' ? resume() : pause()));
  $('net-cancel').addEventListener('click', cancel);
  $('net-layer').addEventListener('change', draw);
  setState('idle');
}
