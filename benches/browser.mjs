// Browser timings of the reference workloads, run by the page itself (lab.run, in its worker),
// next to the native and numpy figures: one table, one JSON.
//
//   node benches/browser.mjs [--repeats 5,3,3,3] [--native native.json] [--numpy numpy.json] [--numpy-mlp numpy-mlp.json] [--json out.json]
//
// Also measured: the product kernel's GFLOP/s in the worker (f32 and f64, n = 1024), the bytes
// each file of the page takes to transfer, the time until the page is interactive, and the
// longest main-thread task during the default run (R1), and the default run in the scalar build;
// R1 and R2 with one worker (?workers=1) beside two, and the bytes crossing to the helper.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { openPage, startLab } from '../tests/browser/harness.mjs';

const STAGES = ['kernel', 'solve', 'agop', 'sqrt', 'features', 'metrics', 'total'];

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function readJson(path) {
  if (!path || !existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  return text.trim() ? JSON.parse(text) : null;
}

/** Seconds per stage summed over the layers of a Result JSON, with their total. */
function stageSeconds(result) {
  const sums = Object.fromEntries(STAGES.map((s) => [s, 0]));
  for (const layer of result.layers) {
    for (const stage of STAGES.slice(0, -1)) sums[stage] += layer.seconds[stage];
  }
  sums.total = STAGES.slice(0, -1).reduce((total, s) => total + sums[s], 0);
  return sums;
}

async function measureBrowser(repeats) {
  const lab = await startLab();
  try {
    const transferred = {};
    const context = await lab.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    context.on('response', async (response) => {
      const path = new URL(response.url()).pathname;
      const length = Number(response.headers()['content-length'] ?? NaN);
      transferred[path] = Number.isFinite(length) ? length : (await response.body().catch(() => Buffer.alloc(0))).length;
    });
    const page = await context.newPage();
    const loadStart = Date.now();
    await page.goto(`${lab.origin}/`);
    await page.waitForFunction(() => window.lab && document.getElementById('status').textContent.startsWith('Ready'), null, { polling: 10 });
    const interactiveSeconds = (Date.now() - loadStart) / 1000;

    const workloads = JSON.parse(await page.evaluate(async () => (await import('./pkg/agop_collapse.js')).benchWorkloads()));
    const results = {};
    const traffic = {}; // bytes of matrices to and from the helper, per layer, by workload
    const posted = {}; // bytes the computing worker posted to the page per run, by workload
    let longestTask = 0;
    for (const [index, { name, config }] of workloads.entries()) {
      if (!(repeats[index] > 0)) continue;
      const runs = [];
      for (let r = 0; r < (repeats[index] ?? 1); r += 1) {
        await page.evaluate(() => {
          window.longTasks = [];
          new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
        });
        const trafficBefore = await helperTraffic(page);
        const postedBefore = await postedByWorker(page);
        const started = Date.now();
        const result = await page.evaluate((c) => window.lab.run(c), config);
        posted[name] = postedSince(postedBefore, await postedByWorker(page), result);
        const seconds = stageSeconds(result);
        seconds.wall = (Date.now() - started) / 1000;
        runs.push(seconds);
        const trafficAfter = await helperTraffic(page);
        traffic[name] = {
          sent_bytes_per_layer: (trafficAfter.sent - trafficBefore.sent) / result.layers.length,
          received_bytes_per_layer: (trafficAfter.received - trafficBefore.received) / result.layers.length,
          jobs_per_layer: (trafficAfter.jobs - trafficBefore.jobs) / result.layers.length,
        };
        if (name === 'R1') longestTask = Math.max(longestTask, ...(await page.evaluate(() => window.longTasks)), 0);
      }
      results[name] = {
        repeats: runs.length,
        median_seconds: Object.fromEntries([...STAGES, 'wall'].map((s) => [s, median(runs.map((run) => run[s]))])),
      };
      console.error(`browser ${name}: ${results[name].median_seconds.total.toFixed(2)} s of computation (median of ${runs.length})`);
    }
    // The paper's Figure 1 with three seeds (the exercise's run): 60 layer messages.
    {
      const config = { ...workloads[0].config, depth: 20, seeds: 3 };
      const before = await postedByWorker(page);
      const result = await page.evaluate((c) => window.lab.run(c), config);
      posted['depth 20, 3 seeds'] = postedSince(before, await postedByWorker(page), result);
    }
    /** Stage medians of workload `index` (R1 by default) in a page opened with `query`, over `count` runs, and that page. */
    async function defaultRunIn(query, index = 0, count = repeats[0] ?? 1) {
      const other = await context.newPage();
      await other.goto(`${lab.origin}/${query}`);
      await other.waitForFunction(() => window.lab && document.getElementById('status').textContent.startsWith('Ready'));
      const runs = [];
      for (let r = 0; r < count; r += 1) runs.push(stageSeconds(await other.evaluate((c) => window.lab.run(c), workloads[index].config)));
      return { page: other, seconds: Object.fromEntries(STAGES.map((s) => [s, median(runs.map((run) => run[s]))])) };
    }
    // The computing worker alone (no helper), for the helper's gain: R1, and R2 once.
    const alone = await defaultRunIn('?workers=1');
    const oneWorker = alone.seconds;
    await alone.page.close();
    let oneWorkerR2 = null;
    if (repeats[1] > 0) {
      const aloneR2 = await defaultRunIn('?workers=1', 1, 1);
      oneWorkerR2 = aloneR2.seconds;
      await aloneR2.page.close();
      console.error(`browser R2 with one worker: ${oneWorkerR2.total.toFixed(2)} s of computation`);
    }
    // The scalar build, as a browser without WebAssembly SIMD runs it.
    const scalar = await defaultRunIn('?wasm=scalar');
    const scalarWorker = scalar.page.workers().find((w) => w.url().includes('/worker.js'));
    const scalarF64 = await scalarWorker.evaluate(async () => (await import('./pkg/agop_collapse.js')).productGflops(1024, false, 3));
    await scalar.page.close();
    console.error(`browser R1, scalar build: ${scalar.seconds.total.toFixed(2)} s of computation`);

    const worker = page.workers().find((w) => w.url().endsWith('/worker.js'));
    const products = await worker.evaluate(async () => {
      const module = await import('./pkg/agop_collapse.js');
      return { f32: module.productGflops(1024, true, 5), f64: module.productGflops(1024, false, 5) };
    });
    products.scalar_f64 = scalarF64;
    // A fresh page: the network trains on the data of the page's Deep RFM settings.
    const networkPage = await context.newPage();
    await networkPage.goto(`${lab.origin}/`);
    await networkPage.waitForFunction(() => window.lab && document.getElementById('status').textContent.startsWith('Ready'));
    const mlp = await measureNetwork(networkPage);
    // Read before the context closes: the page goes with it.
    const exportCount = await moduleExports(page);
    await context.close();
    return { mlp, workloads: results, one_worker_R1: oneWorker, one_worker_R2: oneWorkerR2, helper_traffic: traffic, posted_bytes: posted, module_exports: exportCount, scalar_R1: scalar.seconds, products, interactive_seconds: interactiveSeconds, longest_main_thread_task_ms: longestTask, transferred_bytes: transferred };
  } finally {
    await lab.close();
  }
}

/** The computing worker's count of the bytes it sent to its helper and received (www/worker.js). */
async function helperTraffic(page) {
  const worker = page.workers().find((w) => w.url().endsWith('/worker.js'));
  return worker.evaluate(() => ({ ...self.helperTraffic }));
}

/** What the page's computing worker has posted to the page so far (worker.js). */
async function postedByWorker(page) {
  const worker = page.workers().find((w) => w.url().endsWith('/worker.js'));
  return worker.evaluate(() => structuredClone(self.posted));
}

/**
 * Bytes posted for one run (between two readings of `postedByWorker`): its JSON messages and its
 * pictures, and what the earlier protocol would have posted for the same run, replayed from its
 * Result: every layer's report, then the whole Result so far again (rebuilt layer by layer).
 */
function postedSince(before, after, result) {
  const json = after.started - before.started + after.layer - before.layer;
  const views = after.views - before.views;
  const layers = after.layerSizes.length - before.layerSizes.length;
  const runs = result.seed_runs ?? [{ layers: result.layers }];
  const partial = { ...result, layers: [], seed_runs: result.seed_runs ? [] : undefined, across_seeds: result.across_seeds ? [] : undefined };
  let earlier = JSON.stringify({ ...partial, layers: [] }).length; // the 'started' message
  runs.forEach((run, seedIndex) => {
    if (partial.seed_runs) partial.seed_runs.push({ ...run, layers: [] });
    run.layers.forEach((report, index) => {
      if (seedIndex === 0) partial.layers.push(report);
      if (partial.seed_runs) {
        partial.seed_runs[seedIndex].layers.push(report);
        partial.across_seeds[index] = result.across_seeds[index];
      }
      earlier += JSON.stringify(report).length + JSON.stringify(partial).length;
    });
  });
  return { layers, json_bytes: json, view_bytes: views, earlier_json_bytes: earlier };
}

/** The entry points of the wasm module the page loads (its glue's exports), by count. */
async function moduleExports(page) {
  return page.evaluate(async () => Object.keys(await import('./pkg/agop_collapse.js')).filter((name) => name !== 'default' && name !== 'initSync').length);
}

/**
 * The network in `page` (opened with the default settings, whose data the network trains on):
 * the default Train (wall seconds, longest main-thread task) and the paper's setting M1 (wall
 * seconds, seconds per training epoch and per measurement).
 */
async function measureNetwork(page) {
  const train = async (config) => {
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    const started = Date.now();
    const result = await page.evaluate((c) => window.lab.network.train(c), config);
    const wall = (Date.now() - started) / 1000;
    const longest = Math.max(0, ...(await page.evaluate(() => window.longTasks)));
    const training = result.seconds_total - result.seconds_measuring;
    return {
      wall,
      longest_main_thread_task_ms: longest,
      epochs: result.config.epochs,
      epoch_seconds: training / Math.max(result.config.epochs, 1),
      measure_seconds: result.seconds_measuring / result.history.length,
      measurements: result.history.length,
      test_acc: result.history.at(-1).test_acc,
    };
  };
  const defaults = await page.evaluate(async () => (await import('./pkg/agop_collapse.js')).readLink('').state.mlp);
  const paper = JSON.parse(await page.evaluate(async () => (await import('./pkg/agop_collapse.js')).benchMlpWorkload()));
  const defaultTrain = await train(defaults);
  console.error(`browser default Train: ${defaultTrain.wall.toFixed(1)} s wall`);
  const m1 = await train(paper);
  console.error(`browser M1: ${m1.wall.toFixed(1)} s wall`);
  return { default_train: defaultTrain, M1: m1 };
}

/**
 * One worker against two in the page, stage by stage (the page uses at most two: see the
 * README); native with one thread and two; the bytes crossing to the helper per layer; and the
 * speed-up Amdahl's law allows from the share of the one-worker run spent in the stages that
 * run on one worker only (solve, sqrt, metrics), a projection for more cores.
 */
function printWorkers({ browser, native }) {
  const cell = (value, digits = 2) => (value === null || value === undefined ? '-' : value.toFixed(digits)).padStart(9);
  console.log('\nWorkers in the page: seconds of computation per stage, N = 1 (?workers=1) and N = 2 (the default on two or more cores)');
  console.log(`${'run'.padEnd(4)}${'N'.padStart(3)}${STAGES.map((s) => s.padStart(9)).join('')}${'x vs N=1'.padStart(10)}`);
  for (const [name, one] of [['R1', browser.one_worker_R1], ['R2', browser.one_worker_R2]]) {
    const two = browser.workloads[name]?.median_seconds;
    if (!one || !two) continue;
    console.log(`${name.padEnd(4)}${'1'.padStart(3)}${STAGES.map((s) => cell(one[s])).join('')}${cell(1, 2).padStart(10)}`);
    console.log(`${''.padEnd(4)}${'2'.padStart(3)}${STAGES.map((s) => cell(two[s])).join('')}${cell(one.total / two.total).padStart(10)}`);
  }
  for (const [name, t] of Object.entries(browser.helper_traffic ?? {})) {
    console.log(`Helper traffic, ${name}: ${(t.sent_bytes_per_layer / 1e6).toFixed(1)} MB sent and ${(t.received_bytes_per_layer / 1e6).toFixed(1)} MB received per layer, in ${t.jobs_per_layer.toFixed(0)} jobs`);
  }
  for (const name of ['R1', 'R2']) {
    const one = native?.workloads[name]?.one_thread_seconds?.total;
    const two = native?.workloads[name]?.median_seconds?.total;
    if (one && two) console.log(`Native ${name}: ${one.toFixed(2)} s on one thread, ${two.toFixed(2)} s with a helper thread (x${(one / two).toFixed(2)})`);
  }
  for (const [name, one] of [['R1', browser.one_worker_R1], ['R2', browser.one_worker_R2]]) {
    if (!one) continue;
    const serial = (one.solve + one.sqrt + one.metrics) / one.total;
    const speedup = (cores) => (1 / (serial + (1 - serial) / cores)).toFixed(2);
    console.log(`Projection (Amdahl, not measured) for ${name}: ${(serial * 100).toFixed(0)}% of the one-worker run is in stages on one worker; ` +
      `at most x${speedup(2)} on 2 cores, x${speedup(4)} on 4, x${speedup(8)} on 8`);
  }
}

function ratio(a, b) {
  return a > 0 && b > 0 ? a / b : null;
}

function printTable(report) {
  const { browser, native, numpy } = report;
  const cell = (value, digits = 3) => (value === null || value === undefined ? '-' : value.toFixed(digits)).padStart(9);
  const names = Object.keys(browser.workloads);
  console.log('Seconds summed over the layers (medians); ratios browser/native, browser/numpy, native/numpy.');
  console.log(`${'run'.padEnd(4)}${'stage'.padEnd(10)}${['browser', 'native', 'numpy', 'b/native', 'b/numpy', 'n/numpy'].map((h) => h.padStart(9)).join('')}`);
  for (const name of names) {
    for (const stage of STAGES) {
      const b = browser.workloads[name]?.median_seconds[stage];
      const n = native?.workloads[name]?.median_seconds[stage];
      const p = numpy?.workloads[name]?.median_seconds[stage];
      console.log(`${(stage === 'kernel' ? name : '').padEnd(4)}${stage.padEnd(10)}${cell(b)}${cell(n)}${cell(p)}${cell(ratio(b, n), 2)}${cell(ratio(b, p), 2)}${cell(ratio(n, p), 2)}`);
    }
  }
  console.log(`\nMatrix product, n = 1024, GFLOP/s: wasm f32 ${browser.products.f32.toFixed(1)}, wasm f64 ${browser.products.f64.toFixed(1)}, scalar wasm f64 ${browser.products.scalar_f64.toFixed(1)}` +
    (native ? `; native f32 ${native.products.f32.toFixed(1)}, native f64 ${native.products.f64.toFixed(1)}` : ''));
  printWorkers(report);
  for (const [where, runs] of [['browser', browser.workloads], ['native', native?.workloads]]) {
    const [once, twice] = [runs?.R1?.median_seconds, runs?.R4?.median_seconds];
    if (!once || !twice) continue;
    const fit = (s) => s.kernel + s.solve + s.agop;
    console.log(`Two RFM iterations per layer (R4 against R1), ${where}: x${(twice.total / once.total).toFixed(2)} the whole run, ` +
      `x${(fit(twice) / fit(once)).toFixed(2)} its kernel, solve and AGOP steps, which run twice`);
  }
  const two = browser.workloads.R1?.median_seconds;
  if (two) {
    console.log(`Scalar build (no WebAssembly SIMD), R1: ${browser.scalar_R1.total.toFixed(2)} s, x${(browser.scalar_R1.total / two.total).toFixed(2)} the SIMD build's`);
  }
  const bytes = { ...browser.transferred_bytes };
  const scalarBytes = bytes['/pkg/agop_collapse_scalar_bg.wasm'];
  delete bytes['/pkg/agop_collapse_scalar_bg.wasm']; // a page loads one build or the other
  const wasm = bytes['/pkg/agop_collapse_bg.wasm'];
  const mnist = bytes['/data/mnist.bin.gz'];
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  console.log(`Transferred: wasm module ${(wasm / 1e6).toFixed(2)} MB (scalar build ${(scalarBytes / 1e6).toFixed(2)} MB), MNIST ${(mnist / 1e6).toFixed(2)} MB, whole page ${(total / 1e6).toFixed(2)} MB`);
  for (const [name, p] of Object.entries(browser.posted_bytes ?? {})) {
    console.log(`Posted by the worker, ${name}: ${p.layers} layer messages, ${(p.json_bytes / 1e3).toFixed(1)} kB of JSON (the earlier protocol, each layer's report and the whole result again: ${(p.earlier_json_bytes / 1e3).toFixed(1)} kB), ${(p.view_bytes / 1e6).toFixed(2)} MB of pictures`);
  }
  console.log(`The page's wasm module: ${browser.module_exports} exports in the tests' build (the page's own has 4 fewer)`);
  console.log(`Interactive ${browser.interactive_seconds.toFixed(2)} s after navigation; longest main-thread task during R1: ${browser.longest_main_thread_task_ms} ms`);
  if (numpy) console.log(`numpy ${numpy.numpy.version}, BLAS threads ${numpy.numpy.threads}`);
  printNetwork(report);
}

/** The network's rows: the page (two workers: training, measuring), the CLI and numpy. */
function printNetwork({ browser, native, numpyMlp }) {
  const page = browser.mlp?.M1;
  const cli = native?.mlp;
  if (!page) return;
  const cell = (value, digits = 3) => (value === null || value === undefined ? '-' : value.toFixed(digits)).padStart(10);
  console.log('\nThe network, M1 = the paper\'s setting (MNIST 1000, 5 x 256, 200 epochs, measured every 20); ratios page/CLI, page/numpy, CLI/numpy.');
  console.log(`${''.padEnd(22)}${['page', 'CLI', 'numpy', 'p/CLI', 'p/numpy', 'CLI/numpy'].map((h) => h.padStart(10)).join('')}`);
  const row = (name, p, c, n) => console.log(`${name.padEnd(22)}${cell(p)}${cell(c)}${cell(n)}${cell(ratio(p, c), 2)}${cell(ratio(p, n), 2)}${cell(ratio(c, n), 2)}`);
  row('seconds per epoch', page.epoch_seconds, cli?.epoch_seconds, numpyMlp?.epoch_seconds);
  row('epochs per second', 1 / page.epoch_seconds, cli && 1 / cli.epoch_seconds, numpyMlp && 1 / numpyMlp.epoch_seconds);
  row('seconds per measurement', page.measure_seconds, cli?.measure_seconds, numpyMlp?.measure_seconds);
  row('whole run, seconds', page.wall, cli?.seconds_total, numpyMlp?.total_seconds);
  console.log(`Whole run: the page's wall clock (it measures in a second worker while the first trains on); the CLI and numpy measure in turn.`);
  console.log(`Test accuracy at the end: page ${page.test_acc}, CLI ${cli?.test_acc ?? '-'}, numpy ${numpyMlp?.test_acc ?? '-'}.`);
  if (cli) {
    console.log(`CLI epoch with each batch's second half on a second thread: ${cli.epoch_seconds_two_threads.toFixed(3)} s, on one thread ${cli.epoch_seconds_one_thread.toFixed(3)} s (x${(cli.epoch_seconds_one_thread / cli.epoch_seconds_two_threads).toFixed(2)}).`);
  }
  const d = browser.mlp.default_train;
  console.log(`Default Train in the page (${d.epochs} epochs, ${d.measurements} measurements): ${d.wall.toFixed(1)} s wall, longest main-thread task ${d.longest_main_thread_task_ms} ms.`);
}

const repeats = option('repeats', '5,3,3,3').split(',').map(Number);
const report = {
  browser: await measureBrowser(repeats),
  native: readJson(option('native')),
  numpy: readJson(option('numpy')),
  numpyMlp: readJson(option('numpy-mlp')),
};
printTable(report);
const out = option('json');
if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
