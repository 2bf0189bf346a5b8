//! The page's two wasm builds (built by `./build.sh` into www/pkg) use only the instructions
//! their browsers have: the scalar build no SIMD at all, the SIMD build no relaxed SIMD.

use std::path::Path;

use wasmparser::{Validator, WasmFeatures};

fn module(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/pkg").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{} ({e}): run ./build.sh first", path.display()))
}

fn validate(bytes: &[u8], without: WasmFeatures) -> Result<(), String> {
    let features = WasmFeatures::default().difference(without);
    Validator::new_with_features(features).validate_all(bytes).map(drop).map_err(|e| e.to_string())
}

#[test]
fn the_scalar_build_has_no_simd_instruction() {
    let scalar = module("agop_collapse_scalar_bg.wasm");
    validate(&scalar, WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD).expect("the scalar build is valid without SIMD");
}

#[test]
fn the_simd_build_uses_simd_but_no_relaxed_simd() {
    let simd = module("agop_collapse_bg.wasm");
    validate(&simd, WasmFeatures::RELAXED_SIMD).expect("the SIMD build is valid without relaxed SIMD");
    // The check above can only fail on SIMD instructions if the module has some.
    assert!(validate(&simd, WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD).is_err());
}
