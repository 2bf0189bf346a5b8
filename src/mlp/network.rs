//! A bias-free ReLU network: forward and backward passes (in f32 for training, as PyTorch
//! trains, or in f64), the AGOP of the network with respect to every hidden layer's input (f64),
//! and the Adam optimiser.
//!
//! Rows are samples. Layer `l` (0-based, as in [`Network::weights`]) maps its input `H` (n x p)
//! to `Z = H W_l^T` and, for a hidden layer, to `ReLU(Z)`; the last layer is linear.

use nalgebra::DMatrix;

use crate::config::mlp::OutputInit;
use crate::error::{Error, Result};
use crate::linalg::{Element, Mat, convert, outer_gram, product, product_transpose, transpose_gram, transpose_product};
use crate::rng::Stream;

/// Adam's decay rate of the gradient average (PyTorch's default).
pub const BETA1: f64 = 0.9;
/// Adam's decay rate of the squared-gradient average (PyTorch's default).
pub const BETA2: f64 = 0.999;
/// Adam's guard against division by zero (PyTorch's default).
pub const EPSILON: f64 = 1e-8;

/// The weights of a bias-free MLP: hidden ReLU layers, then a linear output layer; entries of
/// type `T` (f64 or f32).
#[derive(Debug, Clone, PartialEq)]
pub struct Network<T: Element = f64> {
    /// `W_l` (outputs x inputs) of every layer, the output layer last.
    weights: Vec<DMatrix<T>>,
}

/// Everything a forward pass computes, kept for the backward pass and the measurements.
pub struct Pass<T: Element = f64> {
    /// `Z_l = H_{l-1} W_l^T` of every hidden layer (n x width), `H_{-1}` being the input.
    pub pre: Vec<DMatrix<T>>,
    /// `H_l = ReLU(Z_l)` of every hidden layer.
    pub hidden: Vec<DMatrix<T>>,
    /// The network's output (n x outputs).
    pub output: DMatrix<T>,
}

impl<T: Element> Pass<T> {
    /// The input of hidden layer `l` during this pass: `x` for the first, else the previous
    /// layer's output. Precondition: `x` is the input the pass was computed from, `l <= pre.len()`.
    pub fn layer_input<'a>(&'a self, x: &'a DMatrix<T>, l: usize) -> &'a DMatrix<T> {
        if l == 0 { x } else { &self.hidden[l - 1] }
    }
}

/// `U(-bound, bound)` entries in row-major order (PyTorch's storage order).
fn uniform_matrix(rows: usize, cols: usize, bound: f64, rng: &mut Stream) -> Mat {
    let mut w = Mat::zeros(rows, cols);
    for i in 0..rows {
        for j in 0..cols {
            w[(i, j)] = rng.uniform(-bound, bound);
        }
    }
    w
}

/// The sizes of a network's layers: `inputs`, `depth` times `width`, `outputs`.
pub fn layer_sizes(inputs: usize, width: usize, depth: usize, outputs: usize) -> Vec<usize> {
    let mut sizes = vec![inputs];
    sizes.extend(std::iter::repeat_n(width, depth));
    sizes.push(outputs);
    sizes
}

impl Network<f64> {
    /// A network with layers of `sizes` (see [`layer_sizes`]) from the values of
    /// [`Network::to_flat`]. Fails unless there are as many values as weights and at least one
    /// hidden layer.
    pub fn from_flat(sizes: &[usize], values: &[f64]) -> Result<Self> {
        let count: usize = sizes.windows(2).map(|pair| pair[0] * pair[1]).sum();
        if sizes.len() < 3 || values.len() != count {
            return Err(Error::Data(format!(
                "{} weights were sent for a network of layer sizes {sizes:?}, which has {count}",
                values.len()
            )));
        }
        let mut rest = values;
        let weights = sizes
            .windows(2)
            .map(|pair| {
                let (these, others) = rest.split_at(pair[0] * pair[1]);
                rest = others;
                Mat::from_column_slice(pair[1], pair[0], these)
            })
            .collect();
        Network::from_weights(weights)
    }

