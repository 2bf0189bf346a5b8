// The captions of the NC1 and NC2 charts follow the variant chosen in each chart's menu: each
// says what the plotted number measures (definitions: the Result's Metrics, src/nc.rs).
import { state, subscribe } from './state.js';

const $ = (id) => document.getElementById(id);

/** What the NC1 chart plots, per variant. */
export const NC1_CAPTIONS = {
  nc1: 'tr(Σw) / (K tr(Σb)), the paper\'s NC1: how far samples sit from their class mean, relative to how far the K class means sit apart, per layer (log scale). '
    + 'Collapse drives it toward 0; the drop from X to MX is the projection\'s work (the AGOP\'s, with the paper\'s projection).',
  nc1_trace: 'tr(Σw) / tr(Σb): the within-class spread over the spread of the class means, per layer (log scale); K times the paper\'s NC1. '
    + 'Collapse drives it toward 0; the drop from X to MX is the projection\'s work.',
  nc1_papyan: 'tr(Σw Σb⁺) / K (Papyan, Han and Donoho): the within-class spread measured along the directions that separate the class means, per layer (log scale). '
    + 'Collapse drives it toward 0.',
  nc1_wt: 'tr(Σw) / tr(Σt): the share of the total variance that lies within the classes, between 0 and 1, per layer (log scale). '
    + 'Collapse drives it toward 0.',
};

/** What the NC2 chart plots, per variant. */
export const NC2_CAPTIONS = {
  nc2: 'How far the centred class means are from a regular simplex (equal lengths, equal angles): the mean squared difference between their cosine Gram matrix and a simplex ETF\'s, per layer (log scale). '
    + 'Collapse drives it toward 0, usually more slowly than NC1.',
  nc2_orth: 'How far the class means, not centred, are from an orthogonal frame: the mean squared difference between their cosine Gram matrix and the identity, per layer (log scale). '
    + 'A natural target after a ReLU, whose outputs are never negative.',
  nc2_equinorm: 'Whether the centred class means have equal lengths: the standard deviation of their lengths over their mean, per layer (log scale). '
    + '0 when every mean is as far from the global mean as the others.',
  nc2_equiangle: 'Whether the centred class means make equal angles: the mean, over pairs of classes, of |cos + 1/(K−1)|, the distance of their cosine from a simplex\'s, per layer (log scale). '
    + '0 when every pair is as far apart as in a regular simplex.',
};

/** Short names of the variants, for the charts' titles. */
const NC1_TITLES = { nc1: 'NC1', nc1_trace: 'NC1, trace ratio', nc1_papyan: 'NC1, Papyan', nc1_wt: 'NC1, within over total' };
const NC2_TITLES = { nc2: 'NC2', nc2_orth: 'NC2, orthogonal frame', nc2_equinorm: 'NC2, equal norms', nc2_equiangle: 'NC2, equal angles' };

/** Sets the two captions and titles from the State's view. */
export function renderCaptions() {
  const { nc1Variant, nc2Variant } = state.view;
  if (NC1_CAPTIONS[nc1Variant]) {
    $('nc1-caption').textContent = NC1_CAPTIONS[nc1Variant];
    $('nc1-title').textContent = `Within-class collapse (${NC1_TITLES[nc1Variant]})`;
  }
  if (NC2_CAPTIONS[nc2Variant]) {
    $('nc2-caption').textContent = NC2_CAPTIONS[nc2Variant];
    $('nc2-title').textContent = nc2Variant === 'nc2' ? 'Class means as a simplex (NC2)' : `Class means: ${NC2_TITLES[nc2Variant]}`;
  }
}

export function setupCaptions() {
  renderCaptions();
  // The captions of the charts that describe a run say first what they plot.
  const plain = {
    'heldout-caption': heldoutCaption(null, state.view.nc1Variant), 'alignment-caption': alignmentCaption(null), 'spectrum-caption': spectrumCaption(null),
    'net-alignment-caption': netAlignmentCaption([]), 'net-nc3-caption': netNc3Caption([]),
  };
  for (const [id, text] of Object.entries(plain)) if ($(id).textContent.trim() === '') $(id).textContent = text;
  subscribe((change) => {
    if (change === 'view' || change === 'link') renderCaptions();
  });
}

// ---------- the charts of held-out collapse, the class means' geometry and the alignments ----------
// Each caption says what the chart plots, then what the run shown gives (numbers from its Result).

/** A number for a caption: three significant digits, '–' when missing. */
function figure(value) {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toPrecision(3);
}

/** What the held-out chart plots (variant: the NC1 chart's). */
const HELDOUT_TEXT = (variant) => `${NC1_TITLES[variant] ?? variant} of the training samples (solid) and of the held-out test samples (dashed), one colour per stage (log scale). `
  + 'The test samples pass through the same layers and are measured around their own class means: a widening gap is collapse that does not carry over.';

/**
 * The held-out chart's caption for `result` (null: none yet) and the NC1 `variant` shown: what it
 * plots, then the train and test values of X at the first and last layer with test metrics.
 */
