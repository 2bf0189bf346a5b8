// The settings controls: reading and writing a config, and which controls apply to it.
import { defaultRfmConfig } from './pkg/agop_collapse.js';

/** Every setting: [control id, config path, kind, hash key]. */
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
];

/** Hash keys of the settings, plus the digits (a group of check boxes). */
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

/** The controls (inputs, selects, buttons) of a setting. */
export function settingControls(key) {
  if (key === 'digits') return digitBoxes();
  if (key === 'seed') return [$('seed'), $('new-seed')];
  const field = FIELDS.find((f) => f[3] === key);
  return field ? [$(field[0])] : [];
}

export function readControls() {
  const config = JSON.parse(defaultRfmConfig());
  for (const [id, path, kind] of FIELDS) {
    const input = $(id);
    const value = kind === 'check' ? input.checked : kind === 'number' ? (input.value === '' ? null : Number(input.value)) : input.value;
    if (path.length === 2) config[path[0]][path[1]] = value;
    else config[path[0]] = value;
  }
  config.data.digits = digitBoxes().filter((box) => box.checked).map((box) => Number(box.value));
  return config;
}

export function writeControls(config) {
  for (const [id, path, kind] of FIELDS) {
    const value = path.length === 2 ? config[path[0]][path[1]] : config[path[0]];
    if (kind === 'check') $(id).checked = value;
    else if (id === 'dataset') selectDataset(value);
    else $(id).value = String(value);
  }
  for (const box of digitBoxes()) box.checked = config.data.digits.includes(Number(box.value));
  showDependentControls(config);
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

export function showDependentControls(config) {
  const dataset = config.data.dataset;
  document.body.classList.toggle('dataset-mnist', dataset === 'mnist');
  document.body.classList.toggle('dataset-synthetic', dataset === 'synthetic');
  document.body.classList.toggle('dataset-csv', dataset.startsWith('csv:'));
  document.body.classList.toggle('feature-cos', config.feature === 'cos');
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
