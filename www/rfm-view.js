// The Deep RFM results on the page: the per-layer charts, the pictures of the chosen layer and
// stage, the Gram strip, Play, the metrics table and the projection comparison. Everything is
// drawn from the shown run (its Result and the first seed's pictures) and the State's view.
import {
  agopCaption, alignedSigns, chartLayers, clearCharts, collapseRates, defaultStripLayers, drawComparisonChart, layerChartSteps, pictureSteps, stripSteps, STAGES,
} from './charts.js';
import { clearGeometry, drawSpectrum, geometryLayerSteps } from './geometry-view.js';
import { mechanismSteps } from './mechanism.js';
import { METRICS, numberRows } from './result.js';
import { state } from './state.js';

const $ = (id) => document.getElementById(id);

/**
 * The run shown: `{ result, layers, views, pcaSigns, precomputed }` (layers and views: the first
 * seed's; precomputed: true for the default run computed ahead of time), or null.
 */
let shown = null;

/** Shows `run` (null: nothing), from scratch. */
export function show(run) {
  shown = run;
  // A run computed ahead of time (precomputed.js) says so under the first chart.
  $('precomputed-note').hidden = !run?.precomputed;
  stopPlay();
  clearCharts();
  clearGeometry(state.view.nc1Variant);
  renderTable();
  followLatestLayer();
}

/** The pictures' layer slider follows the newest layer while it stands at the end. */
export function followLatestLayer() {
  const slider = $('view-layer');
  const count = Math.max(1, shown?.layers.length ?? 0);
  const atEnd = Number(slider.value) >= Number(slider.max) || count === 1;
  slider.max = String(count);
  if (atEnd) slider.value = String(count);
  $('view-layer-value').textContent = slider.value;
  state.view.layer = Number(slider.value);
}

/** Shows `layer` in the pictures' slider and the State (the caller redraws the pictures). */
function showLayer(layer) {
  $('view-layer').value = String(layer);
  $('view-layer-value').textContent = String(layer);
  state.view.layer = layer;
}

export function redraw() {
  redrawLayerCharts();
  redrawPictures();
  // Its legend's place depends on the canvas' size, too.
  if (comparison.lines.size > 0) drawProjectionComparison();
}

/** The layers of the rate fit: `{ from, to }` (`to` null: the last layer). */
export function fitRange() {
  return { from: state.view.fit.from, to: state.view.fit.to };
}

export function redrawLayerCharts() {
  for (const draw of layerChartDrawing()) draw();
}

/**
 * What redrawing the per-layer charts does, one function per chart (the last writes the notes
 * under them), so that a new layer's charts can each take a task of their own.
 */
function layerChartDrawing() {
  // The fitted factors are shown while the fit is (their text is kept for the table and exports).
  $('nc1-rates').hidden = !state.view.fit.on;
  const result = shown?.result;
  if (!result || shown.layers.length === 0) return [];
  const { nc1Variant, nc2Variant } = state.view;
  const range = fitRange();
  const layers = chartLayers(result);
  const across = result.across_seeds ?? [];
  const rates = collapseRates(layers, range)[nc1Variant];
  const fit = state.view.fit.on ? { rates } : null;
  const notes = () => {
    const last = range.to ?? layers.at(-1).layer;
    const parts = STAGES.filter((stage) => rates[stage]).map((stage) => `${stage} x${rates[stage].factor.toFixed(2)}`);
    $('nc1-rates').textContent = parts.length === 0 ? ''
      : `Fitted factor per layer of ${nc1Variant}${across.length ? ' (geometric mean over the seeds)' : ''}, layers ${range.from} to ${last}: ${parts.join(', ')}.`;
    $('seeds-note').hidden = across.length === 0;
    $('seeds-note').textContent = across.length === 0 ? '' : seedsNote(result);
  };
  return [
    ...layerChartSteps(layers, { nc1Variant, nc2Variant, fit, across, timeLayers: shown.layers }),
    ...geometryLayerSteps(result, nc1Variant),
    notes,
  ];
}

