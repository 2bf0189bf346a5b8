// End-to-end test of the neural-network panel: live training in its worker, pause and resume,
// its charts, and its settings in the link.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { inkedShare, openPage, startLab } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

const CHARTS = ['chart-net-loss', 'chart-net-nc1', 'chart-net-share', 'chart-net-nfa', 'chart-net-compare'];

test('a small network trains live, pauses, resumes and draws its charts', async () => {
  const { page, problems, requests, close } = await openPage(lab, '/#n=200&test=100&depth=2&net_depth=2&net_width=32&epochs=30&every=3&lr=0.003&batch=32');
  assert.equal(await page.inputValue('#net-width'), '32', 'the link sets the network');
  await page.evaluate(() => window.lab.run());
  await page.evaluate(() => {
    window.training = window.lab.network.train();
  });
  await page.waitForFunction(() => /Epoch [1-9] of/.test(document.getElementById('net-status').textContent));
  await page.click('#pause');
  await page.waitForFunction(() => /Paused\./.test(document.getElementById('net-status').textContent));
  // A measurement already handed to the measuring worker still arrives; then nothing moves.
  await page.waitForTimeout(1000);
  const pausedAt = await page.evaluate(() => window.lab.network.result.history.length);
  const epochAt = await page.locator('#net-status').textContent();
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => window.lab.network.state), 'paused');
  assert.equal(await page.evaluate(() => window.lab.network.result.history.length), pausedAt, 'nothing is measured while paused');
  assert.equal(await page.locator('#net-status').textContent(), epochAt);
  assert.equal(await page.textContent('#pause'), 'Resume');
  await page.click('#pause');
  const result = await page.evaluate(() => window.training);
  assert.equal(await page.evaluate(() => window.lab.network.state), 'done');

  assert.equal(result.kind, 'mlp');
  assert.deepEqual(result.history.map((m) => m.epoch), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
  for (const measurement of result.history) {
    assert.equal(measurement.layers.length, 2);
    for (const layer of measurement.layers) {
      for (const stage of ['in', 'Vt', 'SVt', 'USVt', 'out']) assert.equal(typeof layer.stages[stage].nc1, 'number');
      assert.ok(Math.abs(layer.stages.USVt.nc1 - layer.stages.SVt.nc1) <= 1e-9 * layer.stages.SVt.nc1);
    }
  }
  assert.ok(result.history.at(-1).train_loss < result.history[0].train_loss, 'the loss falls');
  for (const id of CHARTS) {
    const share = await inkedShare(page, id);
    assert.ok(share > 0.01, `${id} has drawn content (${share})`);
  }
  assert.match(await page.evaluate(() => location.hash), /net_depth=2&net_width=32/);
  assert.ok(requests.every((url) => url.startsWith(lab.origin)));
  assert.deepEqual(problems, []);
  await close();
});

test('a bad network setting is named and training can be cancelled', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=0&net_depth=0&lr=abc');
  const message = await page.locator('#message').textContent();
  assert.match(message, /net_depth|depth/);
  assert.match(message, /lr/);
  assert.equal(await page.inputValue('#net-depth'), '5', 'falls back to the default');
  await page.fill('#gain', '-1');
  await page.locator('#gain').dispatchEvent('change');
  assert.match(await page.locator('#net-message').textContent(), /gain/);
  await page.fill('#gain', '0.1');
  await page.locator('#gain').dispatchEvent('change');
  await page.evaluate(() => {
    window.training = window.lab.network.train({ depth: 2, width: 32, epochs: 500, measure_every: 100 }).catch((e) => e.message);
  });
  await page.waitForFunction(() => /Epoch [1-9]/.test(document.getElementById('net-status').textContent));
  await page.click('#net-cancel');
  assert.equal(await page.evaluate(() => window.training), 'cancelled');
  assert.equal(await page.evaluate(() => window.lab.network.state), 'cancelled');
  assert.deepEqual(problems, []);
  await close();
});

