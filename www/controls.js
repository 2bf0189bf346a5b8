// The settings controls: rendered from the State, and each change written into it (the control
// that changed is read once, on its own change event). Which controls apply to a config.
import { commit, getAt, problems, setAt, setView, state, subscribe } from './state.js';

/** Every Deep RFM setting: [control id, path in the config, kind, link key]. */
export const FIELDS = [
  ['dataset', ['data', 'dataset'], 'text', 'dataset'],
  ['n-train', ['data', 'n_train'], 'number', 'n'],
  ['n-test', ['data', 'n_test'], 'number', 'test'],
  ['pool', ['data', 'pool'], 'number', 'pool'],
  ['classes', ['data', 'classes'], 'number', 'classes'],
  ['dim', ['data', 'dim'], 'number', 'dim'],
  ['rank', ['data', 'rank'], 'number', 'rank'],
  ['separation', ['data', 'separation'], 'number', 'separation'],
  ['noise', ['data', 'noise'], 'number', 'noise'],
  ['standardize', ['data', 'standardize'], 'check', 'standardize'],
  ['depth', ['depth'], 'number', 'depth'],
  ['kernel', ['kernel'], 'text', 'kernel'],
  ['bandwidth', ['bandwidth'], 'number', 'bandwidth'],
  ['ridge', ['ridge'], 'number', 'ridge'],
  ['feature', ['feature'], 'text', 'feature'],
  ['width', ['width'], 'number', 'width'],
  ['sigma', ['sigma'], 'number', 'sigma'],
  ['projection', ['projection'], 'text', 'projection'],
  ['seed', ['seed'], 'number', 'seed'],
  ['seeds', ['seeds'], 'number', 'seeds'],
  ['rfm-iters', ['rfm_iters'], 'number', 'rfm_iters'],
  ['agop-power', ['agop_power'], 'number', 'agop_power'],
  ['diag-agop', ['diag_agop'], 'check', 'diag_agop'],
];

/** The network's own settings: [control id, path in its config, kind]. */
export const NETWORK_FIELDS = [
  ['net-depth', ['depth'], 'number'],
  ['net-width', ['width'], 'number'],
  ['gain', ['gain'], 'number'],
  ['output-init', ['output_init'], 'text'],
  ['lr', ['learning_rate'], 'number'],
  ['adam-reset', ['adam_reset'], 'text'],
  ['batch', ['batch_size'], 'number'],
  ['epochs', ['epochs'], 'number'],
  ['every', ['measure_every'], 'number'],
];

/** Link keys of the Deep RFM settings, plus the digits (a group of check boxes). */
export const SETTING_KEYS = [...FIELDS.map((f) => f[3]), 'digits'];

const $ = (id) => document.getElementById(id);

export function digitBoxes() {
  return [...document.querySelectorAll('#digits input')];
}

/** The element that shows a setting (its label, or the digits' group): to hide or lock it. */
export function settingElement(key) {
  if (key === 'digits') return $('digits');
  const field = FIELDS.find((f) => f[3] === key);
  if (!field) return null;
  const input = $(field[0]);
  return key === 'seed' ? input.closest('.seed') : input.closest('label');
}

