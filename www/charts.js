// Turns layer reports and pictures into chart specs and draws them with the wasm draw calls.
import { collapseRates as fitRates, drawHeatmap, drawImageGrid, drawLineChart, drawScatter, drawStackedBars } from './pkg/agop_collapse.js';
import { chartLayers, seedRuns, STAGES } from './result.js';

export { chartLayers, seedRuns, STAGES };

/** Okabe-Ito colours, safe for colour-blind readers: one per Deep RFM stage. */
export const STAGE_COLOURS = { X: '#0072B2', MX: '#D55E00', PhiMX: '#009E73' };
const STEPS = ['kernel', 'solve', 'agop', 'sqrt', 'features', 'metrics'];

const canvas = (id) => document.getElementById(id);

function stageSeries(layers, metric) {
  return STAGES.map((stage) => ({
    name: stage,
    colour: STAGE_COLOURS[stage],
    dashed: stage === 'PhiMX',
    points: layers.map((l) => [l.layer, l.stages[stage][metric]]),
  }));
}

/** Draws a line chart of `spec` (no title, whole-number x by default) on canvas `id`. */
export function line(id, spec) {
  drawLineChart(canvas(id), JSON.stringify({ title: '', integer_x: true, ...spec }));
}

/**
 * The rates of collapse of every metric at every stage, fitted by least squares of the
 * logarithm against the layer over the layers `from`..`to` (`to` null: the last), in one call
 * to Rust: `{ metric: { X | MX | PhiMX: { factor, intercept, line } | null } }`, `line` the
 * fitted values at the first and last layer of the range (null: fewer than two layers).
 */
export function collapseRates(layers, { from, to }) {
  // Only the scalar metrics have a rate: an array (the class means' singular values) is left out.
  const scalars = (metrics) => Object.fromEntries(Object.entries(metrics).filter(([, v]) => v === null || typeof v === 'number'));
  const stages = (l) => Object.fromEntries(Object.entries(l.stages).map(([stage, metrics]) => [stage, scalars(metrics)]));
  const points = layers.map((l) => ({ layer: l.layer, stages: stages(l) }));
  return fitRates(JSON.stringify(points), from, to ?? 0);
}

/** A band of one standard deviation of the logarithms around the geometric mean: [layer, low, high]. */
function logBand(across, pick) {
  return across.map((l) => {
    const s = pick(l);
    return s?.log_mean == null ? [l.layer, null, null] : [l.layer, Math.exp(s.log_mean - s.log_std), Math.exp(s.log_mean + s.log_std)];
  });
}

/**
 * Redraws the per-layer charts from `layers` (see [`chartLayers`]). With `fit` (`{ rates }`,
 * the rates of the NC1 variant shown, per stage, from [`collapseRates`]), the NC1 chart adds
 * each stage's fitted exponential, its factor in the legend. With `across` (a result's `across_seeds`), every
 * line gets its band over the seeds: one standard deviation of the logarithms on the log charts,
 * of the values on the accuracy chart.
 */
export function drawLayerCharts(layers, options) {
  for (const draw of layerChartSteps(layers, options)) draw();
}

/**
 * The drawing of each per-layer chart of [`drawLayerCharts`] as a function of its own, so that
 * a page drawing a new layer can give each chart a task of its own (none holds the main thread
 * for long).
 */
