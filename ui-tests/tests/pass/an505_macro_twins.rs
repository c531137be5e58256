//! The legal twins of the macro-input cases (AN505 and STM32H743) (`tests/ui/macro_input/`) and of
//! guarantee 13: each line differs minimally from one failing case. Built,
//! not executed: the sections exist only in the firmware's linker script.
use dma_an505::{descriptor_chain, dma_buffers, Dma0};
use ui_tests::ShortListItem;

const BYTES: usize = 1024;

/// zero_size / size_not_a_constant: a positive constant.
/// region_the_chip_lacks / region_without_dma_section: an AN505 region with a
/// DMA section.
/// chain_longer_than_the_controller_follows: 2048 bytes need two items.
/// chain_pieces_of_different_widths / chain_sides_differ: one element type,
/// 68 elements on both sides.
/// g13: the buffers come from the one hand-out.
fn firmware() {
    let (_rx, _rx_items, _tx, _tx_items) = dma_buffers!(BYTES);
    let (_words, _items) = dma_buffers!([u32; 256], region = IotSramSecure);
    let (_bytes, _items) = dma_buffers!([u8; 2048], descriptor = ShortListItem);
    let chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u32; 64]],
        to [frame: [u32; 68]],
    );
    let ch = Dma0::take().unwrap().split().ch0;
    let (_ch, chain) = ch.start_chain(chain).wait().unwrap();
    let _first = chain.frame()[0];
    let (buffer, _items) = dma_buffers!([u32; 64]);
    let _again = buffer[0];
}

/// h7_chain_on_a_stream: the MDMA follows lists. h7_buffer_in_flash: a RAM
/// region (and a DTCM source for the MDMA, the legal twin of g01's DTCM case).
fn h7_firmware() {
    use dma_stm32h743::{descriptor_chain, dma_buffers, Mdma};
    let chain = descriptor_chain!(
        controller = Mdma,
        from [payload: [u32; 64]],
        to [frame: [u32; 64]],
    );
    let (_words, _nodes) = dma_buffers!([u32; 64], region = Sram4);
    let ch = Mdma::take().unwrap().split().ch0;
    let _ = ch.start_chain(chain).wait();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
        h7_firmware();
    }
}
