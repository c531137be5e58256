//! A register model for the host tests: every register a value (0 unless
//! set), every access logged in order with the marks the tests' closures
//! leave (where a stream would start), write-1-to-clear registers that clear
//! their status register, and status flags that rise after a number of reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::vec::Vec;

use crate::mmio::Mmio;

/// One access, or a mark left by a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A read of the register at the address.
    Read(usize),
    /// A write of the value to the register at the address.
    Write(usize, u32),
    /// A point in the sequence the test named (a stream start).
    Mark(&'static str),
}

#[derive(Default)]
struct State {
    registers: HashMap<usize, u32>,
    log: Vec<Event>,
    /// Write-1-to-clear register → the status register it clears.
    clears: HashMap<usize, usize>,
    /// Bits a register shows once it has been read this many times.
    set_after_reads: HashMap<usize, (usize, u32)>,
    reads: HashMap<usize, usize>,
}

/// A handle to the model; clones share it (the driver's register type owns
/// one, the test and its closures keep others).
#[derive(Clone, Default)]
pub struct Model(Rc<RefCell<State>>);

impl Model {
    pub fn new() -> Self {
        Model::default()
    }

    /// Declares that writing 1s to `clear` clears those bits in `status`.
    pub fn write_one_to_clear(&self, clear: usize, status: usize) {
        self.0.borrow_mut().clears.insert(clear, status);
    }

    pub fn set(&self, address: usize, value: u32) {
        self.0.borrow_mut().registers.insert(address, value);
    }

    pub fn get(&self, address: usize) -> u32 {
        self.0
            .borrow()
            .registers
            .get(&address)
            .copied()
            .unwrap_or(0)
    }

    /// `address` shows `bits` from its `reads`-th read on (a flag the
    /// hardware raises while the driver polls).
    pub fn raise_after_reads(&self, address: usize, reads: usize, bits: u32) {
        self.0
            .borrow_mut()
            .set_after_reads
            .insert(address, (reads, bits));
    }

    pub fn mark(&self, name: &'static str) {
        self.0.borrow_mut().log.push(Event::Mark(name));
    }

    pub fn log(&self) -> Vec<Event> {
        self.0.borrow().log.clone()
    }

    pub fn clear_log(&self) {
        self.0.borrow_mut().log.clear();
    }

    /// The writes to `address`, in order.
    pub fn writes_to(&self, address: usize) -> Vec<u32> {
        self.log()
            .into_iter()
            .filter_map(|event| match event {
                Event::Write(at, value) if at == address => Some(value),
                _ => None,
            })
            .collect()
    }

    /// Index in the log of the first event `matches` accepts.
    pub fn position(&self, matches: impl Fn(&Event) -> bool) -> Option<usize> {
        self.log().iter().position(matches)
    }

    /// Index of the first write to `address` after which `bits` are set
    /// there (the value written has them).
    pub fn first_setting(&self, address: usize, bits: u32) -> Option<usize> {
        self.position(|event| matches!(*event, Event::Write(at, value) if at == address && value & bits == bits))
    }

    /// Index of the first write to `address` that has `bits` clear.
    pub fn first_clearing(&self, address: usize, bits: u32) -> Option<usize> {
        self.position(
            |event| matches!(*event, Event::Write(at, value) if at == address && value & bits == 0),
        )
    }

    /// Index of the mark `name`.
    pub fn mark_at(&self, name: &'static str) -> Option<usize> {
        self.position(|event| *event == Event::Mark(name))
    }
}

impl Mmio for Model {
    unsafe fn read(&mut self, address: usize) -> u32 {
        let mut state = self.0.borrow_mut();
        state.log.push(Event::Read(address));
        let count = {
            let reads = state.reads.entry(address).or_default();
            *reads += 1;
            *reads
        };
        if let Some(&(after, bits)) = state.set_after_reads.get(&address) {
            if count >= after {
                *state.registers.entry(address).or_default() |= bits;
                state.set_after_reads.remove(&address);
            }
        }
        state.registers.get(&address).copied().unwrap_or(0)
    }

    unsafe fn write(&mut self, address: usize, value: u32) {
        let mut state = self.0.borrow_mut();
        state.log.push(Event::Write(address, value));
        if let Some(&status) = state.clears.get(&address) {
            *state.registers.entry(status).or_default() &= !value;
        } else {
            state.registers.insert(address, value);
        }
    }
}
