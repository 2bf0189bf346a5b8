// "What is this?": a small (?) button beside every setting and chart, whose short explanation
// shows on hover, on keyboard focus and on a tap (a second tap, Escape or a tap elsewhere hides
// it). Definitions follow the paper's (Beaglehole et al. 2024) and the page's code.

const $ = (id) => document.getElementById(id);

/** Explanations of the settings and view controls, by control id. */
export const CONTROL_TEXTS = {
  preset: 'Ready-made questions: each one sets the settings for one experiment and says what to look for.',
  dataset: 'The data every layer is fitted to: MNIST digits, a synthetic mixture of Gaussian classes, or your own CSV file.',
  'n-train': 'Training samples, spread evenly over the classes: the kernel machines are fitted to them and the collapse metrics measured on them.',
  'n-test': 'Held-out samples: never fitted, they give the test accuracy, and every layer measures their collapse too (the chart "Collapse on held-out data").',
  digits: 'The digit classes used; K, the number of classes, is how many are ticked.',
  pool: '28 × 28 pixels, or 14 × 14 by pooling 2 × 2 blocks: four times fewer input features, a faster first layer.',
  classes: 'K, the number of classes of the synthetic mixture.',
  dim: 'The dimension d of each synthetic sample.',
  rank: 'The synthetic data lie in a subspace of this dimension; 0 uses all d dimensions.',
  separation: 'How far apart the synthetic class means are drawn: larger is easier to separate.',
  noise: 'The spread of the synthetic samples around their class mean.',
  standardize: 'Before the first layer, shift and scale every input feature to mean 0 and standard deviation 1 (with the training samples\' statistics).',
  'csv-file': 'Your own data: a CSV file with a label column and numeric features. It never leaves this page.',
  'test-csv-file': 'Your own held-out samples: a CSV file with the training file\'s columns (its header, or none if it has none) and labels among its classes. With it every row of the training file trains, and the test accuracy and the collapse of held-out data are measured on its rows. It never leaves this page.',
  depth: 'L, the number of layers. Each layer fits a kernel machine, projects the data with the square root of its AGOP, then applies a random map.',
  kernel: 'The kernel of each layer\'s kernel machine: Laplace exp(−‖x − z‖ / L), Gaussian exp(−‖x − z‖² / (2L²)) or linear x · z, with L the bandwidth.',
  bandwidth: 'L, the length scale of the Laplace and Gaussian kernels.',
  ridge: 'μ, the ridge of the kernel regression α = (K + μI)⁻¹ Y: larger smooths the fit.',
  feature: 'The random, untrained map after the projection: ReLU(Wz), cos(Wz + b) (random Fourier features) or the identity (no map).',
  width: 'The number of random features: the dimension of the next layer\'s input.',
  sigma: 'The scale σ of the cos map\'s random weights (Cauchy(0, σ)).',
  projection: 'What each layer multiplies its data by before the random map: M^½, the square root of the AGOP M (the paper), or a control to compare with.',
  seed: 'Every random draw (the samples, the random features) follows from the seed: the same seed and settings give the same numbers.',
  'rfm-iters': 'T, how many times each layer fits its kernel machine: after the first fit (plain distances), each refit measures distances in the metric ‖u‖_M = √(uᵀMu) of the previous fit\'s AGOP M, as a Recursive Feature Machine does; the layer projects with the last AGOP. 1 is the paper\'s Deep RFM.',
  'agop-power': 'P, the power of the AGOP M each layer projects with: the data become X M^P. ½ (the square root) is the paper\'s; 1 projects with M itself, larger P sharpens toward M\'s top directions.',
  'diag-agop': 'Keep only the AGOP\'s diagonal: each input feature is reweighted by how much the kernel machine\'s gradients use it, with no rotation mixing features. With the AGOP and centred projections.',
  seeds: 'Runs with seeds seed, seed + 1, …; the charts show their geometric mean with a band of one standard deviation.',
  'nc1-variant': 'Which NC1 the chart plots; the caption under the chart gives its formula.',
  'nc1-fit': 'Fits log NC1 against the layer by least squares over the chosen layers: NC1 ≈ c · rˡ, r the factor per layer (below 1: collapse).',
  'nc2-variant': 'Which NC2 the chart plots; the caption under the chart says what it measures.',
  'view-layer': 'The layer shown in the Gram matrix, the PCA and the AGOP pictures and the class-mean spectrum.',
  'view-stage': 'The stage of the layer the pictures and the class-mean spectrum show: X its input, MX after the AGOP projection, PhiMX after the random map (the next layer\'s input).',
  'strip-layers': 'The layers of the strip, as 1,2,4,8; empty for the defaults.',
  'net-depth': 'Hidden layers of the ReLU network (no biases), before a linear output layer.',
  'net-width': 'Units in each hidden layer.',
  gain: 'Scale of the hidden weights at initialisation (xavier-uniform gain): small gains put the network in the feature-learning regime.',
  'output-init': 'How the output layer starts: PyTorch\'s default, or xavier-uniform with the small gain.',
  lr: 'Adam\'s learning rate.',
  'adam-reset': 'One Adam for the whole run, or a new one (fresh moments and step count) at every epoch as the authors\' script builds it; with the reset a small-gain network can stay on its plateau far longer.',
  batch: 'Training samples per step of Adam.',
  epochs: 'Passes over the training samples.',
  every: 'Epochs between measurements (NC1 at each stage, the NFA correlation, the accuracies); the first and last epochs are measured too.',
  'net-layer': 'The hidden layer the NC1, Neural Feature Ansatz and alignment charts show; the default is the middle one.',
};