/**
 * Everything a newly arrived layer redraws, one function per chart or picture: the caller gives
 * each a task of its own, so that drawing never holds the page's main thread for long.
 */
export function newLayerDrawing() {
  return [...layerChartDrawing(), ...pictureDrawing(), renderTable];
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

export function redrawPictures() {
  for (const draw of pictureDrawing()) draw();
}

/** What redrawing the pictures does, one function per picture (see [`newLayerDrawing`]). */
function pictureDrawing() {
  if (!shown || shown.layers.length === 0) return [];
  const index = Math.max(1, Math.min(state.view.layer, shown.layers.length)) - 1;
  $('view-layer').value = String(index + 1);
  $('view-layer-value').textContent = String(index + 1);
  const { stage } = state.view;
  const classNames = shown.result?.dataset?.class_names ?? [];
  const [report, views] = [shown.layers[index], shown.views[index]];
  return [
    ...pictureSteps(report, views, stage, classNames, pcaSigns(stage, index)),
    () => { $('agop-caption').textContent = agopCaption(shown.result?.config); },
    () => drawSpectrum(report, stage),
    ...stripSteps(shown.layers, shown.views, stage, stripLayers(), index + 1, (layer) => {
      showLayer(layer);
      redrawPictures();
    }),
    ...mechanismSteps(report, views, shown.result.config),
  ];
}

/**
 * Signs of the two PCA axes of layer `index + 1` that line its picture up with the layer before
 * (an eigenvector's sign is arbitrary): each axis flips when its coordinates correlate
 * negatively with the previous layer's, as shown. So the points move smoothly between layers.
 */
function pcaSigns(stage, index) {
  shown.pcaSigns ??= {};
  const cache = (shown.pcaSigns[stage] ??= []);
  for (let i = cache.length; i <= index; i += 1) {
    const previous = shown.views[i - 1]?.[stage]?.pca;
    const current = shown.views[i]?.[stage]?.pca;
    if (i === 0 || !previous || !current || previous.length !== current.length) {
      cache.push([1, 1]);
      continue;
    }
    cache.push(alignedSigns(previous, cache[i - 1], current));
  }
  return cache[index];
}

/** Why the strip's layers cannot be read ('' when they can). */
export let stripProblem = '';

/** The layers of the Gram strip: those typed in (whole numbers, in order), else the defaults for the run's depth. */
function stripLayers() {
  const text = state.view.stripLayers.trim();
  const defaults = defaultStripLayers(shown.result.config.depth);
  $('strip-layers').placeholder = defaults.join(',');
  if (text === '') {
    stripProblem = '';
    return defaults;
  }
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  const bad = tokens.filter((t) => !/^[0-9]+$/.test(t));
  $('strip-layers').setAttribute('aria-invalid', String(bad.length > 0));
  stripProblem = bad.length > 0 ? `strip layers: '${bad[0]}' is not a layer number (write them as 1,3,7)` : '';
  return tokens.filter((t) => /^[0-9]+$/.test(t)).map(Number);
}

// ---------- playing through the layers ----------

let playTimer = null;
/** Milliseconds each layer stays on screen while playing. */
const PLAY_STEP_MS = 700;

/** Steps the layer slider through every layer (from the first, or from where it stands). */
export function play() {
  if (playTimer !== null) {
    stopPlay();
    return;
  }
  if (!shown || shown.layers.length < 2) return;
  if (state.view.layer >= shown.layers.length) showLayer(1);
  redrawPictures();
  $('play').textContent = 'Stop';
  $('play').setAttribute('aria-pressed', 'true');
  playTimer = setInterval(() => {
    const next = state.view.layer + 1;
    if (next > shown.layers.length) {
      stopPlay();
      return;
    }
    showLayer(next);
    redrawPictures();
  }, PLAY_STEP_MS);
}

export function playing() {
  return playTimer !== null;
}

export function stopPlay() {
  clearInterval(playTimer);
  playTimer = null;
  $('play').textContent = 'Play';
  $('play').setAttribute('aria-pressed', 'false');
}

/** Wires the layer slider and Play (any key or click stops playing). */
export function bindPictureControls() {
  $('view-layer').addEventListener('input', () => {
    showLayer(Number($('view-layer').value));
    redrawPictures();
  });
  $('play').addEventListener('click', play);
  // Any key or click stops playing, but the button's own click and its Enter or Space (which
  // toggle it through the click).
  for (const type of ['keydown', 'pointerdown']) {
    document.addEventListener(type, (event) => {
      const toggle = event.target === $('play') && (type === 'pointerdown' || ['Enter', ' '].includes(event.key));
      if (playing() && !toggle) stopPlay();
    }, true);
  }
}

// ---------- the table ----------

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

/** A number of the table: three significant digits, '–' where the Result has none. */
const cell = (value) => (typeof value === 'number' ? value.toPrecision(3) : '–');
/** Singular values in one cell, largest first. */
const values = (list) => (list ? list.map(cell).join(' ') : '–');

/**
 * The metrics table: per layer and stage, every seed's numbers (one row per seed) and, with
 * several seeds, their mean and (population) standard deviation; then the fitted factor per
 * layer of every metric (of the geometric mean, with several seeds). Each row carries the
 * training metrics, the layer's AGOP alignment with the identity's r/p and its effective rank, the held-out metrics
 * and the class means' singular values (training, then test).
 */
export function renderTable() {
  const result = shown?.result ?? null;
  const rows = numberRows(result)
    .filter((row) => ['seed', 'mean', 'std'].includes(row.kind))
    .map((row) => tableRow([String(row.layer), row.stage, row.label], [
      ...METRICS.map((m) => row.values[m].toPrecision(3)),
      cell(row.agop_alignment), cell(row.identity_alignment), cell(row.agop_effective_rank),
      ...METRICS.map((m) => cell(row.test?.[m])),
      values(row.singular_values), values(row.test_singular_values),
    ]));
  $('metrics-table').tBodies[0].replaceChildren(...rows);
  // The rate of collapse of every metric over the fit's layers: one row per stage.
  const range = fitRange();
  const layers = result ? chartLayers(result) : [];
  const rates = layers.length ? collapseRates(layers, range) : null;
  const footer = STAGES.filter((stage) => rates?.nc1[stage]).map((stage) => tableRow(
    [`x/layer, ${range.from}–${range.to ?? layers.at(-1).layer}`, stage, result.across_seeds?.length ? 'geo. mean' : String(result.config.seed)],
    [...METRICS.map((m) => rates[m][stage]?.factor.toFixed(3) ?? '–'), ...Array(METRICS.length + 5).fill('')],
  ));
  $('metrics-table').tFoot.replaceChildren(...footer);
}

// ---------- is it really the AGOP? ----------

/** NC1 of X per layer of the last finished run of every projection, for one set of other settings. */
const comparison = { key: null, lines: new Map() };

/** Keeps a finished run's NC1 of X under its projection; other settings start a new comparison. */
export function addToComparison(result) {
  const key = JSON.stringify({ ...result.config, projection: null });
  if (key !== comparison.key) {
    comparison.key = key;
    comparison.lines.clear();
  }
  // With several seeds, their geometric mean (as the NC1 chart draws it).
  comparison.lines.set(result.config.projection, chartLayers(result).map((l) => [l.layer, l.stages.X.nc1]));
  drawProjectionComparison();
}

export function clearComparison() {
  comparison.key = null;
  comparison.lines.clear();
  drawProjectionComparison();
}

export function drawProjectionComparison() {
  drawComparisonChart(comparison.lines);
  $('chart-projections-empty').hidden = comparison.lines.size > 0;
  const parts = [...comparison.lines].map(([projection, points]) => `${projection}: NC1(X) ${points[0][1].toPrecision(2)} at layer 1, ${points.at(-1)[1].toPrecision(2)} at layer ${points.at(-1)[0]}`);
  $('projections-summary').textContent = parts.length === 0 ? '' : `${parts.join('; ')}.`;
}
