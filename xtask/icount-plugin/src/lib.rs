//! A QEMU TCG plugin that counts executed guest instructions between two
//! marker hint instructions, for `cargo xtask bench`.
//!
//! The firmware brackets each measured section with `dbg #1` (start) and
//! `dbg #2` (stop); on Arm both are hints that execute as no-ops. Every
//! other instruction adds one to a counter through an inline TCG operation;
//! the markers themselves are not counted, so a section's count is the
//! number of instructions executed strictly between its two markers
//! (including any exception handler that runs in between). Sections may not
//! nest.
//!
//! Load it with `-plugin path/to/libicount_plugin.so,out=FILE`. Each stop
//! marker appends one line `section <n> <count>` to `FILE`; a marker out of
//! order appends `error <text>`. Debian's QEMU ships no plugin header, so the
//! few API functions used are declared here; QEMU resolves them from its own
//! executable when it loads the library.
//!
//! Counts are exact and repeatable under `-icount`: when an I/O access forces
//! QEMU to re-translate a block, the re-translation instruments memory
//! accesses only (`CF_MEMI_ONLY`), so no instruction is counted twice.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The plugin API version this plugin is written against.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static qemu_plugin_version: c_int = 1;

/// Thumb-2 `dbg #n`: first halfword `F3AF`, second `80F0 | n`.
const DBG_FIRST_HALFWORD: u16 = 0xF3AF;
const DBG_SECOND_HALFWORD: u16 = 0x80F0;
/// `dbg` option that opens a measured section.
pub const START_MARKER: u8 = 1;
/// `dbg` option that closes it.
pub const STOP_MARKER: u8 = 2;

/// Returns the marker number `n` if the little-endian instruction bytes
/// encode the Thumb-2 hint `dbg #n`.
///
/// ```
/// use icount_plugin::marker_number;
/// assert_eq!(marker_number(&[0xAF, 0xF3, 0xF1, 0x80]), Some(1));
/// assert_eq!(marker_number(&[0xAF, 0xF3, 0x00, 0x80]), None); // nop.w
/// assert_eq!(marker_number(&[0x00, 0xBF]), None); // nop
/// ```
pub fn marker_number(bytes: &[u8]) -> Option<u8> {
    let [a, b, c, d] = *bytes else {
        return None;
    };
    let first = u16::from_le_bytes([a, b]);
    let second = u16::from_le_bytes([c, d]);
    if first == DBG_FIRST_HALFWORD && second & 0xFFF0 == DBG_SECOND_HALFWORD {
        Some((second & 0xF) as u8)
    } else {
        None
    }
}

/// Section bookkeeping, fed by the marker callbacks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sections {
    open_at: Option<u64>,
    closed: usize,
}

