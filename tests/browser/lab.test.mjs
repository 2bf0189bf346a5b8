// End-to-end tests of the page in headless Chromium: runs, stepping, cancelling, links, errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inkedShare, openPage, startLab } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

const SMALL = { data: { n_train: 200, n_test: 100 }, depth: 3 };
const CHARTS = ['chart-nc1', 'chart-nc2', 'chart-gram', 'chart-pca', 'chart-agop', 'chart-accuracy', 'chart-time'];

function withoutTimings(result) {
  return JSON.stringify(result, (key, value) => (key === 'seconds' || key === 'seconds_total' ? undefined : value));
}

test('the default run completes, draws every chart and fills the table', async () => {
  const { page, problems, requests, close } = await openPage(lab);
  const longTasks = await page.evaluateHandle(() => {
    const seen = [];
    new PerformanceObserver((list) => seen.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    return seen;
  });
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(await page.evaluate(() => window.lab.state), 'done');

  assert.equal(result.kind, 'rfm');
  assert.equal(result.config.depth, 8);
  assert.deepEqual([result.dataset.name, result.dataset.n_train, result.dataset.n_test, result.dataset.dim, result.dataset.classes], ['mnist', 1000, 500, 784, 10]);
  assert.equal(result.layers.length, 8);
  for (const layer of result.layers) {
    for (const stage of ['X', 'MX', 'PhiMX']) {
      for (const metric of ['nc1', 'nc1_trace', 'nc1_papyan', 'nc1_wt', 'nc2', 'nc2_orth', 'nc2_equinorm', 'nc2_equiangle', 'ncc_agreement']) {
        assert.equal(typeof layer.stages[stage][metric], 'number', `${stage} ${metric}`);
      }
    }
    assert.ok(layer.stages.MX.nc1 < layer.stages.X.nc1, `layer ${layer.layer}: MX below X`);
    for (const key of ['kernel', 'solve', 'agop', 'sqrt', 'features', 'metrics']) assert.equal(typeof layer.seconds[key], 'number');
  }
  const nc1 = result.layers.map((l) => l.stages.X.nc1);
  assert.ok(nc1[0] / nc1[7] > 30, `NC1(X) falls: ${nc1}`);
  assert.deepEqual(await page.evaluate(() => window.lab.result.layers.length), 8);

  for (const id of CHARTS) {
    const share = await inkedShare(page, id);
    assert.ok(share > 0.01, `${id} has drawn content (${share})`);
  }
  const rows = await page.locator('#metrics-table tbody tr').count();
  assert.equal(rows, 8 * 3);
  assert.match(await page.locator('#status').textContent(), /^Done/);

  const longest = Math.max(0, ...(await longTasks.jsonValue()));
  assert.ok(longest < 200, `the main thread was blocked for ${longest} ms`);
  const foreign = requests.filter((url) => !url.startsWith(lab.origin));
  assert.deepEqual(foreign, [], 'no request leaves the origin');
  assert.deepEqual(problems, [], 'no console errors');
  await close();
});

test('the page warms its workers up before Run, and the first run is the same as the next', async () => {
  const { page, problems, requests, close } = await openPage(lab);
  // Before any Run: both workers started, and MNIST fetched for the warm-up.
  for (let attempt = 0; attempt < 50 && !requests.some((url) => url.endsWith('/data/mnist.bin.gz')); attempt += 1) await page.waitForTimeout(100);
  assert.ok(requests.some((url) => url.endsWith('/data/mnist.bin.gz')), 'MNIST fetched before Run');
  const scripts = page.workers().map((w) => new URL(w.url()).pathname).sort();
  assert.deepEqual(scripts, ['/helper-worker.js', '/worker.js']);
  assert.equal(await page.evaluate(() => window.lab.state), 'idle');
  const first = await page.evaluate((c) => window.lab.run(c), SMALL);
  const second = await page.evaluate((c) => window.lab.run(c), SMALL);
  assert.equal(first.layers.length, 3);
  assert.equal(withoutTimings(first), withoutTimings(second));
  assert.deepEqual(problems, []);
  await close();
});

test('one worker (?workers=1) and four asked for (two) give the numbers of two, and the helper\'s traffic is counted', async () => {
  // MNIST (the AGOP by sample pairs) and a mixture of dimension 10, whose first AGOP goes class
  // by class (the helper gets the lower half of a product's rows).
  const configs = [SMALL, { data: { dataset: 'synthetic', n_train: 200, n_test: 50, classes: 4, dim: 10 }, depth: 2 }];
  const traffic = (page) => page.workers().find((w) => w.url().endsWith('/worker.js')).evaluate(() => ({ ...self.helperTraffic }));
  // The page's workers, once Playwright has seen `count` of them (it learns of each a little later).
  const scripts = async (page, count) => {
    for (let waited = 0; page.workers().length < count && waited < 5000; waited += 100) await page.waitForTimeout(100);
    return page.workers().map((w) => new URL(w.url()).pathname).sort();
  };
  const two = await openPage(lab);
  await two.page.waitForFunction(() => window.lab.state === 'idle');
  const shared = [];
  for (const config of configs) {
    const before = await traffic(two.page);
    shared.push(await two.page.evaluate((c) => window.lab.run(c), config));
    const after = await traffic(two.page);
    // Every layer sends the helper its test kernel, AGOP rows and projection: matrices cross both ways.
    assert.ok(after.jobs - before.jobs >= 3 * config.depth, JSON.stringify([before, after]));
    assert.ok(after.sent - before.sent > 0 && after.received - before.received > 0, JSON.stringify([before, after]));
  }
  const one = await openPage(lab, '/?workers=1');
  await one.page.waitForFunction(() => window.lab.state === 'idle');
  assert.deepEqual(await scripts(one.page, 1), ['/worker.js']);
  for (const [index, config] of configs.entries()) {
    const alone = await one.page.evaluate((c) => window.lab.run(c), config);
    assert.equal(withoutTimings(alone), withoutTimings(shared[index]), `config ${index}`);
  }
  assert.deepEqual(await traffic(one.page), { sent: 0, received: 0, jobs: 0 });
  // More asked for than two: the page keeps to two (see the README).
  const four = await openPage(lab, '/?workers=4');
  await four.page.waitForFunction(() => window.lab.state === 'idle');
  assert.deepEqual(await scripts(four.page, 3), ['/helper-worker.js', '/worker.js']);
  assert.equal(withoutTimings(await four.page.evaluate((c) => window.lab.run(c), SMALL)), withoutTimings(shared[0]));
  assert.deepEqual([...two.problems, ...one.problems, ...four.problems], []);
  await two.close();
  await one.close();
  await four.close();
});

test('Step advances exactly one layer, and Run goes on from there', async () => {
  const { page, problems, close } = await openPage(lab, `/#dataset=mnist&n=200&test=100&depth=3`);
  await page.click('#step');
  await page.waitForFunction(() => window.lab.state === 'idle' && window.lab.result?.layers.length === 1);
  assert.equal(await page.locator('#metrics-table tbody tr').count(), 3);
  await page.click('#step');
  await page.waitForFunction(() => window.lab.state === 'idle' && window.lab.result?.layers.length === 2);
  await page.click('#run');
  await page.waitForFunction(() => window.lab.state === 'done');
  assert.equal(await page.evaluate(() => window.lab.result.layers.length), 3);
  // Stepping through gives the same numbers as one run.
  const stepped = await page.evaluate(() => window.lab.result);
  const straight = await page.evaluate((config) => window.lab.run(config), SMALL);
  assert.equal(withoutTimings(stepped), withoutTimings(straight));
  assert.deepEqual(problems, []);
  await close();
});

test('Cancel stops a long run within a second, and the page runs again', async () => {
  const { page, problems, close } = await openPage(lab);
  await page.evaluate(() => {
    window.longRun = window.lab.run({ data: { n_train: 5000 }, depth: 20 }).catch((e) => e.message);
  });
  await page.waitForFunction(() => /Layer 1 of 20/.test(document.getElementById('status').textContent), null, { timeout: 60_000 });
  const started = Date.now();
  await page.click('#cancel');
  await page.waitForFunction(() => window.lab.state === 'cancelled', null, { timeout: 1000 });
  assert.ok(Date.now() - started < 1000);
  assert.equal(await page.evaluate(() => window.longRun), 'cancelled');
  const result = await page.evaluate((config) => window.lab.run(config), SMALL);
  assert.equal(result.layers.length, 3);
  assert.deepEqual(problems, []);
  await close();
});

test('a link reproduces the run of its config', async () => {
  const config = { data: { n_train: 150, n_test: 50, digits: [1, 4, 9], pool: 2 }, depth: 4, kernel: 'gaussian', bandwidth: 1.5, ridge: 0.01, feature: 'cos', width: 128, sigma: 0.2, seed: 7 };
  const first = await openPage(lab);
  const direct = await first.page.evaluate((c) => window.lab.run(c), config);
  const hash = await first.page.evaluate(() => location.hash);
  assert.match(hash, /kernel=gaussian/);
  assert.match(hash, /seed=7/);
  await first.close();

  const second = await openPage(lab, `/${hash}`);
  assert.equal(await second.page.inputValue('#kernel'), 'gaussian');
  await second.page.click('#run');
  await second.page.waitForFunction(() => window.lab.state === 'done');
  const linked = await second.page.evaluate(() => window.lab.result);
  assert.equal(withoutTimings(linked), withoutTimings(direct));
  assert.deepEqual(linked.config.data.digits, [1, 4, 9]);
  assert.deepEqual([...first.problems, ...second.problems], []);
  await second.close();
});

test('an invalid value in the link shows a message and the page still works', async () => {
  const { page, problems, close } = await openPage(lab, '/#depth=0&bandwidth=abc&n=200&test=50');
  const message = await page.locator('#message').textContent();
  assert.match(message, /depth/);
  assert.match(message, /bandwidth/);
  assert.equal(await page.inputValue('#depth'), '8', 'depth falls back to its default');
  assert.equal(await page.inputValue('#n-train'), '200', 'good values are kept');
  await page.fill('#depth', '2');
  await page.locator('#depth').dispatchEvent('change');
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.layers.length, 2);

  // A bad value typed into a control is named, in Rust's words, where the user looks.
  await page.fill('#bandwidth', '-1');
  await page.locator('#bandwidth').dispatchEvent('change');
  assert.match(await page.locator('#message').textContent(), /bandwidth: must be a positive number/);
  assert.equal(await page.getAttribute('#bandwidth', 'aria-invalid'), 'true');
  await assert.rejects(page.evaluate(() => window.lab.run()), /bandwidth/);
  assert.deepEqual(problems, []);
  await close();
});