/** Explanations of the charts, by their figure's data-chart. */
export const CHART_TEXTS = {
  nc1: 'NC1 = tr(Σw) / (K tr(Σb)): Σw the covariance of the samples about their class mean, Σb the covariance of the K class means. Measured at every layer\'s input X, after the AGOP projection (MX) and after the random map (PhiMX).',
  nc2: 'NC2 = the mean, over the K² entries, of (G − E)²: G the cosine Gram matrix of the centred class means, E a regular simplex\'s (1 on the diagonal, −1/(K−1) off it).',
  projections: 'The same settings run with each Projection: NC1 of every layer\'s input X. If the AGOP\'s line falls fastest, the AGOP does the collapsing, not the random maps.',
  accuracy: 'The share of samples whose largest output of the layer\'s kernel machine is their class, on the training and test samples.',
  heldout: 'NC1 measured twice at every layer and stage: on the training samples the kernel machines were fitted to (solid) and on the held-out test samples (dashed), taken through the same layers and measured around their own class means. A widening gap: the collapse is of the training set, not of the classes.',
  alignment: 'tr(UᵀMU) / tr(M), U an orthonormal basis of the r directions spanned by the centred class means of the layer\'s input, M the matrix the layer projects with: the share of M along those directions, between 0 and 1. The identity (a random, isotropic matrix) gives r/p, p the input\'s dimension: the dashed line.',
  spectrum: 'The singular values of the K × p matrix of centred class means μc − μG, each over the largest. A regular simplex (NC2) has K − 1 equal values and a zero: the dashed line. Numerical rank: values above 1e-6 of the largest; stable rank: ‖Hc‖²_F / σ_max(Hc)² of the centred features Hc.',
  gram: 'Entry (i, j) is the cosine between samples i and j after subtracting the mean sample, samples sorted by class; red +1, blue −1.',
  pca: 'Every training sample on the two directions of largest variance of the chosen layer and stage, one colour per class.',
  strip: 'The Gram picture at a few layers, side by side: watch the blocks on the diagonal form.',
  mechanism: 'One layer, move by move: its input X, the kernel matrix K its kernel machine is fitted with, that machine\'s AGOP M, the data projected with M^½ (MX) and the random map\'s output (PhiMX); NC1 under each picture is measured after that move.',
  agop: 'The AGOP M = the average over training samples of Σc ∇fc(x) ∇fc(x)ᵀ, f the layer\'s kernel predictor, scaled to largest entry 1. The layer projects its data with M^½.',
  time: 'Seconds each layer spent on each step, computed in this browser.',
  table: 'Every metric at every layer and stage. NCC agreement: the share of samples whose nearest class mean gives the kernel machine\'s label. CDNV: the within-class spread over the squared distance between class means, averaged over class pairs. Stable rank: the squared Frobenius norm of the centred features over their squared largest singular value. Class-mean rank: how many singular values of the centred class means exceed 1e-6 of the largest (K-1 for a simplex). Alignment: the share of the layer\'s projection matrix along the class-mean directions, beside the identity\'s r/p. Then the same metrics of the held-out test samples, and the singular values themselves.',
  'net-loss': 'Mean squared error of the outputs against the ±1 labels, over the training samples.',
  'net-accuracy': 'The share of samples whose largest network output is their class, on the training and test samples.',
  'net-nc1': 'NC1 (the paper\'s) of the chosen layer\'s input, of S Vᵀ times it and of its output ReLU(W · input), with W = U S Vᵀ the layer\'s weights.',
  'net-share': 'Share = [log NC1(in) − log NC1(SVt)] / [log NC1(in) − log NC1(out)]: the part of the layer\'s fall of NC1 done by S Vᵀ.',
  'net-nfa': 'The Neural Feature Ansatz: the Pearson correlation of all entries of WᵀW with AGOP^½ (and with the AGOP), the AGOP of the network from this layer to the output; and with AGOP^α for the α of 0.05, 0.10, …, 1.50 that correlates best (the fitted exponent).',
  'net-alignment': 'tr(UᵀAU) / tr(A) for A = WᵀW and A = the layer\'s AGOP, U an orthonormal basis of the r directions spanned by the centred class means of the layer\'s input: the share of A along them. A random, isotropic matrix gives r/p, p the input\'s width (dashed grey); Rangamani et al. (2023) watch WᵀW approach 1.',
  'net-nc3': 'NC3, self-duality: ‖W_out/‖W_out‖_F − M/‖M‖_F‖²_F, W_out the output layer\'s weights (K × width), M the centred class means of the last hidden layer\'s output. 0 when each class\'s weights point along its class mean.',
  'net-table': 'Every metric of every stage of every hidden layer at the last measurement, with each layer\'s NFA correlations, fitted exponent α, alignments, the identity\'s r/p and share; the CSV gives every measurement.',
  'net-compare': 'NC1 of every layer\'s output: the trained network\'s hidden layers against Deep RFM\'s layers (after the random map) on the same data.',
};

