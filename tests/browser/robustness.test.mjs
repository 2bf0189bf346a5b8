// The page under stress and attack: crashes, quick Run/Cancel cycles, runs too big to fit,
// hostile text, the Content-Security-Policy, requests, and agreement with the command line.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { openPage, startLab } from './harness.mjs';

let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.close();
});

const SMALL = { data: { n_train: 200, n_test: 100 }, depth: 3 };
const LONG = { data: { n_train: 3000 }, depth: 20 };

/** Runs `work` in the page's computing worker (the one that loads worker.js). */
async function inRfmWorker(page, work) {
  await page.waitForFunction(() => window.lab.state === 'running');
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const worker = page.workers().find((w) => w.url().endsWith('/worker.js'));
    if (worker) return worker.evaluate(work);
    await page.waitForTimeout(100);
  }
  throw new Error('the computing worker did not start');
}

test('a crashed worker is reported with its message and replaced, and the page runs again', async () => {
  const { page, problems, close } = await openPage(lab);
  await page.evaluate((config) => {
    window.crashed = window.lab.run(config).then(() => 'finished', (e) => e.message);
  }, LONG);
  // The crash request goes through the worker's own message handler, as a page request would.
  await inRfmWorker(page, () => self.onmessage({ data: { type: 'crash' } })).catch(() => {});
  const message = await page.evaluate(() => window.crashed);
  assert.match(message, /^internal error: a deliberate panic, to check the lab's recovery \(at src\/web\/mod\.rs:\d+\)/);
  assert.equal(await page.evaluate(() => window.lab.state), 'error');
  assert.match(await page.locator('#message').textContent(), /deliberate panic/);

  const result = await page.evaluate((config) => window.lab.run(config), SMALL);
  assert.equal(result.layers.length, 3);
  assert.equal(await page.evaluate(() => window.lab.state), 'done');

  // A panic in the helper worker, in the middle of a job, stops the run with its message too.
  await page.evaluate((config) => {
    window.crashed = window.lab.run(config).then(() => 'finished', (e) => e.message);
  }, LONG);
  await page.waitForFunction(() => window.lab.state === 'running');
  // The newest helper (the one of the crashed run may still be listed while it closes).
  await page.waitForFunction(() => /Layer 1 of/.test(document.getElementById('status').textContent));
  const helper = page.workers().filter((w) => w.url().endsWith('/helper-worker.js')).at(-1);
  await helper.evaluate(() => self.onmessage({ data: { type: 'crash' } }));
  assert.match(await page.evaluate(() => window.crashed), /the helper worker failed: internal error: a deliberate panic/);
  assert.equal((await page.evaluate((config) => window.lab.run(config), SMALL)).layers.length, 3);
  // The panic hook logs the panics; nothing else may complain.
  assert.deepEqual(problems.filter((p) => !/deliberate panic/.test(p)), []);
  await close();
});

test('fifty quick Run/Cancel cycles leave the page responsive, no worker behind and memory flat', async () => {
  const { page, problems, close } = await openPage(lab);
  const session = await page.context().newCDPSession(page);
  const heapBytes = async () => {
    await session.send('HeapProfiler.collectGarbage');
    const usage = await session.send('Runtime.getHeapUsage');
    return usage.usedSize + (usage.backingStorageSize ?? 0);
  };
  const cycles = async (count) => {
    for (let i = 0; i < count; i += 1) {
      await page.evaluate(async ({ config, wait }) => {
        const run = window.lab.run(config).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, wait));
        window.lab.cancel();
        await run;
      }, { config: LONG, wait: (i * 37) % 200 });
      assert.equal(await page.evaluate(() => window.lab.state), 'cancelled');
    }
  };
  await cycles(10);
  const settled = await heapBytes();
  await cycles(40);
  const afterAll = await heapBytes();
  console.log(`page heap after 10 Run/Cancel cycles: ${settled} bytes, after 50: ${afterAll} bytes`);
  assert.ok(afterAll < settled * 1.25 + 4e6, `page memory grew from ${settled} to ${afterAll} bytes over 40 cycles`);
  // Cancelling ends the computing worker and its helper: none is left once they have closed.
  for (let waited = 0; page.workers().length > 0 && waited < 5000; waited += 100) await page.waitForTimeout(100);
  assert.deepEqual(page.workers().map((w) => w.url()), [], 'no worker is left after cancelling');

  const started = Date.now();
  await page.evaluate(() => document.getElementById('status').textContent);
  assert.ok(Date.now() - started < 200, 'the page answers at once');
  const result = await page.evaluate((config) => window.lab.run(config), SMALL);
  assert.equal(result.layers.length, 3);
  assert.deepEqual(problems, []);
  await close();
});

