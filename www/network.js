// The neural-network panel: an MLP trained live in its own worker on the lab's data, with the
// collapse of each layer split at its right singular structure, and the Neural Feature Ansatz.
import { drawLineChart, drawStackedBars, networkFromHash, networkToHash, validateNetworkConfig } from './pkg/agop_collapse.js';
import { workerUrl } from './wasm.js';

const $ = (id) => document.getElementById(id);
/** Network controls: [id, config field]. */
const FIELDS = [['net-depth', 'depth'], ['net-width', 'width'], ['gain', 'gain'], ['lr', 'learning_rate'], ['batch', 'batch_size'], ['epochs', 'epochs'], ['every', 'measure_every']];
/** Network controls whose values are names: [id, config field]. */
const CHOICES = [['output-init', 'output_init']];
/** The panel's charts; each has a note (`ID-empty`) shown while it has nothing to draw. */
const CHARTS = ['chart-net-loss', 'chart-net-nc1', 'chart-net-share', 'chart-net-nfa', 'chart-net-compare'];
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
let worker = null; // trains
let measurer = null; // measures what the training worker hands over
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
  for (const [id, field] of CHOICES) config[field] = $(id).value;
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
  for (const [id, field] of [...FIELDS, ...CHOICES]) $(id).value = String(config[field]);
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
    // pending: measurements handed to the measuring worker and not yet recorded.
    run = { configJson, history: [], waiters: [{ resolve, reject }], startedAt: performance.now(), pending: 0, trained: false, inFlight: false };
  });
  network.result = null;
  network.error = null;
  for (const id of CHARTS) $(id).getContext('2d').clearRect(0, 0, $(id).width, $(id).height);
  $('net-share-table').hidden = true;
  draw();
  // Two workers: one trains, the other measures the networks it hands over, so that a
  // measurement costs the training no time (on a device with a second core).
  worker = newWorker();
  measurer = newWorker();
  worker.onmessage = ({ data }) => onMessage(data);
  measurer.onmessage = ({ data }) => onMeasured(data);
  measurer.postMessage({ type: 'measurer', config: configJson, csv });
  worker.postMessage({ type: 'start', config: configJson, csv });
  setState('running');
  status('Loading the data…');
  return promise;
}

function newWorker() {
  const w = new Worker(workerUrl('./network-worker.js'), { type: 'module' });
  w.onerror = (event) => finish('error', event.message || 'the training stopped unexpectedly');
  return w;
}

function stopWorkers() {
  worker?.terminate();
  measurer?.terminate();
  worker = null;
  measurer = null;
}

/**
 * Measurements handed over and not yet recorded, beyond which training waits: the measuring
 * worker always has the next network ready, and training never runs far ahead of what is shown
 * (nor piles up copies of the weights).
 */
const MAX_PENDING = 2;

/** Asks for the next epoch, unless paused, trained, one is on its way, or measuring lags. */
function continueTraining() {
  if (network.state !== 'running' || run.trained || run.inFlight || run.pending >= MAX_PENDING) return;
  run.inFlight = true;
  worker.postMessage({ type: 'train', epochs: 1 });
}

function onMessage(message) {
  if (message.type === 'error') {
    finish('error', message.message);
    return;
  }
  network.result = JSON.parse(message.result);
  if (message.type === 'recorded') {
    run.pending -= 1;
    if (message.done) finish('done');
    else continueTraining();
    return;
  }
  if (message.type === 'trained') {
    run.inFlight = false;
    run.trained = message.trained;
    if (message.due) {
      run.pending += 1;
      measurer.postMessage({ type: 'measure', epoch: message.due.epoch, weights: message.due.weights }, [message.due.weights.buffer]);
    }
    drawLoss();
  }
  showProgress(message.epoch ?? 0);
  continueTraining();
}

/** A measurement from the measuring worker: drawn at once, then added to the training's result. */
function onMeasured(message) {
  if (message.type === 'error') {
    finish('error', message.message);
    return;
  }
  run.history.push(JSON.parse(message.measurement));
  run.drawn = draw();
  worker.postMessage({ type: 'record', measurement: message.measurement, seconds: message.seconds });
  showProgress(run.epoch ?? 0);
}

