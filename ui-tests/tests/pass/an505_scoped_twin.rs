//! The legal twins of `ui/g14_scoped/`: borrowed (stack) memory through the
//! scoped and blocking API. Built, not run: the registers exist only on the
//! board (the QEMU example `scoped` runs the same calls).
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::error::ScopedError;

/// stack_buffer_in_a_static_transfer: the stack array goes through
/// `copy_blocking`, which stops the channel before it returns.
/// transfer_handle_escapes_the_scope: the handle is waited for inside the
/// closure; only its result leaves.
/// buffer_declared_inside_the_scope: the array is declared before `scope`.
/// read_destination_during_a_scoped_transfer: the destination is read from
/// what `wait` gives back, and after the scope.
fn firmware() -> Result<(), ScopedError> {
    let mut ch = Dma0::take().unwrap().split().ch0;
    let src = [1u32; 16];
    let mut local = [0u32; 16];
    ch.copy_blocking::<Ssram23Secure, _>(&src, &mut local)?;
    let mut dst = [0u32; 16];
    let first = ch.scope(|scope| {
        let written = scope.mem_to_mem::<Ssram23Secure, _>(&src, &mut dst)?.wait()?;
        Ok::<_, ScopedError>(written[0])
    })?;
    let forgotten = [0u32; 16];
    let mut into = [0u32; 16];
    ch.scope(|scope| {
        // Forgetting the handle is allowed: the scope stops the channel.
        core::mem::forget(scope.mem_to_mem::<Ssram23Secure, _>(&forgotten, &mut into));
    });
    let _ = (first, dst[0], local[0], into[0]);
    Ok(())
}

fn main() {
    if std::hint::black_box(false) {
        let _ = firmware();
    }
}
