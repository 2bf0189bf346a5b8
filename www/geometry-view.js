// Deep RFM's geometry beyond NC1 and NC2 on the page: collapse on the held-out test samples
// beside the training samples', the share of each layer's AGOP along the class-mean directions
// against the identity's r/p, and the class means' spectrum of the chosen layer and stage against
// a simplex's. Every number comes from the Result (src/report.rs); each chart is drawn by a
// function of its own, so that the page gives each a task (rfm-view.js).
import { drawStackedBars } from './pkg/agop_collapse.js';
import { alignmentCaption, heldoutCaption, spectrumCaption } from './captions.js';
import { line as drawLine, STAGE_COLOURS } from './charts.js';
import { layerIdentityAlignment, STAGES } from './result.js';

const $ = (id) => document.getElementById(id);

const ALIGNMENT_COLOUR = '#D55E00';
const REFERENCE_COLOUR = '#777777';

/** What an empty chart says: before a run, and when the run has nothing for it. */
export const EMPTY_TEXTS = {
  heldout: {
    noRun: 'Press Run with some test samples: NC1 of the training samples (solid) and of the held-out test samples (dashed) appears here, layer by layer.',
    noTest: 'This run has no test samples, so nothing was held out to measure: set Test samples above 0 (with a CSV file of your own, load a test file beside it) and run again.',
    missingClass: 'A class has no test sample, so the test samples have no class means to collapse to: give more test samples (at least one of every class) and run again.',
  },
  alignment: {
    noRun: 'Press Run: the share of each layer\'s AGOP along the directions of its class means appears here, layer by layer, beside the identity\'s r/p.',
  },
  spectrum: {
    noRun: 'Press Run: the singular values of the class means of the layer and stage chosen above appear here.',
    coincide: 'The class means of this layer and stage coincide: no direction separates them, so they have no spectrum to draw.',
  },
};

/** Shows chart `name`'s note `text` in place of its picture (cleared, with no record of points). */
function showEmpty(name, text) {
  const canvas = $(`chart-${name}`);
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
  canvas.removeAttribute('data-points');
  canvas.removeAttribute('data-legend');
  const note = $(`chart-${name}-empty`);
  note.textContent = text;
  note.hidden = false;
}

function line(name, spec) {
  $(`chart-${name}-empty`).hidden = true;
  drawLine(`chart-${name}`, spec);
}

/** Every chart of this module back to its state before a run (notes and captions). */
export function clearGeometry(nc1Variant) {
  showEmpty('heldout', EMPTY_TEXTS.heldout.noRun);
  showEmpty('alignment', EMPTY_TEXTS.alignment.noRun);
  showEmpty('spectrum', EMPTY_TEXTS.spectrum.noRun);
  $('heldout-caption').textContent = heldoutCaption(null, nc1Variant);
  $('alignment-caption').textContent = alignmentCaption(null);
  $('spectrum-caption').textContent = spectrumCaption(null);
}

/**
 * The per-layer charts of `result` (its first seed's layers: the held-out metrics and the
 * alignment are one run's, not summarised over seeds), one function each: held-out NC1 in
 * `nc1Variant`, and the AGOP alignment.
 */
export function geometryLayerSteps(result, nc1Variant) {
  return [() => drawHeldout(result, nc1Variant), () => drawAlignment(result)];
}

/** Train (solid) and test (dashed) NC1 per layer and stage, or why there is none. */
function drawHeldout(result, variant) {
  $('heldout-caption').textContent = heldoutCaption(result, variant);
  const layers = result?.layers ?? [];
  if (layers.length === 0) return showEmpty('heldout', EMPTY_TEXTS.heldout.noRun);
  if (result.dataset.n_test === 0) return showEmpty('heldout', EMPTY_TEXTS.heldout.noTest);
  if (!layers.some((l) => l.stages_test)) return showEmpty('heldout', EMPTY_TEXTS.heldout.missingClass);
  const series = STAGES.flatMap((stage) => [
    { name: `${stage} train`, colour: STAGE_COLOURS[stage], dashed: false, points: layers.map((l) => [l.layer, l.stages[stage][variant]]) },
    { name: `${stage} test`, colour: STAGE_COLOURS[stage], dashed: true, points: layers.map((l) => [l.layer, l.stages_test?.[stage][variant] ?? null]) },
  ]);
  line('heldout', { x_label: 'layer', y_label: `${variant}, train and test`, log_y: true, series });
}

/** The AGOP's share along the class means per layer, with the identity's r/p. */
function drawAlignment(result) {
  $('alignment-caption').textContent = alignmentCaption(result);
  const layers = result?.layers ?? [];
  if (layers.length === 0) return showEmpty('alignment', EMPTY_TEXTS.alignment.noRun);
  const projection = result.config.projection;
  line('alignment', {
    x_label: 'layer', y_label: 'tr(UᵀMU) / tr(M)', log_y: true,
    series: [
      { name: projection === 'agop' ? 'AGOP' : `M (${projection})`, colour: ALIGNMENT_COLOUR, dashed: false, points: layers.map((l) => [l.layer, l.agop_alignment]) },
      { name: 'identity: r/p', colour: REFERENCE_COLOUR, dashed: true, points: layers.map((l) => [l.layer, layerIdentityAlignment(l)]) },
    ],
  });
}

/**
 * The class means' singular values of `report` (a layer; null: none yet) at `stage`, each over
 * the largest, as bars, with a simplex's (K − 1 ones and a zero) as the reference line; its
 * numerical rank and stable rank in the axis' label and the caption.
 */
export function drawSpectrum(report, stage) {
  $('spectrum-caption').textContent = spectrumCaption(report, stage);
  if (!report) return showEmpty('spectrum', EMPTY_TEXTS.spectrum.noRun);
  const metrics = report.stages[stage];
  const values = metrics.class_mean_singular_values;
  const largest = values[0];
  if (!(largest > 0)) return showEmpty('spectrum', EMPTY_TEXTS.spectrum.coincide);
  $('chart-spectrum-empty').hidden = true;
  drawStackedBars($('chart-spectrum'), JSON.stringify({
    title: '',
    x_label: `singular value (numerical rank ${metrics.class_mean_rank}, stable rank ${metrics.stable_rank.toPrecision(3)})`,
    y_label: 'σᵢ / σ₁',
    parts: [`layer ${report.layer}, ${stage}`],
    colours: [STAGE_COLOURS[stage]],
    bars: values.map((value, i) => ({ label: String(i + 1), values: [value / largest] })),
    reference: values.map((_, i) => (i < values.length - 1 ? 1 : 0)),
    reference_name: 'simplex',
  }));
}
