//! The legal twins of `ui/attacks/i11_attack_*`: what the attacks try, done
//! the way the types allow. Built, not executed: the registers exist only
//! on the board.
use std::sync::Mutex;

use dma_an505::map::Ssram23Secure;
use dma_an505::{descriptor_chain, Dma0};
use dma_types::channel::{Ch0, Channel};
use dma_types::prelude::*;
use dma_types::transfer::Transfer;

type Words = Buffer<Ssram23Secure, &'static mut [u32; 16]>;

/// A `'static` transfer (owned channel and buffers) may be handed to an
/// interrupt handler: nothing in it is borrowed.
static FOR_THE_HANDLER: Mutex<Option<Transfer<Channel<Dma0, Ch0>, Words, Words>>> =
    Mutex::new(None);

fn words() -> Words {
    Buffer::new(Box::leak(Box::new([0u32; 16]))).unwrap()
}

fn firmware() {
    let channels = Dma0::take().unwrap().split();
    let (mut ch0, mut ch1) = (channels.ch0, channels.ch1);
    let src = [1u32; 16];
    let (mut first, mut second, mut other) = ([0u32; 16], [0u32; 16], [0u32; 16]);

    // Scopes one after the other on a channel, and a scope of the other
    // channel inside one.
    ch0.scope(|scope| {
        let running = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut first).unwrap();
        ch1.scope(|inner| {
            let _ = inner.mem_to_mem::<Ssram23Secure, _>(&src, &mut other).unwrap().wait();
        });
        let _ = running.wait();
    });
    let _ = ch0.copy_blocking::<Ssram23Secure, _>(&src, &mut second);
    // Swapping the arrays is fine once no transfer holds them.
    core::mem::swap(&mut first, &mut second);

    // Transfers of two channels run side by side; each is waited for.
    let a = ch0.mem_to_mem(words(), words()).start();
    *FOR_THE_HANDLER.lock().unwrap() = Some(a);
    let b = ch1.mem_to_mem(words(), words()).start();
    let _ = b.wait();

    // A chain's pieces are read after `wait` gives the chain back.
    let chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u32; 16]],
        to [frame: [u32; 20]],
    );
    let ch = Dma0::take().unwrap().split().ch1;
    let (_ch, chain) = ch.start_chain(chain).wait().unwrap();
    let _first = chain.frame()[0];
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
