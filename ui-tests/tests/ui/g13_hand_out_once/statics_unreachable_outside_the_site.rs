//! Guarantee 13: a `dma_buffers!` site's statics (its buffers are one
//! static, `__DMA_BUFFERS`) are reachable only through its one hand-out;
//! code outside the macro cannot name them to take a second `&'static mut`
//! (running the site again panics instead, see the host test
//! `a_site_run_twice_panics_instead_of_aliasing`).
use dma_an505::dma_buffers;

fn main() {
    let (_buffer, _items) = dma_buffers!([u32; 64]);
    let _again = unsafe { &mut __DMA_BUFFERS };
}
