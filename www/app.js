// The page: the State from the link, Deep RFM runs in the worker, live charts, and window.lab
// for embedders and tests. Wiring only: the State lives in state.js, the controls in
// controls.js, the runs' bookkeeping in run-controller.js, the drawing in rfm-view.js.
import { freshSeed, version } from './pkg/agop_collapse.js';
import { stripImage } from './charts.js';
import { applyHideAndLock, setupClassroomDialog } from './classroom.js';
import { bindControls, buildDigitBoxes, renderControls, renderView, selectDataset, showProblems } from './controls.js';
import { autorun, embedCode, embedded, setupEmbed, whenVisible } from './embed.js';
import { download, setupExports } from './exports.js';
import { network, redrawNetwork, redrawComparison, setupNetwork } from './mlp-panel.js';
import { drawPrecomputed, PRECOMPUTED_NOTE } from './precomputed.js';
import { findPreset, PRESETS } from './presets.js';
import { addLayer } from './result.js';
import { RunController, startWorker } from './run-controller.js';
import {
  addToComparison, bindPictureControls, clearComparison, fitRange, followLatestLayer, newLayerDrawing, redraw, redrawLayerCharts, redrawPictures, renderTable, show, stripProblem,
} from './rfm-view.js';
import { commit, loadLink, problems, rfmJson, state, subscribe } from './state.js';
import { setupMechanism } from './mechanism.js';
import { setupTour } from './tour.js';
import { startWasm, wasmBuild } from './wasm.js';
import { setupActionBar } from './action-bar.js';
import { setupCaptions } from './captions.js';
import { setupExplain } from './explain.js';
import { setupStale } from './stale.js';

// Workers computing a run: a helper joins when the device has a second core; `?workers=1` in the
// query string keeps to one (for comparisons).
const WORKERS = Math.min(2, Number(new URLSearchParams(location.search).get('workers')) || navigator.hardwareConcurrency || 1);
const STEP_NAMES = { kernel: 'kernel matrix', solve: 'ridge solve', agop: 'AGOP', sqrt: 'square root and projection', features: 'random features', metrics: 'collapse metrics' };
const $ = (id) => document.getElementById(id);

const controller = new RunController({ statusId: 'status', progressId: 'progress', onState: runStateChanged });

const lab = {
  state: 'idle',
  result: null,
  error: null,
  // True while the Result shown is the default run computed ahead of time (precomputed.js).
  precomputed: false,
  run: (config) => start('run', config),
  step: () => start('step'),
  cancel: () => cancel(),
  network,
};
window.lab = lab;

let worker = null;
let csvFile = null; // { name, text } of the user's file: it never leaves the page
let testCsvFile = null; // { name, text } of the user's test file, likewise

function showMessage(text) {
  showProblems(text);
}

// ---------- the link ----------

/** Reads the address's hash into the State and renders the page from it. */
function applyLink() {
  const messages = loadLink(location.hash);
  // Rust has reported the names it does not know.
  applyHideAndLock(state.view.hide, state.view.lock);
  renderControls();
  showPreset(state.view.preset);
  showMessage([...new Set(messages)].join('\n'));
  redrawNetwork();
}

function showPreset(id) {
  const preset = id ? findPreset(id) : null;
  const box = $('preset-text');
  box.hidden = preset === null;
  $('preset').value = preset ? preset.id : '';
  if (preset) {
    const title = document.createElement('strong');
    title.textContent = preset.title;
    box.replaceChildren(title, preset.text);
  }
}

async function loadCsv(file) {
  if (!file) return;
  csvFile = { name: file.name, text: await file.text() };
  state.rfm.data.dataset = `csv:${file.name}`;
  // A file is used as given: every row trains, unless a test share is asked for.
  state.rfm.data.n_test = 0;
  commit();
  renderControls();
  selectDataset(state.rfm.data.dataset);
  showMessage('');
}

/** The text of the user's CSV file `name`, or null when it is not loaded. */
function csvText(name) {
  return csvFile?.name === name ? csvFile.text : null;
}

/**
 * Reads the user's test file: the State names it (`data.test_dataset`, as `data.dataset` names
 * the training file; Rust checks it goes with a CSV), its text stays in the page. It is read
 * against the training file when a run starts.
 */
async function loadTestCsv(file) {
  if (!file) return;
  testCsvFile = { name: file.name, text: await file.text() };
  state.rfm.data.test_dataset = `csv:${file.name}`;
  commit();
  renderControls();
  showMessage('');
}

