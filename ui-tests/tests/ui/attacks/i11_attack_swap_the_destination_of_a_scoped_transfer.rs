//! Issue 11 attacks (Scope, swap): swapping the destination array with
//! another while the scoped transfer writes it, so the DMA's writes land in
//! memory the program now uses as something else. The transfer borrows the
//! destination uniquely until `wait` returns it.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let (mut dst, mut other) = ([0u32; 16], [0u32; 16]);
    ch.scope(|scope| {
        let running = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut dst).unwrap();
        core::mem::swap(&mut dst, &mut other);
        let _ = running.wait();
    });
}
