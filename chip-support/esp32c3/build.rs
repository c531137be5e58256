//! Makes `dma-regions.x` (the sections of the DMA buffer macros) findable by
//! the linker of any firmware that depends on this crate.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("dma-regions.x", out.join("dma-regions.x")).expect("copy dma-regions.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=dma-regions.x");
}
