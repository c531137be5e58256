//! Links the firmware with esp-hal's linker script (`linkall.x`, found
//! through esp-hal's build script) and the DMA sections fragment of
//! `dma-esp32c3` (`dma-regions.x`, put on the search path by its build
//! script).

fn main() {
    println!("cargo:rustc-link-arg-bins=-Tlinkall.x");
    println!("cargo:rustc-link-arg-bins=-Tdma-regions.x");
    println!("cargo:rerun-if-changed=build.rs");
}
