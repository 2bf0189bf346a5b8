// Exercises: the paper's open questions as ready-made links (a config plus what to look for).
// Each preset is a hash; `preset=ID` in a link shows its text.
//
// `checks` lists what the text says about its runs, as claims tests/exercises.test.mjs runs with
// the command-line tool and asserts (a text must never promise what its run does not show):
//   says     the words of the text the claim stands for (questions: the answer they lead to)
//   claim    a claim of tests/exercises.test.mjs, with its own fields (stage, layer, min, max, ...)
//   change   settings the reader changes before that run (null removes one), as in the link
//   program  'rfm' (the default: the Deep RFM run) or 'mlp' (the Train button's network)
//   against  other runs the claim compares with, by name: { name: change }
// Layers count from 1; 'last' is the last layer or the last measurement.

export const PRESETS = [
  {
    id: 'agop-drives-collapse',
    title: '1. Does the AGOP drive the collapse?',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Each layer is measured at three stages: its input (X), after the AGOP projection (MX) and after the random map (PhiMX). '
      + 'Run it and compare the three NC1 lines: the drop happens at MX, below X at every layer, and PhiMX gives a little of it back. '
      + 'Then set the feature map to "identity" and run again: without a nonlinearity, does collapse keep going layer after layer?',
    checks: [
      { says: 'MX below X at every layer', claim: 'below', lower: 'MX', upper: 'X' },
      { says: 'PhiMX gives a little back', claim: 'below', lower: 'MX', upper: 'PhiMX' },
      { says: 'with ReLU, collapse keeps going (NC1 of X falls over 20x from layer 2 to 8)', claim: 'falls', stage: 'X', from: 2, min: 20 },
      { says: 'with "identity" it does not (NC1 of X falls under 2x from layer 2 to 8)', change: { feature: 'identity' }, claim: 'falls', stage: 'X', from: 2, max: 2 },
    ],
  },
  {
    id: 'is-it-the-agop',
    title: '1b. Is it really the AGOP? Swap it for a control',
    hash: 'dataset=mnist&n=500&test=250&depth=6&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Run it: every layer projects with its AGOP. Then set Projection to "none (identity)" and run, then "AGOP spectrum, random directions", '
      + '"class means (Σb)" and "centred gradients", running each time. The chart "Is it really the AGOP?" keeps one NC1 line per projection. '
      + 'Which controls collapse at all? Does the AGOP\'s spectrum alone do it, or its directions? Does projecting on the class means, '
      + 'which needs no kernel machine, go as far, and what happens to its test accuracy?',
    checks: [
      { says: 'the AGOP collapses (NC1 of X below 0.005 at layer 6)', claim: 'value', stage: 'X', max: 0.005 },
      { says: 'no projection: NC1 rises', change: { projection: 'none' }, claim: 'falls', stage: 'X', max: 0.8 },
      { says: 'the spectrum alone: NC1 rises', change: { projection: 'random-spectrum' }, claim: 'falls', stage: 'X', max: 0.8 },
      { says: 'class means: NC1 stalls near 0.1', change: { projection: 'class-means' }, claim: 'value', stage: 'X', layers: [2, 3, 4, 5, 6], min: 0.05, max: 0.2 },
      { says: 'class means: test accuracy falls by over 0.2', change: { projection: 'class-means' }, claim: 'accuracy_falls', which: 'test', min: 0.2 },
      { says: 'centred gradients: NC1 falls only slowly, staying above 0.1', change: { projection: 'centred' }, claim: 'value', stage: 'X', layers: [2, 3, 4, 5, 6], min: 0.1, max: 0.25 },
    ],
  },
  {
    id: 'figure-1-depth-20',
    title: '1c. The paper\'s Figure 1: twenty layers',
    hash: 'dataset=mnist&n=1000&test=500&depth=20&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Deep RFM on MNIST with the Laplace kernel and ReLU features, twenty layers deep, as in the paper\'s Figure 1. '
      + 'It takes about twice as long as the default eight layers. The strip under the Gram matrix shows layers 1, 3, 7, 13 and 19: '
      + 'watch the blocks of each class turn solid and the rest turn uniform. Fit the rate on the NC1 chart: does the collapse keep its pace '
      + 'over twenty layers, as the theory\'s exponential approach says?',
    checks: [
      { says: 'about twice as long as the default eight layers', claim: 'seconds_ratio', against: { eight: { depth: 8 } }, than: 'eight', min: 1.3, max: 4 },
      { says: 'it keeps its pace: NC1 of X falls about twofold per layer over layers 2-11 and again over 11-20', claim: 'steady_rate', stage: 'X', from: 2, to: 20, min: 1.5, max: 3, spread: 1.5 },
    ],
  },
  {
    id: 'three-seeds',
    title: '1d. As the paper plots it: mean and spread over seeds 0, 1, 2',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&seed=0&seeds=3',
    text: 'The paper\'s plots average three seeds and shade one standard deviation. This runs the default experiment with seeds 0, 1 and 2, '
      + 'one after another (each a new draw of the 1000 digits and new random features): about three times as long as a single run. '
      + 'The lines are the geometric means and the bands one standard deviation of the logarithms. Is the drop from X to MX '
      + 'larger than the spread between seeds? Which stage varies most from seed to seed, and at which layers?',
    checks: [
      { says: 'about three times as long as a single run', claim: 'seconds_ratio', against: { single: { seeds: null } }, than: 'single', min: 2, max: 6 },
      { says: 'the drop from X to MX is over 5 times the spread between seeds at every layer', claim: 'drop_beyond_spread', upper: 'X', lower: 'MX', factor: 5 },
    ],
  },
  {
    id: 'kernel-and-map',
    title: '2. How much do the kernel and the random map matter?',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=gaussian&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'This run uses the Gaussian kernel. Compare its NC1 curve with the Laplace kernel and with the linear one: all three collapse, '
      + 'at different speeds, and the linear kernel tests worse. Then, with the Gaussian kernel, try the cos map (random Fourier features) '
      + 'with sigma 0.05: the random map now undoes much of each AGOP step: by layer 8, PhiMX sits about 100 times above MX and X about 200 times. '
      + 'Which ingredient is essential, and which only changes the speed?',
    checks: [
      { says: 'the Gaussian kernel collapses (NC1 of X falls over 100x)', claim: 'falls', stage: 'X', min: 100 },
      { says: 'the Laplace kernel collapses', change: { kernel: 'laplace' }, claim: 'falls', stage: 'X', min: 100 },
      { says: 'the linear kernel collapses', change: { kernel: 'linear' }, claim: 'falls', stage: 'X', min: 100 },
      { says: 'at different speeds (Gaussian over 10x below Laplace at layer 8)', claim: 'compare', stage: 'X', against: { laplace: { kernel: 'laplace' } }, than: 'laplace', max: 0.1 },
      { says: 'the linear kernel tests worse (by over 0.1)', change: { kernel: 'linear' }, claim: 'compare', metric: 'test_acc', against: { gaussian: {} }, than: 'gaussian', max: 0.9 },
      { says: 'cos map, sigma 0.05: PhiMX about 100 times above MX at layer 8', change: { feature: 'cos', sigma: 0.05 }, claim: 'stage_ratio', upper: 'PhiMX', lower: 'MX', min: 50, max: 200 },
      { says: 'cos map, sigma 0.05: X about 200 times above MX at layer 8', change: { feature: 'cos', sigma: 0.05 }, claim: 'stage_ratio', upper: 'X', lower: 'MX', min: 100, max: 400 },
    ],
  },
  {
    id: 'binary-and-ridge',
    title: '3. Two classes, and the role of the ridge',
    hash: 'dataset=mnist&n=400&test=200&digits=3,8&depth=6&kernel=laplace&bandwidth=2&ridge=0.1&feature=relu&width=256',
    text: 'Threes against eights (K = 2), with a large ridge of 0.1. Run it, then lower the ridge to 0.001 and to 0.00001. '
      + 'The large ridge collapses a little more slowly; below 0.001 the ridge hardly matters; the test accuracy stays near 0.94. '
      + 'For K = 2 the simplex is two opposite points, and two centred class means always are: NC2 is zero, up to rounding, '
      + 'at every stage from the input on. Only NC1 has something to show.',
    checks: [
      { says: 'the large ridge collapses more slowly (NC1 of X at layer 6 over 1.2x that of ridge 0.001)', claim: 'compare', stage: 'X', against: { small: { ridge: 0.001 } }, than: 'small', min: 1.2 },
      { says: 'below 0.001 the ridge hardly matters (within 10% at layer 6)', change: { ridge: 0.00001 }, claim: 'compare', stage: 'X', against: { small: { ridge: 0.001 } }, than: 'small', min: 0.9, max: 1.1 },
      { says: 'test accuracy near 0.94 (ridge 0.1)', claim: 'accuracy', which: 'test', layers: 'all', min: 0.9, max: 0.98 },
      { says: 'test accuracy near 0.94 (ridge 0.001)', change: { ridge: 0.001 }, claim: 'accuracy', which: 'test', layers: 'all', min: 0.9, max: 0.98 },
      { says: 'test accuracy near 0.94 (ridge 0.00001)', change: { ridge: 0.00001 }, claim: 'accuracy', which: 'test', layers: 'all', min: 0.9, max: 0.98 },
      { says: 'NC2 is zero at every stage', claim: 'value', metric: 'nc2', stages: ['X', 'MX', 'PhiMX'], layers: 'all', max: 1e-20 },
    ],
  },
  {
    id: 'dimension-and-rank',
    title: '4. Data of low rank in a high dimension',
    hash: 'dataset=synthetic&n=400&test=200&classes=4&dim=200&rank=3&separation=3&noise=1&depth=6&feature=relu&width=256',
    text: 'Four Gaussian classes in 200 dimensions, varying only within a random 3-dimensional subspace, just room for the four class means: '
      + 'the noise shares their directions and the classes overlap (test accuracy about 0.7). The kernel machine still fits every '
      + 'training label, its AGOP follows the noise, and NC1 rises with depth (at layer 1, MX is already above X). '
      + 'Set rank to 10: seven directions hold only noise, the AGOP drops them, NC1 falls over tenfold. '
      + 'With rank 1, row normalisation maps every sample to one of two points: nothing is learned.',
    checks: [
      { says: 'test accuracy about 0.7', claim: 'accuracy', which: 'test', layers: [1], min: 0.6, max: 0.8 },
      { says: 'the kernel machine fits every training label', claim: 'accuracy', which: 'train', layers: 'all', min: 0.99 },
      { says: 'NC1 rises with depth (over twofold from layer 1 to 6)', claim: 'falls', stage: 'X', max: 0.5 },
      { says: 'at layer 1, MX is above X', claim: 'below', lower: 'X', upper: 'MX', layers: [1] },
      { says: 'rank 10: NC1 falls over tenfold', change: { rank: 10 }, claim: 'falls', stage: 'X', min: 10 },
      { says: 'rank 1: nothing is learned (train accuracy near chance)', change: { rank: 1 }, claim: 'accuracy', which: 'train', layers: 'all', max: 0.35 },
      { says: 'rank 1: nothing changes from stage to stage', change: { rank: 1 }, claim: 'constant', stage: 'X' },
    ],
  },
  {
    id: 'beyond-nc1-nc2',
    title: '5. Beyond NC1 and NC2',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Switch the NC2 chart to "equal norms" and "equal angles", and the NC1 chart to Papyan\'s variant. '
      + 'Do the class means become equinorm and equiangular at the same pace? Both level off after a few layers, while NC1 keeps falling. '
      + 'In the table, watch the NCC agreement: the nearest-class-mean rule comes to agree with the kernel machine on nearly every '
      + 'training digit (from 0.83 at layer 1 to above 0.99).',
    checks: [
      { says: 'equal norms level off (layer 8 within 2x of layer 4)', claim: 'falls', metric: 'nc2_equinorm', stage: 'X', from: 4, max: 2 },
      { says: 'equal angles level off (layer 8 within 2x of layer 4)', claim: 'falls', metric: 'nc2_equiangle', stage: 'X', from: 4, max: 2 },
      { says: 'NC1 (Papyan) keeps falling (over 10x from layer 4 to 8)', claim: 'falls', metric: 'nc1_papyan', stage: 'X', from: 4, min: 10 },
      { says: 'NCC agreement 0.83 at layer 1', claim: 'value', metric: 'ncc_agreement', stage: 'X', layers: [1], min: 0.78, max: 0.88 },
      { says: 'NCC agreement above 0.99 at the end', claim: 'value', metric: 'ncc_agreement', stage: 'X', min: 0.99 },
    ],
  },
  {
    id: 'network-against-rfm',
    title: '6. A trained network against Deep RFM, layer by layer',
    hash: 'dataset=mnist&n=1000&test=500&depth=5&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&net_depth=5&net_width=256&gain=0.1&lr=0.001&batch=128&epochs=100&every=10',
    text: 'Run Deep RFM (5 layers), then press Train in the network panel below (5 hidden layers, the same digits). '
      + 'The last chart puts the NC1 of each layer\'s output side by side: both end near 0.004, but Deep RFM halves it layer after layer '
      + 'while the network does most of it in its first two layers. How much of each layer\'s drop happens already at S V^T '
      + '(the share chart)? Is that the same mechanism as the AGOP projection of Deep RFM?',
    checks: [
      { says: 'Deep RFM ends near 0.004', claim: 'value', stage: 'PhiMX', min: 0.002, max: 0.008 },
      { says: 'the network ends near 0.004', program: 'mlp', claim: 'net_value', stage: 'out', layer: 'last', min: 0.002, max: 0.008 },
      { says: 'Deep RFM halves it layer after layer', claim: 'steady_rate', stage: 'PhiMX', from: 1, to: 5, min: 1.5, max: 3, spread: 1.5 },
      { says: 'the network does most of it in its first two layers', program: 'mlp', claim: 'net_front_loaded', layers: 2, min: 0.7 },
    ],
  },
  {
    id: 'network-paper-setting',
    title: '6b. The paper\'s network setting, 200 epochs',
    hash: 'dataset=mnist&n=1000&test=500&depth=5&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&net_depth=5&net_width=256&gain=0.1&output_init=torch&lr=0.001&batch=128&epochs=200&every=20',
    text: 'The authors\' training run (at width 256 instead of 512): 5 hidden layers, xavier gain 0.1, the output layer at PyTorch\'s default, '
      + 'Adam 1e-3 on batches of 128 for 200 epochs (the default Train stops at 70). Press Train and watch: a plateau, '
      + 'then the loss falls and the first layers collapse, most of it already at S V^T (shares above one half in layers 1 to 3); '
      + 'layers 4 and 5 barely collapse (layer 4\'s share is greyed, layer 5\'s near zero). Test accuracy ends near 0.8.',
    checks: [
      { says: 'a plateau (epochs 20 to 40)', program: 'mlp', claim: 'plateau', from: 20, to: 40, tolerance: 0.02, maxAcc: 0.3 },
      { says: 'then the loss falls', program: 'mlp', claim: 'net_metric', key: 'train_loss', max: 0.01 },
      { says: 'the first layers collapse, shares above one half in layers 1 to 3', program: 'mlp', claim: 'net_layers', layers: [1, 2, 3], minFall: 1.5, minShare: 0.5 },
      { says: 'layers 4 and 5 barely collapse', program: 'mlp', claim: 'net_layers', layers: [4, 5], maxFall: 1.6 },
      { says: 'layer 4\'s share is greyed', program: 'mlp', claim: 'net_layers', layers: [4], little: true },
      { says: 'layer 5\'s share near zero', program: 'mlp', claim: 'net_layers', layers: [5], minShare: -0.2, maxShare: 0.2 },
      { says: 'test accuracy near 0.8', program: 'mlp', claim: 'net_metric', key: 'test_acc', min: 0.72, max: 0.88 },
    ],
  },
  {
    id: 'output-layer-init',
    title: '6c. Why the output layer\'s initialisation matters',
    hash: 'dataset=mnist&n=1000&test=500&depth=5&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&net_depth=5&net_width=256&gain=0.1&output_init=xavier&lr=0.001&batch=128&epochs=100&every=10',
    text: 'Here the output layer is drawn like the hidden ones, xavier with the small gain 0.1, instead of PyTorch\'s default that the authors\' code keeps. '
      + 'Press Train, note when the loss leaves its plateau and the test accuracy reached; then set "Output layer" to "PyTorch default" and train again. '
      + 'A tiny output layer shrinks every gradient flowing back through it: the network learns later (at epoch 60 it is at chance, '
      + 'where the default fits half the digits) and ends near 0.5 in test accuracy instead of 0.8.',
    checks: [
      { says: 'at epoch 60 it is at chance', program: 'mlp', claim: 'net_metric', epoch: 60, key: 'train_acc', max: 0.15 },
      { says: 'the default fits half the digits at epoch 60', program: 'mlp', change: { output_init: null }, claim: 'net_metric', epoch: 60, key: 'train_acc', min: 0.35, max: 0.7 },
      { says: 'ends near 0.5 in test accuracy', program: 'mlp', claim: 'net_metric', key: 'test_acc', min: 0.4, max: 0.65 },
      { says: 'the default ends near 0.8', program: 'mlp', change: { output_init: null }, claim: 'net_metric', key: 'test_acc', min: 0.72, max: 0.88 },
    ],
  },
  {
    id: 'neural-feature-ansatz',
    title: '7. Does W^T W track the AGOP, and from when?',
    hash: 'dataset=mnist&n=500&test=250&depth=3&net_depth=3&net_width=128&gain=0.1&lr=0.001&batch=64&epochs=60&every=5',
    text: 'Train the network and watch the Neural Feature Ansatz chart: the correlation of W^T W with the AGOP^1/2 of each layer. '
      + 'It is already high at initialisation (the dotted line, 0.75 to 0.91): what does training add, and when? '
      + 'Then set the initial gain to 1 (the lazy regime) and train again: does feature learning still happen?',
    checks: [
      { says: 'already high at initialisation (0.75 to 0.91)', program: 'mlp', claim: 'nfa', epoch: 0, min: 0.7, max: 0.95 },
      { says: 'training raises it in every layer', program: 'mlp', claim: 'nfa_rises', min: 0.03 },
      { says: 'with gain 1 it ends lower in every layer', program: 'mlp', change: { gain: 1 }, claim: 'nfa_compare', against: { small: {} }, than: 'small' },
      { says: 'with gain 1 the last layer collapses far less (NC1 of its output over 10x higher)', program: 'mlp', change: { gain: 1 }, claim: 'net_compare', stage: 'out', against: { small: {} }, than: 'small', min: 10 },
    ],
  },
  {
    id: 'linear-kernel-exact',
    title: '8. Why does the AGOP collapse classes? The exact case',
    hash: 'dataset=mnist&n=500&test=0&standardize=0&depth=1&kernel=linear&ridge=0.00000001&feature=identity',
    text: 'With a linear kernel, a tiny ridge and fewer samples (500) than pixels (784), one AGOP projection makes the Gram matrix of the data '
      + 'proportional to that of the labels: NC1 and NC2 at MX fall below 1e-8 (from 0.37 and 0.04 at the input) and the Gram picture at MX '
      + 'is a perfect block pattern. Raise the ridge step by step (1e-6, 1e-4, 1e-2): how smoothly does the exact collapse fade?',
    checks: [
      { says: 'NC1 at MX below 1e-8', claim: 'value', stage: 'MX', max: 1e-8 },
      { says: 'NC2 at MX below 1e-8', claim: 'value', stage: 'MX', metric: 'nc2', max: 1e-8 },
      { says: 'NC1 0.37 at the input', claim: 'value', stage: 'X', min: 0.33, max: 0.41 },
      { says: 'NC2 0.04 at the input', claim: 'value', stage: 'X', metric: 'nc2', min: 0.035, max: 0.045 },
      { says: 'each step of the ridge raises NC1 at MX', claim: 'increasing', stage: 'MX', against: { r6: { ridge: 0.000001 }, r4: { ridge: 0.0001 }, r2: { ridge: 0.01 } }, order: ['r6', 'r4', 'r2'] },
    ],
  },
  {
    id: 'cost',
    title: '9. What does it cost?',
    hash: 'dataset=mnist&n=2000&test=500&depth=4&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=1024',
    text: 'Twice the samples and a four times wider feature map. Look at the time chart: which step dominates, and how does each grow '
      + 'when you double the samples, the width or the depth? With 4000 samples each layer takes about four times as long, and so does '
      + 'its kernel step: the kernel matrix has N² entries, and the ridge solve\'s work grows with N³.',
    checks: [
      { says: 'with 4000 samples each layer takes about four times as long (checked loosely: 2 to 8)', change: { n: 4000 }, claim: 'layer_seconds_ratio', against: { base: {} }, than: 'base', min: 2, max: 8 },
      { says: 'and so does its kernel step (checked loosely: 2 to 8)', change: { n: 4000 }, claim: 'layer_seconds_ratio', step: 'kernel', against: { base: {} }, than: 'base', min: 2, max: 8 },
    ],
  },
  {
    id: 'other-data',
    title: '10. Does it carry over to other data?',
    hash: 'dataset=synthetic&n=600&test=300&classes=6&dim=50&rank=0&separation=3&noise=1&depth=8&feature=relu&width=256',
    text: 'Six Gaussian clusters in 50 dimensions instead of digits. Does Deep RFM collapse them the same way? It does: MX below X '
      + 'at every layer, and NC1 falling about twofold per layer. Then load your own CSV file (a label column and numeric features) '
      + 'and run it: the same three stages, the same charts.',
    checks: [
      { says: 'MX below X at every layer', claim: 'below', lower: 'MX', upper: 'X' },
      { says: 'NC1 falling about twofold per layer', claim: 'steady_rate', stage: 'X', from: 2, to: 8, min: 1.5, max: 3, spread: 1.5 },
    ],
  },
  {
    id: 'held-out-collapse',
    title: '11. Does the test set collapse too?',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Every collapse number so far is measured on the training digits, the ones each layer\'s kernel machine is fitted to. '
      + 'The 500 test digits go through the same layers (the same AGOPs, the same random maps) and are measured too: '
      + 'the chart "Collapse on held-out data" draws both. Run it. Does the test set collapse as the training set does? '
      + 'At which layers does the gap open, and does the test accuracy follow the training set\'s collapse?',
    checks: [
      { says: 'at layer 1 the two sets agree (test NC1 within 10% of the training set\'s)', claim: 'held_out_gap', stage: 'X', layers: [1], min: 0.9, max: 1.1 },
      { says: 'the test set collapses too (its NC1 of X falls over 10x from layer 1 to 8)', claim: 'falls', set: 'test', stage: 'X', min: 10 },
      { says: 'but far less than the training set (whose NC1 falls over 200x)', claim: 'falls', stage: 'X', min: 200 },
      { says: 'the gap opens layer by layer: over 2x by layer 4', claim: 'held_out_gap', stage: 'X', layers: [4], min: 2 },
      { says: 'and over 10x by layer 8', claim: 'held_out_gap', stage: 'X', layers: ['last'], min: 10 },
      { says: 'the test accuracy does not follow: it stays between 0.85 and 0.92 at every layer', claim: 'accuracy', which: 'test', layers: 'all', min: 0.85, max: 0.92 },
    ],
  },
  {
    id: 'rfm-knobs',
    title: '12. The RFM\'s own knobs: iterations, power, diagonal',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Each layer here is the paper\'s: one kernel machine, its AGOP M, the data projected with M^½. A Recursive Feature Machine '
      + 'usually refits: set "RFM iterations per layer" to 2 and run. The second fit measures distances in the metric the first fit\'s AGOP learned. '
      + 'Does the AGOP get sharper (its effective rank, in the table) and line up better with the class means (the chart "Where the AGOP points")? '
      + 'Back to 1: set "AGOP power" to 1 (project with M itself) and run. Back to ½: tick "Diagonal AGOP only" and run. '
      + 'Which of them still collapse? What does the diagonal lose?',
    checks: [
      { says: 'the paper\'s layer collapses (NC1 of X falls over 200x)', claim: 'falls', stage: 'X', min: 200 },
      { says: 'two iterations collapse as well (over 200x)', change: { rfm_iters: 2 }, claim: 'falls', stage: 'X', min: 200 },
      { says: 'two iterations sharpen the AGOP: its effective rank at layer 8 is under 0.8 of one iteration\'s', change: { rfm_iters: 2 }, claim: 'compare', metric: 'agop_effective_rank', against: { one: {} }, than: 'one', max: 0.8 },
      { says: 'and line it up better with the class means: alignment at layer 8 over 1.1 times one iteration\'s', change: { rfm_iters: 2 }, claim: 'compare', metric: 'agop_alignment', against: { one: {} }, than: 'one', min: 1.1 },
      { says: 'power 1 still collapses (over 100x)', change: { agop_power: 1 }, claim: 'falls', stage: 'X', min: 100 },
      { says: 'the diagonal does not collapse: NC1 of X ends higher than it starts', change: { diag_agop: 1 }, claim: 'falls', stage: 'X', max: 1 },
      { says: 'the diagonal loses the directions: its alignment with the class means stays under 0.1 at every layer', change: { diag_agop: 1 }, claim: 'value', metric: 'agop_alignment', layers: 'all', max: 0.1 },
      { says: 'and the test accuracy falls by over 0.1 from layer 1 to 8', change: { diag_agop: 1 }, claim: 'accuracy_falls', which: 'test', min: 0.1 },
    ],
  },
];

/** The preset with this id, if any. */
export function findPreset(id) {
  return PRESETS.find((p) => p.id === id) ?? null;
}