test('before Train every network chart says what will appear; the default Train draws them all', async () => {
  const { page, problems, close } = await openPage(lab, '/');
  for (const id of CHARTS) {
    const note = page.locator(`#${id}-empty`);
    assert.ok(await note.isVisible(), `${id}: its empty-state note is shown`);
    assert.match(await note.textContent(), id === 'chart-net-compare' ? /Run Deep RFM above/ : /Press Train/);
    const described = await page.getAttribute(`#${id}`, 'aria-describedby');
    assert.ok(described.split(' ').includes(`${id}-empty`), `${id}: screen readers hear the note`);
  }
  const longTasks = await page.evaluateHandle(() => {
    const seen = [];
    new PerformanceObserver((list) => seen.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    return seen;
  });
  await page.click('#train');
  const result = await page.evaluate(() => new Promise((resolve) => {
    const poll = () => (window.lab.network.state === 'done' ? resolve(window.lab.network.result) : setTimeout(poll, 100));
    poll();
  }));
  // The defaults: the authors' network, 70 epochs measured every 20 (and at the end).
  assert.equal(result.config.output_init, 'torch');
  assert.deepEqual(result.history.map((m) => m.epoch), [0, 20, 40, 60, 70]);
  assert.equal(result.epoch_losses.length, 70, 'the loss of every epoch');
  const last = result.history.at(-1);
  assert.ok(last.train_loss < 0.5 * result.history[0].train_loss, `the loss leaves its plateau: ${last.train_loss}`);
  assert.ok(result.seconds_measuring > 0);
  for (const layer of last.layers) {
    assert.equal(typeof layer.little_collapse, 'boolean');
    assert.ok(layer.nc1_drop === null || typeof layer.nc1_drop === 'number');
  }
  for (const id of CHARTS.slice(0, -1)) {
    assert.ok(!(await page.locator(`#${id}-empty`).isVisible()), `${id}: the note is gone`);
    const share = await inkedShare(page, id);
    assert.ok(share > 0.01, `${id} has drawn content (${share})`);
  }
  // The comparison chart draws the network alone until Deep RFM has run.
  assert.ok(await inkedShare(page, 'chart-net-compare') > 0.01);
  const rows = page.locator('#net-share-table tbody tr');
  assert.equal(await rows.count(), 5);
  const little = last.layers.filter((l) => l.little_collapse).length;
  assert.equal(await page.locator('#net-share-table tbody tr.little').count(), little);
  if (little > 0) assert.match(await page.locator('#net-share-table').textContent(), /little collapse in this layer/);
  assert.match(await page.locator('#net-status').textContent(), /^Done: 70 epochs/);
  const longest = Math.max(0, ...(await longTasks.jsonValue()));
  assert.ok(longest < 200, `the main thread was blocked for ${longest} ms`);
  assert.deepEqual(problems, []);
  await close();
});

test('the page, training in one worker and measuring in another, follows the command line', async () => {
  const binary = fileURLToPath(new URL('../../target/release/agop-collapse', import.meta.url));
  const args = ['mlp', '--n-train', '300', '--n-test', '100', '--depth', '3', '--width', '64', '--epochs', '12', '--measure-every', '4', '--seed', '3'];
  const native = JSON.parse(execFileSync(binary, args, { encoding: 'utf8' }));
  const { page, problems, close } = await openPage(lab, '/#n=300&test=100&seed=3');
  const browser = await page.evaluate(() => window.lab.network.train({ depth: 3, width: 64, epochs: 12, measure_every: 4 }));
  assert.deepEqual(browser.config, native.config);
  assert.deepEqual(browser.history.map((m) => m.epoch), [0, 4, 8, 12]);
  // The same arithmetic but other product kernels (faer natively, gemm in wasm), in f32: the
  // trajectories agree to rounding (measured: 7e-8 relative at most after 12 epochs).
  browser.history.forEach((measurement, m) => {
    const reference = native.history[m];
    const close = (a, b) => Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b));
    assert.ok(close(measurement.train_loss, reference.train_loss), `epoch ${measurement.epoch}: loss ${measurement.train_loss} vs ${reference.train_loss}`);
    measurement.layers.forEach((layer, l) => {
      const other = reference.layers[l];
      assert.ok(close(layer.stages.out.nc1, other.stages.out.nc1), `epoch ${measurement.epoch} layer ${l + 1}: NC1`);
      assert.ok(close(layer.nfa, other.nfa), `epoch ${measurement.epoch} layer ${l + 1}: NFA ${layer.nfa} vs ${other.nfa}`);
    });
  });
  assert.deepEqual(problems, []);
  await close();
});
