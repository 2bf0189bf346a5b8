// The charts of the numbers beyond the paper's: collapse on held-out data, the AGOP's alignment
// with the class means, the class means' spectrum, the network's alignments, NC3 and NFA
// exponent. Each is drawn after a run and says why when it has nothing to draw; its caption, the
// tables and the CSV exports carry the Result's own numbers.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { inkedShare, openPage, startLab } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

const SMALL = '/#n=200&test=100&depth=3&net_depth=3&net_width=32';
const RFM_CHARTS = ['heldout', 'alignment', 'spectrum'];
const NET_CHARTS = ['net-alignment', 'net-nc3'];
const METRICS = ['nc1', 'nc1_trace', 'nc1_papyan', 'nc1_wt', 'nc2', 'nc2_orth', 'nc2_equinorm', 'nc2_equiangle', 'ncc_agreement', 'cdnv', 'stable_rank', 'class_mean_rank'];

/** How many points a line chart recorded having drawn (its data-points). */
function points(page, id) {
  return page.evaluate((canvasId) => (document.getElementById(canvasId).dataset.points ?? '').split(' ').filter(Boolean).length, id);
}

/** A CSV's rows as objects keyed by its header. */
function parseCsv(text) {
  const [header, ...lines] = text.trim().split('\n').map((line) => line.split(','));
  return { header, rows: lines.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]]))) };
}

/** Saves what clicking `selector` downloads: its name and bytes. */
async function save(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test('before any run every new chart is blank and says what will appear there and what starts it', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  for (const name of [...RFM_CHARTS, ...NET_CHARTS]) {
    const note = page.locator(`#chart-${name}-empty`);
    assert.ok(await note.isVisible(), `${name}: its note shows`);
    assert.match(await note.textContent(), name.startsWith('net-') ? /^Press Train: / : /^Press Run/, name);
    assert.equal(await inkedShare(page, `chart-${name}`), 0, `${name}: nothing drawn`);
    assert.ok((await page.locator(`[data-chart="${name}"] figcaption`).textContent()).length > 80, `${name}: a caption saying what it plots`);
    assert.equal(await page.locator(`[data-chart="${name}"] .save-png`).count(), 1, `${name}: a Save PNG button`);
    assert.equal(await page.locator(`[data-chart="${name}"] button.explain-chart`).count(), 1, `${name}: a (?) explanation`);
  }
  assert.ok(await page.locator('#net-table-empty').isVisible());
  assert.ok(await page.locator('#net-table').isHidden());
  // The network's exports wait for a network.
  await page.click('#export-net-csv');
  assert.match(await page.locator('#message').textContent(), /Train the network first/);
  assert.deepEqual(problems, []);
  await close();
});

test('the default run computed ahead of time draws the new charts at load, before any Run', async () => {
  const { page, problems, close } = await openPage(lab, '/');
  await page.waitForFunction(() => window.lab.precomputed && document.getElementById('chart-spectrum-empty').hidden, null, { timeout: 30_000 });
  for (const name of RFM_CHARTS) {
    assert.ok(await page.locator(`#chart-${name}-empty`).isHidden(), name);
    assert.ok(await inkedShare(page, `chart-${name}`) > 0.01, `${name}: drawn`);
  }
  const layers = await page.evaluate(() => window.lab.result.layers);
  assert.ok((await page.locator('#heldout-caption').textContent()).includes(`layer 8, ${layers[7].stages.X.nc1.toPrecision(3)} train`));
  assert.deepEqual(problems, []);
  await close();
});

