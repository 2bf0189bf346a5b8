// Which build of the lab's wasm module this browser runs, picked at load time by feature
// detection: the SIMD build, or the scalar build (the same functions, slower) where the engine
// lacks WebAssembly SIMD. Both share one JavaScript glue (build.sh checks it).
import init from './pkg/agop_collapse.js';

// A function returning a 128-bit vector (i8x16.popcnt of a splat): valid only where the engine
// has WebAssembly SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** 'simd' or 'scalar'. `?wasm=scalar` in the address of the page (or of a worker) forces the scalar build. */
export const wasmBuild = new URLSearchParams(self.location.search).get('wasm') === 'scalar' || !WebAssembly.validate(SIMD_PROBE)
  ? 'scalar'
  : 'simd';

/** Instantiates the chosen build; resolves when its functions can be called. */
export function startWasm() {
  const file = wasmBuild === 'simd' ? './pkg/agop_collapse_bg.wasm' : './pkg/agop_collapse_scalar_bg.wasm';
  return init({ module_or_path: new URL(file, import.meta.url) });
}

/** The URL of a worker script that runs the same build as this page. */
export function workerUrl(script) {
  const url = new URL(script, import.meta.url);
  if (wasmBuild === 'scalar') url.search = '?wasm=scalar';
  return url;
}
