//! Puts the chip's `memory.x` where the cortex-m-rt linker script finds it
//! (the Arm chips) or links esp-hal's `linkall.x` (the ESP32-C3, whose
//! memory map esp-hal supplies), and says which chip the firmware is for.
//! Unlike every other firmware of the workspace it does *not* link
//! `-Tdma-regions.x`: `cargo xtask link-check` adds it, or a copy missing a
//! region, or nothing.

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let (chip, memory): (&str, &[u8]) = match target.as_str() {
        "thumbv8m.main-none-eabi" => ("an505", include_bytes!("../memory.x")),
        "thumbv7em-none-eabihf" => ("stm32h743", include_bytes!("../stm32h743/memory.x")),
        "riscv32imc-unknown-none-elf" => ("esp32c3", b""),
        // Host builds (`cargo clippy --workspace`) check the code of no chip.
        _ => ("none", b""),
    };
    if chip == "esp32c3" {
        // esp-hal's build script puts linkall.x (and its own memory.x) on
        // the search path; a memory.x of ours there could shadow it.
        println!("cargo:rustc-link-arg-bins=-Tlinkall.x");
    } else {
        fs::write(out.join("memory.x"), memory).expect("write memory.x");
        println!("cargo:rustc-link-search={}", out.display());
    }
    println!(
        "cargo::rustc-check-cfg=cfg(link_check_chip, values(\"an505\", \"stm32h743\", \"esp32c3\", \"none\"))"
    );
    println!("cargo:rustc-cfg=link_check_chip=\"{chip}\"");
    println!("cargo:rerun-if-changed=../memory.x");
    println!("cargo:rerun-if-changed=../stm32h743/memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