test('held-out collapse, the AGOP alignment and the class-mean spectrum: drawn from the Result, in the captions, the table and the CSV', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  const result = await page.evaluate(() => window.lab.run());
  const layers = result.layers;
  assert.equal(layers.length, 3);
  assert.ok(layers.every((l) => l.stages_test), 'every layer has held-out metrics');
  for (const name of RFM_CHARTS) {
    assert.ok(await page.locator(`#chart-${name}-empty`).isHidden(), `${name}: no note once drawn`);
    assert.ok(await inkedShare(page, `chart-${name}`) > 0.01, `${name}: drawn`);
  }
  // Train and test of every stage at every layer; the alignment with the identity's r/p.
  assert.equal(await points(page, 'chart-heldout'), 2 * 3 * 3);
  assert.equal(await points(page, 'chart-alignment'), 2 * 3);

  const caption = (name) => page.locator(`#${name}-caption`).textContent();
  const f = (v) => v.toPrecision(3);
  const heldout = await caption('heldout');
  for (const l of [layers[0], layers[2]]) {
    assert.ok(heldout.includes(`layer ${l.layer}, ${f(l.stages.X.nc1)} train and ${f(l.stages_test.X.nc1)} test`), heldout);
  }
  assert.ok(heldout.includes('200 training, 100 test samples'), heldout);
  const alignment = await caption('alignment');
  for (const l of [layers[0], layers[2]]) {
    const [rank, dim] = [l.stages.X.class_mean_rank, l.dim_in];
    assert.ok(alignment.includes(`layer ${l.layer} ${f(l.agop_alignment)} (r/p = ${rank}/${dim} = ${f(rank / dim)})`), alignment);
  }
  // The spectrum follows the layer and stage chosen for the pictures: the last layer's X at first.
  const spectrumSays = async (layer, stage) => {
    const metrics = layers[layer - 1].stages[stage];
    const text = await caption('spectrum');
    assert.ok(text.includes(`Layer ${layer}, ${stage}: numerical rank ${metrics.class_mean_rank} of the K − 1 = 9 of a simplex, stable rank ${f(metrics.stable_rank)}`), text);
  };
  await spectrumSays(3, 'X');
  const before = await page.evaluate(() => document.getElementById('chart-spectrum').toDataURL());
  await page.selectOption('#view-stage', 'MX');
  await page.evaluate(() => {
    const slider = document.getElementById('view-layer');
    slider.value = '1';
    slider.dispatchEvent(new Event('input'));
  });
  await spectrumSays(1, 'MX');
  assert.notEqual(await page.evaluate(() => document.getElementById('chart-spectrum').toDataURL()), before, 'redrawn for layer 1, MX');
  // Another NC1 variant: the held-out chart follows it.
  await page.selectOption('#nc1-variant', 'nc1_wt');
  assert.ok((await caption('heldout')).includes(`${f(layers[0].stages.X.nc1_wt)} train and ${f(layers[0].stages_test.X.nc1_wt)} test`));

  // The table: the alignment, r/p, every held-out metric and both spectra on every row.
  const row = await page.locator('#metrics-table tbody tr').nth(4).locator('th, td').allTextContents(); // layer 2, MX
  const l2 = layers[1];
  assert.deepEqual(row.slice(0, 3), ['2', 'MX', '0']);
  assert.deepEqual(row.slice(15, 18), [f(l2.agop_alignment), f(l2.stages.X.class_mean_rank / l2.dim_in), f(l2.agop.effective_rank)]);
  assert.deepEqual(row.slice(18, 30), METRICS.map((m) => f(l2.stages_test.MX[m])));
  assert.equal(row[30], l2.stages.MX.class_mean_singular_values.map(f).join(' '));
  assert.equal(row[31], l2.stages_test.MX.class_mean_singular_values.map(f).join(' '));
  const headers = await page.locator('#metrics-table thead tr:not(.groups) th').count();
  assert.equal(headers, row.length, 'a header for every column');

  // The CSV: exactly the Result's numbers.
  const csv = parseCsv((await save(page, '#export-csv')).bytes.toString());
  assert.equal(csv.header.at(-1), 'seed');
  const measured = csv.rows.filter((r) => /^[0-9]+$/.test(r.layer));
  assert.equal(measured.length, 3 * 3);
  // The fitted factors' rows (layers 2 to 3) leave the new columns empty, the seed in its place.
  const fits = csv.rows.filter((r) => r.layer === 'fit 2-3');
  assert.equal(fits.length, 3);
  assert.ok(fits.every((r) => r.agop_alignment === '' && r.test_nc1 === '' && r.seed === '0'), JSON.stringify(fits[0]));
  for (const r of measured) {
    const l = layers[Number(r.layer) - 1];
    assert.equal(Number(r.agop_alignment), l.agop_alignment);
    assert.equal(Number(r.identity_alignment), l.stages.X.class_mean_rank / l.dim_in);
    assert.equal(Number(r.agop_effective_rank), l.agop.effective_rank);
    assert.deepEqual(r.class_mean_singular_values.split(';').map(Number), l.stages[r.stage].class_mean_singular_values);
    assert.deepEqual(r.test_class_mean_singular_values.split(';').map(Number), l.stages_test[r.stage].class_mean_singular_values);
    for (const m of METRICS) assert.equal(Number(r[`test_${m}`]), l.stages_test[r.stage][m], `${r.layer} ${r.stage} test_${m}`);
  }
  // Each chart saves as a PNG of its own.
  for (const name of RFM_CHARTS) {
    const png = await save(page, `[data-chart="${name}"] .save-png`);
    assert.equal(png.name, `agop-collapse-${name}.png`);
    assert.deepEqual([...png.bytes.subarray(0, 8)], PNG);
  }
  assert.deepEqual(problems, []);
  await close();
});

