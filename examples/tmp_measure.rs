use agop_collapse::data::{self, mnist::Mnist};
use agop_collapse::linalg::psd_sqrt;
use agop_collapse::mlp::measure::agop_root;
use agop_collapse::mlp::network::congruence;
use agop_collapse::mlp::{MlpConfig, MlpMeasurer, Network, OutputInit};
use agop_collapse::rng::{Purpose, Stream};
use std::time::Instant;
fn main() {
    let mnist = Mnist::decode(&std::fs::read("www/data/mnist.bin").unwrap()).unwrap();
    let config = MlpConfig::default();
    let split = data::load(&config.data, 0, Some(&mnist), None).unwrap();
    let x = split.train.features.clone();
    let m = MlpMeasurer::new(&config, split).unwrap();
    let net = Network::init(784, 256, 5, 10, 0.1, OutputInit::Torch, &mut Stream::new(0, Purpose::Init));
    for _ in 0..3 {
        let t = Instant::now();
        m.measure(&net, 0).unwrap();
        let total = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let pass = net.forward(&x);
        let f = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let middles = net.input_agop_middles(&pass);
        let a = t.elapsed().as_secs_f64();
        let agop = congruence(&middles[0], &net.weights()[0]);
        let t = Instant::now();
        let r1 = psd_sqrt(&agop).unwrap().sqrt;
        let d = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let r2 = agop_root(&middles[0], &net.weights()[0], &agop).unwrap();
        let s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        for w in net.weights() { agop_collapse::linalg::svd(w).unwrap(); }
        let sv = t.elapsed().as_secs_f64();
        println!("measure {total:.3} forward {f:.3} middles {a:.3} direct sqrt {d:.3} small-side sqrt {s:.3} svds {sv:.3} diff {:e}", (&r1 - &r2).amax() / r1.amax());
    }
}