/** The words the page shows for a setting (its label's text), for the classroom dialog. */
export function settingLabel(key) {
  if (key === 'digits') return 'Digits';
  const element = settingElement(key);
  const label = element?.matches('label') ? element : element?.querySelector('label');
  const text = [...(label?.childNodes ?? [])].find((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== '');
  return text ? text.textContent.trim() : key;
}

/** The controls (inputs, selects, buttons) of a setting. */
export function settingControls(key) {
  if (key === 'digits') return digitBoxes();
  if (key === 'seed') return [$('seed'), $('new-seed')];
  const field = FIELDS.find((f) => f[3] === key);
  return field ? [$(field[0])] : [];
}

function show(input, kind, value) {
  if (kind === 'check') input.checked = Boolean(value);
  else input.value = value === null || value === undefined ? '' : String(value);
}

/** The value a control holds, in its config's type (an empty number field is null). */
function valueOf(input, kind) {
  if (kind === 'check') return input.checked;
  if (kind === 'number') return input.value === '' ? null : Number(input.value);
  return input.value;
}

/** Renders every setting control from the State. */
export function renderControls() {
  for (const [id, path, kind] of FIELDS) {
    if (id === 'dataset') selectDataset(getAt(state.rfm, path));
    else show($(id), kind, getAt(state.rfm, path));
  }
  for (const box of digitBoxes()) box.checked = state.rfm.data.digits.includes(Number(box.value));
  for (const [id, path, kind] of NETWORK_FIELDS) show($(id), kind, getAt(state.mlp, path));
  renderView();
  showDependentControls();
}

/** Renders the view's controls (metric variants, rate fit, layer and stage shown). */
export function renderView() {
  const { view } = state;
  $('nc1-variant').value = view.nc1Variant;
  $('nc2-variant').value = view.nc2Variant;
  $('nc1-fit').checked = view.fit.on;
  $('nc1-fit-from').value = String(view.fit.from);
  $('nc1-fit-to').value = view.fit.to === null ? '' : String(view.fit.to);
  $('view-stage').value = view.stage;
  $('strip-layers').value = view.stripLayers;
}

/** Shows the controls that apply to the State's config (by dataset and feature map). */
export function showDependentControls() {
  // A config passed to lab.run may lack fields until it is refused: show what it names.
  const dataset = String(state.rfm?.data?.dataset ?? 'mnist');
  document.body.classList.toggle('dataset-mnist', dataset === 'mnist');
  document.body.classList.toggle('dataset-synthetic', dataset === 'synthetic');
  document.body.classList.toggle('dataset-csv', dataset.startsWith('csv:'));
  document.body.classList.toggle('feature-cos', state.rfm?.feature === 'cos');
}

/** Selects a dataset, adding the option of a CSV file when needed (its name shown as text). */
export function selectDataset(value) {
  const select = $('dataset');
  if (value.startsWith('csv:') && ![...select.options].some((o) => o.value === value)) {
    for (const old of [...select.options].filter((o) => o.value.startsWith('csv:'))) old.remove();
    const option = document.createElement('option');
    option.value = value;
    option.textContent = `Your file: ${value.slice(4)}`;
    select.append(option);
  }
  select.value = value;
}

/** Shows the message of the Deep RFM settings (`#message`) and of the network's (`#net-message`). */
export function showProblems(extra = '') {
  const rfmText = [extra, problems.rfm ?? ''].filter(Boolean).join('\n');
  $('message').textContent = rfmText;
  $('message').hidden = rfmText === '';
  $('net-message').textContent = problems.mlp ?? '';
  $('net-message').hidden = !problems.mlp;
}

/**
 * Writes a changed control into the State and validates it: the control is marked invalid
 * while its value cannot run.
 */
function settingChanged(target) {
  const field = FIELDS.find((f) => f[0] === target.id);
  const networkField = NETWORK_FIELDS.find((f) => f[0] === target.id);
  if (field) setAt(state.rfm, field[1], valueOf(target, field[2]));
  else if (networkField) setAt(state.mlp, networkField[1], valueOf(target, networkField[2]));
  else if (target.name === 'digit') {
    const digit = Number(target.value);
    const others = state.rfm.data.digits.filter((d) => d !== digit);
    state.rfm.data.digits = target.checked ? [...others, digit].sort((a, b) => a - b) : others;
  } else return;
  // The user's test file goes with a CSV training file only.
  if (target.id === 'dataset' && !target.value.startsWith('csv:')) state.rfm.data.test_dataset = null;
  target.removeAttribute('aria-invalid');
  const valid = commit();
  const invalid = networkField ? problems.mlp !== null : !valid;
  if (invalid) target.setAttribute('aria-invalid', 'true');
  showProblems();
}

/** Wires the settings and view controls to the State. */
export function bindControls() {
  for (const form of ['controls', 'network-controls']) {
    $(form).addEventListener('change', (event) => {
      if (event.target.id === 'preset' || event.target.id === 'csv-file') return;
      settingChanged(event.target);
    });
  }
  $('nc1-variant').addEventListener('change', () => setView({ nc1Variant: $('nc1-variant').value }));
  $('nc2-variant').addEventListener('change', () => setView({ nc2Variant: $('nc2-variant').value }));
  const fitChanged = () => {
    const from = Math.max(1, Math.round(Number($('nc1-fit-from').value) || 1));
    const to = $('nc1-fit-to').value === '' ? null : Math.max(from, Math.round(Number($('nc1-fit-to').value)));
    setView({ fit: { on: $('nc1-fit').checked, from, to } });
  };
  for (const id of ['nc1-fit', 'nc1-fit-from', 'nc1-fit-to']) $(id).addEventListener('change', fitChanged);
  $('view-stage').addEventListener('change', () => setView({ stage: $('view-stage').value }));
  $('strip-layers').addEventListener('change', () => setView({ stripLayers: $('strip-layers').value }));
  subscribe((change) => {
    if (change === 'settings' || change === 'link') showDependentControls();
  });
}

export function buildDigitBoxes() {
  const digits = $('digits');
  for (let d = 0; d <= 9; d += 1) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = 'digit';
    box.value = String(d);
    label.append(box, ` ${d}`);
    digits.append(label);
  }
}