test('without test samples the held-out chart says so and how to get them; the table and the CSV leave the held-out columns empty', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=0&depth=2');
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.layers[0].stages_test, undefined);
  const note = page.locator('#chart-heldout-empty');
  assert.ok(await note.isVisible());
  assert.match(await note.textContent(), /no test samples/);
  assert.match(await note.textContent(), /set Test samples above 0/);
  assert.equal(await inkedShare(page, 'chart-heldout'), 0, 'a sentence, not a chart');
  // The other two have what they need.
  for (const name of ['alignment', 'spectrum']) assert.ok(await inkedShare(page, `chart-${name}`) > 0.01, name);
  const row = await page.locator('#metrics-table tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(row.slice(15, 27), Array(12).fill('–'));
  const csv = parseCsv(await page.evaluate(async () => (await import('./exports.js')).resultCsv(window.lab.result)));
  assert.ok(csv.rows.every((r) => r.test_nc1 === '' && r.test_class_mean_singular_values === '' && r.agop_alignment !== ''));
  // A run with test samples draws it; Reset brings back the note of a page without a run.
  await page.evaluate(() => window.lab.run({ ...window.lab.result.config, data: { ...window.lab.result.config.data, n_test: 60 } }));
  assert.ok(await note.isHidden());
  assert.ok(await inkedShare(page, 'chart-heldout') > 0.01);
  await page.click('#reset');
  assert.match(await note.textContent(), /^Press Run/);
  assert.equal(await inkedShare(page, 'chart-heldout'), 0);
  assert.deepEqual(problems, []);
  await close();
});