let open = null; // the button whose explanation is shown
let pinned = false; // opened by a tap or a click: stays until closed

function popover() {
  let pop = $('explain-pop');
  if (!pop) {
    pop = document.createElement('div');
    pop.id = 'explain-pop';
    pop.className = 'explain-pop';
    pop.setAttribute('role', 'tooltip');
    pop.hidden = true;
    document.body.append(pop);
  }
  return pop;
}

function show(button, pin) {
  const pop = popover();
  if (open && open !== button) open.setAttribute('aria-expanded', 'false');
  open = button;
  pinned = pin;
  pop.textContent = button.dataset.explain;
  pop.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  button.setAttribute('aria-describedby', 'explain-pop');
  // Below the button, kept on screen.
  const r = button.getBoundingClientRect();
  const width = Math.min(320, window.innerWidth - 16);
  pop.style.width = `${width}px`;
  pop.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - width - 8))}px`;
  const below = r.bottom + 6;
  pop.style.top = `${below}px`;
  const height = pop.getBoundingClientRect().height;
  if (below + height > window.innerHeight - 8 && r.top - 6 - height > 8) pop.style.top = `${r.top - 6 - height}px`;
}

function hide() {
  if (!open) return;
  open.setAttribute('aria-expanded', 'false');
  open.removeAttribute('aria-describedby');
  open = null;
  pinned = false;
  popover().hidden = true;
}

/** A (?) button explaining `what` with `text`. */
function explainButton(what, text) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'explain';
  button.textContent = '?';
  button.dataset.explain = text;
  button.setAttribute('aria-label', `What is ${what}?`);
  button.setAttribute('aria-expanded', 'false');
  button.addEventListener('mouseenter', () => { if (!pinned) show(button, false); });
  button.addEventListener('mouseleave', () => { if (!pinned && open === button) hide(); });
  button.addEventListener('focus', () => { if (open !== button) show(button, false); });
  button.addEventListener('blur', () => { if (open === button) hide(); });
  button.addEventListener('click', (event) => {
    event.preventDefault(); // inside a label: no click on its control
    if (open === button && pinned) hide();
    else show(button, true);
  });
  return button;
}

/** The words naming a control: its label's own text. */
function controlName(element) {
  if (element.id === 'digits') return 'Digits';
  const label = element.closest('label');
  const text = [...(label?.childNodes ?? [])].find((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== '');
  return text ? text.textContent.trim() : element.id;
}

/** Adds the (?) buttons beside the controls and the charts' titles. */
export function setupExplain() {
  for (const [id, text] of Object.entries(CONTROL_TEXTS)) {
    const control = $(id);
    if (!control) continue;
    const button = explainButton(controlName(control), text);
    if (id === 'digits') control.querySelector('legend').append(' ', button);
    else if (id === 'nc1-fit') control.closest('label').after(button);
    else {
      // After the control, inside its label (the control stays the label's first labelable element).
      const label = control.closest('label');
      if (label) label.append(button);
      else control.after(button);
    }
  }
  for (const [key, text] of Object.entries(CHART_TEXTS)) {
    const figure = document.querySelector(`[data-chart="${key}"]`);
    const title = figure?.querySelector('h2');
    if (!title) continue;
    const button = explainButton(`the chart "${title.textContent.trim()}"`, text);
    button.classList.add('explain-chart');
    title.after(button);
  }
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') hide(); });
  document.addEventListener('pointerdown', (event) => {
    if (open && !event.target.closest?.('.explain, #explain-pop')) hide();
  });
  // Scrolling (the page or the settings column) carries the explanation along with its button.
  window.addEventListener('scroll', () => { if (open) show(open, pinned); }, { passive: true, capture: true });
}
