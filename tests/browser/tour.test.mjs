// The guided tour: walked by keyboard alone, every verdict's numbers those of the run the lab
// holds, the highlighted charts drawn, and links that open a step. Screenshots of every step
// land in target/tour-screenshots/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { inkedShare, openPage, startLab } from './harness.mjs';

const shots = fileURLToPath(new URL('../../target/tour-screenshots', import.meta.url));
let lab;
before(async () => {
  lab = await startLab();
  await mkdir(shots, { recursive: true });
});
after(async () => {
  await lab?.close();
});

const fmt = (value) => Number(value).toPrecision(2);
const geometricMean = (values) => Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);

/** The numbers each step's verdict must quote, recomputed here from what the lab holds. */
const EXPECTED = {
  1: (r) => [r.layers[0].stages.X.nc1, r.layers.at(-1).stages.X.nc1],
  2: (r) => ['X', 'MX', 'PhiMX'].map((s) => r.layers[0].stages[s].nc1),
  3: (r) => [geometricMean(r.layers.map((l) => l.stages.X.nc1 / l.stages.MX.nc1))],
  4: (r) => [r.layers.at(-1).stages.X.nc1, r.layers[0].stages.X.nc1],
  5: (r) => {
    const points = r.layers.filter((l) => l.layer >= 2).map((l) => [l.layer, Math.log(l.stages.X.nc1)]);
    const mx = points.reduce((a, p) => a + p[0], 0) / points.length;
    const my = points.reduce((a, p) => a + p[1], 0) / points.length;
    const slope = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
    return [Math.exp(slope), r.layers[0].stages.X.nc1];
  },
  6: (r, n) => [n.history.at(-1).test_acc, ...n.history.at(-1).layers.filter((l) => !l.little_collapse && l.share !== null).map((l) => l.share)],
  7: (r, n) => {
    const mean = (m) => m.layers.reduce((a, l) => a + l.nfa, 0) / m.layers.length;
    return [mean(n.history[0]), mean(n.history.at(-1))];
  },
};

/** The canvases of the charts a step highlights (by their figures' data-chart names). */
async function highlightedCanvases(page) {
  return page.$$eval('#results .tour-focus', (figures) => figures.flatMap((f) => [...f.querySelectorAll('canvas')].map((c) => c.id).filter(Boolean)));
}

test('the tour walks by keyboard alone: a guess, a live run and a verdict from that run at every step', async () => {
  const { page, problems, close } = await openPage(lab, '/', { viewport: { width: 1280, height: 800 } });
  assert.equal(await page.isVisible('#tour'), true);
  assert.deepEqual(await page.evaluate(() => [window.lab.tour.step, window.lab.tour.count]), [1, 7]);
  // Step 1 is fully visible without scrolling.
  const box = await page.locator('#tour').boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 800, `the tour panel spans ${box.y}..${box.y + box.height}`);
  await page.screenshot({ path: `${shots}/step-1-before-1280x800.png` });
  await page.focus('#tour-title');
  for (let n = 1; n <= 7; n += 1) {
    assert.equal(await page.evaluate(() => window.lab.tour.step), n);
    const skip = n === 3;
    // Tab past the links in the step's text to the first choice, and pick it with the arrow
    // keys (or leave it, to skip the guess).
    await page.keyboard.press('Tab');
    while (await page.evaluate(() => document.activeElement.tagName) === 'A') await page.keyboard.press('Tab');
    if (!skip) {
      assert.equal(await page.evaluate(() => document.activeElement.name), 'tour-guess');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
    }
    // Then Tab to "Run this step" and press Enter.
    while (await page.evaluate(() => document.activeElement.id) !== 'tour-run') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction((step) => window.lab.tour.verdict?.step === step, n, { timeout: 120_000 });
    const verdict = await page.evaluate(() => window.lab.tour.verdict);
    const text = await page.locator('#tour-verdict').textContent();
    assert.equal(text, verdict.text);
    assert.equal(verdict.guess, skip ? null : 0, `step ${n}: the guess`);
    if (!skip) assert.match(await page.locator('#tour-guess').textContent(), /^Your guess: /);
    const [result, network] = await page.evaluate(() => [window.lab.result, window.lab.network.result]);
    for (const value of EXPECTED[n](result, network)) {
      assert.ok(text.includes(fmt(value)), `step ${n}: the verdict "${text}" quotes ${fmt(value)}`);
    }
    for (const id of await highlightedCanvases(page)) {
      assert.ok(await inkedShare(page, id) > 0.01, `step ${n}: the highlighted chart ${id} is drawn`);
    }
    assert.ok((await highlightedCanvases(page)).length > 0, `step ${n} highlights a chart`);
    await page.screenshot({ path: `${shots}/step-${n}-1280x800.png` });
    if (n < 7) {
      // Next: Tab to it and press Enter, then back to the title for the next round.
      while (await page.evaluate(() => document.activeElement.id) !== 'tour-next') await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.focus('#tour-title');
    }
  }
  // Step 5's verdict agrees with the chart's own fit.
  assert.match(await page.evaluate(() => location.hash), /tour=7/);
  // Back by keyboard: the arrow key while the focus is in the tour.
  await page.focus('#tour-title');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => window.lab.tour.step), 6);
  assert.deepEqual(problems, []);
  await close();
});