test('the network: weight and AGOP alignment with r/p, NC3 and the NFA exponent drawn; its table and CSV carry the Result\'s numbers', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  const result = await page.evaluate(() => window.lab.network.train({ epochs: 6, measure_every: 2 }));
  const { history } = result;
  assert.equal(history.length, 4);
  for (const name of NET_CHARTS) {
    assert.ok(await page.locator(`#chart-${name}-empty`).isHidden(), name);
    assert.ok(await inkedShare(page, `chart-${name}`) > 0.01, `${name}: drawn`);
  }
  const layer = Number(await page.inputValue('#net-layer')) - 1;
  assert.equal(layer, 1);
  assert.equal(await points(page, 'chart-net-alignment'), 3 * history.length, 'WᵀW, AGOP and r/p at every measurement');
  assert.equal(await points(page, 'chart-net-nc3'), history.length);
  // The NFA chart: the best-α correlation as a fourth line, α in its legend and in the words under it.
  assert.equal(await points(page, 'chart-net-nfa'), 3 * history.length + 2);
  const summary = await page.locator('#net-nfa-summary').textContent();
  const last = history.at(-1);
  assert.ok(summary.includes(`at epoch ${last.epoch}, per layer, ${last.layers.map((l) => `${l.layer}: ${l.nfa_alpha.toFixed(2)}`).join(', ')}.`), summary);
  assert.ok(summary.includes(`(correlation ${last.layers[layer].nfa_alpha_corr.toFixed(2)})`), summary);
  const f = (v) => v.toPrecision(3);
  const alignment = await page.locator('#net-alignment-caption').textContent();
  assert.ok(alignment.includes(`WᵀW ${f(history[0].layers[layer].weight_alignment)} at epoch 0, ${f(last.layers[layer].weight_alignment)} at epoch 6`), alignment);
  assert.ok(alignment.includes(`r/p = ${last.layers[layer].stages.in.class_mean_rank}/32 = `), alignment);
  const nc3 = await page.locator('#net-nc3-caption').textContent();
  assert.ok(nc3.includes(`${f(history[0].nc3_output)} at epoch 0, ${f(last.nc3_output)} at epoch 6`), nc3);
  // Another layer: the alignment chart follows the menu.
  // (the panel redraws a chart per task: wait for the alignment's turn).
  await page.selectOption('#net-layer', '1');
  const first = `Layer 1: WᵀW ${f(history[0].layers[0].weight_alignment)} at epoch 0`;
  await page.waitForFunction((text) => document.getElementById('net-alignment-caption').textContent.includes(text), first);
  assert.ok((await page.locator('#net-alignment-caption').textContent()).includes(`r/p = ${last.layers[0].stages.in.class_mean_rank}/${result.dataset.dim} = `));

  // The table: every stage of every layer at the last measurement, the layer's numbers beside its first stage.
  assert.ok(await page.locator('#net-table').isVisible());
  assert.equal(await page.locator('#net-table tbody tr').count(), 3 * 5);
  const cells = await page.locator('#net-table tbody tr').nth(5).locator('th, td').allTextContents(); // layer 2, in
  const report = last.layers[1];
  assert.deepEqual(cells.slice(0, 2), ['2', 'in']);
  assert.deepEqual(cells.slice(2, 14), METRICS.map((m) => f(report.stages.in[m])));
  assert.equal(cells[14], report.stages.in.class_mean_singular_values.map(f).join(' '));
  assert.deepEqual(cells.slice(15, 22), [report.nfa, report.nfa_agop, report.nfa_alpha, report.nfa_alpha_corr, report.weight_alignment, report.agop_alignment,
    report.stages.in.class_mean_rank / 32].map(f));
  assert.match(await page.locator('#net-table-caption').textContent(), new RegExp(`NC3 of the output layer ${f(last.nc3_output)}`));

  // The CSV and the JSON: every measurement, exactly the Result's numbers.
  const csv = parseCsv((await save(page, '#export-net-csv')).bytes.toString());
  assert.equal(csv.rows.length, history.length * 3 * 5);
  for (const r of csv.rows) {
    const measurement = history.find((m) => m.epoch === Number(r.epoch));
    const l = measurement.layers[Number(r.layer) - 1];
    const stage = l.stages[r.stage];
    for (const m of METRICS) assert.equal(Number(r[m]), stage[m], `${r.epoch} ${r.layer} ${r.stage} ${m}`);
    assert.deepEqual(r.class_mean_singular_values.split(';').map(Number), stage.class_mean_singular_values);
    for (const key of ['nfa', 'nfa_agop', 'nfa_alpha', 'nfa_alpha_corr', 'weight_alignment', 'agop_alignment']) assert.equal(Number(r[key]), l[key], key);
    assert.equal(Number(r.identity_alignment), l.stages.in.class_mean_rank / (l.layer === 1 ? result.dataset.dim : 32));
    assert.equal(Number(r.nc3_output), measurement.nc3_output);
    assert.equal(Number(r.train_loss), measurement.train_loss);
    assert.equal(r.seed, '0');
  }
  const json = JSON.parse((await save(page, '#export-net-json')).bytes.toString());
  assert.deepEqual(json.history, JSON.parse(JSON.stringify(history)));
  for (const name of NET_CHARTS) {
    const png = await save(page, `[data-chart="${name}"] .save-png`);
    assert.equal(png.name, `agop-collapse-${name}.png`);
    assert.deepEqual([...png.bytes.subarray(0, 8)], PNG);
  }
  assert.deepEqual(problems, []);
  await close();
});

test('an embed names the new charts and gives each its one-line caption', async () => {
  const { page, problems, close } = await openPage(lab, '/?embed=1&charts=heldout,alignment,spectrum#n=200&test=100&depth=2');
  const shown = await page.evaluate(() => [...document.querySelectorAll('#results > [data-chart]')].filter((f) => !f.hidden).map((f) => f.dataset.chart));
  assert.deepEqual(shown.sort(), ['alignment', 'heldout', 'spectrum']);
  assert.ok(await page.locator('.view-controls').isVisible(), 'the spectrum keeps its layer and stage');
  const { CHART_CAPTIONS } = await page.evaluate(async () => ({ CHART_CAPTIONS: (await import('./embed.js')).CHART_CAPTIONS }));
  for (const name of RFM_CHARTS) {
    assert.equal(await page.locator(`[data-chart="${name}"] .embed-caption`).textContent(), CHART_CAPTIONS[name]);
  }
  await page.evaluate(() => window.lab.run());
  for (const name of RFM_CHARTS) assert.ok(await inkedShare(page, `chart-${name}`) > 0.01, name);
  assert.deepEqual(problems, []);
  await close();
});
