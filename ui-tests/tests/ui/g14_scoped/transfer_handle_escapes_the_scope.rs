//! Guarantee 14: a scoped transfer's handle cannot leave the closure, so the
//! scope that stops the channel always outlives it.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let mut dst = [0u32; 16];
    let transfer = ch.scope(|scope| {
        scope
            .mem_to_mem::<Ssram23Secure, _>(&src, &mut dst)
            .unwrap()
    });
    let _ = transfer.wait();
}