    /// A network from `inputs` features through `depth` hidden layers of `width` to `outputs`,
    /// drawn layer after layer from `rng`. Hidden layers are xavier-uniform with the gain:
    /// `U(-a, a)`, `a = gain sqrt(6 / (fan_in + fan_out))`. The output layer follows
    /// `output_init`: PyTorch's `nn.Linear` default `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`, as the
    /// authors' code leaves it, or xavier with the same small gain as the hidden layers.
    /// Preconditions: every size >= 1, `gain > 0`.
    pub fn init(
        inputs: usize,
        width: usize,
        depth: usize,
        outputs: usize,
        gain: f64,
        output_init: OutputInit,
        rng: &mut Stream,
    ) -> Self {
        let weights = layer_sizes(inputs, width, depth, outputs)
            .windows(2)
            .enumerate()
            .map(|(l, pair)| {
                let (fan_in, fan_out) = (pair[0], pair[1]);
                let xavier = gain * (6.0 / (fan_in + fan_out) as f64).sqrt();
                let bound = match output_init {
                    OutputInit::Torch if l == depth => 1.0 / (fan_in as f64).sqrt(),
                    _ => xavier,
                };
                uniform_matrix(fan_out, fan_in, bound, rng)
            })
            .collect();
        Network { weights }
    }

    /// [`Network::init`] with the small gain on every layer, the output layer included
    /// (`OutputInit::Xavier`).
    pub fn xavier(inputs: usize, width: usize, depth: usize, outputs: usize, gain: f64, rng: &mut Stream) -> Self {
        Network::init(inputs, width, depth, outputs, gain, OutputInit::Xavier, rng)
    }
}

impl<T: Element> Network<T> {
    /// A network with the given weights, output layer last. Fails unless there is at least one
    /// hidden layer and every matrix takes as many inputs as the previous one has outputs.
    pub fn from_weights(weights: Vec<DMatrix<T>>) -> Result<Self> {
        if weights.len() < 2 {
            return Err(Error::config("weights", "need at least one hidden layer and an output layer"));
        }
        for (l, pair) in weights.windows(2).enumerate() {
            if pair[1].ncols() != pair[0].nrows() {
                return Err(Error::config(
                    "weights",
                    format!(
                        "layer {} has {} outputs but layer {} takes {} inputs",
                        l + 1,
                        pair[0].nrows(),
                        l + 2,
                        pair[1].ncols()
                    ),
                ));
            }
        }
        Ok(Network { weights })
    }

    /// `W_l` of every layer (outputs x inputs), the output layer last.
    pub fn weights(&self) -> &[DMatrix<T>] {
        &self.weights
    }

    /// The weights, to change in place. Precondition: every shape stays as it is.
    pub fn weights_mut(&mut self) -> &mut [DMatrix<T>] {
        &mut self.weights
    }

    /// Number of hidden layers.
    pub fn depth(&self) -> usize {
        self.weights.len() - 1
    }

    /// Number of input features.
    pub fn inputs(&self) -> usize {
        self.weights[0].ncols()
    }

    /// The forward pass on the rows of `x`. Precondition: `x.ncols() == self.inputs()`.
    pub fn forward(&self, x: &DMatrix<T>) -> Pass<T> {
        let depth = self.depth();
        let (mut pre, mut hidden) = (Vec::with_capacity(depth), Vec::with_capacity(depth));
        for l in 0..depth {
            let input = if l == 0 { x } else { &hidden[l - 1] };
            let z = product_transpose(input, &self.weights[l]);
            let h = z.map(relu);
            pre.push(z);
            hidden.push(h);
        }
        let output = product_transpose(&hidden[depth - 1], &self.weights[depth]);
        Pass { pre, hidden, output }
    }

    /// The network's output on the rows of `x`. Precondition: `x.ncols() == self.inputs()`.
    pub fn output(&self, x: &DMatrix<T>) -> DMatrix<T> {
        self.forward(x).output
    }

    /// The output when the rows of `input` enter layer `first` (0-based): the sub-network from
    /// that layer on. Preconditions: `first <= self.depth()`, `input.ncols()` = that layer's inputs.
    pub fn output_from(&self, first: usize, input: &DMatrix<T>) -> DMatrix<T> {
        let mut h = input.clone();
        for w in &self.weights[first..self.depth()] {
            h = product_transpose(&h, w).map(relu);
        }
        product_transpose(&h, &self.weights[self.depth()])
    }

    /// The loss and its gradient with respect to every weight matrix (in the order of
    /// [`Network::weights`]), by backpropagation. The loss is the mean squared error over all
    /// n x outputs entries. Preconditions: `x` has `self.inputs()` columns, `targets` as many
    /// rows as `x` and one column per output.
    pub fn loss_and_gradients(&self, x: &DMatrix<T>, targets: &DMatrix<T>) -> (T, Vec<DMatrix<T>>) {
        let entries = targets.len();
        let (squared_error, gradients) = self.part_gradients(x, targets, entries);
        (squared_error / T::of_f64(entries as f64), gradients)
    }