function removeTestCsv() {
  state.rfm.data.test_dataset = null;
  commit();
  renderControls();
  showMessage('');
}

/** Shows whether the State has a test file: its Remove button, the test-sample count hidden (not used then). */
function showTestCsv() {
  const named = state.rfm?.data?.test_dataset ?? null;
  document.body.classList.toggle('test-file', named !== null);
  $('test-csv-remove').hidden = named === null;
  // A test file the State no longer names (removed, another dataset, a link) is forgotten.
  if (named === null) {
    testCsvFile = null;
    $('test-csv-file').value = '';
  }
}

/** The text of the user's test file `name`, or null when it is not loaded. */
function testCsvText(name) {
  return testCsvFile?.name === name ? testCsvFile.text : null;
}

/**
 * The texts the workers need for the CSV files `data` names: `{ csv, testCsv }` ('' for a file
 * it does not name), or `{ missing }`, the message for a file named but not loaded.
 */
function csvTexts(data) {
  const dataset = data?.dataset ?? 'mnist';
  const test = data?.test_dataset ?? null;
  const csv = dataset.startsWith('csv:') ? csvText(dataset.slice(4)) : '';
  if (csv === null) return { missing: `load the CSV file ${dataset.slice(4)} with the file control first` };
  const testCsv = test === null ? '' : testCsvText(test.slice(4));
  if (testCsv === null) return { missing: `load the test file ${test.slice(4)} with the "Test data" control first` };
  return { csv, testCsv };
}

// ---------- runs ----------

/**
 * The computing worker and, on a device with a second core, its helper: the controller owns
 * both (and stops both), and they get a channel of their own for the helper's jobs.
 */
function newWorkers() {
  const failed = (message) => controller.finish('error', { message });
  worker = controller.own(startWorker('./worker.js', onWorkerMessage, failed));
  if (WORKERS > 1) {
    const helper = controller.own(startWorker('./helper-worker.js', () => {}, (m) => failed(m || 'the helper worker stopped unexpectedly')));
    const channel = new MessageChannel();
    helper.postMessage({ type: 'jobs', port: channel.port2 }, [channel.port2]);
    worker.postMessage({ type: 'helper', port: channel.port1 }, [channel.port1]);
  }
}

function start(mode, config) {
  if (controller.state === 'running') return Promise.reject(new Error('a run is already in progress'));
  if (config !== undefined) {
    const previous = state.rfm;
    state.rfm = config;
    if (!commit()) {
      const error = new Error(problems.rfm);
      state.rfm = previous;
      commit();
      showMessage(error.message);
      return Promise.reject(error);
    }
    renderControls();
  }
  if (problems.rfm !== null) {
    showMessage('');
    return Promise.reject(new Error(problems.rfm));
  }
  showMessage('');
  const configJson = rfmJson();
  const texts = csvTexts(state.rfm.data);
  if (texts.missing) {
    showMessage(texts.missing);
    return Promise.reject(new Error(texts.missing));
  }
  const run = controller.run;
  const fresh = run === null || run.finished || run.configJson !== configJson || (mode === 'run' && config !== undefined);
  let promise;
  if (fresh) {
    promise = controller.begin({ configJson, mode, result: null, layers: [], views: [] });
    lab.result = null;
    lab.error = null;
    lab.precomputed = false;
    show(controller.run);
  } else {
    promise = controller.join();
  }
  controller.run.mode = mode;
  controller.resume(fresh ? 'Loading the data…' : 'Next layer…');
  if (worker === null) newWorkers();
  if (fresh) worker.postMessage({ type: 'start', config: configJson, csv: texts.csv, testCsv: texts.testCsv });
  else requestLayer();
  return promise;
}

/** "Seed 2 of 3 (seed 1): " while a run of several seeds computes its run `index` (0-based), else "". */
function seedPrefix(index) {
  const { seed, seeds } = controller.run.result.config;
  return seeds > 1 ? `Seed ${index + 1} of ${seeds} (seed ${(seed + index) % 2 ** 32}): ` : '';
}

/** Asks the worker for the next layer, once the lab is in view (embedded labs wait otherwise). */
function requestLayer() {
  const current = controller.run;
  whenVisible().then(() => {
    if (controller.run === current && controller.state === 'running') worker.postMessage({ type: 'next' });
  });
}

