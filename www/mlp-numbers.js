// The network's numbers as rows, per measurement, hidden layer and stage: the stage's metrics with
// the layer's NFA, exponent, alignments and share and the measurement's loss, accuracies and NC3,
// as the Result has them (src/report.rs MlpResult). The network's CSV (exports.js) and its table
// (the last measurement) share these rows.
import { identityAlignment, METRICS } from './result.js';

const $ = (id) => document.getElementById(id);

/** The measured stages of a hidden layer, in order (the Result's `stages` keys). */
export const NET_STAGES = ['in', 'Vt', 'SVt', 'USVt', 'out'];

/** The layer's own numbers, in the table's and the CSV's order. */
const LAYER_NUMBERS = ['nfa', 'nfa_agop', 'nfa_alpha', 'nfa_alpha_corr', 'weight_alignment', 'agop_alignment'];

/** The columns of the network's CSV, the seed last. */
export const NETWORK_CSV_COLUMNS = [
  'epoch', 'layer', 'stage', ...METRICS, 'class_mean_singular_values', ...LAYER_NUMBERS, 'identity_alignment',
  'share', 'nc1_drop', 'little_collapse', 'train_loss', 'train_acc', 'test_acc', 'nc3_output', 'seed',
];

/** The width of the input of hidden layer `layer` (1-based): the data's dimension, then the hidden width. */
export function inputWidth(result, layer) {
  return layer === 1 ? result.dataset.dim : result.config.width;
}

/**
 * r/p of hidden layer `report` (a layer of a measurement): what an isotropic matrix puts along
 * the class-mean directions of its input, r their rank, p the input's width.
 */
export function netIdentityAlignment(result, report) {
  return identityAlignment(report.stages.in.class_mean_rank, inputWidth(result, report.layer));
}

/**
 * One row per measurement, hidden layer and stage of the MLP Result `result` (null: none), oldest
 * first: `{ epoch, layer, stage, report, cells }`, `cells` the value of every column of
 * [`NETWORK_CSV_COLUMNS`] (a number, a boolean, an array of numbers, or null where the Result has
 * none).
 */
export function networkRows(result) {
  const rows = [];
  for (const measurement of result?.history ?? []) {
    for (const report of measurement.layers) {
      for (const stage of NET_STAGES) {
        const metrics = report.stages[stage];
        const cells = {
          epoch: measurement.epoch, layer: report.layer, stage,
          ...Object.fromEntries(METRICS.map((m) => [m, metrics[m]])),
          class_mean_singular_values: metrics.class_mean_singular_values,
          ...Object.fromEntries(LAYER_NUMBERS.map((key) => [key, report[key] ?? null])),
          identity_alignment: netIdentityAlignment(result, report),
          share: report.share, nc1_drop: report.nc1_drop, little_collapse: report.little_collapse,
          train_loss: measurement.train_loss, train_acc: measurement.train_acc, test_acc: measurement.test_acc,
          nc3_output: measurement.nc3_output ?? null, seed: result.config.seed,
        };
        rows.push({ epoch: measurement.epoch, layer: report.layer, stage, report, cells });
      }
    }
  }
  return rows;
}

/** A number of the table: three significant digits, '–' where the Result has none. */
const figure = (value) => (typeof value === 'number' && Number.isFinite(value) ? value.toPrecision(3) : '–');

function cell(tag, text, attributes = {}) {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/**
 * The network's table: every stage of every hidden layer at the last measurement of `result`
 * (null or no measurement: its note instead), the layer's own numbers once per layer beside its
 * five stages.
 */
export function renderNetworkTable(result) {
  const last = result?.history?.at(-1);
  const table = $('net-table');
  $('net-table-empty').hidden = Boolean(last);
  $('net-table-caption').hidden = !last;
  table.hidden = !last;
  if (!last) {
    table.tBodies[0].replaceChildren();
    return;
  }
  const rows = networkRows({ ...result, history: [last] }).map(({ layer, stage, cells }, i) => {
    const row = document.createElement('tr');
    const first = i % NET_STAGES.length === 0;
    const span = { rowspan: String(NET_STAGES.length) };
    if (first) row.append(cell('th', String(layer), { scope: 'rowgroup', ...span }));
    row.append(cell('th', stage, { scope: 'row' }));
    for (const m of METRICS) row.append(cell('td', figure(cells[m])));
    row.append(cell('td', cells.class_mean_singular_values.map(figure).join(' ')));
    if (first) {
      for (const key of [...LAYER_NUMBERS, 'identity_alignment']) row.append(cell('td', figure(cells[key]), span));
      row.append(cell('td', cells.little_collapse ? `${figure(cells.share)}, little collapse` : figure(cells.share), span));
    }
    row.classList.toggle('layer-start', first);
    return row;
  });
  table.tBodies[0].replaceChildren(...rows);
  const test = last.test_acc === null ? '' : `, test accuracy ${figure(last.test_acc)}`;
  $('net-table-caption').textContent = `Epoch ${last.epoch} (the last measurement): loss ${figure(last.train_loss)}, train accuracy ${figure(last.train_acc)}${test}, `
    + `NC3 of the output layer ${figure(last.nc3_output)}. Metrics of each stage's features on the training samples; per layer, the NFA correlations, `
    + 'the best exponent α of AGOP^α with its correlation, the alignments of WᵀW and of the AGOP with the class means of its input and the identity\'s r/p, '
    + 'and the share of its collapse at S Vᵀ. The table scrolls sideways; "Network as CSV" below gives every measurement.';
}
