//! Windows: transfers of a run-time range of a typed buffer.

use proptest::prelude::*;

use dma_types::error::LengthError;

use super::*;

const CAPACITY: usize = 20_000;

#[test]
fn a_window_programs_its_range_and_run_time_count() {
    let mut src = Buffer::<HostMemory, _>::new(leak([0u8; 64]))
        .unwrap()
        .into_window();
    let mut dst = Buffer::<HostMemory, _>::new(leak([0u8; 64]))
        .unwrap()
        .into_window();
    src.select(3, 17).unwrap();
    dst.select(40, 20).unwrap();
    let (src_addr, dst_addr) = (src.buffer().address(), dst.buffer().address());
    let transfer = channel().try_mem_to_mem(src, dst).unwrap().start();
    assert_eq!(peek(CH0_SRC), src_addr as u32 + 3);
    assert_eq!(peek(CH0_DEST), dst_addr as u32 + 40);
    // I | DI | SI | byte widths | single bursts | 17 elements (the source range)
    assert_eq!(peek(CH0_CONTROL), 0x8C00_0011);
    transfer.wait().unwrap();
}

#[test]
fn a_destination_range_shorter_than_the_source_is_rejected_with_the_parts() {
    let mut src = Buffer::<HostMemory, _>::new(leak([0u32; 16]))
        .unwrap()
        .into_window();
    let mut dst = Buffer::<HostMemory, _>::new(leak([0u32; 16]))
        .unwrap()
        .into_window();
    src.select(0, 10).unwrap();
    dst.select(7, 9).unwrap();
    poke(CH0_CONFIG, 0);
    let rejected = channel().try_mem_to_mem(src, dst).err().unwrap();
    assert_eq!(
        rejected.error,
        LengthError::DestinationShorter {
            source: 10,
            destination: 9
        }
    );
    assert_eq!(peek(CH0_CONFIG), 0, "nothing programmed");
    assert_eq!(rejected.destination.range(), 7..16, "parts come back");
}

#[test]
fn window_ranges_outside_the_buffer_are_refused() {
    let mut window = Buffer::<HostMemory, _>::new(leak([0u8; 10]))
        .unwrap()
        .into_window();
    assert_eq!(window.select(0, 0), Err(BufferError::EmptyRange));
    assert_eq!(
        window.select(5, 6),
        Err(BufferError::RangeOutOfBounds {
            start: 5,
            len: 6,
            capacity: 10
        })
    );
    assert_eq!(
        window.select(usize::MAX, 2),
        Err(BufferError::RangeOutOfBounds {
            start: usize::MAX,
            len: 2,
            capacity: 10
        })
    );
    assert_eq!(window.range(), 0..10, "refusals keep the selection");
    window.select(9, 1).unwrap();
    assert_eq!(window.range(), 9..10);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 4 } else { 128 }, failure_persistence: None, ..ProptestConfig::default() })]

    /// Through the typed API: any range of a 20 000-word buffer is programmed
    /// at its own address, and the chain written into the channel's storage
    /// (sized for the capacity) covers exactly that range.
    #[test]
    fn any_window_is_chained_over_exactly_its_range(
        start in 0..CAPACITY, len_seed in any::<usize>(), dst_start_seed in any::<usize>()
    ) {
        let len = 1 + len_seed % (CAPACITY - start);
        let dst_start = dst_start_seed % (CAPACITY - len + 1);
        let mut src = Buffer::<HostMemory, _>::new(leak([0u32; CAPACITY])).unwrap().into_window();
        let mut dst = Buffer::<HostMemory, _>::new(leak([0u32; CAPACITY])).unwrap().into_window();
        src.select(start, len).unwrap();
        dst.select(dst_start, len).unwrap();
        let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
        let lli = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 4])).unwrap();
        let transfer = channel().with_descriptors(lli).try_mem_to_mem(src, dst).unwrap().start();
        prop_assert_eq!(peek(CH0_SRC), src_addr);
        prop_assert_eq!(peek(CH0_DEST), dst_addr);
        let mut covered = (peek(CH0_CONTROL) & 0xFFF) as usize;
        let mut next = peek(CH0_LLI);
        let (ch, _, _) = transfer.wait().unwrap();
        let (_, lli) = ch.into_parts();
        let mut expected_src = src_addr + covered as u32 * 4;
        while next != 0 {
            let item = lli.iter().find(|item| *item as *const Lli as usize as u32 == next).unwrap();
            let [source, _, link, control] = item.words();
            prop_assert_eq!(source, expected_src);
            covered += (control & 0xFFF) as usize;
            expected_src += (control & 0xFFF) * 4;
            next = link;
        }
        prop_assert_eq!(covered, len);
    }
}
