//! Issue 11 attacks (Scope, copy_blocking): the channel that runs a scoped
//! transfer used directly inside the scope's closure, for a blocking copy
//! that would reprogram it mid-transfer. The scope holds the channel's
//! mutable borrow, so the closure cannot use it.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let (mut first, mut second) = ([0u32; 16], [0u32; 16]);
    ch.scope(|scope| {
        let running = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut first).unwrap();
        let _ = ch.copy_blocking::<Ssram23Secure, _>(&src, &mut second);
        let _ = running.wait();
    });
}
