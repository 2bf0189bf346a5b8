// The network's geometry over training: where WᵀW and the AGOP of a hidden layer point (their
// share along the class-mean directions of its input, against an isotropic matrix's r/p), the
// output layer's NC3, and the fitted exponent of the Neural Feature Ansatz. Numbers from the
// Result's measurements (src/report.rs); each chart is one draw call, one task of the panel's.
import { line } from './charts.js';
import { netAlignmentCaption, netNc3Caption } from './captions.js';
import { inputWidth, netIdentityAlignment } from './mlp-numbers.js';

const $ = (id) => document.getElementById(id);

/** The series of `values` over the epochs of `history`. */
function overEpochs(history, name, colour, values, dashed = false) {
  return { name, colour, dashed, points: history.map((m, i) => [m.epoch, values[i]]) };
}

/** Resets the captions of this module's charts (no measurement yet). */
export function clearNetGeometry() {
  $('net-alignment-caption').textContent = netAlignmentCaption([], 0, [], 0);
  $('net-nc3-caption').textContent = netNc3Caption([]);
}

/**
 * The alignment of hidden layer `index` (0-based) over the measurements `history` of `result`:
 * WᵀW's and the AGOP's share along the class-mean directions of its input, and the identity's r/p.
 */
export function drawNetAlignment(result, history, index) {
  const levels = history.map((m) => netIdentityAlignment(result, m.layers[index]));
  $('net-alignment-caption').textContent = netAlignmentCaption(history, index, levels, inputWidth(result, index + 1));
  line('chart-net-alignment', {
    x_label: 'epoch', y_label: `tr(UᵀAU) / tr(A), layer ${index + 1}`, log_y: true,
    series: [
      overEpochs(history, 'WᵀW', '#0072B2', history.map((m) => m.layers[index].weight_alignment)),
      overEpochs(history, 'AGOP', '#009E73', history.map((m) => m.layers[index].agop_alignment), true),
      overEpochs(history, 'identity: r/p', '#777777', levels, true),
    ],
  });
}

/** NC3 of the output layer at every measurement of `history`. */
export function drawNetNc3(history) {
  $('net-nc3-caption').textContent = netNc3Caption(history);
  line('chart-net-nc3', {
    x_label: 'epoch', y_label: 'NC3 of the output layer', log_y: true,
    series: [overEpochs(history, '', '#CC79A7', history.map((m) => m.nc3_output))],
  });
}

/**
 * The NFA chart's series of the best exponent for layer `index`: the correlation of WᵀW with
 * AGOP^α at the α that maximises it, α at the last measurement in its name.
 */
export function alphaSeries(history, index) {
  const last = history.at(-1).layers[index];
  const alpha = last.nfa_alpha === null ? '–' : last.nfa_alpha.toFixed(2);
  return overEpochs(history, `with AGOP^α, α = ${alpha}`, '#CC79A7', history.map((m) => m.layers[index].nfa_alpha_corr), true);
}

/**
 * The NFA exponent in words: layer `index`'s best α at the first and last measurement, with its
 * correlation, and every layer's at the last.
 */
export function describeAlpha(history, index) {
  const [first, last] = [history[0], history.at(-1)];
  const alpha = (report) => (report.nfa_alpha === null ? '–' : report.nfa_alpha.toFixed(2));
  const corr = (report) => (report.nfa_alpha_corr === null ? '–' : report.nfa_alpha_corr.toFixed(2));
  const mine = history.length < 2 ? `${alpha(first.layers[index])} at epoch ${first.epoch}`
    : `${alpha(first.layers[index])} at epoch ${first.epoch}, ${alpha(last.layers[index])} at epoch ${last.epoch}`;
  const every = last.layers.map((l) => `${l.layer}: ${alpha(l)}`).join(', ');
  return `Best exponent α of AGOP^α: ${mine} (correlation ${corr(last.layers[index])}); at epoch ${last.epoch}, per layer, ${every}.`;
}
