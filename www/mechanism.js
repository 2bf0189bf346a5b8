// "Inside one layer": the moves of one Deep RFM layer as small pictures, stepped through one at a
// time: the Gram picture of its input X, the kernel matrix, the AGOP M of its kernel machine, the Gram of X M^1/2
// (MX) and of the random map's output (PhiMX), each with NC1 after it.
import { drawHeatmap, drawImageGrid, drawLineChart } from './pkg/agop_collapse.js';

const $ = (id) => document.getElementById(id);

/** The sub-steps, in order: the picture's id suffix, its label and what it shows. */
export const SUB_STEPS = [
  { id: 'X', label: 'X: the input', text: 'The layer\'s input, each sample scaled to length 1. Its Gram picture: cosine similarity of every pair of samples (centred), sorted by class.' },
  { id: 'kernel', label: 'K: the kernel', text: 'The kernel matrix the machine is fitted with, for every pair of samples shown (the same as in the Gram picture), from its lowest value (dark blue) to its highest (yellow): KERNEL. The machine\'s predictions are weighted sums of its columns.' },
  { id: 'agop', label: 'M: the AGOP', text: 'A kernel machine is fitted to the labels; M is the average, over the training samples, of the outer product of its gradients: the directions its predictions depend on. On digits at layer 1, its diagonal as an image; otherwise its largest eigenvalues.' },
  { id: 'MX', label: 'MX: projected', text: 'PROJECTION' },
  { id: 'PhiMX', label: 'PhiMX: random map', text: 'FEATURE Its output is the next layer\'s input.' },
];

let current = 0;
let drawn = null; // { report, views, config }

/** The paper's layer: the texts before any run is drawn. */
const DEFAULT_TEXT_CONFIG = { kernel: 'laplace', projection: 'agop', feature: 'relu', agop_power: 0.5, diag_agop: false, rfm_iters: 1 };

/** The formula of each kernel, for the kernel sub-step's text. */
const KERNEL_FORMULAS = {
  laplace: 'k(x, z) = exp(-||x - z|| / L), Laplace',
  gaussian: 'k(x, z) = exp(-||x - z||² / (2 L²)), Gaussian',
  linear: 'k(x, z) = x · z, linear',
};

/** What the random map of `feature` is, for the last sub-step's text. */
const FEATURE_TEXTS = {
  relu: 'A random, untrained map, ReLU(W x) with fresh random weights: it does not know the labels.',
  cos: 'A random, untrained map, cos(W x + b) with fresh random weights (random Fourier features): it does not know the labels.',
  identity: 'This run has no random map (the identity): PhiMX is MX.',
};

/** P as the page writes a power: ½ for the square root. */
function powerText(power) {
  return power === 0.5 ? '½' : String(power);
}

/** What the projection of `config` does, for the MX sub-step's text: true of the run shown. */
function projectionText(config) {
  if (config.projection === 'none') return 'This run projects with the identity (projection none): MX is X, only the row normalisation acts.';
  const matrix = {
    agop: config.diag_agop ? 'the AGOP\'s diagonal M' : 'M',
    centred: config.diag_agop ? 'the diagonal of the gradients\' covariance M' : 'the gradients\' covariance M',
    'class-means': 'the class means\' scatter M (Σb)',
    'random-spectrum': 'M\'s eigenvalues on random directions',
  }[config.projection] ?? 'M';
  const reweighs = config.diag_agop ? 'each feature is reweighted, none mixed' : 'directions M weighs heavily are stretched, the others shrunk';
  return `The data multiplied by ${matrix} to the power ${powerText(config.agop_power)}: ${reweighs}. Samples of a class move together.`;
}

/** The text of sub-step `step` for the run of `config`. */
function subStepText(step, config) {
  const kernel = KERNEL_FORMULAS[config.kernel] ?? config.kernel;
  const rounds = config.rfm_iters > 1
    ? ` This is the last of ${config.rfm_iters} fits: each after the first measures distances ‖u‖_M = √(uᵀMu) in the metric M of the previous fit's AGOP.`
    : '';
  return step.text
    .replace('KERNEL.', `${kernel}.${rounds}`)
    .replace('PROJECTION', projectionText(config))
    .replace('FEATURE', FEATURE_TEXTS[config.feature] ?? '');
}

