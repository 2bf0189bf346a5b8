// The default run, computed ahead of time with the page's own wasm module (tools/precompute.mjs)
// and shipped beside the page in data/default-run.bin.gz: a first-time reader sees every chart
// at once instead of blank boxes, and Run computes the same numbers live (a test checks them bit
// for bit). The file holds the Result's layer messages as the worker posts them and every layer's
// pictures, the Gram pictures on 255 steps and the PCA coordinates on 12 bits.
import { fetchGzipped } from './gzip.js';
import { addLayer } from './result.js';
import { newLayerDrawing, show } from './rfm-view.js';
import { rfmJson } from './state.js';

const FILE = new URL('./data/default-run.bin.gz', import.meta.url);
const STAGES = ['X', 'MX', 'PhiMX'];

/** What the status line says while the default run computed ahead of time is shown. */
export const PRECOMPUTED_NOTE = 'Ready. Shown: the default run, computed ahead of time; Run computes it live.';

// Fetched as soon as the page's modules load, beside the wasm module: the first charts wait for
// neither. A missing file leaves the charts empty until Run, as they were before it existed.
const loading = loadPrecomputed().catch(() => null);

/**
 * Draws the default run computed ahead of time when the State's Deep RFM config is the one it
 * was computed from and `noRunYet()` still holds (no run started, nothing shown), checked again
 * between the charts; returns the run record drawn (see [`loadPrecomputed`]), or null. Another
 * config's link shows nothing: its reader expects that config's numbers, not the default's.
 */
export async function drawPrecomputed(noRunYet) {
  const precomputed = await loading;
  if (precomputed === null || precomputed.configJson !== rfmJson() || !noRunYet()) return null;
  show(precomputed.run);
  // Each chart in a task of its own, as a live layer's are drawn (app.js's inTurns): drawn all
  // at once they held the main thread for hundreds of milliseconds at load.
  for (const draw of newLayerDrawing()) {
    if (!noRunYet()) return null;
    draw();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return noRunYet() ? precomputed.run : null;
}

/**
 * Fetches and decodes the default run: `{ configJson, run }`, `run` the record rfm-view.js's
 * show() draws (`{ result, layers, views, precomputed: true }`) and `configJson` the config text
 * it was computed from (the default State's, as Rust writes it). Rejects when the file is
 * missing or of another format.
 */
export async function loadPrecomputed() {
  return decode(await fetchGzipped(FILE, 'the default run computed ahead of time'));
}

/**
 * Reads the file tools/precompute.mjs writes: the header's length (u32, little-endian), the
 * header (JSON), zeros up to a multiple of 4 bytes, then the body, into which the header points
 * with `{ at, length }` (bytes from the body's start, elements).
 */
function decode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  if (header.format !== 1) throw new Error(`the default run's file has format ${header.format}, not 1`);
  const base = bytes.byteOffset + 4 + headerLength + ((4 - (headerLength % 4)) % 4);
  const take = (Type, { at, length }) => new Type(bytes.buffer, base + at, length);

  // The Result as the worker's messages build it: the same steps, the same numbers.
  const result = header.started;
  const layers = [];
  for (const message of header.messages) {
    addLayer(result, message);
    layers.push(message.report);
  }
  const labels = take(Uint32Array, header.labels);
  const views = header.views.map((stored) => {
    const pictures = { labels };
    for (const stage of STAGES) {
      const { gram, pca } = stored[stage];
      pictures[stage] = {
        gram: { size: gram.size, values: gramValues(take(Uint8Array, gram.triangle), gram.size), classStarts: Uint32Array.from(gram.classStarts) },
        pca: Float32Array.from(take(Int16Array, pca.integers), (v) => v * pca.scale),
      };
    }
    if (stored.kernel) {
      const { size, classStarts, low, high, triangle } = stored.kernel;
      pictures.kernel = { size, values: gramValues(take(Uint8Array, triangle), size, low, high), classStarts: Uint32Array.from(classStarts) };
    }
    if (stored.agop) {
      const { diagonal, eigenvectors, count, shape } = stored.agop;
      pictures.agop = { diagonal: take(Float32Array, diagonal), eigenvectors: take(Float32Array, eigenvectors), count, shape };
    }
    return pictures;
  });
  return { configJson: header.config, run: { result, layers, views, precomputed: true } };
}

/**
 * The whole `size` x `size` symmetric picture from its upper triangle, stored as differences
 * along each row of 255 steps over `low`..`high` (-1..1 for a Gram picture).
 */
function gramValues(triangle, size, low = -1, high = 1) {
  const values = new Float32Array(size * size);
  let k = 0;
  for (let i = 0; i < size; i += 1) {
    let level = 0;
    for (let j = i; j < size; j += 1) {
      level = (level + triangle[k++]) & 255;
      const value = low + (level / 255) * (high - low);
      values[i * size + j] = value;
      values[j * size + i] = value;
    }
  }
  return values;
}
