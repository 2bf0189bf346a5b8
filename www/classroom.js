// Teacher links: `hide=kernel,ridge` hides settings, `lock=dataset` shows them but fixes them.
// The classroom dialog builds such links.
import { SETTING_KEYS, settingControls, settingElement } from './settings.js';

/** Hides and locks the settings a link names; returns the names it did not know. */
export function applyHideAndLock(hashParams) {
  const unknown = [];
  const listed = (name) => (hashParams.get(name) ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  const hidden = listed('hide');
  const locked = listed('lock');
  for (const key of SETTING_KEYS) {
    const element = settingElement(key);
    if (element) element.hidden = hidden.includes(key);
    for (const control of settingControls(key)) control.disabled = locked.includes(key);
  }
  for (const key of [...hidden, ...locked]) {
    if (!SETTING_KEYS.includes(key) && !unknown.includes(key)) unknown.push(key);
  }
  return unknown;
}

/** Fills the classroom dialog: one row per setting with "hide" and "lock" boxes. */
export function setupClassroomDialog(currentHash) {
  const dialog = document.getElementById('classroom-dialog');
  const rows = document.getElementById('classroom-settings');
  const output = document.getElementById('classroom-link');
  for (const key of SETTING_KEYS) {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = key;
    row.append(name);
    for (const what of ['hide', 'lock']) {
      const cell = document.createElement('td');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.dataset.key = key;
      box.dataset.what = what;
      box.setAttribute('aria-label', `${what} ${key}`);
      cell.append(box);
      row.append(cell);
    }
    rows.append(row);
  }
  const update = () => {
    const chosen = (what) => [...rows.querySelectorAll(`input[data-what=${what}]:checked`)].map((b) => b.dataset.key);
    let hash = currentHash();
    for (const what of ['hide', 'lock']) {
      if (chosen(what).length > 0) hash += `&${what}=${chosen(what).join(',')}`;
    }
    output.value = `${location.origin}${location.pathname}${location.search}#${hash}`;
  };
  rows.addEventListener('change', update);
  document.getElementById('classroom').addEventListener('click', () => {
    // Start from the hidden and locked settings of the page as it is.
    const params = new URLSearchParams(location.hash.slice(1));
    for (const box of rows.querySelectorAll('input')) {
      box.checked = (params.get(box.dataset.what) ?? '').split(',').includes(box.dataset.key);
    }
    update();
    dialog.showModal();
  });
  document.getElementById('classroom-copy').addEventListener('click', () => navigator.clipboard?.writeText(output.value));
  document.getElementById('classroom-close').addEventListener('click', () => dialog.close());
}
