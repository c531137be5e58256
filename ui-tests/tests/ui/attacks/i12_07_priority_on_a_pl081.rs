//! Issue 12 item 7: the PL081 has no channel priority setting (it serves
//! its channels in a fixed order); asking for one does not compile.
use dma_an505::Dma0;
use dma_types::priority::High;

fn main() {
    let _ = Dma0::take().unwrap().split().ch1.with_priority::<High>();
}
