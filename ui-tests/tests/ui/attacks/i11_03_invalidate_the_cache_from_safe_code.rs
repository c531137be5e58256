//! Issue 11 item 3: safe code cannot discard data-cache lines. Invalidating
//! lines of memory no transfer owns would undo completed writes of any Rust
//! object (a dirty line dropped instead of written back), so the cache
//! maintenance of the chip (`DataCache::invalidate` on `CortexM7`) and of the
//! controller contract (`Controller::invalidate_dcache`, `clean_dcache`) are
//! `unsafe fn`s with a `# Safety` section; only the typed layer calls them,
//! for memory a transfer owns.
use dma_stm32h743::cache::{CortexM7, DataCache};
use dma_stm32h743::Dma1;
use dma_types::controller::Controller;

static mut SETTINGS: [u32; 8] = [0; 8];

fn main() {
    let address = (&raw const SETTINGS) as usize;
    CortexM7::invalidate(address, 32);
    <Dma1 as Controller>::invalidate_dcache(address, 32);
    <Dma1 as Controller>::clean_dcache(address, 32);
}