test('the rate of collapse: fitted factors per layer in the text, the chart, the table and the CSV', async () => {
  const { page, problems, close } = await openPage(lab);
  const result = await page.evaluate(() => window.lab.run({ data: { n_train: 200, n_test: 0 }, depth: 5 }));
  // Least squares of ln NC1 on the layer over layers 2..5 (the default: all but the first).
  const expected = (stage) => {
    const points = result.layers.filter((l) => l.layer >= 2).map((l) => [l.layer, Math.log(l.stages[stage].nc1)]);
    const mx = points.reduce((a, p) => a + p[0], 0) / points.length;
    const my = points.reduce((a, p) => a + p[1], 0) / points.length;
    const slope = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
    return Math.exp(slope);
  };
  const text = await page.locator('#nc1-rates').textContent();
  assert.match(text, /layers 2 to 5: X x[0-9.]+, MX x[0-9.]+, PhiMX x[0-9.]+\./);
  assert.ok(text.includes(`X x${expected('X').toFixed(2)}`), `${text} against ${expected('X')}`);
  const footer = page.locator('#metrics-table tfoot tr');
  assert.equal(await footer.count(), 3);
  assert.equal(Number(await footer.nth(1).locator('td').first().textContent()), Number(expected('MX').toFixed(3)));
  const csv = await page.evaluate(async () => (await import('./exports.js')).resultCsv(window.lab.result, { from: 2, to: null }));
  const fitRow = csv.trim().split('\n').find((row) => row.startsWith('fit 2-5,PhiMX,'));
  assert.ok(fitRow, csv);
  assert.ok(Math.abs(Number(fitRow.split(',')[2]) / expected('PhiMX') - 1) < 1e-9, fitRow);
  // Drawn on the chart when asked: the fitted lines add ink; a narrower range changes the text.
  const before = await inkedShare(page, 'chart-nc1');
  await page.check('#nc1-fit');
  assert.ok(await inkedShare(page, 'chart-nc1') > before, 'the fitted lines are drawn');
  await page.fill('#nc1-fit-to', '4');
  await page.locator('#nc1-fit-to').dispatchEvent('change');
  assert.match(await page.locator('#nc1-rates').textContent(), /layers 2 to 4:/);
  assert.match(await footer.first().locator('th').first().textContent(), /2–4/);
  assert.deepEqual(problems, []);
  await close();
});