    /// The part of a batch's loss gradient that the rows `x` contribute, when the batch's loss
    /// is the mean over `entries` squared errors: `d/dW sum_(rows of x) (f - t)^2 / entries`.
    /// The parts of a batch's rows add up to the batch's gradient. Also returns the part's sum
    /// of squared errors. Preconditions: as [`Network::loss_and_gradients`], `entries > 0`.
    pub fn part_gradients(&self, x: &DMatrix<T>, targets: &DMatrix<T>, entries: usize) -> (T, Vec<DMatrix<T>>) {
        let pass = self.forward(x);
        let depth = self.depth();
        let mut upstream = &pass.output - targets;
        let squared_error = upstream.norm_squared();
        upstream *= T::of_f64(2.0 / entries as f64); // d loss / d output
        let mut gradients = vec![DMatrix::zeros(0, 0); depth + 1];
        for l in (0..=depth).rev() {
            gradients[l] = transpose_product(&upstream, pass.layer_input(x, l));
            if l > 0 {
                upstream = product(&upstream, &self.weights[l]);
                apply_relu_mask(&mut upstream, &pass.pre[l - 1]);
            }
        }
        (squared_error, gradients)
    }

    /// Every weight as f64 in one vector: the matrices in order, each column by column.
    pub fn to_flat(&self) -> Vec<f64> {
        self.weights.iter().flat_map(|w| w.iter().map(|v| v.as_f64())).collect()
    }

    /// The network with every weight converted to `U` (f32 to f64 is exact).
    pub fn convert<U: Element>(&self) -> Network<U> {
        Network { weights: self.weights.iter().map(convert).collect() }
    }
}

impl Network<f64> {
    /// `AGOP_l = sum_i J_i^T J_i` for every hidden layer l, J_i the Jacobian (outputs x inputs
    /// of layer l) of the output with respect to the input of layer l at sample i, with the ReLU
    /// masks of `pass`: `W_l^T M_l W_l` with `M_l` of [`Network::input_agop_middles`].
    /// Precondition: `pass` is this network's forward pass.
    pub fn input_agops(&self, pass: &Pass) -> Vec<Mat> {
        self.input_agop_middles(pass).iter().zip(&self.weights).map(|(middle, w)| congruence(middle, w)).collect()
    }

    /// `M_l = sum_i G_i^T G_i` for every hidden layer l, G_i the Jacobian of the output with
    /// respect to the pre-activation `Z_l` at sample i, so that `J_i = G_i W_l` and
    /// `AGOP_l = W_l^T M_l W_l`: the sums over samples and outputs stay width x width, which
    /// spares the wide products with the data's dimension. One backward pass per output, over
    /// all samples at once (upstream gradient e_c at the output).
    /// Precondition: `pass` is this network's forward pass.
    pub fn input_agop_middles(&self, pass: &Pass) -> Vec<Mat> {
        let depth = self.depth();
        let n = pass.output.nrows();
        let last = &self.weights[depth];
        let mut middles: Vec<Mat> = self.weights[..depth].iter().map(|w| Mat::zeros(w.nrows(), w.nrows())).collect();
        // The last hidden layer in one product instead of one per output: there the gradient of
        // output c at sample i is m_i o w_c (m_i the 0/1 ReLU mask, w_c row c of the output
        // layer), so sum_c sum_i g g^T = (W_out^T W_out) o (sum_i m_i m_i^T).
        // (A NaN pre-activation stays NaN, for the caller's check.)
        let mask = pass.pre[depth - 1].map(|z| {
            if z > 0.0 {
                1.0
            } else if z <= 0.0 {
                0.0
            } else {
                f64::NAN
            }
        });
        middles[depth - 1] = column_gram(&mask).component_mul(&transpose_product(last, last));
        for c in 0..last.nrows() {
            // d f_c / d H_{depth-1} is the row c of the output layer for every sample.
            let mut upstream = Mat::from_fn(n, last.ncols(), |_, j| last[(c, j)]);
            for l in (0..depth).rev() {
                apply_relu_mask(&mut upstream, &pass.pre[l]);
                if l + 1 < depth {
                    // sum_i g_i g_i^T over the rows g_i of the gradient.
                    middles[l] += column_gram(&upstream);
                }
                if l > 0 {
                    upstream = product(&upstream, &self.weights[l]);
                }
            }
        }
        middles
    }
}