/// What a marker did to the sections.
#[derive(Debug, PartialEq, Eq)]
pub enum MarkerEvent {
    /// A section opened; nothing to report yet.
    Opened,
    /// Section number `index` (from 0) closed after `count` instructions.
    Closed {
        /// Position of the section in the run.
        index: usize,
        /// Instructions executed strictly between its markers.
        count: u64,
    },
    /// The marker came out of order (nested start, stop without start, or
    /// an unknown marker number).
    OutOfOrder(&'static str),
}

impl Sections {
    /// Applies marker `marker` seen when the instruction counter read `now`.
    ///
    /// ```
    /// use icount_plugin::{MarkerEvent, Sections};
    /// let mut sections = Sections::default();
    /// assert_eq!(sections.marker(1, 100), MarkerEvent::Opened);
    /// assert_eq!(sections.marker(2, 142), MarkerEvent::Closed { index: 0, count: 42 });
    /// assert!(matches!(sections.marker(2, 150), MarkerEvent::OutOfOrder(_)));
    /// ```
    pub fn marker(&mut self, marker: u8, now: u64) -> MarkerEvent {
        match (marker, self.open_at) {
            (START_MARKER, None) => {
                self.open_at = Some(now);
                MarkerEvent::Opened
            }
            (START_MARKER, Some(_)) => {
                MarkerEvent::OutOfOrder("start marker inside an open section")
            }
            (STOP_MARKER, Some(start)) => {
                self.open_at = None;
                self.closed += 1;
                MarkerEvent::Closed {
                    index: self.closed - 1,
                    count: now - start,
                }
            }
            (STOP_MARKER, None) => MarkerEvent::OutOfOrder("stop marker without a start marker"),
            _ => MarkerEvent::OutOfOrder("unknown dbg marker number"),
        }
    }
}

/// Instructions executed so far, markers excluded. QEMU adds to it from the
/// translated code itself (inline operation), not through a callback.
static EXECUTED: AtomicU64 = AtomicU64::new(0);

/// Open section and the results file.
struct State {
    sections: Sections,
    out: File,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

/// Opaque QEMU types.
#[repr(C)]
struct QemuPluginTb {
    _opaque: [u8; 0],
}
#[repr(C)]
struct QemuPluginInsn {
    _opaque: [u8; 0],
}

type PluginId = u64;
/// `enum qemu_plugin_cb_flags`: `QEMU_PLUGIN_CB_NO_REGS`.
const CB_NO_REGS: c_int = 0;
/// `enum qemu_plugin_op`: `QEMU_PLUGIN_INLINE_ADD_U64`.
const INLINE_ADD_U64: c_int = 0;

extern "C" {
    fn qemu_plugin_register_vcpu_tb_trans_cb(
        id: PluginId,
        cb: extern "C" fn(PluginId, *mut QemuPluginTb),
    );
    fn qemu_plugin_tb_n_insns(tb: *const QemuPluginTb) -> usize;
    fn qemu_plugin_tb_get_insn(tb: *const QemuPluginTb, index: usize) -> *mut QemuPluginInsn;
    fn qemu_plugin_insn_data(insn: *const QemuPluginInsn) -> *const c_void;
    fn qemu_plugin_insn_size(insn: *const QemuPluginInsn) -> usize;
    fn qemu_plugin_register_vcpu_insn_exec_cb(
        insn: *mut QemuPluginInsn,
        cb: extern "C" fn(u32, *mut c_void),
        flags: c_int,
        userdata: *mut c_void,
    );
    fn qemu_plugin_register_vcpu_insn_exec_inline(
        insn: *mut QemuPluginInsn,
        op: c_int,
        pointer: *mut c_void,
        immediate: u64,
    );
}

/// Appends one line to the results file.
fn report(state: &mut State, line: &str) {
    // A failed write shows up as missing sections, which the bench reports.
    let _ = writeln!(state.out, "{line}");
    let _ = state.out.flush();
}

/// Runs when a marker instruction executes; `userdata` is its number.
extern "C" fn on_marker(_vcpu: u32, userdata: *mut c_void) {
    let marker = userdata as usize as u8;
    let now = EXECUTED.load(Ordering::Relaxed);
    let mut guard = STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(state) = guard.as_mut() else { return };
    match state.sections.marker(marker, now) {
        MarkerEvent::Opened => {}
        MarkerEvent::Closed { index, count } => report(state, &format!("section {index} {count}")),
        MarkerEvent::OutOfOrder(what) => report(state, &format!("error {what}")),
    }
}

/// Instruments each instruction of a newly translated block: markers get a
/// callback, every other instruction an inline `EXECUTED += 1`.
extern "C" fn on_translate(_id: PluginId, tb: *mut QemuPluginTb) {
    // SAFETY: QEMU passes a valid block for the duration of this callback;
    // the instruction handles and their bytes live as long as the block.
    unsafe {
        for index in 0..qemu_plugin_tb_n_insns(tb) {
            let insn = qemu_plugin_tb_get_insn(tb, index);
            let size = qemu_plugin_insn_size(insn);
            let data = qemu_plugin_insn_data(insn) as *const u8;
            let bytes = core::slice::from_raw_parts(data, size);
            match marker_number(bytes) {
                Some(marker) => qemu_plugin_register_vcpu_insn_exec_cb(
                    insn,
                    on_marker,
                    CB_NO_REGS,
                    marker as usize as *mut c_void,
                ),
                None => qemu_plugin_register_vcpu_insn_exec_inline(
                    insn,
                    INLINE_ADD_U64,
                    EXECUTED.as_ptr() as *mut c_void,
                    1,
                ),
            }
        }
    }
}

/// Entry point QEMU calls after loading the library: reads `out=FILE` and
/// registers the translation callback. Returns non-zero (QEMU refuses to
/// start) without an output file.
///
/// # Safety
///
/// Called by QEMU only, with `argc` valid C strings in `argv`.
#[no_mangle]
pub unsafe extern "C" fn qemu_plugin_install(
    id: PluginId,
    _info: *const c_void,
    argc: c_int,
    argv: *const *const c_char,
) -> c_int {
    let mut out = None;
    for index in 0..argc.max(0) as usize {
        // SAFETY: QEMU passes `argc` valid, NUL-terminated strings.
        let argument = unsafe { CStr::from_ptr(*argv.add(index)) }.to_string_lossy();
        if let Some(path) = argument.strip_prefix("out=") {
            out = Some(path.to_owned());
        }
    }
    let Some(path) = out else {
        eprintln!("icount-plugin: missing argument out=FILE");
        return -1;
    };
    let file = match OpenOptions::new().create(true).append(true).open(&path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("icount-plugin: cannot open {path}: {error}");
            return -1;
        }
    };
    *STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(State {
        sections: Sections::default(),
        out: file,
    });
    // SAFETY: `id` is the id QEMU gave this plugin; the callback is `extern "C"`.
    unsafe { qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate) };
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dbg_option_is_a_marker_and_other_hints_are_not() {
        for n in 0..16u8 {
            assert_eq!(marker_number(&[0xAF, 0xF3, 0xF0 | n, 0x80]), Some(n));
        }
        // yield.w, wfi.w, sev.w: same hint space, not dbg.
        assert_eq!(marker_number(&[0xAF, 0xF3, 0x01, 0x80]), None);
        assert_eq!(marker_number(&[0xAF, 0xF3, 0x03, 0x80]), None);
        assert_eq!(marker_number(&[0xAF, 0xF3, 0x04, 0x80]), None);
        assert_eq!(marker_number(&[0xF1, 0x80, 0xAF, 0xF3]), None);
    }

    #[test]
    fn sections_count_between_markers_in_order() {
        let mut sections = Sections::default();
        assert_eq!(sections.marker(START_MARKER, 10), MarkerEvent::Opened);
        assert_eq!(
            sections.marker(STOP_MARKER, 17),
            MarkerEvent::Closed { index: 0, count: 7 }
        );
        assert_eq!(sections.marker(START_MARKER, 20), MarkerEvent::Opened);
        assert!(matches!(
            sections.marker(START_MARKER, 21),
            MarkerEvent::OutOfOrder(_)
        ));
        assert_eq!(
            sections.marker(STOP_MARKER, 20),
            MarkerEvent::Closed { index: 1, count: 0 }
        );
        assert!(matches!(sections.marker(9, 30), MarkerEvent::OutOfOrder(_)));
    }
}