test('several seeds: exactly the single runs, a band around the mean, every seed in the table and the CSV', async () => {
  const hash = 'dataset=synthetic&n=60&test=30&classes=3&dim=10&depth=3&seed=4&seeds=3';
  const { page, problems, close } = await openPage(lab, `/#${hash}`);
  assert.equal(await page.inputValue('#seeds'), '3');
  assert.match(await page.evaluate(() => location.hash), /&seed=4&seeds=3/);
  const statuses = await page.evaluateHandle(() => {
    const seen = new Set();
    new MutationObserver(() => seen.add(document.getElementById('status').textContent.replace(/ [0-9.]+ s$/, '')))
      .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
    return seen;
  });
  await page.click('#run');
  await page.waitForFunction(() => window.lab.state === 'done', null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.lab.result);
  assert.deepEqual(result.seed_runs.map((r) => r.seed), [4, 5, 6]);
  assert.equal(JSON.stringify(result.layers), JSON.stringify(result.seed_runs[0].layers));
  const seen = await statuses.evaluate((set) => [...set]);
  assert.ok(seen.some((text) => text.startsWith('Seed 2 of 3 (seed 5): Layer ')), seen.join(' | '));
  assert.match(await page.locator('#status').textContent(), /^Done: 3 layers for each of 3 seeds/);
  assert.match(await page.locator('#seeds-note').textContent(), /geometric mean over seeds 4, 5, 6 \(3 of 3 complete\)/);

  // The spread of NC1 of MX at layer 2, by hand (population std, of the values and of the logs).
  const values = result.seed_runs.map((r) => r.layers[1].stages.MX.nc1);
  const mean = values.reduce((a, v) => a + v, 0) / 3;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 3);
  const logMean = values.reduce((a, v) => a + Math.log(v), 0) / 3;
  const spread = result.across_seeds[1].stages.MX.nc1;
  assert.ok(Math.abs(spread.mean / mean - 1) < 1e-12 && Math.abs(spread.std / std - 1) < 1e-12, JSON.stringify(spread));
  assert.ok(Math.abs(spread.log_mean - logMean) < 1e-12);

  // Every seed's numbers plus mean and std, in the table and in the CSV.
  assert.equal(await page.locator('#metrics-table tbody tr').count(), 3 * 3 * 5);
  const csv = await page.evaluate(async () => (await import('./exports.js')).resultCsv(window.lab.result));
  const rows = csv.trim().split('\n').map((row) => row.split(','));
  assert.equal(rows[0].at(-1), 'seed');
  assert.deepEqual(rows.filter((r) => r[0] === '2' && r[1] === 'MX').map((r) => r.at(-1)), ['4', '5', '6', 'mean', 'std', 'log_mean', 'log_std']);
  assert.equal(Number(rows.find((r) => r[0] === '2' && r[1] === 'MX' && r.at(-1) === 'std')[2]), std);

  // The bands are drawn: the same lines without them leave less ink.
  const withBands = { nc2: await inkedShare(page, 'chart-nc2'), accuracy: await inkedShare(page, 'chart-accuracy') };
  await page.evaluate(async () => {
    const charts = await import('./charts.js');
    charts.drawLayerCharts(charts.chartLayers(window.lab.result), { nc1Variant: 'nc1', nc2Variant: 'nc2', timeLayers: window.lab.result.layers });
  });
  const without = { nc2: await inkedShare(page, 'chart-nc2'), accuracy: await inkedShare(page, 'chart-accuracy') };
  assert.ok(withBands.nc2 > without.nc2 * 1.2, `NC2 band: ${withBands.nc2} vs ${without.nc2}`);
  assert.ok(withBands.accuracy > without.accuracy * 1.2, `accuracy band: ${withBands.accuracy} vs ${without.accuracy}`);

  // Each seed's run is exactly the single run of its seed.
  const base = JSON.parse(await page.evaluate(() => JSON.stringify(window.lab.result.config)));
  for (const [index, run] of result.seed_runs.entries()) {
    const single = await page.evaluate((config) => window.lab.run(config), { ...base, seed: 4 + index, seeds: 1 });
    assert.equal(single.seed_runs, undefined);
    assert.equal(withoutTimings(single.layers), withoutTimings(run.layers), `seed ${run.seed}`);
  }
  assert.deepEqual(problems, []);
  await close();
});

