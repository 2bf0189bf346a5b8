// Computes the page's default run ahead of time, so that a first-time reader sees every chart at
// once (www/precomputed.js draws it at load): the page's own wasm module (www/pkg, not the
// native build, whose products differ in the last bits) runs the default State's Deep RFM
// config layer by layer, exactly as the page's worker does, and the Result's layer messages and
// the pictures are written to www/data/default-run.bin.gz in the layout www/precomputed.js reads.
//   node tools/precompute.mjs [--out www/data/default-run.bin.gz]
// build.sh runs it after the wasm build, when the module, the data or this file changed.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const www = (path) => fileURLToPath(new URL(`../www/${path}`, import.meta.url));
const outArgument = process.argv.indexOf('--out');
const out = outArgument > 0 ? process.argv[outArgument + 1] : www('data/default-run.bin.gz');

/** PCA coordinates are kept to 12 bits of their stage's largest magnitude: finer than a pixel. */
const PCA_STEPS = 2047;
const STAGES = ['X', 'MX', 'PhiMX'];

const glue = await import(www('pkg/agop_collapse.js'));
glue.initSync({ module: readFileSync(www('pkg/agop_collapse_bg.wasm')) });

// The default State's config, as the page holds it after reading an empty link (readLink, then
// writeLink's completion): the text a live run starts from, and the page compares with.
const { state } = glue.readLink('');
const configJson = JSON.stringify(glue.writeLink(JSON.stringify(state)).rfm);

/** The body's typed arrays, each at a multiple of 4 bytes so that the page views them in place. */
class Body {
  constructor() {
    this.parts = [];
    this.length = 0;
  }

  /** Appends `array`; returns where it lies: `{ at, length }` (bytes from the body's start, elements). */
  put(array) {
    const at = this.length;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const padding = (4 - (bytes.length % 4)) % 4;
    this.parts.push(bytes, new Uint8Array(padding));
    this.length += bytes.length + padding;
    return { at, length: array.length };
  }
}

/**
 * A symmetric picture (a Gram picture, values in -1..1, or a kernel matrix, values in `low`..
 * `high`) as bytes: its upper triangle row by row, each value on 255 steps of its range, every
 * byte the difference from the one before it in its row (mod 256), which gzip packs much better
 * than the values.
 */
function gramBytes({ size, values }, low = -1, high = 1) {
  const bytes = new Uint8Array((size * (size + 1)) / 2);
  let k = 0;
  for (let i = 0; i < size; i += 1) {
    let previous = 0;
    for (let j = i; j < size; j += 1) {
      const level = Math.round(((Math.max(low, Math.min(high, values[i * size + j])) - low) / (high - low)) * 255);
      bytes[k++] = (level - previous) & 255;
      previous = level;
    }
  }
  return bytes;
}

/** PCA coordinates as 16-bit integers of `scale` each. */
function pcaIntegers(pca) {
  const largest = pca.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scale = largest > 0 ? largest / PCA_STEPS : 1;
  return { scale, integers: Int16Array.from(pca, (v) => Math.round(v / scale)) };
}

const body = new Body();
const run = new glue.RfmRun(configJson, readFileSync(www('data/mnist.bin')), '', '');
const started = JSON.parse(run.result());
if (started.config.seeds !== 1) throw new Error('the default run has one seed: the file holds its pictures only');
const messages = [];
const views = [];
let labels = null;
const clock = performance.now();
// Without a helper: the page's numbers do not depend on it (tests/browser/lab.test.mjs).
while (!run.done()) {
  messages.push(JSON.parse(await run.step(() => {})));
  const pictures = run.views();
  labels ??= body.put(pictures.labels);
  const layer = {};
  for (const stage of STAGES) {
    const { gram, pca } = pictures[stage];
    const { scale, integers } = pcaIntegers(pca);
    layer[stage] = {
      gram: { size: gram.size, classStarts: Array.from(gram.classStarts), triangle: body.put(gramBytes(gram)) },
      pca: { scale, integers: body.put(integers) },
    };
  }
  if (pictures.kernel) {
    const { size, values, classStarts } = pictures.kernel;
    const low = values.reduce((m, v) => Math.min(m, v), Infinity);
    const high = Math.max(values.reduce((m, v) => Math.max(m, v), -Infinity), low + 1e-12);
    layer.kernel = { size, classStarts: Array.from(classStarts), low, high, triangle: body.put(gramBytes(pictures.kernel, low, high)) };
  }
  if (pictures.agop) {
    const { diagonal, eigenvectors, count, shape } = pictures.agop;
    layer.agop = { diagonal: body.put(diagonal), eigenvectors: body.put(eigenvectors), count, shape: Array.from(shape) };
  }
  views.push(layer);
  process.stderr.write(`layer ${messages.length} of ${started.config.depth} (${((performance.now() - clock) / 1000).toFixed(1)} s)\n`);
}
run.free();

// The file: the header's length (4 bytes, little-endian), the header (JSON), zeros up to a
// multiple of 4 bytes, then the body.
const header = new TextEncoder().encode(JSON.stringify({ format: 1, config: configJson, started, messages, labels, views }));
const headerEnd = 4 + header.length + ((4 - (header.length % 4)) % 4);
const file = new Uint8Array(headerEnd + body.length);
new DataView(file.buffer).setUint32(0, header.length, true);
file.set(header, 4);
let at = headerEnd;
for (const part of body.parts) {
  file.set(part, at);
  at += part.length;
}
const gzipped = gzipSync(file, { level: 9 });
writeFileSync(`${out}.partial`, gzipped);
renameSync(`${out}.partial`, out);
process.stderr.write(`${out}: ${gzipped.length} bytes (${file.length} inflated)\n`);
