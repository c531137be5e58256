//! A simulated ring DMA: an element counter (position and laps), sticky
//! half/complete flags that the hook acknowledges with a write-1-to-clear
//! that also wipes a flag set again in between (as LIFCR does), an error
//! that stops the channel, and a schedule that moves the hardware between
//! any two register accesses of a sample and during the copy.
//!
//! Memory is leaked raw allocations reached only through raw pointers, so
//! no Rust reference covers what the simulated hardware writes (Miri checks
//! this).

extern crate std;

use std::boxed::Box;
use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::vec::Vec;

use core::ptr::NonNull;

use dma_types::error::NotStopped;
use dma_types::ring::{Layout, RingHardware, Sample};

/// Value of a slot the hardware never wrote (a receive must never return it).
pub const NEVER_WRITTEN: u32 = u32::MAX;

/// How far the hardware moves at the register accesses of one sample.
///
/// `flags_to_ack + ack_to_position` must stay below the layout's mark
/// spacing (the ring's hardware assumption; `sample` panics otherwise);
/// `position_to_status` may be anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Between reading the flags and acknowledging them.
    pub flags_to_ack: usize,
    /// Between acknowledging the flags and reading the position.
    pub ack_to_position: usize,
    /// Between reading the position and reading the error/running state.
    pub position_to_status: usize,
}

/// Which way the simulated hardware moves data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// It writes element n (the value n) into slot n % capacity.
    Receive,
    /// It reads slot n % capacity (fetching `lookahead` elements early) and
    /// sends it.
    Transmit { lookahead: usize },
}

/// The simulated channel: its shape and memory, and its moving parts
/// behind a `RefCell`, so a test drives it through the ring's shared
/// `hardware()` (the ring hands out no `&mut` of its hardware).
pub struct Sim {
    pub layout: Layout,
    blocks: Vec<NonNull<u32>>,
    pub direction: Direction,
    state: RefCell<State>,
}

/// What the simulated channel does and has done.
pub struct State {
    /// Elements finished since the start (position and laps in one count).
    pub done: u64,
    pub half: bool,
    pub complete: bool,
    pub error: bool,
    pub running: bool,
    /// The hardware fails when `done` reaches this count.
    pub fail_at: Option<u64>,
    /// Moves at the register accesses of the next samples, one window per
    /// sample (then none).
    pub windows: VecDeque<Window>,
    /// Moves at the next copy (the first cache call of a read or write).
    pub during_copy: usize,
    /// Report a position of `capacity` instead of 0 at a lap boundary (a
    /// SxNDTR read of 0 in the instant before the reload).
    pub ndtr_zero: bool,
    pub stop_calls: usize,
    /// Transmit: values fetched from memory, not yet sent.
    fetched: VecDeque<u32>,
    /// Transmit: values sent, in order.
    pub sent: Vec<u32>,
}

impl Sim {
    /// A channel just started on fresh memory (every slot `NEVER_WRITTEN`
    /// for a receive, `0..capacity` for a transmit's first lap).
    pub fn new(layout: Layout, direction: Direction) -> Self {
        let block_len = layout.block_len();
        let blocks = (0..layout.blocks())
            .map(|block| {
                let contents: Box<[u32]> = (0..block_len)
                    .map(|offset| match direction {
                        Direction::Receive => NEVER_WRITTEN,
                        Direction::Transmit { .. } => (block * block_len + offset) as u32,
                    })
                    .collect();
                // Leaked on purpose: the ring may outlive the test body's
                // view of it; reached only through this raw pointer.
                NonNull::new(Box::into_raw(contents) as *mut u32).unwrap()
            })
            .collect();
        let sim = Sim {
            layout,
            blocks,
            direction,
            state: RefCell::new(State {
                done: 0,
                half: false,
                complete: false,
                error: false,
                running: true,
                fail_at: None,
                windows: VecDeque::new(),
                during_copy: 0,
                ndtr_zero: false,
                stop_calls: 0,
                fetched: VecDeque::new(),
                sent: Vec::new(),
            }),
        };
        if let Direction::Transmit { lookahead } = direction {
            for index in 0..lookahead as u64 {
                let value = sim.load(index);
                sim.state().fetched.push_back(value);
            }
        }
        sim
    }

