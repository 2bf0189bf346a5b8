//! A bias-free ReLU network in f64: forward and backward passes, the AGOP of the network with
//! respect to every hidden layer's input, and the Adam optimiser.
//!
//! Rows are samples. Layer `l` (0-based, as in [`Network::weights`]) maps its input `H` (n x p)
//! to `Z = H W_l^T` and, for a hidden layer, to `ReLU(Z)`; the last layer is linear.

use crate::error::{Error, Result};
use crate::linalg::{Mat, outer_gram, product, product_transpose, transpose_product};
use crate::rng::Stream;

/// Adam's decay rate of the gradient average (PyTorch's default).
pub const BETA1: f64 = 0.9;
/// Adam's decay rate of the squared-gradient average (PyTorch's default).
pub const BETA2: f64 = 0.999;
/// Adam's guard against division by zero (PyTorch's default).
pub const EPSILON: f64 = 1e-8;

/// The weights of a bias-free MLP: hidden ReLU layers, then a linear output layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// `W_l` (outputs x inputs) of every layer, the output layer last.
    weights: Vec<Mat>,
}

/// Everything a forward pass computes, kept for the backward pass and the measurements.
pub struct Pass {
    /// `Z_l = H_{l-1} W_l^T` of every hidden layer (n x width), `H_{-1}` being the input.
    pub pre: Vec<Mat>,
    /// `H_l = ReLU(Z_l)` of every hidden layer.
    pub hidden: Vec<Mat>,
    /// The network's output (n x outputs).
    pub output: Mat,
}

impl Pass {
    /// The input of hidden layer `l` during this pass: `x` for the first, else the previous
    /// layer's output. Precondition: `x` is the input the pass was computed from, `l <= pre.len()`.
    pub fn layer_input<'a>(&'a self, x: &'a Mat, l: usize) -> &'a Mat {
        if l == 0 { x } else { &self.hidden[l - 1] }
    }
}

impl Network {
    /// A network from `inputs` features through `depth` hidden layers of `width` to `outputs`,
    /// every layer drawn xavier-uniform: `U(-a, a)` with `a = gain sqrt(6 / (fan_in + fan_out))`,
    /// layer after layer, each matrix in row-major order (PyTorch's storage order). The output
    /// layer too gets the small gain, so that one knob sets the scale of the whole network (the
    /// authors' code leaves it at PyTorch's default `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`).
    /// Preconditions: every size >= 1, `gain > 0`.
    pub fn xavier(inputs: usize, width: usize, depth: usize, outputs: usize, gain: f64, rng: &mut Stream) -> Self {
        let mut sizes = vec![inputs];
        sizes.extend(std::iter::repeat_n(width, depth));
        sizes.push(outputs);
        let weights = sizes
            .windows(2)
            .map(|pair| {
                let (fan_in, fan_out) = (pair[0], pair[1]);
                let bound = gain * (6.0 / (fan_in + fan_out) as f64).sqrt();
                let mut w = Mat::zeros(fan_out, fan_in);
                for i in 0..fan_out {
                    for j in 0..fan_in {
                        w[(i, j)] = rng.uniform(-bound, bound);
                    }
                }
                w
            })
            .collect();
        Network { weights }
    }

