//! Findings of the hostile review of the merged issues 11–15 (see the
//! review report): each test is the smallest program that shows one
//! finding, and fails while the finding stands.

use super::*;

// Finding 1 (a `Window` as a ring buffer: the stream, and the transmit
// ring's own copy-in, ran past the buffer's end) is fixed: every stream and
// BDMA ring refuses a run-time range when the program is built. Its
// regression tests are compile-fail cases:
// `ui-tests/tests/ui/attacks/i13_04_window_as_*`.
