//! Issue 11 attacks (Scope, interrupts): handing the scope to an interrupt
//! handler, which could start transfers of the scope's borrowed memory after
//! `scope` returned and the borrows ended. A handler reaches only `'static`
//! data; the scope lives for one call, so it cannot be made `'static`.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::channel::{Ch0, Channel};
use dma_types::scoped::Scope;

/// What a handler can be given: `'static` data only.
fn hand_to_interrupt_handler<'env>(scope: &'static mut Scope<'env, Channel<Dma0, Ch0>>) {
    let _ = scope.mem_to_mem::<Ssram23Secure, u32>(&[], &mut []);
}

fn main() {
    let mut ch = Dma0::take().unwrap().split().ch0;
    ch.scope(|scope| hand_to_interrupt_handler(scope));
}
