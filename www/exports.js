// Taking results away: charts as PNG, results as JSON and CSV, the link of the run.

import { collapseRates, STAGES } from './charts.js';

const METRICS = ['nc1', 'nc1_trace', 'nc1_papyan', 'nc1_wt', 'nc2', 'nc2_orth', 'nc2_equinorm', 'nc2_equiangle', 'ncc_agreement'];

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
 * One row per layer and stage: every metric, and the layer's accuracies; then, with `range`
 * (`{ from, to }`), one row per stage of the factor per layer of every metric fitted over those
 * layers (layer column `fit FROM-TO`).
 */
export function resultCsv(result, range = null) {
  const rows = [['layer', 'stage', ...METRICS, 'train_acc', 'test_acc'].join(',')];
  for (const layer of result.layers) {
    for (const stage of STAGES) {
      const values = METRICS.map((m) => layer.stages[stage][m]);
      rows.push([layer.layer, stage, ...values, layer.train_acc, layer.test_acc ?? ''].join(','));
    }
  }
  if (range && result.layers.length > 0) {
    const rates = Object.fromEntries(METRICS.map((m) => [m, collapseRates(result.layers, m, range)]));
    const label = `fit ${range.from}-${range.to ?? result.layers.at(-1).layer}`;
    for (const stage of STAGES) {
      if (rates.nc1[stage]) rows.push([label, stage, ...METRICS.map((m) => rates[m][stage]?.factor ?? ''), '', ''].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Adds a "Save PNG" button under every chart, and wires the JSON, CSV and link buttons; the CSV
 * carries the rate of collapse over the layers `getFitRange()` gives.
 */
export function setupExports(getResult, showMessage, getFitRange = () => null) {
  for (const canvas of document.querySelectorAll('#results canvas')) {
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