function onWorkerMessage(message) {
  const run = controller.run;
  if (run === null || run.finished) return;
  if (message.type === 'started') {
    run.result = JSON.parse(message.result);
    lab.result = run.result;
    requestLayer();
  } else if (message.type === 'progress') {
    const { depth, seeds } = run.result.config;
    const done = message.seedIndex * depth + message.layer - 1;
    controller.progress(`${seedPrefix(message.seedIndex)}Layer ${message.layer} of ${depth}: ${STEP_NAMES[message.step] ?? message.step}…`, done, depth * seeds);
  } else if (message.type === 'layer') {
    const layer = JSON.parse(message.layer);
    addLayer(run.result, layer);
    // The pictures follow the first seed's run; the charts, every seed's.
    if (layer.seed_index === 0) {
      run.layers.push(layer.report);
      run.views.push(message.views);
    }
    run.seedIndex = layer.seed_index;
    // Ask for the next layer first, so that the worker computes while this one is drawn.
    if (!layer.done && run.mode === 'run') requestLayer();
    if (layer.seed_index === 0) followLatestLayer();
    const drawn = inTurns([...newLayerDrawing(), redrawComparison], () => controller.run === run);
    drawn.then(() => {
      if (controller.run !== run || controller.state !== 'running') return; // reset or cancelled meanwhile
      if (layer.done) finishRun();
      else if (run.mode !== 'run') pause();
    });
  } else if (message.type === 'error') {
    controller.finish('error', { message: message.message });
  }
}

/**
 * Runs each of `steps` in a task of its own while `stillWanted()`, so that drawing a layer never
 * holds the page's main thread for long (every chart takes a few milliseconds).
 */
