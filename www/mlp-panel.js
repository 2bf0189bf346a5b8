// The neural-network panel: an MLP trained live in its own worker on the lab's data, with the
// collapse of each layer split at its right singular structure, and the Neural Feature Ansatz.
// Its settings live in the State (state.mlp, with the data and seed of the Deep RFM settings);
// its runs go through the same controller as Deep RFM's.
import { drawLineChart, drawStackedBars } from './pkg/agop_collapse.js';
import { RunController, startWorker } from './run-controller.js';
import { renderControls } from './controls.js';
import { alphaSeries, clearNetGeometry, describeAlpha, drawNetAlignment, drawNetNc3 } from './mlp-alignment.js';
import { renderNetworkTable } from './mlp-numbers.js';
import { commit, problems, state, subscribe } from './state.js';

const $ = (id) => document.getElementById(id);
/** Network config fields a training run may be given, beyond the network's own. */
const SHARED_FIELDS = ['data', 'seed'];
/** The panel's charts; each has a note (`ID-empty`) shown while it has nothing to draw. */
const CHARTS = ['chart-net-loss', 'chart-net-accuracy', 'chart-net-nc1', 'chart-net-share', 'chart-net-nfa', 'chart-net-alignment', 'chart-net-nc3', 'chart-net-compare'];
const COLOURS = { in: '#0072B2', SVt: '#D55E00', out: '#009E73' };

const controller = new RunController({
  statusId: 'net-status',
  onState: (runState) => {
    network.state = runState;
    const busy = runState === 'running' || runState === 'paused';
    $('train').disabled = busy;
    $('pause').disabled = !busy;
    $('pause').textContent = runState === 'paused' ? 'Resume' : 'Pause';
    $('net-cancel').disabled = !busy;
    if (runState === 'error') {
      network.error = controller.error;
      showMessage(controller.error);
      controller.say('Stopped by an error.');
    }
  },
});

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

let host = null; // what the page lends: { rfmResult, csvTexts }
let trainer = null; // trains
let measurer = null; // measures what the training worker hands over

function showMessage(text) {
  $('net-message').textContent = text;
  $('net-message').hidden = text === '';
}

/**
 * Starts training the State's network; `config` (optional) overrides some of its fields for
 * this run (its own settings are kept in the State, and shown; `data` and `seed` only for this
 * run). The config is validated once, where it enters Rust in the worker.
 */
function start(config) {
  if (controller.busy) return Promise.reject(new Error('a training run is in progress'));
  const own = Object.fromEntries(Object.entries(config ?? {}).filter(([key]) => !SHARED_FIELDS.includes(key)));
  if (Object.keys(own).length > 0) {
    Object.assign(state.mlp, own);
    commit();
    renderControls();
  }
  const shared = Object.fromEntries(Object.entries(config ?? {}).filter(([key]) => SHARED_FIELDS.includes(key)));
  // Without data or seed of its own, the run is the State's network, checked as it was set.
  const problem = problems.rfm ?? (Object.keys(shared).length === 0 ? problems.mlp : null);
  if (problem !== null) {
    showMessage(problem);
    return Promise.reject(new Error(problem));
  }
  const configJson = JSON.stringify({ ...state.mlp, ...shared });
  const { csv, testCsv, missing } = host.csvTexts(shared.data ?? state.mlp.data);
  if (missing) {
    showMessage(missing);
    return Promise.reject(new Error(missing));
  }
  showMessage('');
  // pending: measurements handed to the measuring worker and not yet recorded.
  const promise = controller.begin({ configJson, pending: 0, trained: false, inFlight: false, epoch: 0 });
  network.result = null;
  network.error = null;
  for (const id of CHARTS) $(id).getContext('2d').clearRect(0, 0, $(id).width, $(id).height);
  $('net-share-table').hidden = true;
  renderNetworkTable(null);
  redrawNetwork();
  // Two workers: one trains, the other measures the networks it hands over, so that a
  // measurement costs the training no time (on a device with a second core).
  const failed = (message) => controller.finish('error', { message: message || 'the training stopped unexpectedly' });
  trainer = controller.own(startWorker('./mlp-worker.js', onMessage, failed));
  measurer = controller.own(startWorker('./mlp-worker.js', onMeasured, failed));
  measurer.postMessage({ type: 'measurer', config: configJson, csv, testCsv });
  trainer.postMessage({ type: 'start', config: configJson, csv, testCsv });
  controller.resume('Loading the data…');
  return promise;
}

