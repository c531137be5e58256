//! "Is DMA worth it for this size?" (`cargo xtask bench`): the CPU
//! instructions of a typed DMA memory-to-memory copy against a CPU copy of
//! the same bytes, on QEMU, from the `bench_breakeven` image of
//! `examples/bench`.

use std::fmt::Write as _;
use std::path::Path;

use crate::bench::counts_of_two_runs;

/// The image and the sizes it copies, in bytes.
const IMAGE: &str = "bench_breakeven";
const SIZES: [u64; 7] = [4, 16, 64, 128, 256, 1024, 4096];

/// What the break-even part of the bench produced.
pub(crate) struct Report {
    /// The table, as Markdown.
    pub(crate) table: String,
    /// The sentence stating the break-even size.
    pub(crate) verdict: String,
}

pub(crate) fn measure(plugin: &Path, scratch: &Path) -> Result<Report, String> {
    let counts = counts_of_two_runs(IMAGE, plugin, scratch)?;
    let find = |name: String| {
        counts
            .iter()
            .find(|(section, _)| *section == name)
            .map(|(_, count)| *count)
            .ok_or_else(|| format!("{IMAGE}: no section `{name}` in the firmware's output"))
    };
    let mut rows = Vec::new();
    for bytes in SIZES {
        rows.push((
            bytes,
            find(format!("dma_{bytes}"))?,
            find(format!("cpu_{bytes}"))?,
        ));
    }
    let mut table = String::from(
        "| bytes copied | DMA: configure, start, wait (typed API) | CPU: `copy_from_slice` | DMA / CPU |\n|---:|---:|---:|---:|\n",
    );
    for (bytes, dma, cpu) in &rows {
        let _ = writeln!(
            table,
            "| {bytes} | {dma} | {cpu} | {:.2} |",
            *dma as f64 / *cpu as f64
        );
    }
    Ok(Report {
        verdict: verdict(&rows),
        table,
    })
}

/// What the break-even rows measure.
pub(crate) const EXPLANATION: &str = include_str!("bench_breakeven.md");

/// States where DMA starts to cost the CPU fewer instructions than copying.
fn verdict(rows: &[(u64, u64, u64)]) -> String {
    let first_win = rows.iter().position(|(_, dma, cpu)| dma < cpu);
    let wins_from = |index: usize| rows[index..].iter().all(|(_, dma, cpu)| dma < cpu);
    match first_win {
        Some(0) if wins_from(0) => format!(
            "DMA costs the CPU fewer instructions than copying at every size measured, from {} bytes on.",
            rows[0].0
        ),
        Some(index) if index > 0 && wins_from(index) => format!(
            "Break-even between {} and {} bytes: up to {} bytes the CPU copy costs fewer instructions ({} against {}); from {} bytes on DMA does ({} against {}), and the gap grows with the size.",
            rows[index - 1].0,
            rows[index].0,
            rows[index - 1].0,
            rows[index - 1].2,
            rows[index - 1].1,
            rows[index].0,
            rows[index].1,
            rows[index].2
        ),
        Some(_) => "DMA and the CPU copy cross more than once; see the table.".into(),
        None => "The CPU copy costs fewer instructions at every size measured.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_names_the_sizes_around_the_crossing() {
        let rows = [(4, 25, 4), (64, 26, 9), (128, 26, 139), (256, 26, 243)];
        let text = verdict(&rows);
        assert!(
            text.starts_with("Break-even between 64 and 128 bytes"),
            "{text}"
        );
        assert!(verdict(&[(4, 2, 4)]).starts_with("DMA costs"));
        assert!(verdict(&[(4, 25, 4)]).starts_with("The CPU copy"));
        assert!(verdict(&[(4, 2, 4), (8, 9, 8), (16, 2, 16)]).contains("more than once"));
    }
}