/// `a^T a`, exactly symmetric, by the faster route of the build: natively faer's triangular
/// kernel ([`transpose_gram`]); in wasm, row blocks of a transposed copy ([`outer_gram`]), which
/// took the AGOPs of a default-sized measurement in about 1.6 s in the page against 2.5 s.
fn column_gram(a: &Mat) -> Mat {
    if cfg!(target_arch = "wasm32") { outer_gram(&a.transpose()) } else { transpose_gram(a) }
}

/// `W^T M W`, made exactly symmetric (it is in exact arithmetic) for the eigensolvers.
/// Precondition: `M` square with as many rows as `W`.
pub fn congruence(middle: &Mat, w: &Mat) -> Mat {
    let product = transpose_product(w, &product(middle, w));
    (&product + product.transpose()) * 0.5
}

/// `max(v, 0)`, written `v < 0` so that a NaN stays visible instead of becoming 0.
fn relu<T: Element>(v: T) -> T {
    if v < T::zero() { T::zero() } else { v }
}

/// Zeroes the gradient where the pre-activation was not positive (ReLU's derivative, 0 at 0).
fn apply_relu_mask<T: Element>(gradient: &mut DMatrix<T>, pre: &DMatrix<T>) {
    for (g, &z) in gradient.as_mut_slice().iter_mut().zip(pre.as_slice()) {
        if z <= T::zero() {
            *g = T::zero();
        }
    }
}

/// Mean over all entries of `(output - targets)^2`. Precondition: equal shapes, not empty.
pub fn mean_squared_error(output: &Mat, targets: &Mat) -> f64 {
    (output - targets).norm_squared() / output.len() as f64
}

/// Adam with bias correction, in PyTorch's arithmetic: `w -= (lr / (1 - beta1^t)) m /
/// (sqrt(v) / sqrt(1 - beta2^t) + eps)`, its state in the weights' type `T` (PyTorch keeps it
/// in the parameters' dtype); the scalar factors are computed in f64 and rounded once, as
/// PyTorch computes them in Python floats.
pub struct Adam<T: Element = f64> {
    learning_rate: f64,
    /// Running average of the gradients, one per weight matrix.
    first: Vec<DMatrix<T>>,
    /// Running average of the squared gradients.
    second: Vec<DMatrix<T>>,
    /// `beta1^t` and `beta2^t` after t steps.
    beta1_power: f64,
    beta2_power: f64,
    /// t, the steps taken.
    steps: usize,
}

impl<T: Element> Adam<T> {
    /// An optimiser for matrices shaped like `weights`. Precondition: `learning_rate > 0`.
    pub fn new(weights: &[DMatrix<T>], learning_rate: f64) -> Self {
        let zeros: Vec<DMatrix<T>> = weights.iter().map(|w| DMatrix::zeros(w.nrows(), w.ncols())).collect();
        Adam { learning_rate, first: zeros.clone(), second: zeros, beta1_power: 1.0, beta2_power: 1.0, steps: 0 }
    }

    /// One update of `weights` with their `gradients`. Precondition: the shapes given to `new`.
    pub fn step(&mut self, weights: &mut [DMatrix<T>], gradients: &[DMatrix<T>]) {
        self.beta1_power *= BETA1;
        self.beta2_power *= BETA2;
        self.steps += 1;
        let step_size = T::of_f64(self.learning_rate / (1.0 - self.beta1_power));
        let root_correction = T::of_f64((1.0 - self.beta2_power).sqrt());
        let (beta1, beta2, epsilon) = (T::of_f64(BETA1), T::of_f64(BETA2), T::of_f64(EPSILON));
        let (keep1, keep2) = (T::of_f64(1.0 - BETA1), T::of_f64(1.0 - BETA2));
        for (((w, g), m), v) in weights.iter_mut().zip(gradients).zip(&mut self.first).zip(&mut self.second) {
            let entries = w.as_mut_slice().iter_mut().zip(g.as_slice()).zip(m.as_mut_slice()).zip(v.as_mut_slice());
            for (((w, &g), m), v) in entries {
                *m = beta1 * *m + keep1 * g;
                *v = beta2 * *v + keep2 * g * g;
                *w -= step_size * *m / (v.sqrt() / root_correction + epsilon);
            }
        }
    }

    /// The steps taken since this state was fresh (t of the bias correction).
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The running average of the gradients, one matrix per weight matrix (zeros when fresh).
    pub fn first_moments(&self) -> &[DMatrix<T>] {
        &self.first
    }

    /// The running average of the squared gradients, one matrix per weight matrix.
    pub fn second_moments(&self) -> &[DMatrix<T>] {
        &self.second
    }
}
