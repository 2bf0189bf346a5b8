// Turns layer reports and pictures into chart specs and draws them with the wasm draw calls.
import { drawHeatmap, drawImageGrid, drawLineChart, drawScatter, drawStackedBars } from './pkg/agop_collapse.js';

/** Okabe-Ito colours, safe for colour-blind readers: one per Deep RFM stage. */
export const STAGE_COLOURS = { X: '#0072B2', MX: '#D55E00', PhiMX: '#009E73' };
export const STAGES = ['X', 'MX', 'PhiMX'];
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

function line(id, spec) {
  drawLineChart(canvas(id), JSON.stringify({ title: '', integer_x: true, ...spec }));
}

/** Redraws the per-layer charts from every report so far. */
export function drawLayerCharts(layers, { nc1Variant, nc2Variant }) {
  line('chart-nc1', { x_label: 'layer', y_label: nc1Variant, log_y: true, series: stageSeries(layers, nc1Variant) });
  line('chart-nc2', { x_label: 'layer', y_label: nc2Variant, log_y: true, series: stageSeries(layers, nc2Variant) });
  const accuracy = [
    { name: 'train', colour: '#0072B2', dashed: false, points: layers.map((l) => [l.layer, l.train_acc]) },
  ];
  if (layers.some((l) => l.test_acc !== null)) {
    accuracy.push({ name: 'test', colour: '#D55E00', dashed: true, points: layers.filter((l) => l.test_acc !== null).map((l) => [l.layer, l.test_acc]) });
  }
  line('chart-accuracy', { x_label: 'layer', y_label: 'accuracy', log_y: false, series: accuracy });
  drawStackedBars(canvas('chart-time'), JSON.stringify({
    title: '',
    x_label: 'layer',
    y_label: 'seconds',
    parts: STEPS,
    bars: layers.map((l) => ({ label: String(l.layer), values: STEPS.map((s) => l.seconds[s]) })),
  }));
}

/** Redraws the pictures of one layer and stage: Gram matrix, PCA, AGOP. */
export function drawPictures(report, views, stage, classNames) {
  const picture = views?.[stage];
  if (picture) {
    const { size, values, classStarts } = picture.gram;
    drawHeatmap(canvas('chart-gram'), values, size, size, -1, 1, true, classStarts);
    const points = [];
    for (let i = 0; i < picture.pca.length; i += 2) points.push([picture.pca[i], picture.pca[i + 1]]);
    drawScatter(canvas('chart-pca'), JSON.stringify({
      title: '', x_label: 'first principal axis', y_label: 'second principal axis',
      class_names: classNames, points, classes: Array.from(views.labels),
    }));
  }
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

/** Clears every chart canvas (a new run starts). */
export function clearCharts() {
  for (const element of document.querySelectorAll('#results canvas')) {
    element.getContext('2d').clearRect(0, 0, element.width, element.height);
  }
}
