// The default run computed ahead of time (tools/precompute.mjs, www/precomputed.js): drawn at
// load, the same numbers as a live run, replaced by one.
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

const CHARTS = ['chart-nc1', 'chart-nc2', 'chart-gram', 'chart-pca', 'chart-agop', 'chart-accuracy', 'chart-time'];

function withoutTimings(result) {
  return JSON.stringify(result, (key, value) => (key === 'seconds' || key === 'seconds_total' ? undefined : value));
}

/** Records in the page the time since navigation at which the NC1 chart first holds ink. */
function recordFirstInk() {
  window.firstInk = null;
  const check = () => {
    const canvas = document.getElementById('chart-nc1');
    if (canvas?.width > 0) {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0 && data[i] < 235) {
          window.firstInk = performance.now();
          return;
        }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

test('the default run computed ahead of time is drawn at load, before any run', async (t) => {
  const context = await lab.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(recordFirstInk);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${lab.origin}/`);
  await page.waitForFunction(() => window.lab?.precomputed === true);
  await page.waitForFunction(() => window.firstInk !== null);
  const firstInk = await page.evaluate(() => window.firstInk);
  t.diagnostic(`NC1 chart inked ${firstInk.toFixed(0)} ms after navigation`);
  // 1 s on an idle machine; the bound leaves room for a loaded one.
  assert.ok(firstInk < 5000, `first chart after ${firstInk} ms`);

  assert.equal(await page.evaluate(() => window.lab.state), 'idle', 'no run has started');
  for (const id of CHARTS) {
    const share = await inkedShare(page, id);
    assert.ok(share > 0.01, `${id} has drawn content (${share})`);
  }
  assert.equal(await page.locator('#gram-strip button').count(), 4, 'the strip at layers 1, 2, 4, 8');
  assert.equal(await page.locator('#metrics-table tbody tr').count(), 8 * 3);
  assert.match(await page.locator('#status').textContent(), /^Ready\. .*computed ahead of time; Run computes it live/);
  assert.ok(await page.locator('#precomputed-note').isVisible(), 'the note under the first chart');
  const result = await page.evaluate(() => window.lab.result);
  assert.equal(result.layers.length, 8);
  assert.equal(result.config.depth, 8);
  // The projection comparison and the network's comparison take live runs only.
  assert.ok(await page.locator('#chart-projections-empty').isVisible());
  assert.ok(await page.locator('#chart-net-compare-empty').isVisible());
  assert.deepEqual(problems, []);

  // Every layer's pictures came with it: the slider walks through them all.
  await page.locator('#view-layer').fill('1');
  assert.equal(await page.locator('#view-layer-value').textContent(), '1');
  assert.ok(await inkedShare(page, 'chart-agop') > 0.01, 'the AGOP images of layer 1');
  await page.selectOption('#view-stage', 'PhiMX');
  assert.ok(await inkedShare(page, 'chart-gram') > 0.01);

  await page.click('#reset');
  assert.equal(await page.evaluate(() => window.lab.precomputed), false);
  assert.equal(await page.evaluate(() => window.lab.result), null);
  assert.ok(!(await page.locator('#precomputed-note').isVisible()));
  await context.close();
});

test('the precomputed Result is a live run\'s, bit for bit, and a live run replaces it', async () => {
  const { page, problems, close } = await openPage(lab);
  await page.waitForFunction(() => window.lab.precomputed === true);
  const precomputed = await page.evaluate(() => window.lab.result);
  const started = await page.evaluate(() => {
    window.live = window.lab.run();
    return window.lab.precomputed;
  });
  assert.equal(started, false, 'not precomputed once a live run starts');
  assert.ok(!(await page.locator('#precomputed-note').isVisible()));
  const live = await page.evaluate(() => window.live);
  assert.equal(withoutTimings(live), withoutTimings(precomputed));
  assert.equal(await page.evaluate(() => window.lab.precomputed), false);
  assert.equal(withoutTimings(await page.evaluate(() => window.lab.result)), withoutTimings(live), 'the live Result is shown');
  assert.match(await page.locator('#status').textContent(), /^Done/);
  assert.deepEqual(problems, []);
  await close();
});

test('a link to another config does not show the default run; an embedded lab does', async () => {
  const other = await openPage(lab, '/#n=200&test=0&depth=3');
  // The file has arrived, and the page has had the time to draw it had the link been the default.
  await other.page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/data/default-run.bin.gz')));
  await other.page.waitForTimeout(500);
  assert.equal(await other.page.evaluate(() => window.lab.precomputed), false);
  assert.equal(await other.page.evaluate(() => window.lab.result), null);
  assert.equal(await inkedShare(other.page, 'chart-nc1'), 0);
  assert.match(await other.page.locator('#status').textContent(), /^Ready\. Press Run\./);
  await other.close();

  const embedded = await openPage(lab, '/?embed=1&charts=nc1,gram');
  await embedded.page.waitForFunction(() => window.lab.precomputed === true);
  assert.ok(await inkedShare(embedded.page, 'chart-nc1') > 0.01);
  assert.ok(await inkedShare(embedded.page, 'chart-gram') > 0.01);
  assert.ok(await embedded.page.locator('#precomputed-note').isVisible());
  assert.deepEqual(embedded.problems, []);
  await embedded.close();
});
