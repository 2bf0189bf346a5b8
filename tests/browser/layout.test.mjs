// The page's layout: Run always in view, rows of panels without holes, legends off the data,
// a note when the results no longer match the settings, captions that follow the chosen metric,
// explanations on hover, focus and tap, and the network's Layer menu.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, startLab } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

const SMALL = '/#n=200&test=50&depth=3&net_depth=3&net_width=32';

/** Runs Deep RFM and trains a small network, so that every chart has something drawn. */
async function runBoth(page) {
  await page.evaluate(() => window.lab.run());
  await page.evaluate(() => window.lab.network.train({ epochs: 6, measure_every: 2 }));
}

/**
 * The rows of the panels in `containerSelector` (its visible children), each as
 * { top, left, right }, and the container's content box.
 */
function rows(page, containerSelector) {
  return page.evaluate((selector) => {
    const container = document.querySelector(selector);
    const style = getComputedStyle(container);
    const box = container.getBoundingClientRect();
    const content = { left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight) };
    const panels = [...container.children].filter((e) => e.getClientRects().length > 0).map((e) => {
      const r = e.getBoundingClientRect();
      return { name: e.dataset.chart ?? e.className ?? e.tagName, top: Math.round(r.top), left: r.left, right: r.right };
    });
    const byTop = new Map();
    for (const p of panels) {
      const key = [...byTop.keys()].find((t) => Math.abs(t - p.top) <= 2) ?? p.top;
      byTop.set(key, [...(byTop.get(key) ?? []), p]);
    }
    return { content, rows: [...byTop.values()] };
  }, containerSelector);
}

for (const width of [1280, 1920]) {
  test(`at ${width} pixels wide every row of panels fills its width`, async () => {
    const { page, problems, close } = await openPage(lab, SMALL, { viewport: { width, height: 900 } });
    await runBoth(page);
    for (const selector of ['#results', '.network-charts']) {
      const { content, rows: found } = await rows(page, selector);
      for (const row of found) {
        const names = row.map((p) => p.name).join(', ');
        const left = Math.min(...row.map((p) => p.left));
        const right = Math.max(...row.map((p) => p.right));
        assert.ok(Math.abs(left - content.left) <= 4, `${selector}: the row of ${names} starts at the left edge (${left} vs ${content.left})`);
        assert.ok(Math.abs(right - content.right) <= 4, `${selector}: the row of ${names} reaches the right edge (${right} vs ${content.right}): a hole beside it`);
      }
      if (selector === '#results') assert.ok(found.some((row) => row.length === 2), 'half-width panels stand in pairs');
    }
    assert.deepEqual(problems, []);
    await close();
  });
}

test('no legend covers a plotted point', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }]) {
    const { page, problems, close } = await openPage(lab, SMALL, { viewport });
    await runBoth(page);
    const charts = await page.evaluate(() => [...document.querySelectorAll('canvas[data-legend]')].map((canvas) => ({
      id: canvas.id,
      legend: canvas.dataset.legend === '' ? null : canvas.dataset.legend.split(' ').map(Number),
      points: canvas.dataset.points.split(' ').filter(Boolean).map((p) => p.split(',').map(Number)),
      size: [canvas.clientWidth, canvas.clientHeight],
    })));
    const ids = charts.map((c) => c.id);
    for (const id of ['chart-nc1', 'chart-nc2', 'chart-accuracy', 'chart-net-loss', 'chart-net-accuracy', 'chart-net-nc1', 'chart-net-nfa']) {
      assert.ok(ids.includes(id), `${id} records its legend (${viewport.width} px)`);
    }
    for (const { id, legend, points, size } of charts) {
      assert.ok(points.length > 0, `${id}: points drawn`);
      if (legend === null) continue;
      const [left, top, w, h] = legend;
      assert.ok(left >= 0 && top >= 0 && left + w <= size[0] + 1 && top + h <= size[1] + 1, `${id}: the legend ${legend} lies on the canvas ${size}`);
      const covered = points.filter(([x, y]) => x >= left && x <= left + w && y >= top && y <= top + h);
      assert.deepEqual(covered, [], `${id} (${viewport.width} px): the legend ${legend} covers points`);
    }
    assert.deepEqual(problems, []);
    await close();
  }
});

