// Says when the Deep RFM results shown no longer match the settings: after a setting changes,
// until the next run, the action bar and every Deep RFM chart say "settings changed: Run to update".
import { state, subscribe } from './state.js';

const $ = (id) => document.getElementById(id);

/** Whether two configs (plain JSON data) hold the same values, whatever the order of their keys. */
export function sameConfig(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!sameConfig(a[key], b[key])) return false;
  return true;
}

let shownResult = () => null;

/** Shows or hides the note: shown while a result is on screen and its config differs from the State's. */
export function refreshStale() {
  const config = shownResult()?.config ?? null;
  const stale = config !== null && state.rfm !== null && !sameConfig(config, state.rfm);
  $('stale-note').hidden = !stale;
  $('results').classList.toggle('stale', stale);
}

/**
 * Watches the settings (the State's changes) and the runs (the page's run state, on the body's
 * `data-state`); `result()` is the Result shown, or null.
 */
export function setupStale(result) {
  shownResult = result;
  subscribe(() => refreshStale());
  new MutationObserver(refreshStale).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  refreshStale();
}