test('the projection switch: a link chooses what each layer projects with', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=0&depth=3&projection=random-spectrum');
  assert.equal(await page.inputValue('#projection'), 'random-spectrum');
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.config.projection, 'random-spectrum');
  assert.equal(result.layers.length, 3);
  await page.selectOption('#projection', 'none');
  await page.waitForFunction(() => location.hash.includes('projection=none'));
  const control = await page.evaluate(() => window.lab.run());
  // M = I: the projection leaves the features as they are.
  for (const layer of control.layers) assert.ok(Math.abs(layer.stages.MX.nc1 / layer.stages.X.nc1 - 1) < 1e-9);
  await page.selectOption('#projection', 'agop');
  await page.waitForFunction(() => !location.hash.includes('projection='));
  assert.deepEqual(problems, []);
  await close();
});

test('runs with different projections are compared on one chart, until another setting changes', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=0&depth=3');
  assert.ok(await page.locator('#chart-projections-empty').isVisible(), 'the empty chart says how to fill it');
  await page.evaluate(() => window.lab.run());
  await page.selectOption('#projection', 'none');
  await page.evaluate(() => window.lab.run());
  await page.selectOption('#projection', 'random-spectrum');
  await page.evaluate(() => window.lab.run());
  const summary = await page.locator('#projections-summary').textContent();
  for (const name of ['agop:', 'none:', 'random-spectrum:']) assert.ok(summary.includes(name), summary);
  assert.ok(!(await page.locator('#chart-projections-empty').isVisible()));
  assert.ok(await inkedShare(page, 'chart-projections') > 0.01);
  // Another depth: a new comparison, with this run alone.
  await page.fill('#depth', '2');
  await page.locator('#depth').dispatchEvent('change');
  await page.evaluate(() => window.lab.run());
  assert.match(await page.locator('#projections-summary').textContent(), /^random-spectrum: [^;]*\.$/);
  assert.deepEqual(problems, []);
  await close();
});

