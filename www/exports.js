// Taking results away: charts as PNG, results as JSON and CSV, the link of the run.

import { chartLayers, collapseRates, seedRuns, STAGES } from './charts.js';

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
 * One row per layer, stage and seed: every metric, the layer's accuracies and the seed (last, so
 * that the columns of single runs keep their places). With several seeds, every layer and stage
 * then has rows `mean`, `std` (population), `log_mean` and `log_std` (of the natural logarithms)
 * in the seed column. With `range` (`{ from, to }`), one row per stage of the factor per layer of
 * every metric fitted over those layers (layer column `fit FROM-TO`; with several seeds, of the
 * geometric mean).
 */
export function resultCsv(result, range = null) {
  const rows = [['layer', 'stage', ...METRICS, 'train_acc', 'test_acc', 'seed'].join(',')];
  const runs = seedRuns(result);
  const across = result.across_seeds ?? [];
  const deepest = Math.max(0, ...runs.map((r) => r.layers.length));
  for (let index = 0; index < deepest; index += 1) {
    for (const stage of STAGES) {
      for (const run of runs.filter((r) => r.layers.length > index)) {
        const layer = run.layers[index];
        rows.push([layer.layer, stage, ...METRICS.map((m) => layer.stages[stage][m]), layer.train_acc, layer.test_acc ?? '', run.seed].join(','));
      }
      const spread = across[index];
      if (!spread) continue;
      for (const key of ['mean', 'std', 'log_mean', 'log_std']) {
        const value = (s) => (s ? s[key] ?? '' : '');
        rows.push([spread.layer, stage, ...METRICS.map((m) => value(spread.stages[stage][m])), value(spread.train_acc), value(spread.test_acc), key].join(','));
      }
    }
  }
  const layers = chartLayers(result);
  if (range && layers.length > 0) {
    const rates = Object.fromEntries(METRICS.map((m) => [m, collapseRates(layers, m, range)]));
    const label = `fit ${range.from}-${range.to ?? layers.at(-1).layer}`;
    const seedLabel = across.length ? 'geometric_mean' : result.config.seed;
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
