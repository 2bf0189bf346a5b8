// Every exercise's text against its runs. Each preset of www/presets.js lists the claims its text
// makes (`checks`); this test runs those configs with the command-line tool, which reads a link's
// hash as the page does (`agop-collapse rfm|mlp --link HASH`), and asserts every claim, so that a
// text cannot promise what its run does not show.
//
//   node --test tests/exercises.test.mjs
//
// AGOP_CLI names the tool (default target/release/agop-collapse); AGOP_MNIST_FILE the MNIST file
// (default: the tool's own search, www/data/mnist.bin). Runs go one at a time (the tool itself
// uses two threads); a run that several checks need runs once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PRESETS } from '../www/presets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = process.env.AGOP_CLI ?? `${root}target/release/agop-collapse`;
const mnist = process.env.AGOP_MNIST_FILE ? ['--mnist-file', process.env.AGOP_MNIST_FILE] : [];

/** The link of a run: the preset's hash with the reader's changes (null removes a setting). */
function linkOf(preset, change = {}) {
  const params = new URLSearchParams(preset.hash);
  for (const [key, value] of Object.entries(change)) {
    if (value === null) params.delete(key);
    else params.set(key, String(value));
  }
  params.sort(); // one run for the same settings in any order
  return decodeURIComponent(params.toString());
}

/** The Result JSON of `program` on `link`, from a new run. */
const run = (program, link) => promisify(execFile)(cli, [program, '--link', link, ...mnist], { cwd: root, maxBuffer: 1 << 28 })
  .then(({ stdout }) => JSON.parse(stdout));
const runs = new Map();
/** The Result JSON of `program` on `link`, run once. */
function resultOf(program, link) {
  const key = `${program} ${link}`;
  if (!runs.has(key)) runs.set(key, run(program, link));
  return runs.get(key);
}
/** The Result JSON of `program` on `link` from a new run, which later checks then use. */
function rerun(program, link) {
  runs.set(`${program} ${link}`, run(program, link));
  return resultOf(program, link);
}

/**
 * Claims about time. Other work on the machine can slow one run and not the other, so a failed
 * timing claim is measured again, on new runs, up to twice; its bounds are loose as well.
 */
const TIMING = new Set(['seconds_ratio', 'layer_seconds_ratio']);
const TIMING_ATTEMPTS = 3;

// Reading a Deep RFM result. Layers count from 1; 'last' is the last one.
const layerAt = (r, layer = 'last') => (layer === 'last' ? r.layers.at(-1) : r.layers[layer - 1]);
const layerList = (r, layers) => (layers === undefined || layers === 'all' ? r.layers.map((l) => l.layer) : layers);
/** Numbers of a whole layer, not of one stage, by the name a check uses. */
const LAYER_NUMBERS = {
  test_acc: (l) => l.test_acc,
  train_acc: (l) => l.train_acc,
  agop_alignment: (l) => l.agop_alignment,
  agop_effective_rank: (l) => l.agop.effective_rank,
};
/**
 * A metric of one stage of one layer (`metric` nc1 by default), measured on the training
 * samples or, with `set: 'test'`, on the held-out ones; or a number of the whole layer.
 */
function metricOf(r, { stage, metric = 'nc1', set = 'train' }, layer = 'last') {
  const l = layerAt(r, layer);
  if (LAYER_NUMBERS[metric]) return LAYER_NUMBERS[metric](l);
  const stages = set === 'test' ? l.stages_test : l.stages;
  assert.ok(stages, `no ${set} metrics at layer ${layer}`);
  const value = stages[stage][metric];
  assert.ok(Number.isFinite(value), `${metric} of ${stage} at layer ${layer} is ${value}`);
  return value;
}
const fmt = (x) => (typeof x === 'number' ? Number(x.toPrecision(3)) : x);
/** The numbers the current check measured, for the test's report. */
let measured = [];
/** `value` lies in [c.min, c.max] (either bound optional). */
function within(value, c, what) {
  measured.push(`${what} = ${fmt(value)}`);
  if (c.min !== undefined) assert.ok(value >= c.min, `${what} = ${fmt(value)}, expected at least ${c.min}`);
  if (c.max !== undefined) assert.ok(value <= c.max, `${what} = ${fmt(value)}, expected at most ${c.max}`);
}

