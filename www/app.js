// The page: settings <-> URL hash, runs in the worker, live charts, and window.lab for embedders.
import { configFromHash, configToHash, freshSeed, validateRfmConfig, version } from './pkg/agop_collapse.js';
import {
  alignedSigns, chartLayers, clearCharts, collapseRates, defaultStripLayers, drawComparisonChart, drawLayerCharts, drawPictures, drawStrip, seedRuns, STAGES, stripImage,
} from './charts.js';
import { applyHideAndLock, setupClassroomDialog } from './classroom.js';
import { autorun, embedCode, embedded, setupEmbed, whenVisible } from './embed.js';
import { download, setupExports } from './exports.js';
import { startWasm, wasmBuild, workerUrl } from './wasm.js';
import { applyNetworkHash, draw as drawNetwork, drawComparison, network, networkHash, setupNetwork } from './network.js';
import { findPreset, PRESETS } from './presets.js';
import { buildDigitBoxes, readControls, selectDataset, showDependentControls, writeControls } from './settings.js';

/** Hash keys that are presentation flags, not experiment settings. */
const PRESENTATION_KEYS = ['preset', 'hide', 'lock'];
// Workers computing a run: a helper joins when the device has a second core; `?workers=1` in the
// query string keeps to one (for comparisons).
const WORKERS = Math.min(2, Number(new URLSearchParams(location.search).get('workers')) || navigator.hardwareConcurrency || 1);
const STEP_NAMES = { kernel: 'kernel matrix', solve: 'ridge solve', agop: 'AGOP', sqrt: 'square root and projection', features: 'random features', metrics: 'collapse metrics' };
const $ = (id) => document.getElementById(id);

const lab = {
  state: 'idle',
  result: null,
  error: null,
  run: (config) => start('run', config),
  step: () => start('step'),
  cancel: () => cancel('cancelled'),
  network,
};
window.lab = lab;

let worker = null;
let helperWorker = null;
let session = null; // { configJson, layers, views, done, mode, startedAt, waiters }
let csvFile = null; // { name, text } of the user's file: it never leaves the page
let ticker = null;

// ---------- settings and links ----------

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

/** The presentation part of the current hash (preset, hide, lock), kept when settings change. */
function presentationHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  return PRESENTATION_KEYS.filter((k) => params.has(k)).map((k) => `&${k}=${params.get(k)}`).join('');
}

/** The Deep RFM settings of the controls, validated, as JSON text; null while one is invalid. */
function currentConfigJson() {
  try {
    return validateRfmConfig(JSON.stringify(readControls()));
  } catch {
    return null;
  }
}

function writeHash(configJson) {
  const networkPart = networkHash();
  history.replaceState(null, '', `#${configToHash(configJson)}${networkPart ? `&${networkPart}` : ''}${presentationHash()}`);
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
  writeHash(json);
}

