//! Guarantee 14 (with 3): while a scoped transfer may run, the CPU cannot
//! read its destination; `wait` gives it back.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let mut dst = [0u32; 16];
    ch.scope(|scope| {
        let transfer = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut dst).unwrap();
        let first = dst[0];
        let _ = (first, transfer.wait());
    });
}
