//! Puts the examples' `memory.x` (one copy for all QEMU firmware) where the
//! cortex-m-rt linker script finds it, and links the DMA sections fragment of
//! `dma-an505` (the buffers of `descriptor_chain!` in `bench_typed`).

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("memory.x"), include_bytes!("../memory.x")).expect("write memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    // Places the `.dma.<Region>` sections in their regions' memories
    // (dma-an505 puts the fragment on the linker's search path).
    println!("cargo:rustc-link-arg-bins=-Tdma-regions.x");
    println!("cargo:rerun-if-changed=../memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
