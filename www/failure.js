// What a worker tells the page when a request fails: the core's own message, or, when the wasm
// instance crashed, the panic's message (the page then replaces the worker).

/** A readable message for an error thrown by a request to the wasm module. */
export function describeFailure(error) {
  const panic = globalThis.agopCollapsePanic;
  if (panic) return `${panic} (the lab has restarted its computation: run again)`;
  if (error instanceof WebAssembly.RuntimeError) {
    return `the computation crashed (${error.message}), perhaps out of memory: try fewer samples`;
  }
  return String(error?.message ?? error);
}