/** NC1 after a sub-step (the kernel and the AGOP change no features: NC1 is measured at X and MX). */
function nc1After(report, id) {
  const stage = ['kernel', 'agop'].includes(id) ? null : id;
  return stage ? report.stages[stage].nc1 : null;
}

/**
 * Draws the pictures of one layer (its report and views, the first seed's) and marks the
 * current sub-step: one function per picture, so that a page drawing a new layer can give each
 * a task of its own.
 */
export function mechanismSteps(report, views, config) {
  if (!report || !views) return [];
  return [...SUB_STEPS.map((step) => () => drawSubStep(step, report, views)), () => {
    drawn = { report, views, config };
    $('mechanism-layer').textContent = `layer ${report.layer}`;
    showSubStep(current);
  }];
}

/** Draws the picture of sub-step `step` of a layer. */
function drawSubStep(step, report, views) {
  const canvas = $(`mech-${step.id}`);
  const nc1 = nc1After(report, step.id);
  $(`mech-${step.id}-label`).textContent = nc1 === null ? step.label : `${step.label} · NC1 ${nc1.toPrecision(2)}`;
  if (step.id === 'kernel') {
    if (views.kernel) {
      const { size, values, classStarts } = views.kernel;
      let [low, high] = [Infinity, -Infinity];
      for (const v of values) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
      drawHeatmap(canvas, values, size, size, low, high > low ? high : low + 1, false, classStarts);
    }
  } else if (step.id === 'agop') {
    if (views.agop) {
      const { diagonal, shape } = views.agop;
      drawImageGrid(canvas, diagonal, 1, shape[0], shape[1], false);
    } else {
      drawLineChart(canvas, JSON.stringify({
        title: '', x_label: 'index', y_label: 'eigenvalue', log_y: true, integer_x: true,
        series: [{ name: '', colour: '#0072B2', dashed: false, points: report.agop.top_eigenvalues.map((v, i) => [i + 1, v]) }],
      }));
    }
  } else if (views[step.id]) {
    const { size, values, classStarts } = views[step.id].gram;
    drawHeatmap(canvas, values, size, size, -1, 1, true, classStarts);
  }
}


/** Marks sub-step `index` (clamped) as the current one and shows its explanation. */
export function showSubStep(index) {
  current = Math.max(0, Math.min(SUB_STEPS.length - 1, index));
  SUB_STEPS.forEach((step, i) => {
    const item = $(`mech-${step.id}`).closest('.mech-item');
    item.classList.toggle('current', i === current);
    item.setAttribute('aria-current', String(i === current));
  });
  const step = SUB_STEPS[current];
  const nc1 = drawn?.report ? nc1After(drawn.report, step.id) : null;
  const text = subStepText(step, drawn?.config ?? DEFAULT_TEXT_CONFIG);
  $('mechanism-text').textContent = `${current + 1} of ${SUB_STEPS.length}. ${text}${nc1 === null ? '' : ` NC1 here: ${nc1.toPrecision(3)}.`}`;
  $('mech-back').disabled = current === 0;
  $('mech-next').disabled = current === SUB_STEPS.length - 1;
}

/** Wires the sub-step buttons and the arrow keys (while the focus is in the panel). */
export function setupMechanism() {
  $('mech-back').addEventListener('click', () => showSubStep(current - 1));
  $('mech-next').addEventListener('click', () => showSubStep(current + 1));
  for (const [i, step] of SUB_STEPS.entries()) {
    $(`mech-${step.id}`).closest('.mech-item').addEventListener('click', () => showSubStep(i));
  }
  $('mechanism').addEventListener('keydown', (event) => {
    if (event.key === 'ArrowRight') showSubStep(current + 1);
    else if (event.key === 'ArrowLeft') showSubStep(current - 1);
    else return;
    event.preventDefault();
  });
  showSubStep(0);
}
