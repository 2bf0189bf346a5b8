// Helps the computing worker: runs the jobs it is sent (blocks of a layer's large products) in
// its own wasm instance. The page sends the channel the jobs come through:
//   from the page:  { type: 'jobs', port }
//                   { type: 'crash' }   the next job panics on purpose (checks the page's recovery)
//   on the port, in:  { id, batch, shared?, job }   shared: the batch's inputs, sent with the first
//                                                   job of a batch; job as in src/web/offload.rs
//               out:  { id, result } | { id, error }
import { panicOnPurpose, receiveShared, runSharedJob } from './pkg/agop_collapse.js';
import { startWasm } from './wasm.js';
import { describeFailure } from './failure.js';

const ready = startWasm();
let crashNext = false;

async function answer(port, { id, batch, shared, job }) {
  await ready;
  try {
    if (crashNext) panicOnPurpose();
    if (shared) receiveShared(batch, shared);
    const t0 = performance.now();
    const result = runSharedJob(batch, job);
    port.postMessage({ id, result, ms: `${job.kind} ${(performance.now() - t0).toFixed(0)} ms${shared ? ' +shared' : ''}` }, [result.values.buffer]);
  } catch (error) {
    port.postMessage({ id, error: describeFailure(error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === 'jobs') data.port.onmessage = ({ data: request }) => answer(data.port, request);
  if (data.type === 'crash') crashNext = true;
};
