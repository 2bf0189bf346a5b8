// End-to-end tests of classroom and blog use: exercises, teacher links, embedding, exports,
// the user's CSV file, keyboard use and narrow screens.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { openPage, startLab } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

test('every exercise loads, shows its text and computes a layer', async () => {
  const { page, problems, close } = await openPage(lab);
  const presets = await page.evaluate(() => [...document.querySelectorAll('#preset option')].map((o) => o.value).filter(Boolean));
  assert.ok(presets.length >= 8, `${presets.length} exercises`);
  for (const id of presets) {
    await page.selectOption('#preset', id);
    await page.waitForFunction((p) => location.hash.includes(`preset=${p}`), id);
    assert.ok(await page.isVisible('#preset-text'), `${id}: its text is shown`);
    assert.equal(await page.locator('#message').textContent(), '', `${id}: no message`);
    await page.click('#step');
    await page.waitForFunction(() => window.lab.state !== 'running', null, { timeout: 120_000 });
    assert.equal(await page.evaluate(() => window.lab.state), await page.evaluate(() => (window.lab.result.config.depth === 1 ? 'done' : 'idle')), `${id}: ${await page.evaluate(() => window.lab.error)}`);
    assert.equal(await page.evaluate(() => window.lab.result.layers.length), 1, id);
    await page.click('#reset');
  }
  assert.deepEqual(problems, []);
  await close();
});

test('the linear-kernel exercise collapses MNIST exactly at MX', async () => {
  const { page, close } = await openPage(lab, '/#dataset=mnist&n=500&test=0&standardize=0&depth=1&kernel=linear&ridge=0.00000001&feature=identity&preset=linear-kernel-exact');
  const result = await page.evaluate(() => window.lab.run());
  assert.ok(result.layers[0].stages.MX.nc1 < 1e-6, `NC1(MX) = ${result.layers[0].stages.MX.nc1}`);
  await close();
});

test('a teacher link hides and locks the named settings', async () => {
  const { page, problems, close } = await openPage(lab, '/#depth=3&n=200&test=0&hide=kernel,ridge&lock=dataset,depth');
  assert.equal(await page.isVisible('#kernel'), false);
  assert.equal(await page.isVisible('#ridge'), false);
  assert.equal(await page.isVisible('#bandwidth'), true);
  assert.equal(await page.isDisabled('#dataset'), true);
  assert.equal(await page.isDisabled('#depth'), true);
  assert.equal(await page.isDisabled('#width'), false);
  // Changing another setting keeps the teacher's flags in the link.
  await page.fill('#width', '128');
  await page.locator('#width').dispatchEvent('change');
  assert.match(await page.evaluate(() => location.hash), /hide=kernel,ridge.*lock=dataset,depth|lock=dataset,depth/);
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.config.depth, 3);

  // The classroom dialog starts from the page's flags and builds such a link.
  await page.click('#classroom');
  assert.equal(await page.isChecked('input[data-key=ridge][data-what=hide]'), true);
  await page.uncheck('input[data-key=ridge][data-what=hide]');
  await page.check('input[data-key=seed][data-what=lock]');
  const link = await page.inputValue('#classroom-link');
  assert.match(link, /#dataset=mnist.*&hide=kernel&lock=dataset,depth,seed$/);
  await page.click('#classroom-close');
  const student = await openPage(lab, link.slice(lab.origin.length));
  assert.equal(await student.page.isVisible('#kernel'), false);
  assert.equal(await student.page.isDisabled('#seed'), true);
  assert.equal(await student.page.isDisabled('#new-seed'), true);
  assert.deepEqual([...problems, ...student.problems], []);
  await student.close();
  await close();
});

test('embedded, the lab hides its header, shows the chosen charts and sizes its frame', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.setContent(`<!doctype html><body style="margin:0">
    <script>window.sizes = []; addEventListener('message', (e) => { if (e.data?.type === 'agop-collapse:resize') window.sizes.push(e.data.height); });</script>
    <iframe id="lab" src="${lab.origin}/?embed=1&charts=nc1,gram&autorun=1#n=200&test=0&depth=2" style="width:100%;border:0;height:300px"></iframe></body>`);
  const frame = page.frameLocator('#lab');
  await page.waitForFunction(() => window.sizes.length > 0);
  const child = page.frames().find((f) => f.url().includes('embed=1'));
  await child.waitForFunction(() => window.lab?.state === 'done', null, { timeout: 60_000 });
  assert.equal(await frame.locator('header').isVisible(), false);
  assert.equal(await frame.locator('#chart-nc1').isVisible(), true);
  assert.equal(await frame.locator('#chart-gram').isVisible(), true);
  assert.equal(await frame.locator('#chart-time').isVisible(), false);
  const sizes = await page.evaluate(() => window.sizes);
  const height = await child.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(sizes.length >= 1 && Math.abs(sizes.at(-1) - height) <= 2, `resize messages ${sizes}, content ${height}`);
  await context.close();
});