// Reading a network result: its history of measurements; 'last' is the end of training.
const measurement = (r, epoch = 'last') => {
  const m = epoch === 'last' ? r.history.at(-1) : r.history.find((h) => h.epoch === epoch);
  assert.ok(m, `no measurement at epoch ${epoch}`);
  return m;
};
const netNc1 = (m, layer, stage) => (layer === 'last' ? m.layers.at(-1) : m.layers[layer - 1]).stages[stage].nc1;

/**
 * The claims a check can make: each asserts on the check's run `r`, with the check's fields `c`
 * and the runs it compares with, by name (`others`, from `c.against`).
 */
export const CLAIMS = {
  /** Stage `lower` below stage `upper` in `metric` at every listed layer (all by default). */
  below(r, c) {
    for (const layer of layerList(r, c.layers)) {
      const [lo, up] = [metricOf(r, { ...c, stage: c.lower }, layer), metricOf(r, { ...c, stage: c.upper }, layer)];
      measured.push(`layer ${layer}: ${c.lower} ${fmt(lo)}, ${c.upper} ${fmt(up)}`);
      assert.ok(lo < up, `layer ${layer}: ${c.lower} ${fmt(lo)} is not below ${c.upper} ${fmt(up)}`);
    }
  },
  /** The factor by which the metric falls from layer `from` (1) to `to` (last) lies in [min, max]; under 1 is a rise. */
  falls(r, c) {
    const [from, to] = [c.from ?? 1, c.to ?? 'last'];
    within(metricOf(r, c, from) / metricOf(r, c, to), c, `${c.metric ?? 'nc1'} of ${c.stage}, layer ${from} over layer ${to}`);
  },
  /** The metric lies in [min, max] at every listed stage (`stage` or `stages`) and layer (the last by default). */
  value(r, c) {
    for (const stage of c.stages ?? [c.stage]) {
      for (const layer of layerList(r, c.layers ?? ['last'])) {
        within(metricOf(r, { ...c, stage }, layer), c, `${c.metric ?? 'nc1'} of ${stage} at layer ${layer}`);
      }
    }
  },
  /** Stage `upper` over stage `lower` at layer `layer` (last) lies in [min, max]. */
  stage_ratio(r, c) {
    const layer = c.layer ?? 'last';
    within(metricOf(r, { ...c, stage: c.upper }, layer) / metricOf(r, { ...c, stage: c.lower }, layer), c, `${c.upper} / ${c.lower} at layer ${layer}`);
  },
  /** The metric on the test samples over that on the training samples, at every listed layer (the last by default), lies in [min, max]. */
  held_out_gap(r, c) {
    for (const layer of layerList(r, c.layers ?? ['last'])) {
      const ratio = metricOf(r, { ...c, set: 'test' }, layer) / metricOf(r, { ...c, set: 'train' }, layer);
      within(ratio, c, `${c.metric ?? 'nc1'} of ${c.stage}, test over train, at layer ${layer}`);
    }
  },
  /** `which` accuracy lies in [min, max] at every listed layer (the last by default). */
  accuracy(r, c) {
    for (const layer of layerList(r, c.layers ?? ['last'])) {
      within(layerAt(r, layer)[`${c.which}_acc`], c, `${c.which} accuracy at layer ${layer}`);
    }
  },
  /** `which` accuracy falls from layer 1 to the last by at least `min`. */
  accuracy_falls(r, c) {
    within(layerAt(r, 1)[`${c.which}_acc`] - layerAt(r)[`${c.which}_acc`], c, `fall of ${c.which} accuracy`);
  },
  /** The metric at layer `layer` (last) over that of run `than` lies in [min, max]. */
  compare(r, c, others) {
    const layer = c.layer ?? 'last';
    within(metricOf(r, c, layer) / metricOf(others[c.than], c, layer), c, `${c.metric ?? 'nc1'}${c.stage ? ` of ${c.stage}` : ''} at layer ${layer}, over that of ${c.than}`);
  },
  /** The metric rises strictly from this run through the runs of `order`, at layer `layer` (last). */
  increasing(r, c, others) {
    const values = [r, ...c.order.map((name) => others[name])].map((run) => metricOf(run, c, c.layer ?? 'last'));
    measured.push(`${c.metric ?? 'nc1'} of ${c.stage}: ${values.map(fmt).join(', ')}`);
    for (let i = 1; i < values.length; i += 1) {
      assert.ok(values[i] > values[i - 1], `not increasing: ${values.map(fmt).join(', ')}`);
    }
  },
  /** The metric does not change from stage to stage nor from layer to layer (relative `tolerance`, 1e-9). */
  constant(r, c) {
    const first = metricOf(r, { ...c, stage: 'X' }, 1);
    measured.push(`${c.metric ?? 'nc1'} = ${fmt(first)} at layer 1, stage X`);
    for (const layer of layerList(r)) {
      for (const stage of ['X', 'MX', 'PhiMX']) {
        const value = metricOf(r, { ...c, stage }, layer);
        assert.ok(Math.abs(value - first) <= (c.tolerance ?? 1e-9) * Math.abs(first), `layer ${layer} ${stage}: ${value} differs from ${first}`);
      }
    }
  },
  /**
   * A steady exponential fall from layer `from` to `to`: the factor per layer over each half
   * lies in [min, max], and the two halves' factors are within `spread` of each other.
   */
  steady_rate(r, c) {
    const mid = Math.round((c.from + c.to) / 2);
    const rate = (a, b) => (metricOf(r, c, a) / metricOf(r, c, b)) ** (1 / (b - a));
    const [first, second] = [rate(c.from, mid), rate(mid, c.to)];
    within(first, c, `factor per layer, layers ${c.from}-${mid}`);
    within(second, c, `factor per layer, layers ${mid}-${c.to}`);
    const ratio = Math.max(first, second) / Math.min(first, second);
    assert.ok(ratio <= c.spread, `the pace changes: ${fmt(first)} per layer, then ${fmt(second)}`);
  },
  /** The run's seconds_total over that of run `than` lies in [min, max]. */
  seconds_ratio(r, c, others) {
    within(r.seconds_total / others[c.than].seconds_total, c, `seconds over those of ${c.than}`);
  },
  /**
   * The seconds of a layer (of its step `step`, else all of it), over those of run `than`, lie in
   * [min, max]; each run's seconds are those of its quickest layer from layer 2 on (layer 1 reads
   * the raw pixels), the least disturbed by other work on the machine.
   */
  layer_seconds_ratio(r, c, others) {
    const quickest = (run) => Math.min(...run.layers.slice(1).map((l) => (c.step ? l.seconds[c.step]
      : Object.values(l.seconds).reduce((a, b) => a + b, 0))));
    within(quickest(r) / quickest(others[c.than]), c, `${c.step ?? 'layer'} seconds over those of ${c.than}`);
  },
  /** Several seeds: at every layer the log drop from `upper` to `lower` exceeds `factor` times either stage's log-std. */
  drop_beyond_spread(r, c) {
    assert.ok(r.across_seeds?.length > 0, 'not a run of several seeds');
    for (const l of r.across_seeds) {
      const [up, lo] = [l.stages[c.upper].nc1, l.stages[c.lower].nc1];
      const drop = up.log_mean - lo.log_mean;
      const spread = Math.max(up.log_std, lo.log_std);
      measured.push(`layer ${l.layer}: log drop ${fmt(drop)}, log-std ${fmt(spread)}`);
      assert.ok(drop > c.factor * spread, `layer ${l.layer}: drop ${fmt(drop)} against spread ${fmt(spread)}`);
    }
  },

  // The network (`program: 'mlp'`).
  /** NC1 of stage `stage` of layer `layer` at epoch `epoch` (last) lies in [min, max]. */
  net_value(r, c) {
    within(netNc1(measurement(r, c.epoch), c.layer, c.stage), c, `NC1 of ${c.stage}, layer ${c.layer}`);
  },
  /** `key` (train_loss, train_acc, test_acc) at epoch `epoch` (last) lies in [min, max]. */
  net_metric(r, c) {
    within(measurement(r, c.epoch)[c.key], c, `${c.key} at epoch ${c.epoch ?? 'last'}`);
  },
  /** The loss changes by at most `tolerance` (1%) from epoch `from` to `to`, with train accuracy at most `maxAcc`. */
  plateau(r, c) {
    const [a, b] = [measurement(r, c.from), measurement(r, c.to)];
    const tolerance = c.tolerance ?? 0.01;
    measured.push(`loss ${fmt(a.train_loss)} at epoch ${c.from}, ${fmt(b.train_loss)} at ${c.to}; train accuracy ${fmt(b.train_acc)}`);
    assert.ok(Math.abs(a.train_loss - b.train_loss) <= tolerance * a.train_loss, `loss ${fmt(a.train_loss)} then ${fmt(b.train_loss)}`);
    assert.ok(b.train_acc <= c.maxAcc, `train accuracy ${fmt(b.train_acc)} at epoch ${c.to}`);
  },
  /** At the end, every listed layer's NC1 falls from input to output by a factor in [minFall, maxFall], with share in [minShare, maxShare], and `little` as the page greys it. */
  net_layers(r, c) {
    const m = measurement(r);
    for (const layer of c.layers) {
      const l = m.layers[layer - 1];
      const fall = l.stages.in.nc1 / l.stages.out.nc1;
      within(fall, { min: c.minFall, max: c.maxFall }, `layer ${layer}: NC1 fall`);
      if (c.minShare !== undefined || c.maxShare !== undefined) {
        assert.ok(l.share !== null, `layer ${layer}: no share`);
        within(l.share, { min: c.minShare, max: c.maxShare }, `layer ${layer}: share`);
      }
      if (c.little !== undefined) assert.equal(l.little_collapse, c.little, `layer ${layer}: little collapse`);
    }
  },
  /** At the end, the first `layers` layers do at least `min` of the network's log-NC1 fall. */
  net_front_loaded(r, c) {
    const m = measurement(r);
    const start = Math.log(netNc1(m, 1, 'in'));
    const share = (start - Math.log(netNc1(m, c.layers, 'out'))) / (start - Math.log(netNc1(m, 'last', 'out')));
    within(share, c, `share of the log-NC1 fall in layers 1-${c.layers}`);
  },
  /** The NFA correlation of every layer at epoch `epoch` lies in [min, max]. */
  nfa(r, c) {
    for (const l of measurement(r, c.epoch).layers) within(l.nfa, c, `NFA of layer ${l.layer} at epoch ${c.epoch}`);
  },
  /** Training raises every layer's NFA correlation by at least `min`. */
  nfa_rises(r, c) {
    const [start, end] = [measurement(r, 0), measurement(r)];
    end.layers.forEach((l, i) => within(l.nfa - start.layers[i].nfa, c, `rise of the NFA of layer ${l.layer}`));
  },
  /** Every layer's NFA correlation ends below that of run `than` (above it if `reverse`). */
  nfa_compare(r, c, others) {
    const pair = [measurement(r), measurement(others[c.than])];
    const [mine, theirs] = c.reverse ? pair.reverse() : pair;
    mine.layers.forEach((l, i) => {
      measured.push(`layer ${l.layer}: NFA ${fmt(l.nfa)}, ${c.than} ${fmt(theirs.layers[i].nfa)}`);
      assert.ok(l.nfa < theirs.layers[i].nfa, `layer ${l.layer}: NFA ${fmt(l.nfa)}, ${c.than} ${fmt(theirs.layers[i].nfa)}`);
    });
  },
  /** NC1 of stage `stage` of the last layer at the end, over that of run `than`, lies in [min, max]. */
  net_compare(r, c, others) {
    within(netNc1(measurement(r), 'last', c.stage) / netNc1(measurement(others[c.than]), 'last', c.stage), c, `NC1 of ${c.stage} over that of ${c.than}`);
  },
};

