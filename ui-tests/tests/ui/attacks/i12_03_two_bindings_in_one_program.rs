//! Issue 12 item 3: a second `bind_interrupts!` would install a second
//! `DefaultHandler`, so one binding's interrupts would go unserved; the
//! build refuses, naming the rule (one binding per program, every
//! controller in it).
mod first {
    dma_an505::bind_interrupts!(pub struct Irqs { dma_an505::Dma0 });
}

mod second {
    dma_an505::bind_interrupts!(pub struct Irqs { dma_an505::Dma1 });
}

fn main() {
    let _ = (first::Irqs, second::Irqs);
}
