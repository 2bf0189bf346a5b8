// End-to-end test of the neural-network panel: live training in its worker, pause and resume,
// its charts, and its settings in the link.
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

const CHARTS = ['chart-net-loss', 'chart-net-nc1', 'chart-net-share', 'chart-net-nfa', 'chart-net-compare'];

test('a small network trains live, pauses, resumes and draws its charts', async () => {
  const { page, problems, requests, close } = await openPage(lab, '/#n=200&test=100&depth=2&net_depth=2&net_width=32&epochs=30&every=3&lr=0.003&batch=32');
  assert.equal(await page.inputValue('#net-width'), '32', 'the link sets the network');
  await page.evaluate(() => window.lab.run());
  await page.evaluate(() => {
    window.training = window.lab.network.train();
  });
  await page.waitForFunction(() => /Epoch [1-9]/.test(document.getElementById('net-status').textContent));
  await page.click('#pause');
  await page.waitForFunction(() => /Paused\./.test(document.getElementById('net-status').textContent));
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
