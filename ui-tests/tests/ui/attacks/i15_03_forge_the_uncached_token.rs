//! Issue 15 item 3: the `UncachedRam` token, the proof that the MPU makes
//! the uncached windows non-cacheable, cannot be built outside the crate:
//! only `UncachedRam::configure`, which programs the MPU, returns one.
//! Legal twin: `pass/h7_i15_uncached_and_acknowledge.rs`.
use dma_stm32h743::mpu::UncachedRam;

fn main() {
    let _forged = UncachedRam { _private: () };
}
