// The guided tour's steps: the paper's argument as live experiments. Each step has a short text,
// a prediction to make before its run (choices, each with the test that decides it from the
// run's numbers), the run (Deep RFM configs, or a network training), the charts it speaks of,
// and a verdict computed from that run's Result, never written by hand.
//
// A step's `run(lab)` performs its runs through window.lab and returns what the verdict reads;
// `config` (a Deep RFM step's one run) and `reusesNetwork` let the page say when a step will
// reuse the run the lab holds instead of computing one; `verdict(outcome)` gives `{ text,
// numbers }` (numbers: the values quoted, for the tests), and each choice's `holds(outcome)`
// says whether the run agrees with it.

import { collapseRates } from './charts.js';

/** Deep RFM on 1000 MNIST digits, the lab's default run (Laplace kernel, ReLU features, 8 layers). */
const DEFAULT_RUN = {};
/**
 * The tour's network: the lab's default (5 hidden layers of 256, 70 epochs) on its 1000 digits,
 * measured at initialisation, halfway and at the end (each measurement costs about as much as
 * ten epochs, and the steps need no more).
 */
const TOUR_NETWORK = { data: { n_train: 1000, n_test: 500 }, seed: 0, epochs: 70, measure_every: 35 };
/** Smaller and quicker: 500 digits. */
const HALF = { data: { n_train: 500, n_test: 250 } };

/** `value` with `digits` significant digits, as the verdicts print numbers. */
export function formatNumber(value, digits = 2) {
  return Number(value).toPrecision(digits);
}

/** A factor written as "8.4×". */
function times(value) {
  return `${formatNumber(value)}×`;
}