test('an embedded lab out of view waits, and goes on when scrolled into view', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  await page.setContent(`<!doctype html><body style="margin:0"><div style="height:3000px">text</div>
    <iframe id="lab" src="${lab.origin}/?embed=1&charts=nc1&autorun=1#n=200&test=0&depth=3" style="width:100%;height:600px;border:0"></iframe></body>`);
  await page.waitForTimeout(500);
  const child = page.frames().find((f) => f.url().includes('embed=1'));
  await child.waitForFunction(() => window.lab?.state === 'running');
  await page.waitForTimeout(2000);
  assert.equal(await child.evaluate(() => window.lab.result?.layers.length ?? 0), 0, 'no layer computed out of view');
  await page.locator('#lab').scrollIntoViewIfNeeded();
  await child.waitForFunction(() => window.lab.state === 'done', null, { timeout: 60_000 });
  await context.close();
});

test('exports give a PNG, the Result JSON and one CSV row per layer and stage', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=200&test=100&depth=2');
  await page.evaluate(() => window.lab.run());
  const save = async (selector) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  };
  const png = await save('figure[data-chart=nc1] .save-png');
  assert.equal(png.name, 'agop-collapse-nc1.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.bytes.length > 2000);

  const json = JSON.parse((await save('#export-json')).bytes.toString());
  assert.equal(json.kind, 'rfm');
  assert.equal(json.layers.length, 2);
  assert.equal(typeof json.layers[1].stages.PhiMX.nc1, 'number');
  assert.equal(json.dataset.n_train, 200);

  const csv = (await save('#export-csv')).bytes.toString().trim().split('\n');
  // The seed last, so that the other columns keep their places.
  const metrics = 'nc1,nc1_trace,nc1_papyan,nc1_wt,nc2,nc2_orth,nc2_equinorm,nc2_equiangle,ncc_agreement,cdnv,stable_rank,class_mean_rank';
  const tested = metrics.split(',').map((m) => `test_${m}`).join(',');
  assert.equal(csv[0], `layer,stage,${metrics},train_acc,test_acc,agop_alignment,identity_alignment,agop_effective_rank,class_mean_singular_values,${tested},test_class_mean_singular_values,seed`);
  assert.equal(csv.length, 1 + 2 * 3);
  assert.equal(Number(csv[1].split(',')[2]), json.layers[0].stages.X.nc1);
  assert.equal(csv[1].split(',').at(-1), '0');
  assert.deepEqual(problems, []);
  await close();
});

const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('a good CSV runs, and each bad CSV shows what is wrong', async () => {
  const { page, problems, requests, close } = await openPage(lab, '/#depth=2');
  const rows = ['sepal,label,petal'];
  for (let i = 0; i < 60; i += 1) rows.push(`${(i % 3) + Math.sin(i)},${['setosa', 'versicolor', '<img src=x onerror=alert(1)>'][i % 3]},${Math.cos(i)}`);
  await page.setInputFiles('#csv-file', file('flowers.csv', rows.join('\n')));
  await page.waitForFunction(() => document.getElementById('dataset').value === 'csv:flowers.csv');
  assert.equal(await page.inputValue('#n-test'), '0');
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.dataset.n_train, 60);
  assert.equal(result.dataset.classes, 3);
  assert.ok(result.dataset.class_names.includes('<img src=x onerror=alert(1)>'), 'the label is kept as text');
  assert.equal(await page.locator('#dataset option:checked').textContent(), 'Your file: flowers.csv');

  const bad = [
    ['label,a,b\n0,1,2\n1,3,oops\n0,1,1\n1,2,2\n', /line 3, column 3/],
    ['label,a\n0,1\n0,2\n1,3\n', /single sample/],
    ['label,a\n0,1\n0,2\n', /at least two classes/],
  ];
  for (const [text, message] of bad) {
    await page.setInputFiles('#csv-file', file('bad.csv', text));
    await page.waitForFunction(() => document.getElementById('dataset').value === 'csv:bad.csv');
    await assert.rejects(page.evaluate(() => window.lab.run()), message);
    assert.match(await page.locator('#message').textContent(), message);
    assert.equal(await page.evaluate(() => window.lab.state), 'error');
  }
  assert.ok(requests.every((url) => url.startsWith(lab.origin)), 'the file never leaves the page');
  assert.deepEqual(problems, []);
  await close();
});

test('a run can be started with the keyboard alone', async () => {
  const { page, close } = await openPage(lab, '/#n=200&test=0&depth=2');
  let focused = '';
  for (let i = 0; i < 60 && focused !== 'run'; i += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.id);
  }
  assert.equal(focused, 'run', 'Tab reaches the Run button');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focus is visible');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.lab.state === 'done', null, { timeout: 60_000 });
  await close();
});

test('a 375-pixel-wide screen has no horizontal scroll', async () => {
  const { page, close } = await openPage(lab, '/#n=200&test=50&depth=2', { viewport: { width: 375, height: 800 } });
  await page.evaluate(() => window.lab.run());
  await page.screenshot({ path: '/tmp/agop-collapse-375.png', fullPage: true });
  const [scrollWidth, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= width, `page is ${scrollWidth} px wide on a ${width} px screen`);
  await close();
});
