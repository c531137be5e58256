//! Scoped transfers of borrowed (stack) memory: the register words they
//! write, the refusals that touch no register, and that the scope stops the
//! channel however its closure ends.
//!
//! The host register block does not move data, so "still running" is staged
//! by setting the channel's bit in EnbldChns, as the hardware would.

use std::panic::{catch_unwind, AssertUnwindSafe};

use dma_types::error::{LengthError, ScopedError};

use super::*;

const CH0_CONFIG_E: u32 = 1 << 0;

/// Writes a marker into every register a start writes, so a refusal can be
/// seen to leave them alone.
fn mark_registers() -> [u32; 7] {
    let offsets = [
        INT_TC_CLEAR,
        CONFIGURATION,
        CH0_SRC,
        CH0_DEST,
        CH0_LLI,
        CH0_CONTROL,
        CH0_CONFIG,
    ];
    for (i, offset) in offsets.iter().enumerate() {
        poke(*offset, 0xDEAD_0000 | i as u32);
    }
    offsets.map(peek)
}

fn registers_now() -> [u32; 7] {
    [
        INT_TC_CLEAR,
        CONFIGURATION,
        CH0_SRC,
        CH0_DEST,
        CH0_LLI,
        CH0_CONTROL,
        CH0_CONFIG,
    ]
    .map(peek)
}

#[test]
fn a_blocking_copy_between_stack_arrays_writes_trm_words() {
    let source = [0x1234_5678u32; 64];
    let mut destination = [0u32; 80];
    let mut ch = channel();
    let copied = ch.copy_blocking::<HostMemory, _>(&source, &mut destination);
    assert_eq!(copied, Ok(64), "the source length");
    assert_eq!(peek(CH0_SRC), source.as_ptr() as usize as u32);
    assert_eq!(peek(CH0_DEST), destination.as_ptr() as usize as u32);
    assert_eq!(peek(CH0_LLI), 0, "one block: no linked list");
    // I (31) | DI (27) | SI (26) | DWidth=word 2<<21 | SWidth=word 2<<18
    // | single bursts | TransferSize=64
    assert_eq!(peek(CH0_CONTROL), 0x8C48_0040);
    // ITC (15) | IE (14) | FlowCntrl=M2M 0 | E (0)
    assert_eq!(peek(CH0_CONFIG), 0x0000_C001);
    assert_eq!(peek(CONFIGURATION), 1, "controller enabled");
}

#[test]
fn a_scoped_halfword_copy_gives_the_destination_back_inside_the_scope() {
    let source = [7u16; 100];
    let mut destination = [0u16; 100];
    let destination_address = destination.as_ptr() as usize;
    let mut ch = channel();
    let seen = ch.scope(|scope| {
        let transfer = scope
            .mem_to_mem::<HostMemory, _>(&source[10..], &mut destination)
            .unwrap();
        assert!(transfer.is_done(), "EnbldChns bit 0 is clear");
        let written = transfer.wait().unwrap();
        (written.as_ptr() as usize, written.len())
    });
    assert_eq!(seen, (destination_address, 100));
    assert_eq!(peek(CH0_SRC), source[10..].as_ptr() as usize as u32);
    // I | DI | SI | DWidth=1<<21 | SWidth=1<<18 | 90 half-words
    assert_eq!(peek(CH0_CONTROL), 0x8C24_005A);
}

/// On an STM32H7 this is the stack buffer in DTCM handed to DMA1: here the
/// stack is host memory, not SSRAM2/3, so the copy is refused by address.
#[test]
fn a_stack_buffer_outside_the_region_is_an_err_and_touches_no_register() {
    let source = [1u32; 4];
    let mut destination = [0u32; 4];
    let before = mark_registers();
    let error = channel()
        .copy_blocking::<Ssram23Secure, _>(&source, &mut destination)
        .unwrap_err();
    assert_eq!(
        error,
        ScopedError::Buffer(BufferError::OutsideRegion {
            region: "Ssram23Secure",
            address: source.as_ptr() as usize,
            bytes: 16,
        })
    );
    assert_eq!(registers_now(), before, "no register written");
}

#[test]
fn short_or_empty_slices_are_errs_and_touch_no_register() {
    let source = [1u8; 10];
    let mut destination = [0u8; 9];
    let before = mark_registers();
    let mut ch = channel();
    assert_eq!(
        ch.copy_blocking::<HostMemory, _>(&source, &mut destination),
        Err(ScopedError::Length(LengthError::DestinationShorter {
            source: 10,
            destination: 9
        }))
    );
    assert_eq!(
        ch.copy_blocking::<HostMemory, _>(&source[..0], &mut destination),
        Err(ScopedError::EmptySource)
    );
    assert_eq!(registers_now(), before, "no register written");
}

#[test]
fn a_copy_longer_than_the_attached_chain_is_an_err() {
    // 9000 bytes = 4095 + 4095 + 810: three blocks, two items after the head.
    let source = [3u8; 9000];
    let mut destination = [0u8; 9000];
    let before = mark_registers();
    assert_eq!(
        channel().copy_blocking::<HostMemory, _>(&source, &mut destination),
        Err(ScopedError::TooFewDescriptors {
            count: 9000,
            needed: 2,
            available: 0
        })
    );
    let one = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 1])).unwrap();
    assert_eq!(
        channel()
            .with_descriptors(one)
            .copy_blocking::<HostMemory, _>(&source, &mut destination),
        Err(ScopedError::TooFewDescriptors {
            count: 9000,
            needed: 2,
            available: 1
        })
    );
    assert_eq!(registers_now(), before, "no register written");

    // With two items the same copy is chained through the channel's storage.
    let two = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 2])).unwrap();
    let items = two.address() as u32;
    let mut ch = channel().with_descriptors(two);
    assert_eq!(
        ch.copy_blocking::<HostMemory, _>(&source, &mut destination),
        Ok(9000)
    );
    assert_eq!(peek(CH0_LLI), items);
    // DI | SI | byte widths | single bursts | TransferSize=4095, no I yet
    assert_eq!(peek(CH0_CONTROL), 0x0C00_0FFF);
    let (_ch, lli) = ch.into_parts();
    // The last block: 810 (0x32A) bytes at 8190 (0x1FFE), I set, list ends.
    let (src, dst) = (
        source.as_ptr() as usize as u32,
        destination.as_ptr() as usize as u32,
    );
    assert_eq!(lli[1].words(), [src + 0x1FFE, dst + 0x1FFE, 0, 0x8C00_032A]);
}

