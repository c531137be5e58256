//! Issue 12 item 3: a second `bind_interrupts!` would install a second
//! `DefaultHandler`, so one binding's interrupts would go unserved; the
//! build refuses, naming the rule (one binding per program, every
//! controller in it).
//!
//! Both bindings come from one invocation of the `bindings!` helper, so the
//! error reads the same whichever of the two rustc reports: which one it names
//! follows its symbol order, which moved whenever the suite's crate graph
//! changed (review: the snapshot flipped between `Dma0`'s and `Dma1`'s line
//! three times).
macro_rules! bindings {
    ($($module:ident: $controller:path),*) => {$(
        mod $module {
            dma_an505::bind_interrupts!(pub struct Irqs { $controller });
        }
    )*};
}

bindings!(first: dma_an505::Dma0, second: dma_an505::Dma1);

fn main() {
    let _ = (first::Irqs, second::Irqs);
}