function showProgress(epoch) {
  run.epoch = epoch;
  const config = JSON.parse(run.configJson);
  const seconds = ((performance.now() - run.startedAt) / 1000).toFixed(1);
  const last = run.history.at(-1);
  const summary = last ? `, loss ${last.train_loss.toPrecision(3)}, train accuracy ${last.train_acc.toFixed(3)} (epoch ${last.epoch})` : '';
  const paused = network.state === 'paused';
  const measuring = run.trained && run.pending > 0 ? ' Measuring the last epoch…' : '';
  status(`Epoch ${epoch} of ${config.epochs}${summary}.${measuring} ${paused ? 'Paused.' : `${seconds} s`}`);
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
  continueTraining();
}

function cancel() {
  if (network.state !== 'running' && network.state !== 'paused') return;
  stopWorkers();
  finish('cancelled', 'cancelled');
  status(`Cancelled after ${run.history.at(-1)?.epoch ?? 0} epochs.`);
}

function finish(state, message) {
  if (run === null || run.finished) return;
  run.finished = true;
  const waiters = run.waiters.splice(0);
  if (state === 'done') {
    const last = run.history.at(-1);
    const wall = (performance.now() - run.startedAt) / 1000;
    stopWorkers();
    // Done once the last measurement's charts are drawn.
    const { result } = network;
    (run.drawn ?? Promise.resolve()).then(() => {
      setState(state);
      status(`Done: ${last.epoch} epochs, train accuracy ${last.train_acc.toFixed(3)}${last.test_acc === null ? '' : `, test accuracy ${last.test_acc.toFixed(3)}`}, in ${wall.toFixed(1)} s.`);
      waiters.forEach((w) => w.resolve(result));
    });
    return;
  }
  setState(state);
  if (state === 'error') {
    network.error = message;
    showMessage(message);
    status('Stopped by an error.');
    stopWorkers();
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

/** Counts redraws; a redraw in progress gives way to a newer one. */
let drawTurn = 0;

/** Redraws the panel's charts from the measurements so far (and Deep RFM's last result). */
export async function draw() {
  const history = run?.history ?? [];
  for (const id of CHARTS.slice(0, -1)) setEmpty(id, history.length === 0);
  if (history.length === 0) {
    drawComparison();
    return;
  }
  const depth = history[0].layers.length;
  layerChoices(depth);
  const layer = Number($('net-layer').value) - 1;
  const epochs = history.map((m) => m.epoch);
  const series = (name, colour, values, dashed = false) => ({ name, colour, dashed, points: epochs.map((e, i) => [e, values[i]]) });

  const atStart = history[0].layers[layer].nfa;
  // One chart per task: a measurement's redraw never holds the main thread for long.
  const steps = [
    () => drawLoss(),
    () => line('chart-net-nc1', {
      x_label: 'epoch', y_label: `NC1, layer ${layer + 1}`, log_y: true, integer_x: true,
      series: ['in', 'SVt', 'out'].map((stage) => series(stage, COLOURS[stage], history.map((m) => m.layers[layer].stages[stage].nc1), stage === 'SVt')),
    }),
    () => drawShares(history.at(-1)),
    () => line('chart-net-nfa', {
      x_label: 'epoch', y_label: `correlation, layer ${layer + 1}`, log_y: false, integer_x: true,
      series: [
        series('with AGOP^1/2', '#0072B2', history.map((m) => m.layers[layer].nfa)),
        series('with AGOP', '#009E73', history.map((m) => m.layers[layer].nfa_agop)),
        { name: 'at initialisation', colour: '#999999', dashed: true, points: [[epochs[0], atStart], [epochs.at(-1), atStart]] },
      ],
    }),
    () => drawComparison(),
  ];
  const turn = ++drawTurn;
  for (const step of steps) {
    if (turn !== drawTurn) return; // a newer redraw took over
    step();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * Loss and accuracies at the measurements, with the loss of every epoch as training saw it (the
 * mean over its batches), which arrives with every epoch.
 */
function drawLoss() {
  const history = run?.history ?? [];
  if (history.length === 0) return;
  const series = (name, colour, values, dashed = false) => ({ name, colour, dashed, points: history.map((m, i) => [m.epoch, values[i]]) });
  const during = (network.result?.epoch_losses ?? []).map((loss, e) => [e + 1, loss]);
  line('chart-net-loss', {
    x_label: 'epoch', y_label: 'loss (log) / accuracy', log_y: true, integer_x: true,
    series: [
      series('train loss', '#000000', history.map((m) => m.train_loss)),
      ...(during.length === 0 ? [] : [{ name: 'loss during each epoch', colour: '#999999', dashed: false, points: during }]),
      series('train accuracy', '#0072B2', history.map((m) => m.train_acc)),
      ...(history[0].test_acc === null ? [] : [series('test accuracy', '#D55E00', history.map((m) => m.test_acc), true)]),
    ],
  });
}

/**
 * The share of each layer's collapse done by S V^T, as bars: orange where the layer collapses
 * enough for the ratio to mean something, a grey stub where it barely collapses; the raw values
 * are in the table under the chart and in the canvas's tooltip.
 */
function drawShares(last) {
  drawStackedBars($('chart-net-share'), JSON.stringify({
    title: '', x_label: `layer (epoch ${last.epoch})`, y_label: 'share at SVt',
    parts: ['share', 'little collapse'],
    colours: ['#D55E00', '#BBBBBB'],
    // A layer that barely collapses gets a short grey stub: its ratio would be noise.
    bars: last.layers.map((l) => ({ label: String(l.layer), values: l.little_collapse ? [0, 0.05] : [Math.max(l.share ?? 0, 0), 0] })),
  }));
  const fall = (l) => (l.nc1_drop === null ? '–' : Math.exp(l.nc1_drop).toPrecision(3));
  const share = (l) => (l.share === null ? '–' : l.share.toFixed(2));
  const rows = last.layers.map((l) => {
    const row = document.createElement('tr');
    row.className = l.little_collapse ? 'little' : '';
    const cells = [String(l.layer), `${l.stages.in.nc1.toPrecision(3)} → ${l.stages.out.nc1.toPrecision(3)}`, fall(l),
      l.little_collapse ? `${share(l)}, little collapse in this layer` : share(l)];
    for (const text of cells) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  $('net-share-table').tBodies[0].replaceChildren(...rows);
  $('net-share-table').hidden = false;
  $('chart-net-share').title = last.layers
    .map((l) => `layer ${l.layer}: share ${share(l)}, NC1 falls ${fall(l)}x${l.little_collapse ? ' (little collapse in this layer)' : ''}`)
    .join('\n');
}

/** Shows or hides the note of a chart with nothing to draw. */
function setEmpty(id, empty) {
  $(`${id}-empty`).hidden = !empty;
}

/** NC1 of every layer's output: the network's last measurement against Deep RFM's result. */
export function drawComparison() {
  const last = run?.history.at(-1);
  const rfm = host.rfmResult();
  const series = [];
  if (last) series.push({ name: `network, epoch ${last.epoch}`, colour: '#D55E00', dashed: false, points: last.layers.map((l) => [l.layer, l.stages.out.nc1]) });
  if (rfm?.layers?.length) {
    series.push({ name: 'Deep RFM (PhiMX)', colour: '#0072B2', dashed: true, points: rfm.layers.map((l) => [l.layer, l.stages.PhiMX.nc1]) });
  }
  const note = $('chart-net-compare-empty');
  note.textContent = last ? 'Run Deep RFM above to put its layers beside the network\'s.' : rfm?.layers?.length
    ? 'Press Train to put the network\'s layers beside Deep RFM\'s.'
    : 'Run Deep RFM above and press Train: the NC1 of every layer of both appears here side by side.';
  setEmpty('chart-net-compare', series.length === 0);
  if (series.length === 0) return;
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
  draw();
}
