// Exercises: the paper's open questions as ready-made links (a config plus what to look for).
// Each preset is a hash; `preset=ID` in a link shows its text.

export const PRESETS = [
  {
    id: 'agop-drives-collapse',
    title: '1. Does the AGOP drive the collapse?',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Each layer is measured at three stages: its input (X), after the AGOP projection (MX) and after the random map (PhiMX). '
      + 'Run it and compare the three NC1 lines: where does the drop happen? Then set the feature map to "identity" and run again: '
      + 'without a nonlinearity, does collapse keep going layer after layer?',
  },
  {
    id: 'is-it-the-agop',
    title: '1b. Is it really the AGOP? Swap it for a control',
    hash: 'dataset=mnist&n=500&test=250&depth=6&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Run it: every layer projects with its AGOP. Then set Projection to "none (identity)" and run, then "AGOP spectrum, random directions", '
      + '"class means (Σb)" and "centred gradients", running each time. The chart "Is it really the AGOP?" keeps one NC1 line per projection. '
      + 'Which controls collapse at all? Does the AGOP\'s spectrum alone do it, or its directions? Does projecting on the class means, '
      + 'which needs no kernel machine, go as far, and what happens to its test accuracy?',
  },
  {
    id: 'figure-1-depth-20',
    title: '1c. The paper\'s Figure 1: twenty layers',
    hash: 'dataset=mnist&n=1000&test=500&depth=20&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Deep RFM on MNIST with the Laplace kernel and ReLU features, twenty layers deep, as in the paper\'s Figure 1. '
      + 'It takes about 10 s on a laptop with two cores (about half a second per layer). The strip under the Gram matrix shows layers 1, 3, 7, 13 and 19: '
      + 'watch the blocks of each class turn solid and the rest turn uniform. Fit the rate on the NC1 chart: does the collapse keep its pace '
      + 'over twenty layers, as the theory\'s exponential approach says?',
  },
  {
    id: 'three-seeds',
    title: '1d. As the paper plots it: mean and spread over seeds 0, 1, 2',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&seed=0&seeds=3',
    text: 'The paper\'s plots average three seeds and shade one standard deviation. This runs the default experiment with seeds 0, 1 and 2, '
      + 'one after another (each a new draw of the 1000 digits and new random features): about three times a single run, some 15 s on a laptop '
      + 'with two cores. The lines are the geometric means and the bands one standard deviation of the logarithms. Is the drop from X to MX '
      + 'larger than the spread between seeds? Which stage varies most from seed to seed, and at which layers?',
  },
  {
    id: 'kernel-and-map',
    title: '2. How much do the kernel and the random map matter?',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=gaussian&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'This run uses the Gaussian kernel. Compare its NC1 curve with the Laplace kernel and with the linear one, then try the cos map '
      + '(random Fourier features) with a small sigma such as 0.05: MX keeps collapsing while X and PhiMX level off. '
      + 'Which ingredient is essential, and which only changes the speed?',
  },
  {
    id: 'binary-and-ridge',
    title: '3. Two classes, and the role of the ridge',
    hash: 'dataset=mnist&n=400&test=200&digits=3,8&depth=6&kernel=laplace&bandwidth=2&ridge=0.1&feature=relu&width=256',
    text: 'Threes against eights (K = 2), with a large ridge of 0.1. Run it, then lower the ridge to 0.001 and to 0.00001. '
      + 'How does the ridge change the speed of collapse and the test accuracy? For K = 2 the simplex is two opposite points: check NC2.',
  },
  {
    id: 'dimension-and-rank',
    title: '4. Data of low rank in a high dimension',
    hash: 'dataset=synthetic&n=400&test=200&classes=4&dim=200&rank=3&separation=3&noise=1&depth=6&feature=relu&width=256',
    text: 'Four Gaussian classes that live on a 3-dimensional subspace of a 200-dimensional space. With 4 classes the class means need 3 dimensions: '
      + 'what happens to NC1 and NC2 when the rank is 1 or 2, too small to hold a simplex? And when the dimension is far larger than the number of samples?',
  },
  {
    id: 'beyond-nc1-nc2',
    title: '5. Beyond NC1 and NC2',
    hash: 'dataset=mnist&n=1000&test=500&depth=8&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256',
    text: 'Switch the NC2 chart to "equal norms" and "equal angles", and the NC1 chart to Papyan\'s variant. '
      + 'Do the class means become equinorm and equiangular at the same pace? In the table, watch the NCC agreement: '
      + 'does the nearest-class-mean rule come to agree with the kernel machine?',
  },
  {
    id: 'network-against-rfm',
    title: '6. A trained network against Deep RFM, layer by layer',
    hash: 'dataset=mnist&n=1000&test=500&depth=5&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&net_depth=5&net_width=256&gain=0.1&lr=0.001&batch=128&epochs=100&every=10',
    text: 'Run Deep RFM (5 layers), then press Train in the network panel below (5 hidden layers, the same digits). '
      + 'The last chart puts the NC1 of each layer\'s output side by side. In the network, how much of each layer\'s drop happens '
      + 'already at S V^T (the share chart)? Is that the same mechanism as the AGOP projection of Deep RFM?',
  },
  {
    id: 'network-paper-setting',
    title: '6b. The paper\'s network setting, 200 epochs',
    hash: 'dataset=mnist&n=1000&test=500&depth=5&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=256&net_depth=5&net_width=256&gain=0.1&output_init=torch&lr=0.001&batch=128&epochs=200&every=20',
    text: 'The authors\' training run (at width 256 instead of 512): 5 hidden layers, xavier gain 0.1, the output layer at PyTorch\'s default, '
      + 'Adam 1e-3 on batches of 128 for 200 epochs, measured every 20. It takes about half a minute on a laptop with two cores '
      + '(the default Train stops at 70 epochs). Press Train and watch: a plateau, then the loss falls and the first layers collapse, '
      + 'most of it already at S V^T (shares above one half); the last layers barely collapse, and their shares are greyed. '
      + 'Expect a test accuracy of about 0.8.',
  },
  {
    id: 'output-layer-init',
    title: '6c. Why the output layer\'s initialisation matters',
    hash: 'dataset=mnist&n=1000&test=500&depth=5&net_depth=5&net_width=256&gain=0.1&output_init=xavier&lr=0.001&batch=128&epochs=100&every=20',
    text: 'Here the output layer is drawn like the hidden ones, xavier with the small gain 0.1, instead of PyTorch\'s default that the authors\' code keeps. '
      + 'Press Train and note when the loss leaves its plateau and the test accuracy it reaches; then set "Output layer" to "PyTorch default" and train again. '
      + 'A tiny output layer shrinks every gradient that flows back through it: the network waits much longer before it learns.',
  },
  {
    id: 'neural-feature-ansatz',
    title: '7. Does W^T W track the AGOP, and from when?',
    hash: 'dataset=mnist&n=500&test=250&depth=3&net_depth=3&net_width=128&gain=0.1&lr=0.001&batch=64&epochs=60&every=5',
    text: 'Train the network and watch the Neural Feature Ansatz chart: the correlation of W^T W with the AGOP^1/2 of each layer. '
      + 'It is already high at initialisation (the dotted line): what does training add, and when? '
      + 'Then set the initial gain to 1 (the lazy regime) and train again: does feature learning still happen?',
  },
  {
    id: 'linear-kernel-exact',
    title: '8. Why does the AGOP collapse classes? The exact case',
    hash: 'dataset=mnist&n=500&test=0&standardize=0&depth=1&kernel=linear&ridge=0.00000001&feature=identity',
    text: 'With a linear kernel, a tiny ridge and fewer samples (500) than pixels (784), one AGOP projection makes the Gram matrix of the data '
      + 'proportional to that of the labels: NC1 and NC2 at MX fall to about 1e-9 and the Gram picture at MX is a perfect block pattern. '
      + 'Raise the ridge step by step (1e-6, 1e-4, 1e-2): how smoothly does the exact collapse fade?',
  },
  {
    id: 'cost',
    title: '9. What does it cost?',
    hash: 'dataset=mnist&n=2000&test=500&depth=4&kernel=laplace&bandwidth=2&ridge=0.001&feature=relu&width=1024',
    text: 'Twice the samples and a four times wider feature map. Look at the time chart: which step dominates, and how does each grow '
      + 'when you double the samples, the width or the depth? The kernel matrix and the ridge solve grow with the square and the cube of the samples.',
  },
  {
    id: 'other-data',
    title: '10. Does it carry over to other data?',
    hash: 'dataset=synthetic&n=600&test=300&classes=6&dim=50&rank=0&separation=3&noise=1&depth=8&feature=relu&width=256',
    text: 'Six Gaussian clusters instead of digits. Does Deep RFM collapse them the same way? Then load your own CSV file '
      + '(a label column and numeric features) and run it: the same three stages, the same charts.',
  },
];

/** The preset with this id, if any. */
export function findPreset(id) {
  return PRESETS.find((p) => p.id === id) ?? null;
}
