// The page: starts runs in the worker and shows their per-layer collapse.
const run = document.getElementById('run');
const status = document.getElementById('status');
const rows = document.querySelector('#layers tbody');
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

const format = (value) => (value === null ? '–' : value.toPrecision(3));

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

worker.onmessage = ({ data }) => {
  run.disabled = false;
  if (data.type === 'error') {
    status.textContent = `Error: ${data.message}`;
    return;
  }
  const result = data.result;
  rows.replaceChildren();
  for (const layer of result.layers) {
    const row = document.createElement('tr');
    cell(row, String(layer.layer));
    for (const stage of ['X', 'MX', 'PhiMX']) cell(row, format(layer.stages[stage].nc1));
    cell(row, format(layer.train_acc));
    cell(row, format(layer.test_acc));
    rows.append(row);
  }
  status.textContent = `Done in ${result.seconds_total.toFixed(1)} s.`;
};

run.addEventListener('click', () => {
  run.disabled = true;
  status.textContent = 'Running Deep RFM on 1000 MNIST digits…';
  worker.postMessage({ config: {} });
});
status.textContent = 'Ready.';
