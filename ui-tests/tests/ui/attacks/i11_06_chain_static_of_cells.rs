//! Issue 11 item 6: a static chain list of items with interior mutability
//! would let two threads write one `Cell`: `ChainStatic<D, K>` is `Sync`
//! only where `D` is.
use core::cell::Cell;

use dma_types::__macro::ChainStatic;

static ITEMS: ChainStatic<Cell<u32>, 1> = ChainStatic::new([Cell::new(0)]);

fn main() {
    std::thread::spawn(|| ITEMS.items()[0].set(1));
    ITEMS.items()[0].set(2);
}