/** The geometric mean of `values` (all positive). */
function geometricMean(values) {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** NC1 (the paper's) of stage `stage` at every layer of a result. */
function nc1(result, stage) {
  return result.layers.map((l) => l.stages[stage].nc1);
}

/** The factor per layer of NC1 of X fitted over layers `from`..last: the chart's own fit (src/rate.rs). */
function fittedFactor(result, from) {
  return collapseRates(result.layers, { from, to: null }).nc1.X.factor;
}

/** Per-layer factors of the two moves of Deep RFM: X -> MX (the projection) and MX -> PhiMX (the random map). */
function stageFactors(result) {
  const projection = geometricMean(result.layers.map((l) => l.stages.X.nc1 / l.stages.MX.nc1));
  const map = geometricMean(result.layers.map((l) => l.stages.MX.nc1 / l.stages.PhiMX.nc1));
  return { projection, map };
}

/** "fell 8.4×" or "rose 1.3×" for a ratio before/after. */
function change(before, after) {
  return after <= before ? `fell ${times(before / after)}` : `rose ${times(after / before)}`;
}

export const STEPS = [
  {
    title: 'What collapse looks like',
    text: 'Deep RFM builds layers without gradient descent: each fits a kernel machine to the labels, reshapes the data with its '
      + 'average gradient outer product (the AGOP), then applies a random map. Here: 1000 digits, 8 layers. '
      + 'The pictures show how alike samples are (red: alike, blue: opposite), sorted by digit.',
    question: 'After 8 layers, where are the samples of one digit?',
    choices: [
      { text: 'Gathered at their class mean, far from the other digits', holds: (o) => o.first / o.last > 10 },
      { text: 'About as spread as at layer 1', holds: (o) => o.first / o.last <= 10 && o.first / o.last >= 0.5 },
      { text: 'Mixed with the other digits', holds: (o) => o.first / o.last < 0.5 },
    ],
    charts: ['gram', 'strip', 'pca'],
    seconds: 7,
    config: DEFAULT_RUN,
    async run(lab) {
      const result = await lab.run(DEFAULT_RUN);
      return { result, first: result.layers[0].stages.X.nc1, last: result.layers.at(-1).stages.X.nc1, depth: result.layers.length };
    },
    view: (o) => ({ layer: o.depth, stage: 'X' }),
    verdict(o) {
      return {
        text: `In this run NC1, the spread of the samples around their class mean relative to the spread of the means, `
          + `went from ${formatNumber(o.first)} at layer 1 to ${formatNumber(o.last)} at layer ${o.depth}: ${times(o.first / o.last)} smaller. `
          + 'In the strip the blocks of each digit turn solid: within-class collapse (NC1).',
        numbers: [o.first, o.last, o.first / o.last],
      };
    },
  },
  {
    title: 'Inside one layer, slowly',
    text: 'Take layer 1 apart. Its input X (each sample scaled to length 1); the AGOP M of the kernel machine fitted to X, '
      + 'a matrix that weighs the directions the machine\'s predictions depend on; the data projected with its square root, MX; '
      + 'and the random map applied to that, PhiMX. The panel "Inside one layer" shows each in turn, with NC1 after it: step through it with its buttons or the arrow keys.',
    question: 'At layer 1, after the projection with the AGOP (MX), are the digits\' blocks sharper or blurrier than in the input X?',
    choices: [
      { text: 'Sharper: NC1 falls', holds: (o) => o.mx < o.x / 1.2 },
      { text: 'About the same', holds: (o) => o.mx >= o.x / 1.2 && o.mx <= o.x * 1.2 },
      { text: 'Blurrier: NC1 rises', holds: (o) => o.mx > o.x * 1.2 },
    ],
    charts: ['mechanism'],
    seconds: 7,
    config: DEFAULT_RUN,
    async run(lab) {
      const result = await lab.run(DEFAULT_RUN);
      const { X, MX, PhiMX } = result.layers[0].stages;
      return { result, x: X.nc1, mx: MX.nc1, phimx: PhiMX.nc1 };
    },
    view: () => ({ layer: 1, stage: 'MX' }),
    verdict(o) {
      return {
        text: `At layer 1 of this run NC1 went from ${formatNumber(o.x)} (X) to ${formatNumber(o.mx)} after the AGOP projection (MX): it ${change(o.x, o.mx)}; `
          + `then to ${formatNumber(o.phimx)} after the random map (PhiMX): it ${change(o.mx, o.phimx)}.`,
        numbers: [o.x, o.mx, o.phimx],
      };
    },
  },
  {
    title: 'Where does the drop happen?',
    text: 'Every layer is measured three times: at its input X, after the AGOP projection MX, and after the random map PhiMX. '
      + 'The NC1 chart draws the three, layer by layer, on a log scale. If the AGOP is what collapses the classes, the drop should come at the projection, '
      + 'not at the random, untrained map. Afterwards, [remove the random map](#dataset=mnist&n=1000&test=500&depth=8&feature=identity) and Run: does collapse go on?',
    question: 'Over the 8 layers, which move does most of the collapse?',
    choices: [
      { text: 'The AGOP projection (X → MX)', holds: (o) => Math.log(o.projection) > 1.25 * Math.max(Math.log(o.map), 0) },
      { text: 'The random map (MX → PhiMX)', holds: (o) => Math.log(o.map) > 1.25 * Math.max(Math.log(o.projection), 0) },
      { text: 'Both about equally', holds: (o) => {
        const [p, m] = [Math.log(o.projection), Math.log(o.map)];
        return !(p > 1.25 * Math.max(m, 0)) && !(m > 1.25 * Math.max(p, 0));
      } },
    ],
    charts: ['nc1'],
    seconds: 7,
    config: DEFAULT_RUN,
    async run(lab) {
      const result = await lab.run(DEFAULT_RUN);
      return { result, ...stageFactors(result), depth: result.layers.length };
    },
    view: () => ({ nc1Variant: 'nc1' }),
    verdict(o) {
      const map = o.map >= 1 ? `fell ${times(o.map)}` : `rose ${times(1 / o.map)}`;
      return {
        text: `Per layer, on average over the ${o.depth} layers of this run (geometric mean), NC1 fell ${times(o.projection)} at the AGOP projection `
          + `and ${map} at the random map.`,
        numbers: [o.projection, o.map >= 1 ? o.map : 1 / o.map],
      };
    },
  },
  {
    title: 'Is it really the AGOP?',
    text: 'Swap the AGOP for a control and run again, three runs on 500 digits, 6 layers: the AGOP itself; no projection at all (only the random maps act); '
      + 'and the AGOP\'s own eigenvalues placed on random directions. The chart "Is it really the AGOP?" keeps one line of NC1 per projection.',
    question: 'With the AGOP\'s eigenvalues on random directions, what does NC1 do?',
    choices: [
      { text: 'Falls as with the AGOP', holds: (o) => o.spectrum.last < 3 * o.agop.last },
      { text: 'Falls, but much less', holds: (o) => o.spectrum.last >= 3 * o.agop.last && o.spectrum.last < 0.5 * o.spectrum.first },
      { text: 'Does not fall', holds: (o) => o.spectrum.last >= 0.5 * o.spectrum.first },
    ],
    charts: ['projections'],
    seconds: 6,
    async run(lab) {
      const ends = {};
      let result = null;
      for (const [name, projection] of [['agop', 'agop'], ['none', 'none'], ['spectrum', 'random-spectrum']]) {
        result = await lab.run({ ...HALF, depth: 6, projection });
        const values = nc1(result, 'X');
        ends[name] = { first: values[0], last: values.at(-1) };
      }
      return { result, ...ends };
    },
    verdict(o) {
      return {
        text: `NC1 of X at layer 6 of these runs: ${formatNumber(o.agop.last)} with the AGOP, ${formatNumber(o.none.last)} without projection, `
          + `${formatNumber(o.spectrum.last)} with the AGOP's spectrum on random directions (from ${formatNumber(o.spectrum.first)} at layer 1). `
          + 'What collapses the classes is where the AGOP points, not how much it stretches.',
        numbers: [o.agop.last, o.none.last, o.spectrum.last, o.spectrum.first],
      };
    },
  },
  {
    title: 'How fast?',
    text: 'The paper\'s theory says Deep RFM approaches collapse exponentially with depth: NC1 should shrink by about the same factor at every layer. '
      + 'Run 20 layers on 500 digits; "fit the rate" draws the least-squares exponential through layers 2 to 20 and gives its factor per layer. '
      + 'The strip shows the Gram picture at layers 1, 3, 7, 13 and 19, as in the paper\'s Figure 1.',
    question: 'By what factor does NC1 shrink per layer?',
    choices: [
      { text: 'About 0.9 (slowly)', holds: (o) => nearest(o.factor) === 0.9 },
      { text: 'About 0.6', holds: (o) => nearest(o.factor) === 0.6 },
      { text: 'About 0.2 (very fast)', holds: (o) => nearest(o.factor) === 0.2 },
    ],
    charts: ['nc1', 'strip'],
    seconds: 8,
    async run(lab) {
      const result = await lab.run({ ...HALF, depth: 20 });
      return { result, factor: fittedFactor(result, 2), first: result.layers[0].stages.X.nc1, last: result.layers.at(-1).stages.X.nc1 };
    },
    view: () => ({ nc1Variant: 'nc1', fit: { on: true, from: 2, to: null }, stripLayers: '' }),
    verdict(o) {
      return {
        text: `Fitted over layers 2 to 20 of this run, NC1 of X shrinks by a factor ${formatNumber(o.factor)} per layer, `
          + `from ${formatNumber(o.first)} at layer 1 to ${formatNumber(o.last)} at layer 20.`,
        numbers: [o.factor, o.first, o.last],
      };
    },
  },
  {
    title: 'A trained network does the same',
    text: 'Now an ordinary network, trained by gradient descent on the same digits: 5 hidden ReLU layers, small initial weights. '
      + 'Write a layer\'s weights as W = U S V^T (singular value decomposition). The paper finds that most of a layer\'s collapse already happens '
      + 'after S V^T, before U and the ReLU. The share chart gives, per layer, the part of its collapse done by S V^T.',
    question: 'In the trained network, where does a layer do most of its collapse?',
    choices: [
      { text: 'At S V^T, its right singular structure', holds: (o) => o.collapsing.length > 0 && o.majority >= 0.5 },
      { text: 'In U and the ReLU', holds: (o) => o.collapsing.length > 0 && o.majority < 0.5 },
      { text: 'Its layers do not collapse', holds: (o) => o.collapsing.length === 0 },
    ],
    charts: ['net-nc1', 'net-share'],
    seconds: 15,
    async run(lab) {
      const result = await lab.network.train(TOUR_NETWORK);
      const last = result.history.at(-1);
      const collapsing = last.layers.filter((l) => !l.little_collapse && l.share !== null);
      const above = collapsing.filter((l) => l.share > 0.5).length;
      return { result, last, collapsing, above, majority: collapsing.length ? above / collapsing.length : 0 };
    },
    verdict(o) {
      const shares = o.collapsing.map((l) => `layer ${l.layer}: ${formatNumber(l.share)}`).join(', ');
      const little = o.last.layers.length - o.collapsing.length;
      return {
        text: `After ${o.last.epoch} epochs (test accuracy ${formatNumber(o.last.test_acc)}), S V^T did more than half of the collapse in ${o.above} of the `
          + `${o.collapsing.length} layers that collapse (${shares || 'none'})${little ? `; ${little} layer${little > 1 ? 's' : ''} barely collapse${little > 1 ? '' : 's'}` : ''}.`,
        numbers: [o.last.test_acc, ...o.collapsing.map((l) => l.share)],
      };
    },
  },
  {
    title: 'Why: W^T W tracks the AGOP',
    text: 'S V^T acts through W^T W = V S² V^T. The Neural Feature Ansatz says W^T W of a trained layer is close to the AGOP of the network '
      + 'with respect to that layer\'s input: the same statistic Deep RFM projects with. The chart shows their correlation over training. '
      + 'Coda: with a linear kernel the AGOP collapses classes exactly, in one step: [set the lab to that case](#dataset=mnist&n=500&test=0&standardize=0&depth=1&kernel=linear&ridge=0.00000001&feature=identity&preset=linear-kernel-exact) and press Run.',
    question: 'Before any training, how correlated are W^T W and the AGOP^1/2?',
    choices: [
      { text: 'Hardly (below 0.3)', holds: (o) => o.atStart < 0.3 },
      { text: 'Already sizeable (0.3 to 0.95)', holds: (o) => o.atStart >= 0.3 && o.atStart <= 0.95 },
      { text: 'Almost perfectly (above 0.95)', holds: (o) => o.atStart > 0.95 },
    ],
    charts: ['net-nfa'],
    seconds: 15,
    reusesNetwork: true,
    async run(lab) {
      const previous = lab.network.result;
      const result = previous?.history?.length && lab.network.state === 'done' ? previous : await lab.network.train(TOUR_NETWORK);
      const mean = (m) => m.layers.reduce((a, l) => a + l.nfa, 0) / m.layers.length;
      return { result, atStart: mean(result.history[0]), atEnd: mean(result.history.at(-1)), epoch: result.history.at(-1).epoch };
    },
    verdict(o) {
      return {
        text: `Averaged over the layers of this network, corr(W^T W, AGOP^1/2) was ${formatNumber(o.atStart)} at initialisation and ${formatNumber(o.atEnd)} `
          + `after ${o.epoch} epochs: ${o.atEnd >= o.atStart ? 'training raised it' : 'training did not raise it'}.`,
        numbers: [o.atStart, o.atEnd],
      };
    },
  },
];

/** The choice of step 5 nearest to a fitted factor (on a log scale). */
function nearest(factor) {
  return [0.9, 0.6, 0.2].reduce((best, c) => (Math.abs(Math.log(factor / c)) < Math.abs(Math.log(factor / best)) ? c : best));
}