test('a run too big for the browser is refused with the estimate and the size that fits', async () => {
  const { page, problems, close } = await openPage(lab);
  const message = await page.evaluate(() => window.lab.run({ data: { n_train: 9000 } }).then(() => 'ran', (e) => e.message));
  assert.match(message, /needs about 2\.\d GB of memory, more than the 1\.0 GB allowed here; with these settings at most \d{4} training samples fit/);
  assert.match(await page.locator('#message').textContent(), /at most \d{4} training samples fit/);
  const fits = Number(message.match(/at most (\d+) training samples/)[1]);
  assert.ok(fits > 3000 && fits < 9000, `${fits} samples fit`);
  const result = await page.evaluate((config) => window.lab.run(config), SMALL);
  assert.equal(result.layers.length, 3);
  assert.deepEqual(problems, []);
  await close();
});

test('a singular kernel matrix names the layer and a ridge to try, and the suggested ridge runs', async () => {
  const { page, problems, close } = await openPage(lab, '/#depth=2&ridge=0');
  const rows = ['label,a,b'];
  for (let i = 0; i < 20; i += 1) rows.push(`${i % 2},${i},${(i * 7) % 5}`);
  rows.push('0,0,0', '1,1,2'); // copies of the first two samples
  await page.setInputFiles('#csv-file', { name: 'twins.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await page.waitForFunction(() => document.getElementById('dataset').value === 'csv:twins.csv');
  const message = await page.evaluate(() => window.lab.run().then(() => 'ran', (e) => e.message));
  assert.match(message, /^layer 1: the kernel matrix plus the ridge 0e0 is not positive definite.*increase the ridge, for example to 1e-3/);
  assert.match(await page.locator('#message').textContent(), /increase the ridge/);
  await page.fill('#ridge', '1e-3');
  await page.locator('#ridge').dispatchEvent('change');
  const result = await page.evaluate(() => window.lab.run());
  assert.equal(result.layers.length, 2);
  assert.deepEqual(problems, []);
  await close();
});

test('hostile text in a CSV or a link is shown as text, never run as markup', async () => {
  const hostile = '<img src=x onerror="window.pwned=1">';
  const { page, problems, close } = await openPage(lab, `/#depth=2&seed=${encodeURIComponent(hostile)}`);
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  assert.ok((await page.locator('#message').textContent()).includes(hostile), 'the bad seed is quoted literally');

  const rows = [`${hostile},label,<script>window.pwned=2</script>`];
  for (let i = 0; i < 30; i += 1) rows.push(`${Math.sin(i)},${['plain', hostile][i % 2]},${Math.cos(i)}`);
  await page.setInputFiles('#csv-file', { name: `${hostile}.csv`, mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await page.waitForFunction(() => document.getElementById('dataset').value.startsWith('csv:'));
  const result = await page.evaluate(() => window.lab.run());
  assert.deepEqual(result.dataset.class_names.slice().sort(), [hostile, 'plain'].sort());
  assert.equal(await page.locator('#dataset option:checked').textContent(), `Your file: ${hostile}.csv`);
  const embed = await page.evaluate(async () => (await import('./embed.js')).embedCode(location.hash));
  assert.ok(!embed.includes('<img'), 'the embed snippet escapes the file name');

  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems, []);
  await close();
});

test('the Content-Security-Policy allows only the page\'s own scripts and wasm, and the lab never breaks it', async () => {
  const { page, problems, close } = await openPage(lab);
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(policy, /https?:|\*|script-src[^;]*'unsafe-inline'/);
  await page.evaluate(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  // An injected inline script does not run; a script from another origin is not fetched.
  await page.evaluate(() => {
    const inline = document.createElement('script');
    inline.textContent = 'window.inlineRan = true;';
    document.body.append(inline);
    const foreign = document.createElement('script');
    foreign.src = 'http://example.invalid/x.js';
    document.body.append(foreign);
  });
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.inlineRan), undefined);
  const blocked = await page.evaluate(() => window.violations.splice(0));
  assert.ok(blocked.some((v) => v.startsWith('script-src') && v.includes('inline')), `inline script blocked: ${blocked}`);
  assert.ok(blocked.some((v) => v.includes('example.invalid')), `foreign script blocked: ${blocked}`);

  await page.evaluate((config) => window.lab.run(config), SMALL);
  assert.deepEqual(await page.evaluate(() => window.violations), [], 'a run breaks no directive');
  assert.deepEqual(problems.filter((p) => !/Content Security Policy|example\.invalid/.test(p)), []);
  await close();
});

test('nothing is sent anywhere: every request is a GET of one of the lab\'s own files', async () => {
  const { page, close } = await openPage(lab);
  const sent = [];
  page.context().on('request', (request) => sent.push({ method: request.method(), url: request.url(), body: request.postData() }));
  await page.evaluate((config) => window.lab.run(config), SMALL);
  await page.evaluate(() => window.lab.network.train({ data: { n_train: 100, n_test: 50 }, depth: 1, width: 16, epochs: 2, measure_every: 1 }));
  await page.evaluate(() => document.getElementById('export-json')?.click());
  await page.waitForTimeout(300);
  const allowed = /^\/(index\.html|style\.css|favicon\.svg|[a-z-]+\.js|pkg\/agop_collapse(_bg\.wasm|_scalar_bg\.wasm|\.js)|data\/mnist\.bin\.gz)?$/;
  for (const request of sent) {
    const url = new URL(request.url);
    assert.equal(url.origin, lab.origin, request.url);
    assert.equal(request.method, 'GET', request.url);
    assert.equal(request.body ?? null, null, request.url);
    assert.match(url.pathname, allowed, request.url);
  }
  await close();
});

/**
 * The largest relative difference of the metrics between the page's run and the CLI's (asserts
 * <= 1e-6); `flags` and `settings` say the same extra settings to each.
 */
async function differenceFromCli(page, flags = [], settings = {}) {
  const binary = fileURLToPath(new URL('../../target/release/agop-collapse', import.meta.url));
  const args = ['rfm', '--n-train', '150', '--n-test', '60', '--depth', '3', '--digits', '1,3,7', '--width', '64', '--seed', '11', ...flags];
  const native = JSON.parse(execFileSync(binary, args, { encoding: 'utf8' }));
  const config = { data: { n_train: 150, n_test: 60, digits: [1, 3, 7] }, depth: 3, width: 64, seed: 11, ...settings };
  const browser = await page.evaluate((c) => window.lab.run(c), config);
  assert.deepEqual(browser.config, native.config);
  assert.deepEqual(browser.dataset, native.dataset);
  let largest = 0;
  native.layers.forEach((layer, i) => {
    const other = browser.layers[i];
    assert.equal(other.train_acc, layer.train_acc);
    assert.equal(other.test_acc, layer.test_acc);
    // A number, or an array of numbers element by element (the class means' singular values,
    // whose zeros are compared on the scale of the largest).
    const compare = (what, value, theirs) => {
      const [ours, others] = Array.isArray(value) ? [value, theirs] : [[value], [theirs]];
      assert.equal(others.length, ours.length, `${what}: CLI ${ours.length} values, page ${others.length}`);
      const scale = Math.max(1e-9, ...ours.map((v) => 1e-9 * Math.abs(v)));
      ours.forEach((v, k) => {
        const difference = Math.abs(others[k] - v) / Math.max(Math.abs(v), scale);
        largest = Math.max(largest, difference);
        assert.ok(difference <= 1e-6, `${what}: CLI ${v}, page ${others[k]}`);
      });
    };
    compare(`layer ${layer.layer} agop_alignment`, layer.agop_alignment, other.agop_alignment);
    assert.equal(Boolean(other.stages_test), Boolean(layer.stages_test));
    for (const [set, key] of [['', 'stages'], [' test', 'stages_test']]) {
      if (!layer[key]) continue;
      for (const stage of ['X', 'MX', 'PhiMX']) {
        for (const [metric, value] of Object.entries(layer[key][stage])) {
          compare(`layer ${layer.layer}${set} ${stage} ${metric}`, value, other[key][stage][metric]);
        }
      }
    }
  });
  return largest;
}

test('the same config and seed give the same metrics in the command line and in the page', async () => {
  const { page, problems, close } = await openPage(lab);
  console.log(`largest relative difference CLI vs page: ${(await differenceFromCli(page)).toExponential(2)}`);
  assert.deepEqual(problems, []);
  await close();
});

test('the RFM knobs set by the controls reach the link, the run and its texts, with the command line\'s numbers', async () => {
  const { page, problems, close } = await openPage(lab);
  await page.fill('#rfm-iters', '2');
  await page.dispatchEvent('#rfm-iters', 'change');
  await page.fill('#agop-power', '1');
  await page.dispatchEvent('#agop-power', 'change');
  await page.check('#diag-agop');
  await page.waitForFunction(() => location.hash.includes('rfm_iters=2&agop_power=1&diag_agop=1'));
  // A value the config refuses is named where the user is looking, and marks its control.
  await page.fill('#agop-power', '3');
  await page.dispatchEvent('#agop-power', 'change');
  await page.waitForFunction(() => /agop_power/.test(document.getElementById('message').textContent));
  assert.equal(await page.getAttribute('#agop-power', 'aria-invalid'), 'true');
  await page.fill('#agop-power', '1');
  await page.dispatchEvent('#agop-power', 'change');
  await page.waitForFunction(() => document.getElementById('message').hidden);

  const difference = await differenceFromCli(page, ['--rfm-iters', '2', '--agop-power', '1', '--diag-agop'], { rfm_iters: 2, agop_power: 1, diag_agop: true });
  console.log(`largest relative difference CLI vs page, with the RFM knobs: ${difference.toExponential(2)}`);
  // The run the page drew says what it did: "Inside one layer" names the last of two fits, the
  // diagonal and the power.
  const textSays = (pattern) => page.waitForFunction((source) => new RegExp(source).test(document.getElementById('mechanism-text').textContent), pattern.source);
  await page.click('#mech-kernel');
  await textSays(/last of 2 fits/);
  await page.click('#mech-MX');
  await textSays(/AGOP's diagonal M to the power 1: each feature is reweighted/);
  // So does the AGOP chart's caption: no gap to expect from a diagonal.
  await page.waitForFunction(() => /last of the layer's 2 fits\. This run keeps only the AGOP's diagonal/.test(document.getElementById('agop-caption').textContent));
  assert.deepEqual(problems, []);
  await close();
});

test('a browser without WebAssembly SIMD runs the scalar build, with the same numbers', async () => {
  const context = await lab.browser.newContext();
  // This engine has SIMD: pretend it does not, as an older Safari would answer.
  await context.addInitScript(() => {
    const validate = WebAssembly.validate.bind(WebAssembly);
    WebAssembly.validate = (bytes) => (bytes.length === 31 ? false : validate(bytes));
  });
  const modules = [];
  context.on('request', (request) => {
    if (request.url().endsWith('.wasm')) modules.push(new URL(request.url()).pathname);
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${lab.origin}/`);
  await page.waitForFunction(() => window.lab && document.getElementById('status').textContent.startsWith('Ready'));
  assert.match(await page.locator('#version').textContent(), /scalar build/);
  // The network trains with the scalar build's own SVD (of wide 16 x 784 weights here), to the
  // same measurements as the SIMD build's (both pages with the default data settings).
  const training = { data: { n_train: 100, n_test: 50 }, depth: 2, width: 16, epochs: 2, measure_every: 1 };
  const network = await page.evaluate((c) => window.lab.network.train(c), training);
  const simdPage = await openPage(lab);
  const reference = await simdPage.page.evaluate((c) => window.lab.network.train(c), training);
  await simdPage.close();
  assert.equal(network.history.length, reference.history.length);
  network.history.forEach((measurement, m) => {
    measurement.layers.forEach((layer, l) => {
      for (const [stage, metrics] of Object.entries(layer.stages)) {
        const expected = reference.history[m].layers[l].stages[stage].nc1;
        assert.ok(Math.abs(metrics.nc1 - expected) <= 1e-6 * Math.abs(expected), `epoch ${measurement.epoch} layer ${l + 1} ${stage}: ${metrics.nc1} against ${expected}`);
      }
    });
  });
  console.log(`largest relative difference CLI vs page, scalar build: ${(await differenceFromCli(page)).toExponential(2)}`);
  const workers = page.workers().map((w) => new URL(w.url()).search);
  assert.ok(workers.length >= 2 && workers.every((search) => search === '?wasm=scalar'), workers.join(', '));
  assert.ok(modules.length >= 3, modules.join(', '));
  assert.ok(modules.every((path) => path === '/pkg/agop_collapse_scalar_bg.wasm'), modules.join(', '));
  assert.deepEqual(problems, []);
  await context.close();
});