/// The leak that makes borrowed async transfers unsound elsewhere: the
/// handle is forgotten and the closure panics while the DMA still runs. The
/// scope, not the handle, stops the channel before `scope` unwinds out, so
/// the stack arrays' borrows end only once the hardware is done.
#[test]
fn a_panic_in_the_scope_after_forgetting_the_handle_stops_the_channel() {
    let source = [1u32; 8];
    let mut destination = [0u32; 8];
    let mut ch = channel();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        ch.scope(|scope| {
            let transfer = scope
                .mem_to_mem::<HostMemory, _>(&source, &mut destination)
                .unwrap();
            poke(ENBLD_CHNS, 1); // still moving data
            core::mem::forget(transfer);
            assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_E, CH0_CONFIG_E);
            panic!("the closure fails mid-transfer");
        })
    }));
    assert!(outcome.is_err(), "the panic came through");
    assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_E, 0, "Enable cleared");
    assert_eq!(peek(CH0_CONFIG) & 0xFFFF, 0xC000, "rest of the word kept");
    poke(ENBLD_CHNS, 0);
}

/// A panic with the handle alive: the handle's `Drop` stops the channel.
#[test]
fn a_panic_with_a_live_handle_stops_the_channel() {
    let source = [1u32; 8];
    let mut destination = [0u32; 8];
    let mut ch = channel();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        ch.scope(|scope| {
            let _transfer = scope
                .mem_to_mem::<HostMemory, _>(&source, &mut destination)
                .unwrap();
            poke(ENBLD_CHNS, 1);
            panic!("the closure fails mid-transfer");
        })
    }));
    assert!(outcome.is_err());
    assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_E, 0, "Enable cleared");
    poke(ENBLD_CHNS, 0);
}

/// Without a panic too: a forgotten handle's transfer is stopped when the
/// closure returns, and while it runs a second start is refused.
#[test]
fn a_forgotten_handle_blocks_the_channel_until_the_scope_stops_it() {
    let source = [1u32; 8];
    let mut first = [0u32; 8];
    let mut second = [0u32; 8];
    let mut ch = channel();
    ch.scope(|scope| {
        let transfer = scope
            .mem_to_mem::<HostMemory, _>(&source, &mut first)
            .unwrap();
        poke(ENBLD_CHNS, 1);
        core::mem::forget(transfer);
        let control = peek(CH0_CONTROL);
        assert_eq!(
            scope
                .mem_to_mem::<HostMemory, _>(&source[..4], &mut second)
                .unwrap_err(),
            ScopedError::ChannelBusy
        );
        assert_eq!(peek(CH0_CONTROL), control, "not reprogrammed");
        assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_E, CH0_CONFIG_E);
    });
    assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_E, 0, "stopped by the scope");
    poke(ENBLD_CHNS, 0);
}

#[test]
fn a_bus_error_is_an_err_with_the_residue() {
    let source = [1u32; 8];
    let mut destination = [0u32; 8];
    let mut ch = channel();
    poke(RAW_INT_ERROR_STATUS, 1);
    let error = ch.scope(|scope| {
        let transfer = scope
            .mem_to_mem::<HostMemory, _>(&source, &mut destination)
            .unwrap();
        poke(CH0_CONTROL, 5);
        transfer.wait().unwrap_err()
    });
    assert_eq!(
        error,
        ScopedError::Failed {
            kind: TransferErrorKind::Bus,
            remaining: 5
        }
    );
    poke(RAW_INT_ERROR_STATUS, 0);
}

/// Host memory as a cacheable region with 32-byte lines (test only).
struct CachedHostMemory;

// SAFETY: a test region covering host memory.
unsafe impl Region for CachedHostMemory {
    const NAME: &'static str = "CachedHostMemory";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = true;
    const CACHE_LINE: usize = 32;
}

// SAFETY: test only; `TestDma` never touches memory.
unsafe impl ReachableByDma for CachedHostMemory {}

#[repr(C, align(32))]
struct Lines([u32; 16]);

#[test]
fn a_destination_not_on_cache_lines_in_a_cached_region_is_an_err() {
    let source = [1u32; 16];
    let mut destination = Lines([0; 16]);
    let mut ch = channel();
    assert_eq!(
        ch.copy_blocking::<CachedHostMemory, _>(&source[..15], &mut destination.0),
        Err(ScopedError::NotCacheLineAligned {
            address: destination.0.as_ptr() as usize,
            bytes: 60,
            line: 32
        }),
        "15 words are not a whole number of lines"
    );
    assert_eq!(
        ch.copy_blocking::<CachedHostMemory, _>(&source[..8], &mut destination.0[1..]),
        Err(ScopedError::NotCacheLineAligned {
            address: destination.0.as_ptr() as usize + 4,
            bytes: 32,
            line: 32
        }),
        "one line long, but not on a line"
    );
    assert_eq!(
        ch.copy_blocking::<CachedHostMemory, _>(&source, &mut destination.0),
        Ok(16)
    );
}
