// The guided tour: the paper's argument as seven live experiments (tour-steps.js), in a compact
// panel above the lab. Each step asks for a prediction, runs its experiment in the lab below
// (a step is a State: its runs set the lab's settings), then gives a verdict computed from the
// run, the reader's guess beside it; the charts it speaks of are highlighted, the others dimmed.
// `tour=N` in the link opens step N; `tour=0` (and the embed mode) start without the tour.
import { formatNumber, STEPS } from './tour-steps.js';
import { setView, state } from './state.js';

const $ = (id) => document.getElementById(id);

/** The tour's programmatic face (`window.lab.tour`). */
export const tour = {
  /** The open step, 1-based; 0 while the tour is folded. */
  step: 0,
  count: STEPS.length,
  /** Opens step `n` and runs it (with `guess`, a choice's index, or none); settles when its verdict is shown. */
  go: (n, guess = null) => go(n, { run: true, guess }),
  /** What the last verdict quoted: `{ step, text, numbers, guess, agrees }`. */
  verdict: null,
};

let lab = null;
/** A promise that settles once the page has drawn the last view change. */
let viewDrawn = () => Promise.resolve();
/** The step's guess, chosen before its run: a choice index, 'skip', or null (not yet). */
let guess = null;
/** The step whose run is under way, so that a late result of a step left behind is not shown. */
let running = 0;
/** The last run the tour made: its config's text and result, reused by a step that needs the same. */
let lastRun = null;

/** Runs Deep RFM with `config` through the lab, unless the lab already shows the tour's run of the same config. */
async function runOnce(config) {
  const key = JSON.stringify(config);
  if (lastRun?.key === key && lab.result === lastRun.result && lab.state === 'done') return lastRun.result;
  const result = await lab.run(config);
  lastRun = { key, result };
  return result;
}

/** True when `step` will show the run the lab holds instead of computing one. */
function reuses(step) {
  if (step.reusesNetwork) return lab.network.state === 'done';
  return step.config !== undefined && lastRun?.key === JSON.stringify(step.config) && lab.result === lastRun.result && lab.state === 'done';
}

/** The lab as a step sees it: Deep RFM runs reused across steps, the network as it is. */
function stepLab() {
  return { run: runOnce, network: lab.network, get result() { return lab.result; } };
}

function render() {
  const n = tour.step;
  const panel = $('tour');
  panel.hidden = false;
  document.body.classList.toggle('touring', n > 0);
  $('tour-open').hidden = n > 0;
  $('tour-body').hidden = n === 0;
  if (n === 0) {
    highlight([]);
    return;
  }
  const step = STEPS[n - 1];
  $('tour-count').textContent = `Step ${n} of ${STEPS.length}`;
  $('tour-title').textContent = step.title;
  $('tour-text').replaceChildren(...prose(step.text));
  $('tour-question').textContent = step.question;
  const choices = $('tour-choices');
  choices.replaceChildren(...step.choices.map((choice, index) => {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'tour-guess';
    input.value = String(index);
    input.checked = guess === index;
    label.append(input, ` ${choice.text}`);
    return label;
  }));
  $('tour-time').textContent = step.seconds > 3 && !reuses(step) ? `Expect about ${step.seconds} s on two cores.` : '';
  $('tour-back').disabled = n === 1;
  $('tour-next').disabled = n === STEPS.length;
  $('tour-verdict').textContent = '';
  $('tour-guess').textContent = '';
  $('tour-run').disabled = false;
}

/**
 * A step's text as DOM nodes: plain text, with `[words](#link)` made a link that sets the lab's
 * settings to that link's (the page reads a changed address like any link).
 */