/**
 * Broken versions of a check, each of which must fail on the same runs: a bound moved to the
 * other side of the measured value, stages or runs swapped, a tolerance made impossible. So no
 * check passes for want of numbers (an empty list of layers, a missing field).
 */
export function inversions(check) {
  const bounds = (lo, hi) => {
    const out = [];
    if (check[lo] !== undefined) out.push({ ...check, [lo]: undefined, [hi]: check[lo] });
    if (check[hi] !== undefined) out.push({ ...check, [hi]: undefined, [lo]: check[hi] });
    return out;
  };
  switch (check.claim) {
    case 'below': return [{ ...check, lower: check.upper, upper: check.lower }];
    case 'increasing': return [{ ...check, order: [...check.order].reverse() }];
    case 'constant': return [{ ...check, tolerance: -1 }];
    case 'drop_beyond_spread': return [{ ...check, factor: 1e9 }];
    case 'steady_rate': return [...bounds('min', 'max'), { ...check, spread: 1 }];
    case 'plateau': return [{ ...check, tolerance: -1 }, { ...check, maxAcc: -1 }];
    case 'nfa_compare': return [{ ...check, reverse: true }];
    case 'net_layers': return [...bounds('minFall', 'maxFall'), ...bounds('minShare', 'maxShare'),
      ...(check.little === undefined ? [] : [{ ...check, little: !check.little }])];
    default: return bounds('min', 'max');
  }
}

