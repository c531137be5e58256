//! A simulated ring DMA: an element counter (position and laps), sticky
//! half/complete flags that the hook acknowledges with a write-1-to-clear
//! that also wipes a flag set again in between (as LIFCR does), an error
//! that stops the channel, and a schedule that moves the hardware between
//! any two register accesses of a sample and during the copy.
//!
//! A double buffer (two blocks) is read as the STM32 stream's hook reads
//! it: a block bit (CT) and a counter of the elements left (NDTR), turned
//! into a position by `dma_types::ring::double_buffer`. At every buffer
//! switch the two registers pass through the states real hardware may show
//! for a few register reads ([`Switch`]): the counter at 0 with the old
//! block, then either the counter reloaded with the old block or the block
//! toggled with the counter still 0, and the complete flag set with the
//! last element or only once the switch has settled.
//!
//! Memory is leaked raw allocations reached only through raw pointers, so
//! no Rust reference covers what the simulated hardware writes (Miri checks
//! this).

extern crate std;

use std::boxed::Box;
use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::vec::Vec;

use core::cell::Cell;
use core::ptr::NonNull;

use dma_types::error::NotStopped;
use dma_types::ring::double_buffer::DoubleBufferPosition;
use dma_types::ring::{Layout, RingHardware, Sample};

/// Value of a slot the hardware never wrote (a receive must never return it).
pub const NEVER_WRITTEN: u32 = u32::MAX;

/// How far the hardware moves at the register accesses of one sample.
///
/// `flags_to_ack + ack_to_position + during_position` must stay below the
/// layout's mark spacing (the ring's hardware assumption; `sample` panics
/// otherwise); `position_to_status` may be anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Between reading the flags and acknowledging them.
    pub flags_to_ack: usize,
    /// Between acknowledging the flags and reading the position.
    pub ack_to_position: usize,
    /// One element before each of this many register reads of a double
    /// buffer's position (CT, NDTR, CT, …); with one block, right before
    /// the position read.
    pub during_position: usize,
    /// Between reading the position and reading the error/running state.
    pub position_to_status: usize,
}

/// How the registers of a double buffer pass a buffer switch (see the
/// module documentation). The default switches at once: no register read
/// sees a half-way state, and the complete flag comes with the last element.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Switch {
    /// NDTR reloads before CT toggles (otherwise CT toggles first).
    pub reload_first: bool,
    /// Register reads that still see NDTR 0 with the old block.
    pub zero_reads: usize,
    /// Register reads that then see the half-way state: the old block with
    /// NDTR reloaded, or the new block with NDTR still 0.
    pub half_reads: usize,
    /// The complete flag is set once the switch settled, not with the last
    /// element of the block.
    pub late_flag: bool,
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
    /// A double buffer's position tracker (the hook's own state).
    tracker: Cell<DoubleBufferPosition>,
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
    /// One block: report a position of `capacity` instead of 0 at a lap
    /// boundary (a SxNDTR read of 0 in the instant before the reload).
    pub ndtr_zero: bool,
    /// Two blocks: how the registers pass the next buffer switches.
    pub switch: Switch,
    /// Two blocks: the switch under way at a block boundary, as the
    /// register reads left in its first and second half-way state.
    switching: Option<(usize, usize)>,
    /// Two blocks: the complete flag is due when the switch settles.
    complete_due: bool,
    /// Register reads of the position left that move one element first.
    read_moves: usize,
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
                switch: Switch::default(),
                switching: None,
                complete_due: false,
                read_moves: 0,
                stop_calls: 0,
                fetched: VecDeque::new(),
                sent: Vec::new(),
            }),
            tracker: Cell::new(DoubleBufferPosition::new(layout.block_len())),
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

    /// Whether this is a double buffer, whose position comes from its block
    /// bit and counter.
    fn double(&self) -> bool {
        self.layout.blocks() == 2
    }

    /// Ends a switch under way: the registers settle on the new block and a
    /// late complete flag is set.
    fn settle(state: &mut State) {
        state.switching = None;
        if core::mem::take(&mut state.complete_due) {
            state.complete = true;
        }
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
            // The switch completes before the next element is stored.
            Self::settle(&mut state);
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
                    if self.double() {
                        let switch = state.switch;
                        if switch.late_flag {
                            state.complete_due = true;
                        } else {
                            state.complete = true;
                        }
                        state.switching = Some((switch.zero_reads, switch.half_reads));
                        if switch.zero_reads + switch.half_reads == 0 {
                            Self::settle(&mut state);
                        }
                    } else {
                        state.complete = true;
                    }
                } else {
                    state.half = true;
                }
            }
        }
    }

    /// The hardware stops by itself, without an error.
    pub fn halt(&self) {
        let mut state = self.state();
        state.running = false;
        Self::settle(&mut state);
    }

    /// One register read of a double buffer's position: `target` for CT
    /// (the block in use), otherwise NDTR (elements left in it). Moves the
    /// hardware one element first while the sample's `during_position`
    /// lasts, and uses up one read of a switch under way.
    fn read_register(&self, target: bool) -> usize {
        let move_first = {
            let mut state = self.state();
            let moves = state.read_moves > 0;
            if moves {
                state.read_moves -= 1;
            }
            moves
        };
        if move_first {
            self.run(1);
        }
        let len = self.layout.block_len() as u64;
        let mut state = self.state();
        let done = state.done;
        let new = ((done / len) % 2) as usize;
        let (block, left) = match state.switching {
            Some((zero, _)) if zero > 0 => (new ^ 1, 0),
            Some(_) if state.switch.reload_first => (new ^ 1, len),
            Some(_) => (new, 0),
            None => (new, len - done % len),
        };
        // This read uses up one read of the state it saw.
        if let Some((zero, half)) = state.switching.as_mut() {
            if *zero > 0 {
                *zero -= 1;
            } else if *half > 0 {
                *half -= 1;
            }
            if *zero == 0 && *half == 0 {
                Self::settle(&mut state);
            }
        }
        if target {
            block
        } else {
            left as usize
        }
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
        let inside = window.flags_to_ack + window.ack_to_position + window.during_position;
        assert!(
            inside < self.layout.mark_spacing(),
            "{window:?} moves the hardware {inside} elements between the flag read and the \
             position read of one sample: outside the ring's hardware assumption \
             (fewer than the mark spacing, {})",
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
        let position = if self.double() {
            // The hook's reads: CT, NDTR, CT (and again if CT moved).
            self.state().read_moves = window.during_position;
            let before = self.state().done;
            let mut tracker = self.tracker.get();
            let position = tracker.read(
                half,
                complete,
                || self.read_register(true),
                || self.read_register(false),
            );
            self.tracker.set(tracker);
            self.state().read_moves = 0;
            // The decoder's own promise: a position the hardware held
            // during the reads, or none.
            let after = self.state().done;
            let capacity = self.layout.capacity() as u64;
            assert!(
                position == usize::MAX
                    || (before..=after).any(|done| done % capacity == position as u64 % capacity),
                "double-buffer position {position} while the hardware moved {before}..={after} \
                 (flags half {half}, complete {complete})"
            );
            position
        } else {
            self.run(window.during_position);
            let capacity = self.layout.capacity() as u64;
            let (done, ndtr_zero) = {
                let state = self.state();
                (state.done, state.ndtr_zero)
            };
            let mut position = (done % capacity) as usize;
            if position == 0 && done > 0 && ndtr_zero {
                position = capacity as usize;
            }
            position
        };
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
        Self::settle(&mut state);
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