function prose(text) {
  const nodes = [];
  let rest = text;
  for (let match = rest.match(/\[([^\]]+)\]\((#[^)\s]+)\)/); match; match = rest.match(/\[([^\]]+)\]\((#[^)\s]+)\)/)) {
    nodes.push(document.createTextNode(rest.slice(0, match.index)));
    const link = document.createElement('a');
    link.href = match[2];
    link.textContent = match[1];
    nodes.push(link);
    rest = rest.slice(match.index + match[0].length);
  }
  nodes.push(document.createTextNode(rest));
  return nodes;
}

/** Highlights the figures of `charts` (their data-chart names) and dims the other results; scrolls to the first. */
function highlight(charts) {
  for (const figure of document.querySelectorAll('#results [data-chart]')) {
    const chosen = charts.includes(figure.dataset.chart);
    figure.classList.toggle('tour-focus', chosen);
    figure.classList.toggle('tour-dim', charts.length > 0 && !chosen);
  }
}

function scrollToCharts() {
  const first = document.querySelector('#results .tour-focus');
  first?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

/**
 * Opens step `n` (clamped to the steps); with `run`, runs it at once with `guess`. The step
 * joins the link and its charts are highlighted, but for the step the page opens with.
 */
async function go(n, { run = false, guess: chosen = null, initial = false } = {}) {
  const step = Math.max(0, Math.min(STEPS.length, Math.round(Number(n)) || 0));
  tour.step = step;
  guess = chosen;
  running = 0;
  render();
  if (!initial) {
    highlight(step > 0 ? STEPS[step - 1].charts : []);
    if (state.view.tour !== step) setView({ tour: step });
  }
  if (run && step > 0) return runStep(chosen === null ? 'skip' : chosen);
  return null;
}

/** Runs the open step, after the reader's guess (`'skip'` for none); resolves with its verdict. */
async function runStep(chosen) {
  const n = tour.step;
  const step = STEPS[n - 1];
  guess = chosen;
  running = n;
  $('tour-run').disabled = true;
  $('tour-verdict').textContent = 'Running…';
  $('tour-guess').textContent = chosen === 'skip' ? '' : `Your guess: ${step.choices[chosen].text}.`;
  highlight(step.charts);
  scrollToCharts();
  try {
    const outcome = await step.run(stepLab());
    if (running !== n || tour.step !== n) return null; // the reader moved on meanwhile
    if (step.view) {
      setView(step.view(outcome), { inTurns: true });
      await viewDrawn();
    }
    const verdict = step.verdict(outcome);
    const agrees = chosen === 'skip' ? null : step.choices[chosen].holds(outcome);
    const answer = step.choices.findIndex((c) => c.holds(outcome));
    tour.verdict = { step: n, text: verdict.text, numbers: verdict.numbers, guess: chosen === 'skip' ? null : chosen, agrees, answer };
    $('tour-verdict').textContent = verdict.text;
    $('tour-guess').textContent = chosen === 'skip'
      ? `The run's answer: ${answer >= 0 ? step.choices[answer].text : 'none of the choices'}.`
      : `Your guess: ${step.choices[chosen].text}. ${agrees ? 'The run agrees.' : `The run says otherwise: ${answer >= 0 ? step.choices[answer].text : 'none of the choices'}.`}`;
    // The charts were in view while the run drew them; now the verdict comes back into view.
    $('tour-verdict').scrollIntoView({ block: 'nearest' });
    return tour.verdict;
  } catch (error) {
    if (running === n) $('tour-verdict').textContent = `The run stopped: ${error.message}`;
    throw error;
  } finally {
    if (running === n) $('tour-run').disabled = false;
  }
}

/** The chosen guess of the open step: its index, or null. */
function chosenGuess() {
  const checked = document.querySelector('#tour-choices input:checked');
  return checked ? Number(checked.value) : null;
}

/**
 * Sets the tour up in the page; `requested` is the step the link asked for (null: none), or
 * the text it gave. Returns a message when the link's step cannot be opened.
 */
export function setupTour(labFace, requested, { startOpen, whenDrawn = () => Promise.resolve() }) {
  lab = labFace;
  viewDrawn = whenDrawn;
  lab.tour = tour;
  $('tour-next').addEventListener('click', () => go(tour.step + 1));
  $('tour-back').addEventListener('click', () => go(tour.step - 1));
  $('tour-skip').addEventListener('click', () => go(0));
  $('tour-open').addEventListener('click', () => go(1).then(() => $('tour-title').focus()));
  $('tour-run').addEventListener('click', () => runStep(chosenGuess() ?? 'skip').catch(() => {}));
  $('tour-choices').addEventListener('change', () => {
    guess = chosenGuess();
  });
  // Back and Next by keyboard while the focus is in the tour (not while choosing a guess with the arrows).
  $('tour').addEventListener('keydown', (event) => {
    if (event.target.name === 'tour-guess') return;
    if (event.key === 'ArrowRight' && tour.step < STEPS.length) go(tour.step + 1);
    else if (event.key === 'ArrowLeft' && tour.step > 1) go(tour.step - 1);
    else return;
    event.preventDefault();
  });
  let message = '';
  let first = startOpen ? 1 : 0;
  if (requested !== null && requested !== undefined) {
    if (requested >= 0 && requested <= STEPS.length) first = requested;
    else {
      first = 1;
      message = `the tour has steps 1 to ${STEPS.length}: step ${requested} does not exist, so it starts at step 1`;
    }
  }
  go(first, { initial: true });
  return message;
}

export { formatNumber };
