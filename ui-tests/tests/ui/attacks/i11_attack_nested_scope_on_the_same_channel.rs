//! Issue 11 attacks (Scope): a second scope on the same channel inside the
//! first. Each scope stops "its" channel when it ends; two scopes of one
//! channel would let the inner one stop (and start) the channel under the
//! outer one's transfer. The channel is borrowed mutably for the whole
//! outer scope, so the inner call does not compile.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types as _;

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let (mut outer, mut inner) = ([0u32; 16], [0u32; 16]);
    ch.scope(|scope| {
        let running = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut outer).unwrap();
        ch.scope(|nested| {
            let _ = nested.mem_to_mem::<Ssram23Secure, _>(&src, &mut inner);
        });
        let _ = running.wait();
    });
}