test('the Gram strip shows the chosen layers in order, one scale, and a click selects a layer', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=0&depth=8');
  await page.evaluate(() => window.lab.run());
  const layersShown = () => page.$$eval('#gram-strip button', (buttons) => buttons.map((b) => Number(b.dataset.layer)));
  assert.deepEqual(await layersShown(), [1, 2, 4, 8]);
  const labels = await page.$$eval('#gram-strip button span', (spans) => spans.map((s) => s.textContent));
  assert.match(labels[2], /^layer 4 · NC1 [0-9.e-]+$/);
  for (const index of [0, 3]) {
    const ink = await page.evaluate((i) => {
      const canvas = document.querySelectorAll('#gram-strip canvas')[i];
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let p = 0; p < data.length; p += 4) if (data[p + 3] > 0 && (data[p] < 235 || data[p + 2] < 235)) inked += 1;
      return inked / (data.length / 4);
    }, index);
    assert.ok(ink > 0.5, `picture ${index} drawn (${ink})`);
  }
  await page.click('#gram-strip button[data-layer="4"]');
  assert.equal(await page.inputValue('#view-layer'), '4');
  assert.equal(await page.getAttribute('#gram-strip button[data-layer="4"]', 'aria-pressed'), 'true');
  await page.fill('#strip-layers', '7, 3');
  await page.locator('#strip-layers').dispatchEvent('change');
  assert.deepEqual(await layersShown(), [7, 3]);
  const strip = await page.evaluate(async () => (await import('./charts.js')).stripImage()?.width ?? 0);
  assert.ok(strip > 0, 'the strip composes into one picture');
  await page.fill('#strip-layers', '2, x');
  await page.locator('#strip-layers').dispatchEvent('change');
  assert.match(await page.locator('#message').textContent(), /'x' is not a layer number/);
  assert.deepEqual(await layersShown(), [2]);
  assert.deepEqual(problems, []);
  await close();
});