test('Run, its status and the message stay in view at every scroll position and size', async () => {
  const sizes = [[1366, 720], [1280, 900], [375, 800], [375, 700], [1920, 1080]];
  for (const [width, height] of sizes) {
    const { page, problems, close } = await openPage(lab, SMALL, { viewport: { width, height } });
    await page.evaluate(() => window.lab.run());
    // An exercise open makes the settings column longest.
    await page.selectOption('#preset', { index: 1 });
    await page.waitForFunction(() => !document.getElementById('preset-text').hidden);
    const scrollHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    for (const share of [0, 0.25, 0.5, 0.75, 1]) {
      await page.evaluate((y) => window.scrollTo(0, y), share * scrollHeight);
      await page.waitForTimeout(50);
      for (const id of ['run', 'status']) {
        const r = await page.locator(`#${id}`).boundingBox();
        assert.ok(r && r.y >= 0 && r.y + r.height <= height && r.x >= 0 && r.x + r.width <= width,
          `#${id} in view at ${width}x${height}, scrolled ${share * 100}%: ${JSON.stringify(r)}`);
      }
    }
    // A refused setting's message is shown whole, wherever the page is scrolled.
    await page.fill('#bandwidth', '-1');
    await page.locator('#bandwidth').dispatchEvent('change');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(50);
    const message = await page.locator('#message').boundingBox();
    assert.ok(message && message.y >= 0 && message.y + message.height <= height, `#message in view at ${width}x${height}: ${JSON.stringify(message)}`);
    assert.deepEqual(problems, []);
    await close();
  }
});

test('Run is an early Tab stop and Enter in a setting runs', async () => {
  const { page, close } = await openPage(lab, SMALL);
  // The guided tour's panel comes first on the page: its guess, Run this step, Next and Skip,
  // then the lab's Run.
  const stops = [];
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => document.activeElement?.id));
  }
  assert.ok(stops.includes('run'), `Run among the first Tab stops: ${stops}`);
  await page.focus('#depth');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.lab.state === 'done', null, { timeout: 60_000 });
  await close();
});

test('after a setting changes the results say "settings changed: Run to update" until the next run', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  assert.ok(await page.locator('#stale-note').isHidden(), 'no note before any run');
  await page.evaluate(() => window.lab.run());
  assert.ok(await page.locator('#stale-note').isHidden(), 'no note after a run');
  await page.fill('#depth', '2');
  await page.locator('#depth').dispatchEvent('change');
  assert.ok(await page.locator('#stale-note').isVisible(), 'the note shows once Layers changed');
  assert.match(await page.locator('#stale-note').textContent(), /Settings changed: Run to update/);
  assert.equal(await page.evaluate(() => document.getElementById('results').classList.contains('stale')), true);
  const badge = await page.evaluate(() => getComputedStyle(document.querySelector('[data-chart="nc1"]'), '::before').content);
  assert.match(badge, /settings changed: Run to update/);
  // Back to the shown run's setting: the note goes.
  await page.fill('#depth', '3');
  await page.locator('#depth').dispatchEvent('change');
  assert.ok(await page.locator('#stale-note').isHidden(), 'the settings match the results again');
  await page.fill('#depth', '2');
  await page.locator('#depth').dispatchEvent('change');
  assert.ok(await page.locator('#stale-note').isVisible());
  await page.click('#run');
  await page.waitForFunction(() => window.lab.state === 'done');
  assert.ok(await page.locator('#stale-note').isHidden(), 'gone after a run');
  assert.equal(await page.evaluate(() => document.getElementById('results').classList.contains('stale')), false);
  await page.click('#reset');
  await page.fill('#depth', '4');
  await page.locator('#depth').dispatchEvent('change');
  assert.ok(await page.locator('#stale-note').isHidden(), 'no note without results');
  assert.deepEqual(problems, []);
  await close();
});

test('the fitted factors show only while the fit is on; the captions follow the chosen metric', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  await page.evaluate(() => window.lab.run());
  assert.ok(await page.locator('#nc1-rates').isHidden(), 'hidden while the fit is off');
  await page.check('#nc1-fit');
  assert.ok(await page.locator('#nc1-rates').isVisible(), 'shown with the fit');
  assert.match(await page.locator('#nc1-rates').textContent(), /Fitted factor per layer/);
  await page.uncheck('#nc1-fit');
  assert.ok(await page.locator('#nc1-rates').isHidden(), 'hidden again');

  const caption = (id) => page.locator(`#${id}-caption`).textContent();
  const nc1 = { nc1: /tr\(Σw\) \/ \(K tr\(Σb\)\)/, nc1_trace: /tr\(Σw\) \/ tr\(Σb\)/, nc1_papyan: /tr\(Σw Σb⁺\) \/ K/, nc1_wt: /tr\(Σw\) \/ tr\(Σt\)/ };
  for (const [variant, pattern] of Object.entries(nc1)) {
    await page.selectOption('#nc1-variant', variant);
    assert.match(await caption('nc1'), pattern, variant);
  }
  const nc2 = { nc2: /regular simplex/, nc2_orth: /orthogonal frame/, nc2_equinorm: /equal lengths/, nc2_equiangle: /equal angles/ };
  for (const [variant, pattern] of Object.entries(nc2)) {
    await page.selectOption('#nc2-variant', variant);
    assert.match(await caption('nc2'), pattern, variant);
  }
  await page.selectOption('#nc2-variant', 'nc2_equiangle');
  assert.doesNotMatch(await caption('nc2'), /equal lengths, equal angles/, 'no simplex caption for equal angles');
  assert.deepEqual(problems, []);
  await close();
});