    /// A network with the given weights, output layer last. Fails unless there is at least one
    /// hidden layer and every matrix takes as many inputs as the previous one has outputs.
    pub fn from_weights(weights: Vec<Mat>) -> Result<Self> {
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
    pub fn weights(&self) -> &[Mat] {
        &self.weights
    }

    /// The weights, to change in place. Precondition: every shape stays as it is.
    pub fn weights_mut(&mut self) -> &mut [Mat] {
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
    pub fn forward(&self, x: &Mat) -> Pass {
        let depth = self.depth();
        let (mut pre, mut hidden): (Vec<Mat>, Vec<Mat>) = (Vec::with_capacity(depth), Vec::with_capacity(depth));
        for l in 0..depth {
            let input = if l == 0 { x } else { &hidden[l - 1] };
            let z = product_transpose(input, &self.weights[l]);
            // `v < 0` rather than `max`: a NaN must stay visible, not become 0.
            let h = z.map(|v| if v < 0.0 { 0.0 } else { v });
            pre.push(z);
            hidden.push(h);
        }
        let output = product_transpose(&hidden[depth - 1], &self.weights[depth]);
        Pass { pre, hidden, output }
    }

    /// The network's output on the rows of `x`. Precondition: `x.ncols() == self.inputs()`.
    pub fn output(&self, x: &Mat) -> Mat {
        self.forward(x).output
    }

    /// The output when the rows of `input` enter layer `first` (0-based): the sub-network from
    /// that layer on. Preconditions: `first <= self.depth()`, `input.ncols()` = that layer's inputs.
    pub fn output_from(&self, first: usize, input: &Mat) -> Mat {
        let mut h = input.clone();
        for w in &self.weights[first..self.depth()] {
            h = product_transpose(&h, w).map(|v| if v < 0.0 { 0.0 } else { v });
        }
        product_transpose(&h, &self.weights[self.depth()])
    }

    /// The loss and its gradient with respect to every weight matrix (in the order of
    /// [`Network::weights`]), by backpropagation. The loss is the mean squared error over all
    /// n x outputs entries. Preconditions: `x` has `self.inputs()` columns, `targets` as many
    /// rows as `x` and one column per output.
    pub fn loss_and_gradients(&self, x: &Mat, targets: &Mat) -> (f64, Vec<Mat>) {
        let pass = self.forward(x);
        let depth = self.depth();
        let mut upstream = &pass.output - targets;
        let entries = upstream.len() as f64;
        let loss = upstream.norm_squared() / entries;
        upstream *= 2.0 / entries; // d loss / d output
        let mut gradients = vec![Mat::zeros(0, 0); depth + 1];
        for l in (0..=depth).rev() {
            gradients[l] = transpose_product(&upstream, pass.layer_input(x, l));
            if l > 0 {
                upstream = product(&upstream, &self.weights[l]);
                apply_relu_mask(&mut upstream, &pass.pre[l - 1]);
            }
        }
        (loss, gradients)
    }

    /// `AGOP_l = sum_i J_i^T J_i` for every hidden layer l, J_i the Jacobian (outputs x inputs
    /// of layer l) of the output with respect to the input of layer l at sample i, with the ReLU
    /// masks of `pass`. One backward pass per output, over all samples at once (upstream
    /// gradient e_c at the output). Precondition: `pass` is this network's forward pass.
    pub fn input_agops(&self, pass: &Pass) -> Vec<Mat> {
        let depth = self.depth();
        let n = pass.output.nrows();
        // J_i = G_i W_l with G_i the Jacobian with respect to the pre-activation Z_l, so
        // AGOP_l = W_l^T (sum_i G_i^T G_i) W_l: the sums over samples and outputs stay width x
        // width, which spares the wide products with the data's dimension.
        let mut inner: Vec<Mat> = self.weights[..depth].iter().map(|w| Mat::zeros(w.nrows(), w.nrows())).collect();
        let last = &self.weights[depth];
        for c in 0..last.nrows() {
            // d f_c / d H_{depth-1} is the row c of the output layer for every sample.
            let mut upstream = Mat::from_fn(n, last.ncols(), |_, j| last[(c, j)]);
            for l in (0..depth).rev() {
                apply_relu_mask(&mut upstream, &pass.pre[l]);
                // sum_i g_i g_i^T over the rows g_i of the gradient, one triangle computed.
                inner[l] += outer_gram(&upstream.transpose());
                if l > 0 {
                    upstream = product(&upstream, &self.weights[l]);
                }
            }
        }
        inner
            .iter()
            .zip(&self.weights)
            .map(|(middle, w)| {
                let agop = transpose_product(w, &product(middle, w));
                // Symmetric in exact arithmetic; make it so in floating point for the eigensolver.
                (&agop + agop.transpose()) * 0.5
            })
            .collect()
    }
}

/// Zeroes the gradient where the pre-activation was not positive (ReLU's derivative, 0 at 0).
fn apply_relu_mask(gradient: &mut Mat, pre: &Mat) {
    for (g, &z) in gradient.as_mut_slice().iter_mut().zip(pre.as_slice()) {
        if z <= 0.0 {
            *g = 0.0;
        }
    }
}

/// Mean over all entries of `(output - targets)^2`. Precondition: equal shapes, not empty.
pub fn mean_squared_error(output: &Mat, targets: &Mat) -> f64 {
    (output - targets).norm_squared() / output.len() as f64
}

/// Adam with bias correction, in PyTorch's arithmetic: `w -= (lr / (1 - beta1^t)) m /
/// (sqrt(v) / sqrt(1 - beta2^t) + eps)`.
pub struct Adam {
    learning_rate: f64,
    /// Running average of the gradients, one per weight matrix.
    first: Vec<Mat>,
    /// Running average of the squared gradients.
    second: Vec<Mat>,
    /// `beta1^t` and `beta2^t` after t steps.
    beta1_power: f64,
    beta2_power: f64,
}

impl Adam {
    /// An optimiser for matrices shaped like `weights`. Precondition: `learning_rate > 0`.
    pub fn new(weights: &[Mat], learning_rate: f64) -> Self {
        let zeros: Vec<Mat> = weights.iter().map(|w| Mat::zeros(w.nrows(), w.ncols())).collect();
        Adam { learning_rate, first: zeros.clone(), second: zeros, beta1_power: 1.0, beta2_power: 1.0 }
    }

    /// One update of `weights` with their `gradients`. Precondition: the shapes given to `new`.
    pub fn step(&mut self, weights: &mut [Mat], gradients: &[Mat]) {
        self.beta1_power *= BETA1;
        self.beta2_power *= BETA2;
        let step_size = self.learning_rate / (1.0 - self.beta1_power);
        let root_correction = (1.0 - self.beta2_power).sqrt();
        for (((w, g), m), v) in weights.iter_mut().zip(gradients).zip(&mut self.first).zip(&mut self.second) {
            let entries = w.as_mut_slice().iter_mut().zip(g.as_slice()).zip(m.as_mut_slice()).zip(v.as_mut_slice());
            for (((w, &g), m), v) in entries {
                *m = BETA1 * *m + (1.0 - BETA1) * g;
                *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                *w -= step_size * *m / (v.sqrt() / root_correction + EPSILON);
            }
        }
    }
}
