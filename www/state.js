// The page's one State: the Deep RFM config, the network config and the view (presentation).
// Controls render from it and write into it; the link is read into it and written from it, by
// Rust, once each way (readLink and writeLink, src/web/link.rs). Nothing reads settings back
// from the DOM.
import { readLink, writeLink } from './pkg/agop_collapse.js';

/** The view's defaults: what is shown, not what is computed. */
export const VIEW_DEFAULTS = Object.freeze({
  // Presentation flags a link carries (src/link.rs).
  preset: null,
  hide: [],
  lock: [],
  tour: null,
  // Presentation no link carries.
  nc1Variant: 'nc1',
  nc2Variant: 'nc2',
  fit: { on: false, from: 2, to: null },
  layer: 1,
  stage: 'X',
  stripLayers: '',
  netLayer: null,
});

/**
 * The State: `rfm` and `mlp` are whole configs as Rust writes them (`mlp` with the data and
 * seed of `rfm`); a value the user typed that does not validate is kept here as typed, and
 * `problems` says why (Run refuses it).
 */
export const state = { rfm: null, mlp: null, view: structuredClone(VIEW_DEFAULTS) };

/** Why the configs cannot run as they stand: `{ rfm, mlp }`, each a message or null. */
export const problems = { rfm: null, mlp: null };

/** How often the page called the link's two Rust entry points (read by the tests). */
export const linkCalls = { read: 0, write: 0 };

const listeners = new Set();

/**
 * Calls `listener(change, detail)` after every change of the State (`change`: 'link' |
 * 'settings' | 'view'; for 'view', `detail` is `{ keys, inTurns }`: the view's keys that
 * changed, and whether the redraw may take several tasks).
 */
export function subscribe(listener) {
  listeners.add(listener);
}

function notify(change, detail = {}) {
  for (const listener of listeners) listener(change, detail);
}

/** The link-carried part of the view, as writeLink reads it. */
function linkView(view) {
  return { preset: view.preset, hide: view.hide, lock: view.lock, tour: view.tour };
}

/**
 * Reads `hash` into the State (every setting it does not name at its default; the view's
 * other presentation kept) and rewrites the address from it; returns the messages for values
 * that could not be used.
 */
export function loadLink(hash) {
  linkCalls.read += 1;
  const { state: read, messages } = readLink(hash);
  state.rfm = read.rfm;
  state.mlp = read.mlp;
  Object.assign(state.view, read.view);
  commit('link');
  return messages;
}

/**
 * Validates the State through writeLink and, when the Deep RFM config is valid, writes the
 * address from it (the configs completed as the link holds them). Sets `problems`; returns
 * true when Deep RFM can run.
 */
export function commit(change = 'settings') {
  linkCalls.write += 1;
  try {
    const written = writeLink(JSON.stringify({ rfm: state.rfm, mlp: state.mlp, view: linkView(state.view) }));
    state.rfm = written.rfm;
    state.mlp = written.mlp;
    problems.rfm = null;
    problems.mlp = written.network_problem;
    history.replaceState(null, '', `#${written.hash}`);
  } catch (error) {
    problems.rfm = error.message;
    problems.mlp = null;
  }
  notify(change);
  return problems.rfm === null;
}

/** The link of the State with the view's flags replaced by `flags` (for the classroom dialog), without `#`. */
export function linkWith(flags) {
  linkCalls.write += 1;
  const view = { ...linkView(state.view), ...flags };
  return writeLink(JSON.stringify({ rfm: state.rfm, mlp: state.mlp, view })).hash;
}

/** Sets the value at `path` (e.g. ['data', 'n_train']) of `config` (state.rfm or state.mlp). */
export function setAt(config, path, value) {
  let target = config;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path.at(-1)] = value;
}

/** The value at `path` of `config`. */
export function getAt(config, path) {
  return path.reduce((value, key) => value?.[key], config);
}

/** The view's keys a link carries. */
const LINKED_VIEW_KEYS = ['preset', 'hide', 'lock', 'tour'];

/**
 * Changes presentation settings of the view and tells the listeners; with `inTurns`, the
 * redraw may spread over several tasks (the guided tour's changes, made while runs compute).
 */
export function setView(changes, { inTurns = false } = {}) {
  Object.assign(state.view, changes);
  const keys = Object.keys(changes);
  if (keys.some((key) => LINKED_VIEW_KEYS.includes(key))) commit('link-view');
  notify('view', { keys, inTurns });
}

/** A deep copy of the Deep RFM config, as text: what a run starts from and is compared with. */
export function rfmJson() {
  return JSON.stringify(state.rfm);
}