/**
 * Measurements handed over and not yet recorded, beyond which training waits: the measuring
 * worker always has the next network ready, and training never runs far ahead of what is shown
 * (nor piles up copies of the weights).
 */
const MAX_PENDING = 2;

/** Asks for the next epoch, unless paused, trained, one is on its way, or measuring lags. */
function continueTraining() {
  const run = controller.run;
  if (controller.state !== 'running' || run.trained || run.inFlight || run.pending >= MAX_PENDING) return;
  run.inFlight = true;
  trainer.postMessage({ type: 'train', epochs: 1 });
}

/**
 * The current run, when `message` (from either worker) is for it and is no error; null after
 * reporting an error, or for a message of a run that has ended.
 */
function runFor(message) {
  const run = controller.run;
  if (run === null || run.finished) return null;
  if (message.type !== 'error') return run;
  controller.finish('error', { message: message.message });
  return null;
}

/** The measurements of the training shown, oldest first (the Result's history). */
function measurements() {
  return network.result?.history ?? [];
}

function onMessage(message) {
  const run = runFor(message);
  if (run === null) return;
  if (message.type === 'started') {
    network.result = JSON.parse(message.result);
  } else if (message.type === 'recorded') {
    network.result.seconds_total = message.seconds.total;
    network.result.seconds_measuring = message.seconds.measuring;
    run.pending -= 1;
    if (message.done) finishTraining();
    else continueTraining();
    return;
  } else if (message.type === 'trained') {
    run.inFlight = false;
    run.trained = message.trained;
    network.result.epoch_losses.push(...message.epochLosses);
    network.result.seconds_total = message.seconds.total;
    network.result.seconds_measuring = message.seconds.measuring;
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
  const run = runFor(message);
  if (run === null) return;
  const measurement = JSON.parse(message.measurement);
  network.result.history.push(measurement);
  run.drawn = redrawNetwork();
  trainer.postMessage({ type: 'record', measurement: message.measurement, seconds: message.seconds });
  showProgress(run.epoch);
}

function showProgress(epoch) {
  const run = controller.run;
  run.epoch = epoch;
  const { epochs } = JSON.parse(run.configJson);
  const last = measurements().at(-1);
  const test = last?.test_acc == null ? '' : `, test accuracy ${last.test_acc.toFixed(3)}`;
  const summary = last ? ` Latest measurement, epoch ${last.epoch}: loss ${last.train_loss.toPrecision(3)}, train accuracy ${last.train_acc.toFixed(3)}${test}.` : '';
  const measuring = run.trained && run.pending > 0 ? ' Measuring the last epoch…' : '';
  if (controller.state === 'paused') controller.say(`Epoch ${epoch} of ${epochs}.${summary}${measuring} Paused.`);
  else controller.progress(`Epoch ${epoch} of ${epochs}.${summary}${measuring}`);
}

function pause() {
  if (controller.state !== 'running') return;
  // The epoch in progress finishes (its message then says "Paused."); the next waits for Resume.
  controller.stopTicking();
  controller.setState('paused');
  controller.say('Pausing after this epoch…');
}

function resume() {
  if (controller.state !== 'paused') return;
  controller.resume();
  continueTraining();
}

function cancel() {
  const epoch = measurements().at(-1)?.epoch ?? 0;
  if (!controller.cancel()) return;
  controller.say(`Cancelled after ${epoch} epochs.`);
}

/** Done once the last measurement's charts are drawn. */
function finishTraining() {
  const run = controller.run;
  const last = measurements().at(-1);
  const wall = (performance.now() - run.startedAt) / 1000;
  controller.stopWorkers();
  const { result } = network;
  (run.drawn ?? Promise.resolve()).then(() => {
    controller.finish('done', { value: result });
    controller.say(`Done: ${last.epoch} epochs, train accuracy ${last.train_acc.toFixed(3)}${last.test_acc === null ? '' : `, test accuracy ${last.test_acc.toFixed(3)}`}, in ${wall.toFixed(1)} s.`);
  });
}

// ---------- charts ----------

function line(id, spec) {
  drawLineChart($(id), JSON.stringify({ title: '', ...spec }));
}

/**
 * The layer shown by default: the middle hidden layer (of 5, the 3rd), away from the input
 * layer, whose weights see the raw pixels.
 */
export function defaultNetLayer(depth) {
  return Math.max(1, Math.ceil(depth / 2));
}

/**
 * Fills the Layer menu with the hidden layers 1..`depth` (the trained network's, else the
 * settings'), choosing the one picked before if it exists, else the default.
 */
function layerChoices(depth) {
  const select = $('net-layer');
  if (!Number.isInteger(depth) || depth < 1) return;
  if (select.options.length !== depth) {
    select.replaceChildren();
    for (let l = 1; l <= depth; l += 1) {
      const option = document.createElement('option');
      option.value = String(l);
      option.textContent = l === depth ? `${l} (last hidden)` : String(l);
      select.append(option);
    }
  }
  const picked = state.view.netLayer;
  select.value = String(picked !== null && picked <= depth ? picked : defaultNetLayer(depth));
}

/** Counts redraws; a redraw in progress gives way to a newer one. */
let drawTurn = 0;

/** Redraws the panel's charts from the measurements so far (and Deep RFM's last result). */
export async function redrawNetwork() {
  const history = measurements();
  for (const id of CHARTS.slice(0, -1)) setEmpty(id, history.length === 0);
  if (history.length === 0) {
    layerChoices(state.mlp?.depth);
    $('net-nfa-summary').textContent = '';
    clearNetGeometry();
    redrawComparison();
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
    () => describeNfa(history, layer),
    () => line('chart-net-nfa', {
      x_label: 'epoch', y_label: `correlation, layer ${layer + 1}`, log_y: false, integer_x: true,
      series: [
        series('with AGOP^1/2', '#0072B2', history.map((m) => m.layers[layer].nfa)),
        series('with AGOP', '#009E73', history.map((m) => m.layers[layer].nfa_agop)),
        alphaSeries(history, layer),
        { name: 'at initialisation', colour: '#999999', dashed: true, points: [[epochs[0], atStart], [epochs.at(-1), atStart]] },
      ],
    }),
    () => drawNetAlignment(network.result, history, layer),
    () => drawNetNc3(history),
    () => renderNetworkTable(network.result),
    () => redrawComparison(),
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
  const history = measurements();
  if (history.length === 0) return;
  const series = (name, colour, values, dashed = false) => ({ name, colour, dashed, points: history.map((m, i) => [m.epoch, values[i]]) });
  const during = (network.result?.epoch_losses ?? []).map((loss, e) => [e + 1, loss]);
  line('chart-net-loss', {
    x_label: 'epoch', y_label: 'loss (log scale)', log_y: true, integer_x: true,
    series: [
      series('train loss', '#000000', history.map((m) => m.train_loss)),
      ...(during.length === 0 ? [] : [{ name: 'loss during each epoch', colour: '#999999', dashed: false, points: during }]),
    ],
  });
  line('chart-net-accuracy', {
    x_label: 'epoch', y_label: 'accuracy', log_y: false, integer_x: true,
    series: [
      series('train accuracy', '#0072B2', history.map((m) => m.train_acc)),
      ...(history[0].test_acc === null ? [] : [series('test accuracy', '#D55E00', history.map((m) => m.test_acc), true)]),
    ],
  });
}

/** What the NFA chart shows for the chosen layer, in numbers: from initialisation to the last measurement. */
function describeNfa(history, layer) {
  const first = history[0];
  const last = history.at(-1);
  const start = first.layers[layer].nfa;
  const end = last.layers[layer].nfa;
  const change = Math.abs(end - start) < 0.005 ? 'about unchanged' : end > start ? 'up' : 'down';
  const correlation = history.length < 2 ? `Layer ${layer + 1}: correlation with AGOP^1/2 ${start.toFixed(2)} at epoch ${first.epoch}.`
    : `Layer ${layer + 1}: correlation with AGOP^1/2 ${start.toFixed(2)} at epoch ${first.epoch}, ${end.toFixed(2)} at epoch ${last.epoch} (${change}).`;
  $('net-nfa-summary').textContent = `${correlation} ${describeAlpha(history, layer)}`;
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
export function redrawComparison() {
  const last = measurements().at(-1);
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
  $('pause').addEventListener('click', () => (controller.state === 'paused' ? resume() : pause()));
  $('net-cancel').addEventListener('click', cancel);
  $('net-layer').addEventListener('change', () => {
    state.view.netLayer = Number($('net-layer').value);
    redrawNetwork();
  });
  // Before a training run, the menu offers the layers of the network the settings describe.
  subscribe((change) => {
    if ((change === 'settings' || change === 'link') && measurements().length === 0) layerChoices(state.mlp?.depth);
  });
  controller.setState('idle');
  redrawNetwork();
}
