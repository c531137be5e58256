//! Issue 11 attacks (Scope, mem::forget): taking the `Scope` value out of
//! the closure to `mem::forget` it, so its `Drop` (which stops the channel
//! before the borrows end) never runs. The closure only gets `&mut Scope`;
//! the value belongs to `scope` itself and cannot be moved out.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let mut dst = [0u32; 16];
    ch.scope(|scope| {
        let running = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut dst).unwrap();
        core::mem::forget(running);
        let owned = *scope;
        core::mem::forget(owned);
    });
}
