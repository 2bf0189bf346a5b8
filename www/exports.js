// Taking results away: charts as PNG, results as JSON and CSV, the link of the run.

import { collapseRates } from './charts.js';
import { NETWORK_CSV_COLUMNS, networkRows } from './mlp-numbers.js';
import { chartLayers, METRICS, numberRows, STAGES } from './result.js';

/** Saves `blob` as a file called `name`. */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A CSV cell of a number that may be missing. */
const blank = (value) => value ?? '';
/** Singular values in one CSV cell, largest first, separated by semicolons. */
export const listCell = (values) => (values ? values.join(';') : '');

/** The columns of the Deep RFM CSV, the seed last (so that the columns before it keep their places). */
export const RFM_CSV_COLUMNS = [
  'layer', 'stage', ...METRICS, 'train_acc', 'test_acc', 'agop_alignment', 'identity_alignment', 'agop_effective_rank', 'class_mean_singular_values',
  ...METRICS.map((m) => `test_${m}`), 'test_class_mean_singular_values', 'seed',
];

/**
 * One row per layer, stage and seed (columns [`RFM_CSV_COLUMNS`]): every training metric, the
 * layer's accuracies, its AGOP alignment, the identity's r/p and the AGOP's effective rank, the class means' singular values
 * (semicolon-separated), every metric of the held-out test samples (empty without them) and their
 * singular values, and the seed (last, so that the columns of single runs keep their places).
 * With several seeds, every layer and stage then has rows `mean`, `std` (population), `log_mean`
 * and `log_std` (of the natural logarithms) in the seed column, of the training metrics and the
 * accuracies. With `range` (`{ from, to }`), one row per stage of the factor per layer of every
 * metric fitted over those layers (layer column `fit FROM-TO`; with several seeds, of the
 * geometric mean).
 */
export function resultCsv(result, range = null) {
  const rows = [RFM_CSV_COLUMNS.join(',')];
  for (const row of numberRows(result)) {
    rows.push([
      row.layer, row.stage, ...METRICS.map((m) => blank(row.values[m])), blank(row.train_acc), blank(row.test_acc),
      blank(row.agop_alignment), blank(row.identity_alignment), blank(row.agop_effective_rank), listCell(row.singular_values),
      ...METRICS.map((m) => blank(row.test?.[m])), listCell(row.test_singular_values), row.label,
    ].join(','));
  }
  const layers = chartLayers(result);
  if (range && layers.length > 0) {
    const rates = collapseRates(layers, range);
    const label = `fit ${range.from}-${range.to ?? layers.at(-1).layer}`;
    const seedLabel = result.across_seeds?.length ? 'geometric_mean' : result.config.seed;
    const after = Array(RFM_CSV_COLUMNS.length - METRICS.length - 3).fill('');
    for (const stage of STAGES) {
      if (rates.nc1[stage]) rows.push([label, stage, ...METRICS.map((m) => rates[m][stage]?.factor ?? ''), ...after, seedLabel].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/**
 * The network's numbers (an MLP Result), one row per measurement, hidden layer and stage (columns
 * [`NETWORK_CSV_COLUMNS`], see mlp-numbers.js): the stage's metrics and class-mean singular values
 * (semicolon-separated), the layer's NFA correlations, exponent, alignments, the identity's r/p
 * and share, the measurement's loss, accuracies and NC3 of the output layer, and the seed.
 */
export function networkCsv(result) {
  const rows = [NETWORK_CSV_COLUMNS.join(',')];
  for (const row of networkRows(result)) {
    rows.push(NETWORK_CSV_COLUMNS.map((column) => {
      const value = row.cells[column];
      return Array.isArray(value) ? listCell(value) : blank(value);
    }).join(','));
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Adds a "Save PNG" button under every chart, and wires the JSON, CSV and link buttons; the CSV
 * carries the rate of collapse over the layers `getFitRange()` gives; the network's buttons save
 * `getNetworkResult()`.
 */
export function setupExports(getResult, showMessage, getFitRange = () => null, getNetworkResult = () => null) {
  for (const canvas of document.querySelectorAll('#results figure > canvas')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'save-png';
    button.textContent = 'Save PNG';
    const title = canvas.closest('figure').querySelector('h2').textContent;
    button.setAttribute('aria-label', `Save the chart "${title}" as PNG`);
    button.addEventListener('click', () => canvas.toBlob((blob) => download(`agop-collapse-${canvas.id.replace('chart-', '')}.png`, blob), 'image/png'));
    canvas.closest('figure').append(button);
  }
  const withResult = (action) => () => {
    const result = getResult();
    if (result === null) showMessage('Run an experiment first: there is nothing to export yet.');
    else action(result);
  };
  document.getElementById('export-json').addEventListener('click', withResult((result) => {
    download('agop-collapse-result.json', new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }));
  }));
  document.getElementById('export-csv').addEventListener('click', withResult((result) => {
    download('agop-collapse-result.csv', new Blob([resultCsv(result, getFitRange())], { type: 'text/csv' }));
  }));
  const withNetwork = (action) => () => {
    const result = getNetworkResult();
    if (!result?.history?.length) showMessage('Train the network first: it has no measurement to export yet.');
    else action(result);
  };
  document.getElementById('export-net-json').addEventListener('click', withNetwork((result) => {
    download('agop-collapse-network.json', new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }));
  }));
  document.getElementById('export-net-csv').addEventListener('click', withNetwork((result) => {
    download('agop-collapse-network.csv', new Blob([networkCsv(result)], { type: 'text/csv' }));
  }));
}