async function inTurns(steps, stillWanted) {
  for (const step of steps) {
    if (!stillWanted()) return;
    step();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** After a Step: the run waits for Step or Run to go on. */
function pause() {
  const { result } = controller.run;
  const computed = result.seed_runs?.at(-1)?.layers.length ?? result.layers.length;
  controller.settle(result);
  controller.say(`${seedPrefix(controller.run.seedIndex ?? 0)}Layer ${computed} of ${result.config.depth} computed. Step or Run to go on.`);
}

function finishRun() {
  const { result } = controller.run;
  controller.finish('done', { value: result });
  addToComparison(result);
  const count = result.layers.length;
  const { seeds } = result.config;
  controller.say(`Done: ${count} layer${count === 1 ? '' : 's'}${seeds > 1 ? ` for each of ${seeds} seeds` : ''} in ${result.seconds_total.toFixed(1)} s of computation.`);
}

function runStateChanged(runState) {
  lab.state = runState;
  document.body.dataset.state = runState;
  const running = runState === 'running';
  $('cancel').disabled = !running;
  $('run').disabled = running;
  $('step').disabled = running;
  if (runState === 'error') {
    lab.error = controller.error;
    // The workers were stopped: the next run starts fresh ones.
    worker = null;
    showMessage(controller.error);
    controller.say('Stopped by an error.');
  }
}

function cancel() {
  const layers = controller.run?.layers.length ?? 0;
  if (!controller.cancel()) return;
  worker = null;
  controller.say(`Cancelled after ${layers} layer(s).`);
}

function reset() {
  if (controller.state === 'running') {
    controller.cancel();
    worker = null;
  }
  controller.run = null;
  lab.result = null;
  lab.error = null;
  lab.precomputed = false;
  controller.setState('idle');
  clearComparison();
  show(null);
  showMessage('');
  controller.say('Ready.');
}

async function copy(text, what) {
  const say = (message) => { $('take-away-status').textContent = message; };
  try {
    await navigator.clipboard.writeText(text);
    say(`${what} copied.`);
  } catch {
    say(`${what}: ${text}`);
  }
}

// ---------- start-up ----------

/** The view's keys whose change redraws nothing (they are carried by the link, or handled where they change). */
const UNDRAWN_VIEW_KEYS = ['preset', 'hide', 'lock', 'tour'];

/**
 * Redraws what a change of the view's presentation touches: at once (a control the reader
 * moved), or in turns, a task per chart (the tour's changes, while runs compute).
 */
function viewChanged({ keys = [], inTurns: spread = false }) {
  if (keys.every((key) => UNDRAWN_VIEW_KEYS.includes(key))) return;
  renderView();
  const after = () => {
    if (stripProblem !== shownStripProblem) {
      shownStripProblem = stripProblem;
      showMessage(stripProblem);
    }
  };
  if (spread) {
    viewDrawn = inTurns([...newLayerDrawing(), after], () => true);
    return;
  }
  redrawLayerCharts();
  redrawPictures();
  renderTable();
  after();
}
let shownStripProblem = '';
/** Settles once the last view change drawn in turns is drawn. */
let viewDrawn = Promise.resolve();

async function main() {
  await startWasm();
  $('version').textContent = `agop-collapse ${version()}${wasmBuild === 'scalar' ? ' (scalar build: this browser lacks WebAssembly SIMD, so runs take about 1.8 times as long)' : ''}`;
  buildDigitBoxes();
  for (const preset of PRESETS) {
    const option = document.createElement('option');
    option.value = preset.id;
    option.textContent = preset.title;
    $('preset').append(option);
  }
  setupEmbed();
  setupNetwork({ rfmResult: () => controller.run?.result ?? null, csvTexts });
  bindControls();
  bindPictureControls();
  setupMechanism();
  applyLink();
  // The tour opens on a first visit; a link opens the step it names (tour=0: none), the embed mode none.
  const tourMessage = setupTour(lab, embedded ? 0 : state.view.tour, { startOpen: !embedded, whenDrawn: () => viewDrawn });
  if (tourMessage) showMessage([$('message').textContent, tourMessage].filter(Boolean).join('\n'));
  subscribe((change, detail) => {
    if (change === 'view') viewChanged(detail);
    else showTestCsv();
  });
  $('preset').addEventListener('change', () => {
    const preset = findPreset($('preset').value);
    if (preset) location.hash = `${preset.hash}&preset=${preset.id}`;
  });
  $('csv-file').addEventListener('change', () => loadCsv($('csv-file').files[0]).catch((e) => showMessage(String(e.message ?? e))));
  $('test-csv-file').addEventListener('change', () => loadTestCsv($('test-csv-file').files[0]).catch((e) => showMessage(String(e.message ?? e))));
  $('test-csv-remove').addEventListener('click', removeTestCsv);
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    start('run').catch(() => {});
  });
  $('step').addEventListener('click', () => start('step').catch(() => {}));
  $('cancel').addEventListener('click', cancel);
  $('reset').addEventListener('click', reset);
  $('new-seed').addEventListener('click', () => {
    state.rfm.seed = freshSeed();
    commit();
    renderControls();
  });
  window.addEventListener('hashchange', applyLink);
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      redraw();
      redrawNetwork();
    }, 150);
  });
  $('strip-png').addEventListener('click', () => {
    const image = stripImage();
    if (image) image.toBlob((blob) => download('agop-collapse-gram-strip.png', blob));
  });
  setupExports(() => lab.result, showMessage, fitRange, () => network.result);
  $('copy-link').addEventListener('click', () => copy(location.href, 'Link'));
  $('copy-embed').addEventListener('click', () => {
    $('embed-code').value = embedCode(location.hash);
    $('embed-dialog').showModal();
  });
  $('embed-copy').addEventListener('click', () => copy($('embed-code').value, 'Embed code'));
  $('embed-close').addEventListener('click', () => $('embed-dialog').close());
  setupClassroomDialog();
  // The page's explanations, captions that follow the chosen metrics, the note on results that no
  // longer match the settings, and the room kept for the action bar.
  setupExplain();
  setupCaptions();
  setupStale(() => controller.run?.result ?? null);
  setupActionBar();
  controller.setState('idle');
  controller.say('Ready. Press Run.');
  if (embedded && autorun) start('run').catch(() => {});
  else setTimeout(warmUp, 0);
  showPrecomputed();
}

/** Shows the default run computed ahead of time (precomputed.js) while the page has no run of its own. */
async function showPrecomputed() {
  const run = await drawPrecomputed(() => controller.run === null && lab.result === null);
  if (run === null) return;
  lab.result = run.result;
  lab.precomputed = true;
  controller.say(PRECOMPUTED_NOTE);
}

/**
 * Starts the workers while the page waits for Run and has them warm up (worker.js), so that a
 * first run starts computing at once, at full speed.
 */
function warmUp() {
  if (worker !== null) return;
  newWorkers();
  worker.postMessage({ type: 'warm' });
}

main().catch((error) => {
  $('status').textContent = 'The lab could not start.';
  showMessage(String(error?.message ?? error));
});