test('tour=N opens step N; tour=0 folds it; a step that does not exist opens step 1 with a message', async () => {
  for (const [hash, step, message] of [['#tour=4', 4, null], ['#tour=0', 0, null], ['#tour=99', 1, /step 99 does not exist/], ['#tour=abc', 1, /invalid tour: 'abc'/]]) {
    const { page, problems, close } = await openPage(lab, `/${hash}`, { viewport: { width: 375, height: 700 } });
    assert.equal(await page.evaluate(() => window.lab.tour.step), step, hash);
    assert.equal(await page.isVisible('#tour-body'), step > 0, hash);
    if (message) assert.match(await page.locator('#message').textContent(), message, hash);
    else assert.equal(await page.locator('#message').textContent(), '', hash);
    assert.deepEqual(problems, []);
    await close();
  }
  // Every step at 375 x 700, as a phone shows it; step 1 fits the screen.
  const { page, close } = await openPage(lab, '/', { viewport: { width: 375, height: 700 } });
  const box = await page.locator('#tour').boundingBox();
  // Above the action bar, which stays at the bottom of a narrow screen.
  const bar = await page.locator('#controls .action-bar').boundingBox();
  const visibleTo = Math.min(700, bar.y);
  assert.ok(box.y + box.height <= visibleTo, `step 1 ends at ${box.y + box.height}, the view at ${visibleTo}`);
  for (let n = 1; n <= 7; n += 1) {
    await page.evaluate((step) => { document.getElementById('tour-skip').click(); document.getElementById('tour-open').click(); for (let i = 1; i < step; i += 1) document.getElementById('tour-next').click(); }, n);
    assert.equal(await page.evaluate(() => window.lab.tour.step), n);
    await page.locator('#tour').screenshot({ path: `${shots}/step-${n}-375x700.png` });
  }
  // A link in a step's text sets the lab's settings: step 7's coda (the loop above ended on
  // step 7), the exact linear case.
  assert.equal(await page.evaluate(() => window.lab.tour.step), 7);
  await page.locator('#tour-text a').evaluate((link) => link.click());
  await page.waitForFunction(() => document.getElementById('kernel').value === 'linear');
  assert.equal(await page.inputValue('#feature'), 'identity');
  assert.equal(await page.evaluate(() => window.lab.tour.step), 7, 'the tour stays where it was');
  // Skip the tour folds it into one button that opens it again.
  await page.click('#tour-skip');
  assert.equal(await page.evaluate(() => window.lab.tour.step), 0);
  assert.equal(await page.isVisible('#tour-open'), true);
  await close();
});

test('the embed code renders a titled, captioned, drawn lab without the tour', async () => {
  const { page: lab0, close: closeLab } = await openPage(lab, '/#n=200&test=0&depth=2');
  const code = await lab0.evaluate(async () => (await import('./embed.js')).embedCode(location.hash));
  await closeLab();
  assert.match(code, /autorun=1/);
  const context = await lab.browser.newContext({ viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  await page.setContent(`<!doctype html><body style="margin:0">${code.replace(/<script>[\s\S]*<\/script>/, '')}</body>`);
  const child = await (async () => {
    for (let i = 0; i < 100; i += 1) {
      const frame = page.frames().find((f) => f.url().includes('embed=1'));
      if (frame) return frame;
      await page.waitForTimeout(100);
    }
    throw new Error('the embedded lab did not load');
  })();
  await child.waitForFunction(() => window.lab?.state === 'done', null, { timeout: 60_000 });
  assert.equal(await child.evaluate(() => window.lab.tour.step), 0, 'no tour in an embed');
  assert.equal(await child.isVisible('#tour'), false);
  assert.equal(await child.isVisible('#embed-heading'), true, 'a title');
  assert.match(await child.locator('#embed-heading').textContent(), /open the full lab.*the paper/s);
  assert.match(await child.getAttribute('#embed-heading a.full-lab', 'href'), /#.*n=200&test=0.*depth=2/);
  const captions = await child.$$eval('.embed-caption', (lines) => lines.filter((l) => l.offsetParent !== null).map((l) => l.closest('[data-chart]').dataset.chart));
  assert.deepEqual(captions.sort(), ['gram', 'nc1', 'nc2'], 'one caption per chart shown');
  for (const id of ['chart-nc1', 'chart-nc2', 'chart-gram']) assert.ok(await inkedShare(child, id) > 0.01, `${id} drawn`);
  await context.close();
});
