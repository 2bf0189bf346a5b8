// Teacher links: `hide=kernel,ridge` hides settings, `lock=dataset` shows them but fixes them.
// The classroom dialog builds such links from the State.
import { SETTING_KEYS, settingControls, settingElement, settingLabel } from './controls.js';
import { linkWith, state } from './state.js';

/** Hides the settings listed in `hidden` and locks those in `locked`; returns the names it did not know. */
export function applyHideAndLock(hidden, locked) {
  for (const key of SETTING_KEYS) {
    const element = settingElement(key);
    if (element) element.hidden = hidden.includes(key);
    for (const control of settingControls(key)) control.disabled = locked.includes(key);
  }
  return [...new Set([...hidden, ...locked].filter((key) => !SETTING_KEYS.includes(key)))];
}

/** Fills the classroom dialog: one row per setting, by the name the page shows, with "hide" and "lock" boxes. */
export function setupClassroomDialog() {
  const dialog = document.getElementById('classroom-dialog');
  const rows = document.getElementById('classroom-settings');
  const output = document.getElementById('classroom-link');
  for (const key of SETTING_KEYS) {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = settingLabel(key);
    name.title = `link key: ${key}`;
    row.append(name);
    for (const what of ['hide', 'lock']) {
      const cell = document.createElement('td');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.dataset.key = key;
      box.dataset.what = what;
      box.setAttribute('aria-label', `${what} ${settingLabel(key)}`);
      cell.append(box);
      row.append(cell);
    }
    rows.append(row);
  }
  const chosen = (what) => [...rows.querySelectorAll(`input[data-what=${what}]:checked`)].map((b) => b.dataset.key);
  const update = () => {
    const hash = linkWith({ hide: chosen('hide'), lock: chosen('lock') });
    output.value = `${location.origin}${location.pathname}${location.search}#${hash}`;
  };
  rows.addEventListener('change', update);
  document.getElementById('classroom').addEventListener('click', () => {
    // Start from the hidden and locked settings of the page as it is.
    for (const box of rows.querySelectorAll('input')) {
      box.checked = state.view[box.dataset.what].includes(box.dataset.key);
    }
    update();
    dialog.showModal();
  });
  document.getElementById('classroom-copy').addEventListener('click', () => navigator.clipboard?.writeText(output.value));
  document.getElementById('classroom-close').addEventListener('click', () => dialog.close());
}
