// Taking results away: charts as PNG, results as JSON and CSV, the link of the run.

import { collapseRates } from './charts.js';
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

/**
 * One row per layer, stage and seed: every metric, the layer's accuracies and the seed (last, so
 * that the columns of single runs keep their places). With several seeds, every layer and stage
 * then has rows `mean`, `std` (population), `log_mean` and `log_std` (of the natural logarithms)
 * in the seed column. With `range` (`{ from, to }`), one row per stage of the factor per layer of
 * every metric fitted over those layers (layer column `fit FROM-TO`; with several seeds, of the
 * geometric mean).
 */
export function resultCsv(result, range = null) {
  const rows = [['layer', 'stage', ...METRICS, 'train_acc', 'test_acc', 'seed'].join(',')];
  const blank = (value) => value ?? '';
  for (const row of numberRows(result)) {
    rows.push([row.layer, row.stage, ...METRICS.map((m) => blank(row.values[m])), blank(row.train_acc), blank(row.test_acc), row.label].join(','));
  }
  const layers = chartLayers(result);
  if (range && layers.length > 0) {
    const rates = collapseRates(layers, range);
    const label = `fit ${range.from}-${range.to ?? layers.at(-1).layer}`;
    const seedLabel = result.across_seeds?.length ? 'geometric_mean' : result.config.seed;
    for (const stage of STAGES) {
      if (rates.nc1[stage]) rows.push([label, stage, ...METRICS.map((m) => rates[m][stage]?.factor ?? ''), '', '', seedLabel].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Adds a "Save PNG" button under every chart, and wires the JSON, CSV and link buttons; the CSV
 * carries the rate of collapse over the layers `getFitRange()` gives.
 */
export function setupExports(getResult, showMessage, getFitRange = () => null) {
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
}
