// End-to-end tests of the user's own test set: the "Test data (optional)" file beside the
// training CSV, its held-out numbers in both experiments, its messages, its removal and the link.
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

const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

/** `rows` rows of three classes around separated means under the header `a,label,b`; `phase` shifts the noise. */
function threeClasses(rows, phase) {
  const lines = ['a,label,b'];
  for (let i = 0; i < rows; i += 1) {
    const t = i + phase;
    lines.push(`${3 * (i % 3) + Math.sin(t)},${['x', 'y', 'z'][i % 3]},${Math.cos(t) - (i % 3)}`);
  }
  return lines.join('\n');
}

const testDataset = (page) => page.evaluate(async () => (await import('./state.js')).state.rfm.data.test_dataset ?? null);

test('a test file gives both experiments their held-out numbers; a bad one is named with its line; it can be removed', async () => {
  const { page, problems, requests, close } = await openPage(lab, '/#depth=2&width=64');
  assert.equal(await page.isVisible('#test-csv-file'), false, 'no test file beside the shipped data');
  await page.setInputFiles('#csv-file', file('train.csv', threeClasses(60, 0)));
  await page.waitForFunction(() => document.getElementById('dataset').value === 'csv:train.csv');
  assert.equal(await page.isVisible('#test-csv-file'), true, 'beside a CSV training file');
  assert.equal(await page.isVisible('label:has(#test-csv-file) button.explain'), true, 'it explains itself');
  assert.equal(await page.isVisible('#test-csv-remove'), false);
  assert.equal(await page.isVisible('#n-test'), true);

  await page.setInputFiles('#test-csv-file', file('held-out.csv', threeClasses(30, 0.5)));
  await page.waitForFunction(() => !document.getElementById('test-csv-remove').hidden);
  assert.equal(await testDataset(page), 'csv:held-out.csv', 'the State names the file');
  assert.match(await page.evaluate(() => location.hash), /test_dataset=csv:held-out\.csv/, 'the link names it too');
  assert.equal(await page.isVisible('#n-test'), false, 'the test-sample count is not used with a test file');

  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.config.data.test_dataset, 'csv:held-out.csv');
  assert.deepEqual([result.dataset.n_train, result.dataset.n_test, result.dataset.test_file], [60, 30, 'held-out.csv']);
  for (const layer of result.layers) {
    assert.equal(typeof layer.test_acc, 'number', `layer ${layer.layer}`);
    for (const stage of ['X', 'MX', 'PhiMX']) assert.equal(typeof layer.stages_test?.[stage]?.nc1, 'number', `layer ${layer.layer} ${stage}`);
    assert.notEqual(layer.stages_test.X.nc1, layer.stages.X.nc1);
  }
  const network = await page.evaluate(() => window.lab.network.train({ depth: 1, width: 16, epochs: 2, measure_every: 1 }));
  assert.deepEqual([network.dataset.n_test, network.dataset.test_file], [30, 'held-out.csv']);
  assert.ok(network.history.every((m) => typeof m.test_acc === 'number'));

  // A refused file: the message names the problem and the line, where the user is looking.
  const bad = [
    ['a,label,b\n1,x,2\n\n1,w,2\n', /the test file bad\.csv: CSV line 4, column 2: the label 'w' is not a class of the training file \('x', 'y', 'z'\)/],
    ['a,label,c\n1,x,2\n', /the test file bad\.csv: CSV line 1, column 3: the header names this column 'c', the training file's names it 'b'/],
    ['a,label,b\n', /the test file bad\.csv: it has a header \(line 1\) but no rows/],
  ];
  for (const [text, message] of bad) {
    await page.setInputFiles('#test-csv-file', file('bad.csv', text));
    await page.waitForFunction(async () => (await import('./state.js')).state.rfm.data.test_dataset === 'csv:bad.csv');
    await assert.rejects(page.evaluate(() => window.lab.run()), message);
    assert.match(await page.locator('#message').textContent(), message);
    assert.equal(await page.evaluate(() => window.lab.state), 'error');
  }
  await assert.rejects(page.evaluate(() => window.lab.network.train({ depth: 1, width: 16, epochs: 2 })), /the test file bad\.csv: it has a header/);
  assert.match(await page.locator('#net-message').textContent(), /the test file bad\.csv: it has a header \(line 1\) but no rows/);

  // Removed: the test samples are drawn from the training file again, and the link says nothing of it.
  await page.click('#test-csv-remove');
  assert.equal(await testDataset(page), null);
  assert.equal(await page.isVisible('#test-csv-remove'), false);
  assert.equal(await page.inputValue('#test-csv-file'), '');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /test_dataset/);
  await page.fill('#n-test', '15');
  await page.locator('#n-test').dispatchEvent('change');
  const drawn = await page.evaluate(() => window.lab.run());
  assert.deepEqual([drawn.dataset.n_train, drawn.dataset.n_test, drawn.dataset.test_file], [45, 15, undefined]);
  assert.equal(drawn.config.data.test_dataset, undefined);

  // Another dataset drops the test file (it goes with a CSV only), with no message.
  await page.setInputFiles('#test-csv-file', file('held-out.csv', threeClasses(30, 0.5)));
  await page.waitForFunction(() => !document.getElementById('test-csv-remove').hidden);
  await page.selectOption('#dataset', 'synthetic');
  assert.equal(await testDataset(page), null);
  assert.equal(await page.locator('#message').textContent(), '');
  assert.equal(await page.isVisible('#test-csv-file'), false);

  assert.ok(requests.every((url) => url.startsWith(lab.origin)), 'the files never leave the page');
  assert.deepEqual(problems, []);
  await close();
});

test('a link names the test file but cannot open it, as it names the training file', async () => {
  const { page, problems, close } = await openPage(lab, '/#dataset=csv:train.csv&test_dataset=csv:held-out.csv&depth=2');
  const message = await page.locator('#message').textContent();
  assert.match(message, /a CSV file cannot be opened from a link; load it again/);
  assert.match(message, /invalid test_dataset: a test file cannot be opened from a link; load it again/);
  assert.equal(await testDataset(page), null);
  assert.deepEqual(problems, []);
  await close();
});
