//! Puts the chip's `memory.x` where the cortex-m-rt linker script finds it,
//! and says which chip the firmware is for. Unlike every other firmware of
//! the workspace it does *not* link `-Tdma-regions.x`: `cargo xtask
//! link-check` adds it, or a copy missing a region, or nothing.

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let (chip, memory): (&str, &[u8]) = match target.as_str() {
        "thumbv8m.main-none-eabi" => ("an505", include_bytes!("../memory.x")),
        "thumbv7em-none-eabihf" => ("stm32h743", include_bytes!("../stm32h743/memory.x")),
        // Host builds (`cargo clippy --workspace`) check the code of no chip.
        _ => ("none", b""),
    };
    fs::write(out.join("memory.x"), memory).expect("write memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!(
        "cargo::rustc-check-cfg=cfg(link_check_chip, values(\"an505\", \"stm32h743\", \"none\"))"
    );
    println!("cargo:rustc-cfg=link_check_chip=\"{chip}\"");
    println!("cargo:rerun-if-changed=../memory.x");
    println!("cargo:rerun-if-changed=../stm32h743/memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
