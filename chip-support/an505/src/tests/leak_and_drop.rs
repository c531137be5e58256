//! Leak and drop safety: what happens to the hardware and the buffers when a
//! transfer is forgotten, dropped, aborted or suspended before it finishes.
//!
//! The host register block does not move data, so "running with data left"
//! is staged by writing the registers as the hardware would leave them.

use super::*;

const CH0_CONFIG_E: u32 = 1 << 0;
const CH0_CONFIG_A: u32 = 1 << 17;
const CH0_CONFIG_H: u32 = 1 << 18;

/// `mem::forget` cannot lead to aliasing: the transfer owned the channel and
/// both `'static` buffers, so forgetting it leaks them. Nothing is stopped
/// (no `Drop` runs), and no safe path hands out the channel or the buffers
/// again: the controller's `take` has been spent, and the buffers were moved
/// (the compile-fail twin is `ui/g14_leak/reuse_buffer_after_forgetting_transfer.rs`).
#[test]
fn forgetting_a_running_transfer_leaks_channel_and_buffers() {
    let controller = TestDma::take().expect("the first take succeeds");
    let ch = controller.split().ch0;
    let src = Buffer::<HostMemory, _>::new(leak([1u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let transfer = ch.mem_to_mem(src, dst).start();
    poke(ENBLD_CHNS, 1);
    core::mem::forget(transfer);
    // No `Drop` ran: the channel was not halted or disabled behind the
    // hardware's back; it keeps running into memory no one else can reach.
    assert_eq!(
        peek(CH0_CONFIG) & (CH0_CONFIG_E | CH0_CONFIG_H),
        CH0_CONFIG_E
    );
    // The only safe source of channel handles is spent.
    assert!(
        TestDma::take().is_none(),
        "a second take would alias the channel"
    );
    poke(ENBLD_CHNS, 0);
}

/// Dropping a running transfer stops the channel first: Halt, then Enable
/// and Halt cleared, before the buffers (dropped with it) are released.
#[test]
fn dropping_a_running_transfer_stops_the_channel_first() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let transfer = channel().mem_to_mem(src, dst).start();
    poke(ENBLD_CHNS, 1);
    // The FIFO still holds data (Active); `stop` must wait for it, bounded.
    poke(CH0_CONFIG, peek(CH0_CONFIG) | CH0_CONFIG_A);
    drop(transfer);
    let config = peek(CH0_CONFIG);
    assert_eq!(config & CH0_CONFIG_E, 0, "Enable cleared by Drop");
    assert_eq!(config & CH0_CONFIG_H, 0, "Halt released once disabled");
    // ITC (bit 15) and IE (bit 14) stay.
    assert_eq!(config & 0xFFFF, 0xC000, "rest of the configuration kept");
    poke(ENBLD_CHNS, 0);
}

/// Dropping a suspended transfer stops the channel too.
#[test]
fn dropping_a_suspended_transfer_stops_the_channel() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let suspended = channel().mem_to_mem(src, dst).start_suspended();
    assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_H, CH0_CONFIG_H);
    drop(suspended);
    assert_eq!(peek(CH0_CONFIG) & (CH0_CONFIG_E | CH0_CONFIG_H), 0);
}

/// A dropped transfer that never started touches no register.
#[test]
fn dropping_a_configured_transfer_leaves_the_channel_alone() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    poke(CH0_CONFIG, 0x1234_0000);
    drop(channel().mem_to_mem(src, dst));
    assert_eq!(peek(CH0_CONFIG), 0x1234_0000);
    poke(CH0_CONFIG, 0);
}

/// `abort()` gives back the very channel and buffers, and the residue is
/// exact: the current block's count plus every item still queued.
#[test]
fn abort_returns_channel_and_buffers_with_the_exact_residue() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 9000])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 9000])).unwrap();
    let lli = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 2])).unwrap();
    let (src_addr, dst_addr, lli_addr) = (src.address(), dst.address(), lli.address());
    let transfer = channel().with_descriptors(lli).mem_to_mem(src, dst).start();
    // 9000 = 4095 + 4095 + 810. The hardware is 1000 elements into block 2.
    poke(ENBLD_CHNS, 1);
    poke(CH0_CONTROL, 0x0C48_0000 | (4095 - 1000));
    poke(CH0_LLI, (lli_addr + core::mem::size_of::<Lli>()) as u32);
    let stopped = transfer.abort().unwrap();
    assert_eq!(stopped.remaining, 3095 + 810);
    assert_eq!(stopped.source.address(), src_addr);
    assert_eq!(stopped.destination.address(), dst_addr);
    assert_eq!(peek(CH0_CONFIG) & CH0_CONFIG_E, 0, "channel disabled");
    poke(ENBLD_CHNS, 0);
    // The channel and its descriptor storage are whole again: start anew.
    let (ch, lli) = stopped.channel.into_parts();
    assert_eq!(lli.address(), lli_addr);
    let again = ch
        .with_descriptors(lli)
        .mem_to_mem(stopped.source, stopped.destination)
        .start();
    assert_eq!(peek(CH0_CONTROL) & 0xFFF, 4095, "restarted at block 1");
    again.wait().unwrap();
}

/// An armed transfer (`start_suspended`) is enabled with Halt set and moves
/// nothing: aborting it reports every element, chain included, as left.
#[test]
fn start_suspended_enables_the_channel_halted() {
    let src = Buffer::<HostMemory, _>::new(leak([0u16; 5000])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u16; 5000])).unwrap();
    let lli = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 1])).unwrap();
    let suspended = channel()
        .with_descriptors(lli)
        .mem_to_mem(src, dst)
        .start_suspended();
    // H (18) | ITC (15) | IE (14) | E (0), and the same channel registers
    // as `start` writes.
    assert_eq!(peek(CH0_CONFIG), 0x0004_C001);
    assert_eq!(peek(CH0_CONTROL), 0x0C24_0FFF);
    poke(ENBLD_CHNS, 1);
    assert_eq!(suspended.remaining(), 5000);
    let running = suspended.resume();
    assert_eq!(peek(CH0_CONFIG), 0x0000_C001, "resume clears Halt only");
    let stopped = running.abort().unwrap();
    assert_eq!(stopped.remaining, 5000);
    poke(ENBLD_CHNS, 0);
}