test('a depth-20 run shows the paper\'s layers 1, 3, 7, 13 and 19 in the strip', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=100&test=0&depth=20&width=64');
  await page.evaluate(() => window.lab.run());
  assert.deepEqual(await page.$$eval('#gram-strip button', (b) => b.map((x) => Number(x.dataset.layer))), [1, 3, 7, 13, 19]);
  assert.deepEqual(problems, []);
  await close();
});

test('Play steps the pictures through every layer and stops on a key press', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=0&depth=4');
  await page.evaluate(() => window.lab.run());
  const seen = await page.evaluate(() => new Promise((resolve) => {
    const values = [];
    const slider = document.getElementById('view-layer');
    const watch = setInterval(() => {
      if (values.at(-1) !== slider.value) values.push(slider.value);
      if (document.getElementById('play').getAttribute('aria-pressed') === 'false' && values.length > 1) {
        clearInterval(watch);
        resolve(values);
      }
    }, 20);
    document.getElementById('play').click();
  }));
  assert.deepEqual(seen, ['1', '2', '3', '4'], 'every layer in turn, then it stops');
  // PCA axes keep their orientation from layer to layer: a flipped axis is flipped back.
  const signs = await page.evaluate(async () => {
    const { alignedSigns } = await import('./charts.js');
    const previous = [1, 2, -1, 0.5, 3, -2];
    return [
      alignedSigns(previous, [1, 1], [-1.1, 2, 0.9, 0.4, -3, -2.1]),
      alignedSigns(previous, [-1, 1], [-1.1, -2, 0.9, -0.4, -3, 2.1]),
    ];
  });
  assert.deepEqual(signs, [[-1, 1], [1, -1]]);
  await page.fill('#view-layer', '1');
  await page.locator('#view-layer').dispatchEvent('input');
  await page.focus('#play');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true', 'keyboard operable');
  await page.waitForFunction(() => document.getElementById('view-layer').value === '2');
  await page.keyboard.press('Escape');
  const stoppedAt = await page.inputValue('#view-layer');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  await page.waitForTimeout(1000);
  assert.equal(await page.inputValue('#view-layer'), stoppedAt, 'nothing moves after it stopped');
  assert.deepEqual(problems, []);
  await close();
});