function applyHash() {
  const { config, messages } = configFromHash(location.hash, PRESENTATION_KEYS);
  writeControls(JSON.parse(config));
  messages.push(...applyNetworkHash(location.hash, config));
  const params = new URLSearchParams(location.hash.slice(1));
  const unknown = applyHideAndLock(params);
  if (unknown.length > 0) messages.push(`unknown setting(s) to hide or lock: ${unknown.join(', ')}`);
  showPreset(params.get('preset'));
  writeHash(config);
  showMessage(messages.join('\n'));
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

function showMessage(text) {
  $('message').textContent = text;
  $('message').hidden = text === '';
}

async function loadCsv(file) {
  if (!file) return;
  csvFile = { name: file.name, text: await file.text() };
  selectDataset(`csv:${file.name}`);
  // A file is used as given: every row trains, unless a test share is asked for.
  $('n-test').value = '0';
  settingsChanged();
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

/**
 * The computing worker and, on a device with a second core, its helper: the page owns both (and
 * stops both), and gives them a channel of their own for the helper's jobs.
 */
function newWorker() {
  worker = new Worker(workerUrl('./worker.js'), { type: 'module' });
  worker.onmessage = ({ data }) => onWorkerMessage(data);
  worker.onerror = (event) => finish('error', event.message || 'the computation stopped unexpectedly');
  if (WORKERS > 1) {
    helperWorker = new Worker(workerUrl('./helper-worker.js'), { type: 'module' });
    helperWorker.onerror = (event) => finish('error', event.message || 'the helper worker stopped unexpectedly');
    const channel = new MessageChannel();
    helperWorker.postMessage({ type: 'jobs', port: channel.port2 }, [channel.port2]);
    worker.postMessage({ type: 'helper', port: channel.port1 }, [channel.port1]);
  }
}

function stopWorkers() {
  worker?.terminate();
  helperWorker?.terminate();
  worker = null;
  helperWorker = null;
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
  const dataset = JSON.parse(configJson).data.dataset;
  if (dataset.startsWith('csv:') && csvFile?.name !== dataset.slice(4)) {
    const message = `load the CSV file ${dataset.slice(4)} with the file control first`;
    showMessage(message);
    return Promise.reject(new Error(message));
  }
  writeHash(configJson);
  const fresh = session === null || session.done || session.configJson !== configJson || (mode === 'run' && config !== undefined);
  const promise = new Promise((resolve, reject) => {
    if (fresh) {
      session = { configJson, layers: [], views: [], done: false, waiters: [] };
      lab.result = null;
      lab.error = null;
      clearCharts();
      drawProjectionComparison();
      renderTable();
    }
    session.waiters.push({ resolve, reject });
  });
  session.mode = mode;
  session.startedAt = performance.now();
  setState('running');
  if (worker === null) newWorker();
  if (fresh) worker.postMessage({ type: 'start', config: configJson, csv: dataset.startsWith('csv:') ? csvFile.text : '' });
  else requestLayer();
  progress(fresh ? 'Loading the data…' : 'Next layer…');
  ticker = setInterval(() => progress(), 100);
  return promise;
}

/** "Seed 2 of 3 (seed 1): " while a run of several seeds computes its run `index` (0-based), else "". */
function seedPrefix(index) {
  const { seed, seeds } = JSON.parse(session.configJson);
  return seeds > 1 ? `Seed ${index + 1} of ${seeds} (seed ${(seed + index) % 2 ** 32}): ` : '';
}

/** Asks the worker for the next layer, once the lab is in view (embedded labs wait otherwise). */
function requestLayer() {
  const current = session;
  whenVisible().then(() => {
    if (session === current && lab.state === 'running') worker.postMessage({ type: 'next' });
  });
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
    requestLayer();
  } else if (message.type === 'progress') {
    progress(`${seedPrefix(message.seedIndex)}Layer ${message.layer} of ${depth}: ${STEP_NAMES[message.step] ?? message.step}…`);
  } else if (message.type === 'layer') {
    // The pictures follow the first seed's run; the charts, every seed's.
    if (message.seedIndex === 0) {
      session.layers.push(message.report);
      session.views.push(message.views);
    }
    session.seedIndex = message.seedIndex;
    lab.result = JSON.parse(message.result);
    // Ask for the next layer first, so that the worker computes while this one is drawn.
    if (!message.done && session.mode === 'run') requestLayer();
    if (message.seedIndex === 0) followLatestLayer();
    const current = session;
    const drawn = inTurns([redrawLayerCharts, redrawPictures, renderTable, drawComparison], () => session === current);
    drawn.then(() => {
      if (session !== current || lab.state !== 'running') return; // reset or cancelled meanwhile
      if (message.done) finish('done');
      else if (current.mode !== 'run') pause();
    });
  } else if (message.type === 'error') {
    finish('error', message.message);
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

function stopTicker() {
  clearInterval(ticker);
  ticker = null;
}

/** After a Step: the run waits for Step or Run to go on. */
function pause() {
  stopTicker();
  setState('idle');
  const { depth } = JSON.parse(session.configJson);
  const computed = lab.result.seed_runs?.at(-1)?.layers.length ?? session.layers.length;
  $('status').textContent = `${seedPrefix(session.seedIndex ?? 0)}Layer ${computed} of ${depth} computed. Step or Run to go on.`;
  for (const waiter of session.waiters.splice(0)) waiter.resolve(lab.result);
}

function finish(state, message) {
  stopTicker();
  const waiters = session ? session.waiters.splice(0) : [];
  if (session) session.done = true;
  setState(state);
  if (state === 'done') {
    addToComparison(lab.result);
    const count = lab.result.layers.length;
    const seeds = lab.result.config.seeds;
    $('status').textContent = `Done: ${count} layer${count === 1 ? '' : 's'}${seeds > 1 ? ` for each of ${seeds} seeds` : ''} in ${lab.result.seconds_total.toFixed(1)} s of computation.`;
    waiters.forEach((w) => w.resolve(lab.result));
    return;
  }
  if (state === 'error') {
    lab.error = message;
    showMessage(message);
    $('status').textContent = 'Stopped by an error.';
    // The worker may be in a bad state after an error: start the next run on a fresh one.
    stopWorkers();
  }
  waiters.forEach((w) => w.reject(new Error(message ?? state)));
}

function cancel(state) {
  if (lab.state !== 'running') return;
  // A layer cannot be interrupted from outside; the worker is replaced instead, at once.
  stopWorkers();
  finish(state, state === 'cancelled' ? 'cancelled' : undefined);
  if (state === 'cancelled') $('status').textContent = `Cancelled after ${session.layers.length} layer(s).`;
}

function reset() {
  if (lab.state === 'running') cancel('idle');
  session = null;
  lab.result = null;
  lab.error = null;
  setState('idle');
  comparison.key = null;
  comparison.lines.clear();
  clearCharts();
  drawProjectionComparison();
  renderTable();
  $('view-layer').max = '1';
  $('view-layer').value = '1';
  $('view-layer-value').textContent = '1';
  showMessage('');
  $('status').textContent = 'Ready.';
}

// ---------- is it really the AGOP? ----------

/** NC1 of X per layer of the last finished run of every projection, for one set of other settings. */
const comparison = { key: null, lines: new Map() };

/** Keeps a finished run's NC1 of X under its projection; other settings start a new comparison. */
function addToComparison(result) {
  const key = JSON.stringify({ ...result.config, projection: null });
  if (key !== comparison.key) {
    comparison.key = key;
    comparison.lines.clear();
  }
  // With several seeds, their geometric mean (as the NC1 chart draws it).
  comparison.lines.set(result.config.projection, chartLayers(result).map((l) => [l.layer, l.stages.X.nc1]));
  drawProjectionComparison();
}

function drawProjectionComparison() {
  drawComparisonChart(comparison.lines);
  $('chart-projections-empty').hidden = comparison.lines.size > 0;
  const parts = [...comparison.lines].map(([projection, points]) => `${projection}: NC1(X) ${points[0][1].toPrecision(2)} at layer 1, ${points.at(-1)[1].toPrecision(2)} at layer ${points.at(-1)[0]}`);
  $('projections-summary').textContent = parts.length === 0 ? '' : `${parts.join('; ')}.`;
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
  redrawLayerCharts();
  redrawPictures();
}

/** The layers of the rate fit: `{ from, to }` (`to` null: the last layer). */
export function fitRange() {
  const from = Math.max(1, Math.round(Number($('nc1-fit-from').value) || 1));
  const to = $('nc1-fit-to').value === '' ? null : Math.max(from, Math.round(Number($('nc1-fit-to').value)));
  return { from, to };
}

function redrawLayerCharts() {
  if (session === null || session.layers.length === 0 || lab.result === null) return;
  const nc1Variant = $('nc1-variant').value;
  const range = fitRange();
  const layers = chartLayers(lab.result);
  const across = lab.result.across_seeds ?? [];
  const rates = collapseRates(layers, nc1Variant, range);
  const fit = $('nc1-fit').checked ? { ...range, rates } : null;
  drawLayerCharts(layers, { nc1Variant, nc2Variant: $('nc2-variant').value, fit, across, timeLayers: session.layers });
  const last = range.to ?? layers.at(-1).layer;
  const parts = STAGES.filter((stage) => rates[stage]).map((stage) => `${stage} x${rates[stage].factor.toFixed(2)}`);
  $('nc1-rates').textContent = parts.length === 0 ? ''
    : `Fitted factor per layer of ${nc1Variant}${across.length ? ' (geometric mean over the seeds)' : ''}, layers ${range.from} to ${last}: ${parts.join(', ')}.`;
  $('seeds-note').hidden = across.length === 0;
  $('seeds-note').textContent = across.length === 0 ? '' : seedsNote(lab.result);
}

/** What the lines and bands of a result of several seeds are, and how far it has come. */
function seedsNote(result) {
  const { seed, seeds, depth } = result.config;
  const seedList = Array.from({ length: seeds }, (_, i) => (seed + i) % 2 ** 32);
  const complete = result.seed_runs.filter((r) => r.layers.length === depth).length;
  return `Lines: the geometric mean over seeds ${seedList.join(', ')} (${complete} of ${seeds} complete); `
    + 'bands: one standard deviation of the logarithms either side (accuracy: of the values). '
    + `The pictures and the time chart show seed ${seed}.`;
}

function redrawPictures() {
  if (session === null || session.layers.length === 0) return;
  const index = Math.min(Number($('view-layer').value), session.layers.length) - 1;
  const classNames = lab.result?.dataset?.class_names ?? [];
  drawPictures(session.layers[index], session.views[index], $('view-stage').value, classNames, pcaSigns($('view-stage').value, index));
  drawStrip(session.layers, session.views, $('view-stage').value, stripLayers(), index + 1, (layer) => {
    $('view-layer').value = String(layer);
    $('view-layer-value').textContent = String(layer);
    redrawPictures();
  });
}

/**
 * Signs of the two PCA axes of layer `index + 1` that line its picture up with the layer before
 * (an eigenvector's sign is arbitrary): each axis flips when its coordinates correlate
 * negatively with the previous layer's, as shown. So the points move smoothly between layers.
 */
function pcaSigns(stage, index) {
  session.pcaSigns ??= {};
  const cache = (session.pcaSigns[stage] ??= []);
  for (let i = cache.length; i <= index; i += 1) {
    const previous = session.views[i - 1]?.[stage]?.pca;
    const current = session.views[i]?.[stage]?.pca;
    if (i === 0 || !previous || !current || previous.length !== current.length) {
      cache.push([1, 1]);
      continue;
    }
    cache.push(alignedSigns(previous, cache[i - 1], current));
  }
  return cache[index];
}

// ---------- playing through the layers ----------

let playTimer = null;

/** Steps the layer slider through every layer (from the first, or from where it stands). */
function play() {
  if (playTimer !== null) {
    stopPlay();
    return;
  }
  if (session === null || session.layers.length < 2) return;
  const slider = $('view-layer');
  if (Number(slider.value) >= session.layers.length) slider.value = '1';
  $('view-layer-value').textContent = slider.value;
  redrawPictures();
  $('play').textContent = 'Stop';
  $('play').setAttribute('aria-pressed', 'true');
  playTimer = setInterval(() => {
    const next = Number(slider.value) + 1;
    if (next > session.layers.length) {
      stopPlay();
      return;
    }
    slider.value = String(next);
    $('view-layer-value').textContent = slider.value;
    redrawPictures();
  }, PLAY_STEP_MS);
}

/** Milliseconds each layer stays on screen while playing. */
const PLAY_STEP_MS = 700;

function stopPlay() {
  clearInterval(playTimer);
  playTimer = null;
  $('play').textContent = 'Play';
  $('play').setAttribute('aria-pressed', 'false');
}

/** The layers of the Gram strip: those typed in (whole numbers, in order), else the defaults for the run's depth. */
function stripLayers() {
  const text = $('strip-layers').value.trim();
  const defaults = defaultStripLayers(JSON.parse(session.configJson).depth);
  $('strip-layers').placeholder = defaults.join(',');
  if (text === '') return defaults;
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  const bad = tokens.filter((t) => !/^[0-9]+$/.test(t));
  $('strip-layers').setAttribute('aria-invalid', String(bad.length > 0));
  if (bad.length > 0) showMessage(`strip layers: '${bad[0]}' is not a layer number (write them as 1,3,7)`);
  return tokens.filter((t) => /^[0-9]+$/.test(t)).map(Number);
}

const METRICS = ['nc1', 'nc1_trace', 'nc1_papyan', 'nc1_wt', 'nc2', 'nc2_orth', 'nc2_equinorm', 'nc2_equiangle', 'ncc_agreement'];

/** One row of the metrics table: header cells, then data cells. */
function tableRow(headers, values) {
  const row = document.createElement('tr');
  headers.forEach((text) => {
    const cell = document.createElement('th');
    cell.scope = 'row';
    cell.textContent = text;
    row.append(cell);
  });
  values.forEach((text) => {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  });
  return row;
}

/**
 * The metrics table: per layer and stage, every seed's numbers (one row per seed) and, with
 * several seeds, their mean and (population) standard deviation; then the fitted factor per
 * layer of every metric (of the geometric mean, with several seeds).
 */
function renderTable() {
  const body = $('metrics-table').tBodies[0];
  const result = session === null ? null : lab.result;
  const runs = seedRuns(result);
  const across = result?.across_seeds ?? [];
  const rows = [];
  const deepest = Math.max(0, ...runs.map((r) => r.layers.length));
  for (let index = 0; index < deepest; index += 1) {
    for (const stage of STAGES) {
      for (const run of runs.filter((r) => r.layers.length > index)) {
        const layer = run.layers[index];
        rows.push(tableRow([String(layer.layer), stage, String(run.seed)], METRICS.map((m) => layer.stages[stage][m].toPrecision(3))));
      }
      if (across[index]) {
        const spreads = across[index].stages[stage];
        rows.push(tableRow([String(index + 1), stage, 'mean'], METRICS.map((m) => spreads[m].mean.toPrecision(3))));
        rows.push(tableRow([String(index + 1), stage, 'std'], METRICS.map((m) => spreads[m].std.toPrecision(3))));
      }
    }
  }
  body.replaceChildren(...rows);
  // The rate of collapse of every metric over the fit's layers: one row per stage.
  const range = fitRange();
  const layers = result ? chartLayers(result) : [];
  const rates = Object.fromEntries(METRICS.map((m) => [m, collapseRates(layers, m, range)]));
  const footer = STAGES.filter((stage) => rates.nc1[stage]).map((stage) => tableRow(
    [`x/layer, ${range.from}–${range.to ?? layers.at(-1).layer}`, stage, across.length ? 'geo. mean' : String(result.config.seed)],
    METRICS.map((m) => rates[m][stage]?.factor.toFixed(3) ?? '–'),
  ));
  $('metrics-table').tFoot.replaceChildren(...footer);
}

function say(text) {
  $('take-away-status').textContent = text;
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    say(`${what} copied.`);
  } catch {
    say(`${what}: ${text}`);
  }
}

// ---------- start-up ----------

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
  setupNetwork({
    rfmConfigJson: currentConfigJson,
    rfmResult: () => lab.result,
    csvText: (name) => (csvFile?.name === name ? csvFile.text : null),
    hashChanged: () => {
      const json = currentConfigJson();
      if (json !== null) writeHash(json);
    },
  });
  applyHash();
  $('controls').addEventListener('change', (event) => {
    if (event.target.id === 'preset' || event.target.id === 'csv-file') return;
    settingsChanged(event);
  });
  $('preset').addEventListener('change', () => {
    const preset = findPreset($('preset').value);
    if (preset) location.hash = `${preset.hash}&preset=${preset.id}`;
  });
  $('csv-file').addEventListener('change', () => loadCsv($('csv-file').files[0]).catch((e) => showMessage(String(e.message ?? e))));
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
  for (const id of ['nc1-fit', 'nc1-fit-from', 'nc1-fit-to']) {
    $(id).addEventListener('change', () => {
      redrawLayerCharts();
      renderTable();
    });
  }
  $('view-stage').addEventListener('change', redrawPictures);
  $('play').addEventListener('click', play);
  // Any key or click stops playing, but the button's own click and its Enter or Space (which
  // toggle it through the click).
  for (const type of ['keydown', 'pointerdown']) {
    document.addEventListener(type, (event) => {
      const toggle = event.target === $('play') && (type === 'pointerdown' || ['Enter', ' '].includes(event.key));
      if (playTimer !== null && !toggle) stopPlay();
    }, true);
  }
  $('strip-layers').addEventListener('change', () => {
    showMessage('');
    redrawPictures();
  });
  $('strip-png').addEventListener('click', () => {
    const image = stripImage();
    if (image) image.toBlob((blob) => download('agop-collapse-gram-strip.png', blob));
  });
  $('view-layer').addEventListener('input', () => {
    $('view-layer-value').textContent = $('view-layer').value;
    redrawPictures();
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      redraw();
      drawNetwork();
    }, 150);
  });
  setupExports(() => lab.result, showMessage, fitRange);
  $('copy-link').addEventListener('click', () => copy(location.href, 'Link'));
  $('copy-embed').addEventListener('click', () => {
    $('embed-code').value = embedCode(location.hash);
    $('embed-dialog').showModal();
  });
  $('embed-copy').addEventListener('click', () => copy($('embed-code').value, 'Embed code'));
  $('embed-close').addEventListener('click', () => $('embed-dialog').close());
  setupClassroomDialog(() => location.hash.slice(1).split('&').filter((p) => !/^(hide|lock)=/.test(p)).join('&'));
  setState('idle');
  $('status').textContent = 'Ready. Press Run.';
  if (embedded && autorun) start('run').catch(() => {});
  else setTimeout(warmUp, 0);
}

/**
 * Starts the workers while the page waits for Run and has them warm up (worker.js), so that a
 * first run starts computing at once, at full speed.
 */
function warmUp() {
  if (worker !== null) return;
  newWorker();
  worker.postMessage({ type: 'warm' });
}

main().catch((error) => {
  $('status').textContent = 'The lab could not start.';
  showMessage(String(error?.message ?? error));
});