test('every exercise states checked claims', () => {
  for (const preset of PRESETS) {
    assert.ok(Array.isArray(preset.checks) && preset.checks.length > 0, `${preset.id} has no checks`);
    for (const check of preset.checks) {
      assert.ok(CLAIMS[check.claim], `${preset.id}: unknown claim ${check.claim}`);
      assert.ok(typeof check.says === 'string' && check.says.length > 0, `${preset.id}: a check says nothing`);
      assert.ok(inversions(check).length > 0, `${preset.id}: ${check.says}: no way to break it`);
      for (const name of [check.than, ...(check.order ?? [])].filter(Boolean)) {
        assert.ok(check.against?.[name], `${preset.id}: ${check.claim} compares with an unnamed run ${name}`);
      }
    }
  }
});

for (const preset of PRESETS) {
  test(`exercise ${preset.id}`, async (t) => {
    for (const check of preset.checks ?? []) {
      const program = check.program ?? 'rfm';
      const change = check.change ? ` with ${JSON.stringify(check.change)}` : '';
      await t.test(`${check.says} [${check.claim}${change}]`, async (st) => {
        let result;
        let others;
        for (let attempt = 1; ; attempt += 1) {
          const get = attempt === 1 ? resultOf : rerun;
          result = await get(program, linkOf(preset, check.change));
          others = {};
          for (const [name, other] of Object.entries(check.against ?? {})) {
            others[name] = await get(program, linkOf(preset, other));
          }
          measured = [];
          try {
            CLAIMS[check.claim](result, check, others);
            break;
          } catch (error) {
            if (!TIMING.has(check.claim) || attempt === TIMING_ATTEMPTS || !(error instanceof assert.AssertionError)) throw error;
            st.diagnostic(`attempt ${attempt}: ${error.message}; measuring again`);
          }
        }
        for (const line of measured) st.diagnostic(line);
        for (const broken of inversions(check)) {
          assert.throws(() => CLAIMS[broken.claim](result, broken, others), assert.AssertionError,
            `this check passes even when broken: ${JSON.stringify(broken)}`);
        }
      });
    }
  });
}
