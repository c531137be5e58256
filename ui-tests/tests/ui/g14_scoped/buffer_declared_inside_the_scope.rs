//! Guarantee 14: memory a scoped transfer uses must outlive the whole
//! `scope` call (the scope stops the channel only when the call ends), so an
//! array declared inside the closure is refused.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    ch.scope(|scope| {
        let mut dst = [0u32; 16];
        let transfer = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut dst).unwrap();
        core::mem::forget(transfer);
    });
}
