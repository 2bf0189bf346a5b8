// Helps the computing worker: runs the jobs it is sent (half of a layer's large products) in
// its own wasm instance.
//   in:  { id, job }              job as described in src/web/offload.rs
//   out: { id, result } | { id, error }
import init, { runJob } from './pkg/agop_collapse.js';
import { describeFailure } from './failure.js';

const ready = init();

self.onmessage = async ({ data: { id, job } }) => {
  await ready;
  try {
    const result = runJob(job);
    postMessage({ id, result }, [result.values.buffer]);
  } catch (error) {
    postMessage({ id, error: describeFailure(error) });
  }
};