test('every setting and chart explains itself on hover, focus and tap', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  const missing = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('#controls .settings :is(input, select), #network-controls :is(input, select), #net-layer, .view-controls :is(input, select)')]
      .filter((e) => e.name !== 'digit' && e.id !== 'nc1-fit-from' && e.id !== 'nc1-fit-to');
    const charts = [...document.querySelectorAll('#results [data-chart]')];
    const explained = (element) => {
      const scope = element.closest('label, .seed, [data-chart]') ?? element.parentElement;
      return scope.querySelector('button.explain') !== null;
    };
    return [...controls, ...charts].filter((e) => !explained(e)).map((e) => e.id || e.dataset.chart);
  });
  assert.deepEqual(missing, [], 'a (?) beside every control and chart');
  const button = page.locator('label:has(#depth) button.explain');
  const pop = page.locator('#explain-pop');
  await button.hover();
  assert.ok(await pop.isVisible(), 'hover shows it');
  assert.match(await pop.textContent(), /layers/i);
  await page.mouse.move(0, 0);
  assert.ok(await pop.isHidden(), 'leaving hides it');
  await button.focus();
  assert.ok(await pop.isVisible(), 'focus shows it');
  await page.keyboard.press('Escape');
  assert.ok(await pop.isHidden(), 'Escape hides it');
  await page.locator('[data-chart="nc1"] button.explain-chart').click();
  assert.ok(await pop.isVisible(), 'a tap shows it');
  assert.match(await pop.textContent(), /tr\(Σw\) \/ \(K tr\(Σb\)\)/);
  await page.mouse.click(5, 5);
  assert.ok(await pop.isHidden(), 'a tap elsewhere hides it');
  assert.equal(await page.inputValue('#depth'), '3', 'the explanation changes no setting');
  assert.deepEqual(problems, []);
  await close();
});

test('the network: one Layer menu above its charts, filled before Train; accuracy on its own axis; a status naming the latest measurement', async () => {
  const { page, problems, close } = await openPage(lab, SMALL);
  const options = () => page.locator('#net-layer option').count();
  assert.equal(await options(), 3, 'the menu offers the settings\' hidden layers before Train');
  assert.equal(await page.inputValue('#net-layer'), '2', 'the middle layer by default');
  await page.fill('#net-depth', '5');
  await page.locator('#net-depth').dispatchEvent('change');
  assert.equal(await options(), 5);
  await page.fill('#net-depth', '3');
  await page.locator('#net-depth').dispatchEvent('change');
  const [menu, nc1, nfa] = await Promise.all(['#net-layer', '#chart-net-nc1', '#chart-net-nfa'].map((s) => page.locator(s).boundingBox()));
  assert.ok(menu.y + menu.height <= Math.min(nc1.y, nfa.y), 'the menu stands above the charts it drives');
  const statuses = [];
  await page.exposeFunction('recordStatus', (text) => statuses.push(text));
  await page.evaluate(() => new MutationObserver(() => window.recordStatus(document.getElementById('net-status').textContent))
    .observe(document.getElementById('net-status'), { childList: true, characterData: true, subtree: true }));
  const result = await page.evaluate(() => window.lab.network.train({ epochs: 6, measure_every: 2 }));
  assert.ok(statuses.some((s) => /Latest measurement, epoch [0-9]+: loss [0-9.e-]+, train accuracy [0-9.]+, test accuracy [0-9.]+/.test(s)), statuses.join('\n'));
  // Accuracy has its own chart, on a linear axis with more than two ticks' worth of room.
  const accuracy = await page.evaluate(() => document.getElementById('chart-net-accuracy').dataset.points.split(' ').length);
  assert.equal(accuracy, 2 * result.history.length, 'train and test accuracy at each measurement');
  const summary = await page.locator('#net-nfa-summary').textContent();
  const layer = result.history.map((m) => m.layers[1].nfa);
  assert.ok(summary.includes(`Layer 2: correlation with AGOP^1/2 ${layer[0].toFixed(2)} at epoch 0, ${layer.at(-1).toFixed(2)} at epoch 6`), summary);
  assert.deepEqual(problems, []);
  await close();
});