export function layerChartSteps(layers, { nc1Variant, nc2Variant, fit = null, across = null, timeLayers = layers }) {
  const nc1 = stageSeries(layers, nc1Variant);
  const nc2 = stageSeries(layers, nc2Variant);
  if (across?.length) {
    nc1.forEach((series) => { series.band = logBand(across, (l) => l.stages[series.name][nc1Variant]); });
    nc2.forEach((series) => { series.band = logBand(across, (l) => l.stages[series.name][nc2Variant]); });
  }
  if (fit) {
    for (const series of [...nc1]) {
      const rate = fit.rates[series.name];
      if (!rate) continue;
      const stage = series.name;
      series.name = `${stage}: x${rate.factor.toFixed(2)} per layer`;
      nc1.push({ name: '', colour: STAGE_COLOURS[stage], dashed: true, points: rate.line });
    }
  }
  const band = (pick) => across.map((l) => {
    const s = pick(l);
    return s ? [l.layer, s.mean - s.std, s.mean + s.std] : [l.layer, null, null];
  });
  const accuracy = [
    { name: 'train', colour: '#0072B2', dashed: false, points: layers.map((l) => [l.layer, l.train_acc]),
      band: across?.length ? band((l) => l.train_acc) : [] },
  ];
  if (layers.some((l) => l.test_acc !== null)) {
    accuracy.push({ name: 'test', colour: '#D55E00', dashed: true, points: layers.filter((l) => l.test_acc !== null).map((l) => [l.layer, l.test_acc]),
      band: across?.length ? band((l) => l.test_acc) : [] });
  }
  return [
    () => line('chart-nc1', { x_label: 'layer', y_label: nc1Variant, log_y: true, series: nc1 }),
    () => line('chart-nc2', { x_label: 'layer', y_label: nc2Variant, log_y: true, series: nc2 }),
    () => line('chart-accuracy', { x_label: 'layer', y_label: 'accuracy', log_y: false, series: accuracy }),
    () => drawStackedBars(canvas('chart-time'), JSON.stringify({
      title: '',
      x_label: 'layer',
      y_label: 'seconds',
      parts: STEPS,
      bars: timeLayers.map((l) => ({ label: String(l.layer), values: STEPS.map((s) => l.seconds[s]) })),
    })),
  ];
}

/**
 * Signs for the two axes of the PCA points `current` (flat x, y pairs) that line them up with
 * `previous` shown with `previousSigns`: an axis flips when its coordinates correlate negatively
 * with the shown ones. Precondition: the same samples in the same order.
 */
export function alignedSigns(previous, previousSigns, current) {
  return [0, 1].map((axis) => {
    let dot = 0;
    for (let p = axis; p < current.length; p += 2) dot += current[p] * previous[p] * previousSigns[axis];
    return dot < 0 ? -1 : 1;
  });
}

/** A colour per projection (Okabe-Ito), the AGOP's the X stage's blue. */
const PROJECTION_COLOURS = { agop: '#0072B2', none: '#999999', centred: '#009E73', 'class-means': '#CC79A7', 'random-spectrum': '#D55E00' };

/** NC1 of X over the layers, one line per projection (`lines`: projection -> [layer, nc1] points). */
export function drawComparisonChart(lines) {
  const element = canvas('chart-projections');
  element.getContext('2d').clearRect(0, 0, element.width, element.height);
  if (lines.size === 0) return;
  line('chart-projections', {
    x_label: 'layer', y_label: 'NC1 of X', log_y: true,
    series: [...lines].map(([projection, points]) => ({
      name: projection, colour: PROJECTION_COLOURS[projection] ?? '#000000', dashed: projection === 'none', points,
    })),
  });
}

/**
 * The pictures of one layer and stage, each drawn by a function of its own (see
 * [`layerChartSteps`]): the Gram matrix, the PCA (each axis multiplied by its entry of
 * `signs`), the AGOP.
 */
export function pictureSteps(report, views, stage, classNames, signs = [1, 1]) {
  const picture = views?.[stage];
  return [
    () => {
      if (!picture) return;
      const { size, values, classStarts } = picture.gram;
      drawHeatmap(canvas('chart-gram'), values, size, size, -1, 1, true, classStarts);
    },
    () => {
      if (!picture) return;
      const points = [];
      for (let i = 0; i < picture.pca.length; i += 2) points.push([signs[0] * picture.pca[i], signs[1] * picture.pca[i + 1]]);
      drawScatter(canvas('chart-pca'), JSON.stringify({
        title: '', x_label: 'first principal axis', y_label: 'second principal axis',
        class_names: classNames, points, classes: Array.from(views.labels),
      }));
    },
    () => drawAgop(report, views),
  ];
}

/** What the AGOP chart shows for the run of `config`: true of that run's matrix M. */
export function agopCaption(config) {
  const shown = 'On digits at layer 1: the AGOP\'s diagonal (which pixels matter) and its top eigenvectors, as images; otherwise its largest eigenvalues.';
  const rounds = config?.rfm_iters > 1 ? ` M is the AGOP of the last of the layer's ${config.rfm_iters} fits.` : '';
  if (config?.diag_agop) {
    return `${shown}${rounds} This run keeps only the AGOP's diagonal: M weighs each feature and rotates none, so its eigenvalues are those weights, with no gap to expect.`;
  }
  const matrices = {
    none: 'the identity (projection none): every eigenvalue is 1',
    centred: 'the covariance of the kernel machine\'s gradients (projection centred)',
    'class-means': 'the between-class scatter Σb of its input (projection class-means), of rank at most K−1',
    'random-spectrum': 'the AGOP\'s eigenvalues on random directions (projection random-spectrum): the same eigenvalues as the AGOP\'s',
  };
  if (config && matrices[config.projection]) return `${shown}${rounds} This run projects with ${matrices[config.projection]}.`;
  return `${shown}${rounds} About K−1 large eigenvalues, then a gap: the AGOP projects onto the directions that separate the class means.`;
}