export function heldoutCaption(result, variant) {
  const text = HELDOUT_TEXT(variant);
  const tested = (result?.layers ?? []).filter((l) => l.stages_test);
  if (tested.length === 0) return text;
  const at = (l) => {
    const [train, test] = [l.stages.X[variant], l.stages_test.X[variant]];
    return `layer ${l.layer}, ${figure(train)} train and ${figure(test)} test (${figure(test / train)} times)`;
  };
  const ends = tested.length === 1 ? [tested[0]] : [tested[0], tested.at(-1)];
  const { n_train: nTrain, n_test: nTest } = result.dataset;
  const seed = result.config.seeds > 1 ? `, seed ${result.config.seed}` : '';
  return `${text} This run (${nTrain} training, ${nTest} test samples${seed}), X: ${ends.map(at).join('; ')}.`;
}

/** The AGOP alignment chart's caption for `result` (null: none yet). */
export function alignmentCaption(result) {
  const text = 'The share of the matrix M each layer projects with (its AGOP) along the class-mean directions of its input X, tr(UᵀMU) / tr(M), per layer (log scale). '
    + 'Dashed: r/p, the identity\'s share (a random, isotropic matrix), r the class means\' rank, p the input\'s dimension.';
  const layers = result?.layers ?? [];
  if (layers.length === 0) return text;
  const projection = result.config.projection;
  const control = projection === 'agop' ? ''
    : projection === 'none' ? ' With the projection none, M is the identity: the two lines coincide.'
      : ` With the projection ${projection}, M is that control's matrix, not the AGOP.`;
  const at = (l) => {
    const [rank, dim] = [l.stages.X.class_mean_rank, l.dim_in];
    return `layer ${l.layer} ${figure(l.agop_alignment)} (r/p = ${rank}/${dim} = ${figure(rank / dim)})`;
  };
  const ends = layers.length === 1 ? [layers[0]] : [layers[0], layers.at(-1)];
  const seed = result.config.seeds > 1 ? ` (seed ${result.config.seed})` : '';
  return `${text}${control} This run${seed}: ${ends.map(at).join('; ')}.`;
}

/** The class-mean spectrum's caption for `report` (a layer of the run; null: none yet) at `stage`. */
export function spectrumCaption(report, stage) {
  const text = 'The singular values of the centred class means (the K rows μc − μG), each over the largest, for the layer and stage chosen above. '
    + 'Dashed: a regular simplex\'s, K − 1 equal values and one 0. Numerical rank: how many exceed 1e-6 of the largest; '
    + 'stable rank of the centred features: ‖Hc‖²_F / σ_max(Hc)², 1 when one direction carries them all.';
  if (!report) return text;
  const metrics = report.stages[stage];
  const k = metrics.class_mean_singular_values.length;
  return `${text} Layer ${report.layer}, ${stage}: numerical rank ${metrics.class_mean_rank} of the K − 1 = ${k - 1} of a simplex, `
    + `stable rank ${figure(metrics.stable_rank)}, smallest over largest ${figure(metrics.class_mean_singular_values[k - 2] / metrics.class_mean_singular_values[0])} among the first K − 1.`;
}

/**
 * The network alignment chart's caption for `history` (the measurements, oldest first; empty: none
 * yet) at hidden layer `index` (0-based), with the identity's r/p at each measurement `levels`.
 */
export function netAlignmentCaption(history, index, levels, width) {
  const text = 'The share of A = WᵀW (solid) and of A = the layer\'s AGOP (dashed) along the class-mean directions of the layer\'s input, tr(UᵀAU) / tr(A), '
    + 'over training (log scale). Grey: r/p, a random, isotropic matrix\'s share, r the class means\' rank, p the input\'s width.';
  if (history.length === 0) return text;
  const [first, last] = [history[0], history.at(-1)];
  const pick = (m, key) => figure(m.layers[index][key]);
  const rank = last.layers[index].stages.in.class_mean_rank;
  return `${text} Layer ${index + 1}: WᵀW ${pick(first, 'weight_alignment')} at epoch ${first.epoch}, ${pick(last, 'weight_alignment')} at epoch ${last.epoch}; `
    + `the AGOP ${pick(first, 'agop_alignment')}, then ${pick(last, 'agop_alignment')}; r/p = ${rank}/${width} = ${figure(levels.at(-1))}.`;
}

/** The network NC3 chart's caption for `history` (empty: none yet). */
export function netNc3Caption(history) {
  const text = '‖W_out/‖W_out‖_F − M/‖M‖_F‖²_F: the output layer\'s weights against the centred class means M of the last hidden layer\'s output, '
    + 'at each measurement (log scale); 0 when each class\'s weights point along its class mean (self-duality, NC3), at most 4.';
  if (history.length === 0) return text;
  const [first, last] = [history[0], history.at(-1)];
  return `${text} This run: ${figure(first.nc3_output)} at epoch ${first.epoch}, ${figure(last.nc3_output)} at epoch ${last.epoch}.`;
}
