// Helps the computing worker: runs the jobs it is sent (half of a layer's large products) in
// its own wasm instance. The page sends the channel the jobs come through:
//   from the page:  { type: 'jobs', port }
//                   { type: 'crash' }   the next job panics on purpose (the tests' build only)
//   on the port, in:  { id, job }   job as described in src/web/offload.rs
//               out:  { id, result } | { id, error }
import { runJob } from './pkg/agop_collapse.js';
import { startWasm } from './wasm.js';
import { describeFailure } from './failure.js';
import { crashIfTesting } from './worker-base.js';

const ready = startWasm();
let crashNext = false;

async function answer(port, { id, job }) {
  await ready;
  try {
    if (crashNext) await crashIfTesting();
    const result = runJob(job);
    port.postMessage({ id, result }, [result.values.buffer]);
  } catch (error) {
    port.postMessage({ id, error: describeFailure(error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === 'jobs') data.port.onmessage = ({ data: request }) => answer(data.port, request);
  if (data.type === 'crash') crashNext = true;
};
