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
  subscribe((change) => {
    if (change === 'view' || change === 'link') renderCaptions();
  });
}
