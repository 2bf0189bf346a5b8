// The page's one State and its messages: a link is read once, each layer crosses once, the
// page's Result is the one Rust writes, and the page's module carries no test-only entry point.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { openPage, startLab, testingPkg } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

const TEST_ONLY = ['panicOnPurpose', 'benchWorkloads', 'benchMlpWorkload', 'productGflops'];

/** The names a wasm-bindgen glue module exports. */
async function exportedNames(file) {
  const glue = await readFile(file, 'utf8');
  return [...glue.matchAll(/^export (?:async )?(?:function|class|const) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
}

function computingWorker(page) {
  return page.workers().find((w) => w.url().endsWith('/worker.js'));
}

test('loading a link reads it in Rust once, and settings reach the link from the State', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=300&test=50&depth=3&kernel=gaussian&net_width=64&hide=ridge');
  const calls = await page.evaluate(async () => ({ ...(await import('./state.js')).linkCalls }));
  assert.equal(calls.read, 1, 'one parse of the link');
  assert.equal(await page.inputValue('#kernel'), 'gaussian');
  assert.equal(await page.inputValue('#net-width'), '64');
  const state = await page.evaluate(async () => structuredClone((await import('./state.js')).state));
  assert.equal(state.rfm.depth, 3);
  assert.equal(state.mlp.width, 64);
  assert.deepEqual(state.mlp.data, state.rfm.data, 'the network shares the data');
  assert.deepEqual(state.view.hide, ['ridge']);
  // A control writes into the State, and the link is written from the State.
  await page.fill('#depth', '4');
  await page.locator('#depth').dispatchEvent('change');
  assert.equal(await page.evaluate(async () => (await import('./state.js')).state.rfm.depth), 4);
  assert.match(await page.evaluate(() => location.hash), /depth=4.*net_width=64.*&hide=ridge$/);
  assert.equal(await page.evaluate(async () => (await import('./state.js')).linkCalls.read), 1, 'still one parse');
  assert.deepEqual(problems, []);
  await close();
});

test('a run at depth 20 posts one message per layer, whose size does not grow with the layer', async () => {
  const { page, problems, close } = await openPage(lab, '/#n=100&test=20&depth=20&width=64');
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.layers.length, 20);
  const posted = await computingWorker(page).evaluate(() => structuredClone(self.posted));
  // The warm-up's layers come first; the run's are the last 20.
  const sizes = posted.layerSizes.slice(-20);
  assert.equal(sizes.length, 20);
  const [smallest, largest] = [Math.min(...sizes), Math.max(...sizes)];
  assert.ok(largest < 1.25 * smallest, `layer message sizes ${sizes}`);
  assert.ok(sizes.at(-1) < 1.25 * sizes[0], `the last layer's message (${sizes.at(-1)} B) is no larger than the first's (${sizes[0]} B)`);
  assert.deepEqual(problems, []);
  await close();
});

test('the Result the page assembles from the layers is the one Rust writes, for several seeds', async () => {
  const { page, problems, close } = await openPage(lab, '/#dataset=synthetic&n=60&test=30&classes=3&dim=10&depth=3&seed=4&seeds=3');
  const assembled = await page.evaluate(() => window.lab.run());
  const rust = JSON.parse(await computingWorker(page).evaluate(() => self.rustResult()));
  assert.equal(JSON.stringify(assembled), JSON.stringify(rust));
  const single = await page.evaluate(() => window.lab.run({ data: { n_train: 150, n_test: 50 }, depth: 2 }));
  assert.equal(JSON.stringify(single), JSON.stringify(JSON.parse(await computingWorker(page).evaluate(() => self.rustResult()))));
  assert.deepEqual(problems, []);
  await close();
});

test('the page\'s module exports no test-only entry point, and runs as the tests\' does', async () => {
  const page = await exportedNames(new URL('../../www/pkg/agop_collapse.js', import.meta.url));
  const testing = await exportedNames(`${testingPkg}/agop_collapse.js`);
  assert.ok(page.includes('RfmRun') && page.includes('readLink') && page.includes('writeLink'), page.join(', '));
  for (const name of TEST_ONLY) {
    assert.ok(!page.includes(name), `the page's module exports ${name}`);
    assert.ok(testing.includes(name), `the tests' module lacks ${name}`);
  }
  assert.deepEqual(page.filter((name) => !testing.includes(name)), [], 'the tests\' module has every entry point of the page\'s');

  const own = await startLab({ pagePkg: true });
  const opened = await openPage(own, '/#n=200&test=50&depth=2');
  const result = await opened.page.evaluate(() => window.lab.run());
  assert.equal(result.layers.length, 2);
  const served = await opened.page.evaluate(async () => Object.keys(await import('./pkg/agop_collapse.js')));
  for (const name of TEST_ONLY) assert.ok(!served.includes(name), `${name} served to the page`);
  assert.deepEqual(opened.problems, []);
  await opened.close();
  await own.close();
});
