//! # dma-macros
//!
//! Procedural macros for `dma-types`. This crate is the home of
//! `dma_buffers!` (statics placed in their region's linker section, handed
//! out once, with descriptor storage sized at compile time) and of statically
//! linked descriptor chains. It exports no macro yet: until it does, firmware
//! declares buffers with `cortex_m::singleton!` and admits them to a region
//! with the run-time checked `dma_types::buffer::Buffer::new`, as the
//! examples do.