/** The AGOP's picture: on digits at layer 1 its diagonal and top eigenvectors as images, otherwise its largest eigenvalues. */
function drawAgop(report, views) {
  if (views?.agop) {
    const { diagonal, eigenvectors, count, shape } = views.agop;
    const all = new Float32Array(diagonal.length + eigenvectors.length);
    all.set(diagonal);
    all.set(eigenvectors, diagonal.length);
    drawImageGrid(canvas('chart-agop'), all, count + 1, shape[0], shape[1], true);
  } else if (report) {
    line('chart-agop', {
      x_label: 'eigenvalue index', y_label: 'eigenvalue of M', log_y: true, integer_x: true,
      series: [{ name: `layer ${report.layer}`, colour: '#0072B2', dashed: false,
        points: report.agop.top_eigenvalues.map((v, i) => [i + 1, v]) }],
    });
  }
}

/** The strip's default layers: the paper's 1, 3, 7, 13, 19 for depth 20, else 1, 2, 4, 8, ... up to `depth`. */
export function defaultStripLayers(depth) {
  if (depth === 20) return [1, 3, 7, 13, 19];
  const layers = [];
  for (let l = 1; l <= depth; l *= 2) layers.push(l);
  return layers;
}

/**
 * The strip of small Gram pictures: one button per chosen layer already computed, in the order
 * given, each with its layer and NC1 of `stage`, all on the scale -1..1 (`pick(layer)` runs on
 * a click; `selected` is the layer shown in the big pictures). The buttons are made at once;
 * the returned functions draw one picture each (see [`layerChartSteps`]).
 */
export function stripSteps(layers, views, stage, chosen, selected, pick) {
  const strip = document.getElementById('gram-strip');
  const items = chosen.filter((layer) => layer >= 1 && layer <= layers.length && views[layer - 1]?.[stage]).map((layer) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.layer = String(layer);
    button.setAttribute('aria-pressed', String(layer === selected));
    const picture = document.createElement('canvas');
    const nc1 = layers[layer - 1].stages[stage].nc1;
    picture.setAttribute('role', 'img');
    picture.setAttribute('aria-label', `Gram matrix of ${stage} at layer ${layer}`);
    const label = document.createElement('span');
    label.textContent = `layer ${layer} · NC1 ${nc1.toPrecision(2)}`;
    button.append(picture, label);
    button.addEventListener('click', () => pick(layer));
    return { button, picture, gram: views[layer - 1][stage].gram };
  });
  strip.replaceChildren(...items.map((item) => item.button));
  return items.map(({ picture, gram }) => () => drawHeatmap(picture, gram.values, gram.size, gram.size, -1, 1, true, gram.classStarts));
}

/** The strip as one PNG: its pictures side by side with their labels, on white. */
export function stripImage() {
  const buttons = [...document.querySelectorAll('#gram-strip button')];
  if (buttons.length === 0) return null;
  const pictures = buttons.map((b) => b.querySelector('canvas'));
  const size = Math.max(...pictures.map((p) => p.width));
  const gap = Math.round(size / 10);
  const labelHeight = Math.round(size / 7);
  const out = document.createElement('canvas');
  out.width = buttons.length * size + (buttons.length + 1) * gap;
  out.height = size + labelHeight + 2 * gap;
  const context = out.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, out.width, out.height);
  context.fillStyle = '#000000';
  context.font = `${Math.round(labelHeight * 0.6)}px sans-serif`;
  context.textAlign = 'center';
  buttons.forEach((button, i) => {
    const x = gap + i * (size + gap);
    context.drawImage(pictures[i], x, gap, size, size);
    context.fillText(button.querySelector('span').textContent, x + size / 2, gap + size + labelHeight * 0.8);
  });
  return out;
}

/** Clears every chart canvas (a new run starts). */
export function clearCharts() {
  for (const element of document.querySelectorAll('#results canvas')) {
    element.getContext('2d').clearRect(0, 0, element.width, element.height);
  }
}