    /// The moving parts, to look at or to set up the next moves.
    pub fn state(&self) -> RefMut<'_, State> {
        self.state.borrow_mut()
    }

    fn slot(&self, index: u64) -> *mut u32 {
        let capacity = self.layout.capacity() as u64;
        let slot = (index % capacity) as usize;
        let block = self.layout.block_len();
        // SAFETY: `slot % block` is inside block `slot / block`.
        unsafe { self.blocks[slot / block].as_ptr().add(slot % block) }
    }

    fn load(&self, index: u64) -> u32 {
        // SAFETY: a slot of the leaked ring, read through its raw pointer.
        unsafe { self.slot(index).read_volatile() }
    }

    /// The hardware finishes `count` more elements (fewer if it fails or
    /// is stopped).
    pub fn run(&self, count: usize) {
        let spacing = self.layout.mark_spacing() as u64;
        let block = self.layout.block_len() as u64;
        let mut state = self.state();
        for _ in 0..count {
            if !state.running {
                return;
            }
            if state.fail_at == Some(state.done) {
                state.error = true;
                state.running = false;
                return;
            }
            match self.direction {
                Direction::Receive => {
                    // SAFETY: a slot of the leaked ring, written through its
                    // raw pointer as the DMA would.
                    unsafe { self.slot(state.done).write_volatile(state.done as u32) };
                }
                Direction::Transmit { lookahead } => {
                    let value = if lookahead == 0 {
                        self.load(state.done)
                    } else {
                        let value = state.fetched.pop_front().unwrap();
                        let next = self.load(state.done + lookahead as u64);
                        state.fetched.push_back(next);
                        value
                    };
                    state.sent.push(value);
                }
            }
            state.done += 1;
            if state.done.is_multiple_of(spacing) {
                if state.done.is_multiple_of(block) {
                    state.complete = true;
                } else {
                    state.half = true;
                }
            }
        }
    }

    /// The hardware stops by itself, without an error.
    pub fn halt(&self) {
        self.state().running = false;
    }
}

// SAFETY: each block pointer is a leaked allocation of `block_len` elements
// that lives forever and is only reached through raw pointers; the
// simulated hardware visits the slots in order; `sample` reads the flags,
// clears the ones it reports, then reads the position, then the status;
// `stopped` is reported only when the simulation no longer moves.
unsafe impl RingHardware for Sim {
    type Word = u32;

    fn layout(&self) -> Layout {
        self.layout
    }

    fn lookahead(&self) -> usize {
        match self.direction {
            Direction::Receive => 0,
            Direction::Transmit { lookahead } => lookahead,
        }
    }

    fn block(&self, index: usize) -> NonNull<u32> {
        self.blocks[index]
    }

    fn sample(&mut self) -> Sample {
        let window = self.state().windows.pop_front().unwrap_or_default();
        // The ring's hardware assumption (`RingHardware`'s `# Safety`):
        // between the flag read and the position read the hardware moves
        // fewer than one mark spacing. More is hardware the ring does not
        // support (a lap there is invisible to any one sample), so a test
        // that asks for it is wrong, not the ring.
        assert!(
            window.flags_to_ack + window.ack_to_position < self.layout.mark_spacing(),
            "{window:?} moves the hardware {} elements between the flag read and the \
             position read of one sample: outside the ring's hardware assumption \
             (fewer than the mark spacing, {})",
            window.flags_to_ack + window.ack_to_position,
            self.layout.mark_spacing()
        );
        let (half, complete) = {
            let state = self.state();
            (state.half, state.complete)
        };
        self.run(window.flags_to_ack);
        // Write-1-to-clear of the flags read: also clears one set again
        // since the read (that crossing is lost, as on the chip).
        {
            let mut state = self.state();
            if half {
                state.half = false;
            }
            if complete {
                state.complete = false;
            }
        }
        self.run(window.ack_to_position);
        let capacity = self.layout.capacity() as u64;
        let (done, ndtr_zero) = {
            let state = self.state();
            (state.done, state.ndtr_zero)
        };
        let mut position = (done % capacity) as usize;
        if position == 0 && done > 0 && ndtr_zero {
            position = capacity as usize;
        }
        self.run(window.position_to_status);
        let state = self.state();
        Sample {
            half,
            complete,
            position,
            error: state.error,
            stopped: !state.running,
        }
    }

    fn stop(&mut self) -> Result<(), NotStopped> {
        let mut state = self.state();
        state.stop_calls += 1;
        state.running = false;
        Ok(())
    }

    unsafe fn invalidate(&mut self, _address: usize, _bytes: usize) {
        let moves = core::mem::take(&mut self.state().during_copy);
        self.run(moves);
    }

    unsafe fn clean(&mut self, _address: usize, _bytes: usize) {
        let moves = core::mem::take(&mut self.state().during_copy);
        self.run(moves);
    }
}
