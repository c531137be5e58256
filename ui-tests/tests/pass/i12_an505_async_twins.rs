//! Legal twins of the issue 12 AN505 cases: the binding lists every awaited
//! controller (Dma1 and the PL081 family `AnyDma`); a driver holds an erased
//! channel of the controller it names; the family erasure carries a
//! memory-to-memory copy and a static chain; each controller is listed once
//! in the one binding. Built, never run.
use dma_an505::map::Ssram23Secure;
use dma_an505::{bind_interrupts, descriptor_chain, AnyDma, Dma0, Dma1, Dma2, IntoAnyDma};
use dma_types::channel::{AnyChannel, Channel};
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { Dma1, AnyDma });

/// A driver with a channel of Dma1, whichever.
struct Driver {
    dma: Channel<Dma1, AnyChannel>,
}

async fn firmware() {
    let words = || Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let ch = Dma1::take().unwrap().split().ch0;
    let (ch, _, _) = ch.mem_to_mem(words(), words()).start().wait_async(Irqs).await.unwrap();
    let driver = Driver { dma: ch.erase() };
    let (_, _, _) = driver.dma.mem_to_mem(words(), words()).start().wait_async(Irqs).await.unwrap();

    let family: Channel<AnyDma, AnyChannel> = Dma2::take().unwrap().split().ch1.into_any_dma();
    let (family, _, _) = family.mem_to_mem(words(), words()).start().wait_async(Irqs).await.unwrap();
    let chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u32; 16]],
        to [frame: [u32; 20]],
    );
    let _ = family.start_chain(chain).wait_async(Irqs).await.unwrap();
}

/// The host build links the binding's handler, whose waker slots take a
/// critical section; the chip's comes from `cortex-m`.
struct HostCriticalSection;
critical_section::set_impl!(HostCriticalSection);
// SAFETY: built only, never run: no section is ever entered.
unsafe impl critical_section::Impl for HostCriticalSection {
    unsafe fn acquire() -> critical_section::RawRestoreState {}
    unsafe fn release(_: critical_section::RawRestoreState) {}
}

fn main() {
    if std::hint::black_box(false) {
        let _ = firmware();
    }
}
