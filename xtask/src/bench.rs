//! `cargo xtask bench`: the typed DMA API against hand-written register code.
//!
//! Builds the paired firmware of `examples/bench` and the instruction-count
//! plugin of `xtask/icount-plugin`, runs each instruction-count image twice on
//! QEMU (`-icount shift=7,sleep=off`), reads the flash and RAM sizes from the
//! ELF files, times a cold build of the library crates, prints one table of
//! typed / raw ratios and writes it to `BENCHMARKS.md`.
//!
//! It fails only when it cannot measure: a build that fails, a firmware that
//! fails its own checks, sections that do not pair up, or counts that differ
//! between the two runs. No number is compared with a limit.

use std::env;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::{cargo, ensure_qemu, ensure_target, target_dir, workspace_root, QEMU, TARGET};

/// The instruction-count pair.
const TYPED: &str = "bench_typed";
const RAW: &str = "bench_raw";
/// The awaited-completion pair (row f).
const WAKE_TYPED: &str = "wake_typed";
const WAKE_RAW: &str = "wake_raw";
/// Channel counts of the flash-growth images `channels_{typed,erased,raw}_N`.
const CHANNEL_COUNTS: [u32; 4] = [1, 2, 4, 8];
/// What each section of the pair measures, by the name the firmware gives it.
const CASES: &[(&str, &str)] = &[
    (
        "single_block_start",
        "(a) configure + start a single-block M2M copy (1024 × u32)",
    ),
    (
        "chain_start",
        "(b) configure + start an 8-item chain (9 blocks, 36 000 × u32)",
    ),
    ("wait", "(c) completion: wait until done, buffers back"),
    (
        "interrupt",
        "(c) completion: terminal-count interrupt handler",
    ),
    (
        "copy_64k",
        "(d) 64 KiB copy end to end (configure, 4-item chain, start, wait)",
    ),
    (
        "static_chain_start",
        "(e) start a static 8-item chain (descriptor_chain!)",
    ),
];
/// The reference SPI driver's bounce copies (against one plain copy).
const BOUNCE: &str = "bounce_copy";
/// Its sections, each against the plain 1 KiB copy (`copy_1k`).
const BOUNCE_CASES: &[(&str, &str)] = &[
    (
        "bounce_in_1k",
        "(g) SPI bounce route: a 1 KiB write copied into 256-byte bounce buffers (4 × `stage`)",
    ),
    (
        "bounce_out_1k",
        "(g) SPI bounce route: 1 KiB received copied out of them (4 × `unstage`)",
    ),
];
/// A firmware image that has not exited by then has hung.
const RUN_TIME_LIMIT: Duration = Duration::from_secs(60);

/// One table row: what, the typed value, the raw value (if there is a raw
/// counterpart) and the unit.
struct Row {
    what: String,
    typed: f64,
    raw: Option<f64>,
    unit: &'static str,
}

impl Row {
    fn ratio(&self) -> String {
        match self.raw {
            None => "—".into(),
            Some(0.0) if self.typed == 0.0 => "— (both 0)".into(),
            Some(0.0) => "∞".into(),
            Some(raw) => format!("{:.2}", self.typed / raw),
        }
    }

    fn above_one(&self) -> bool {
        matches!(self.raw, Some(raw) if self.typed > raw)
    }
}

fn number(value: f64, unit: &str) -> String {
    match unit {
        "s" => format!("{value:.1} s"),
        _ if value.fract() == 0.0 => format!("{value:.0}"),
        _ => format!("{value:.1}"),
    }
}

pub(crate) fn bench() -> Result<(), String> {
    ensure_target()?;
    ensure_qemu()?;
    cargo(&["build", "--release", "-p", "icount-plugin"])?;
    cargo(&["build", "--release", "--target", TARGET, "-p", "dma-bench"])?;
    let plugin = target_dir().join("release").join(plugin_file_name());
    let scratch = env::temp_dir().join(format!("dma-bench-{}", std::process::id()));
    fs::create_dir_all(&scratch)
        .map_err(|error| format!("cannot create {}: {error}", scratch.display()))?;
    let result = measure(&plugin, &scratch);
    // Is DMA worth it for this size (bench_breakeven.rs).
    let breakeven = crate::bench_breakeven::measure(&plugin, &scratch);
    let _ = fs::remove_dir_all(&scratch);
    let (rows, notes) = result?;
    let breakeven = breakeven?;
    // The STM32H743 rows: static, from the disassembly (bench_h7.rs).
    let h7 = crate::bench_h7::measure()?;

    let table = render_table(&rows);
    println!("\n{table}");
    for note in &notes {
        println!("{note}");
    }
    println!("\n{}\n{}", breakeven.table, breakeven.verdict);
    println!("\n{}", h7.table);
    if !h7.above.is_empty() {
        println!("STM32H743 rows above 1.00: {}", h7.above.join("; "));
    }
    let mut report = render_report(&table, &rows, &notes);
    report.push_str("\n## Is DMA worth it for this size?\n\n");
    report.push_str(&breakeven.table);
    report.push('\n');
    report.push_str(&breakeven.verdict);
    report.push_str(crate::bench_breakeven::EXPLANATION);
    report.push('\n');
    report.push_str(&h7.section);
    let path = workspace_root().join("BENCHMARKS.md");
    fs::write(&path, report)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    println!("written to {}", path.display());
    Ok(())
}

fn plugin_file_name() -> String {
    format!(
        "{}icount_plugin{}",
        env::consts::DLL_PREFIX,
        env::consts::DLL_SUFFIX
    )
}

fn firmware(name: &str) -> PathBuf {
    target_dir().join(TARGET).join("release").join(name)
}

/// Runs every measurement; returns the rows and the facts about the run.
fn measure(plugin: &Path, scratch: &Path) -> Result<(Vec<Row>, Vec<String>), String> {
    let mut rows = Vec::new();
    let mut notes = Vec::new();

    // Instruction counts, each image twice.
    let typed = counts_of_two_runs(TYPED, plugin, scratch)?;
    let raw = counts_of_two_runs(RAW, plugin, scratch)?;
    let names =
        |counts: &[(String, u64)]| counts.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(&typed) != names(&raw) {
        return Err(format!(
            "the typed and raw images measure different sections: {:?} vs {:?}",
            names(&typed),
            names(&raw)
        ));
    }
    for (name, what) in CASES {
        let find = |counts: &[(String, u64)]| {
            counts
                .iter()
                .find(|(section, _)| section == name)
                .map(|(_, count)| *count as f64)
                .ok_or_else(|| format!("no section `{name}` in the firmware's output"))
        };
        rows.push(Row {
            what: (*what).into(),
            typed: find(&typed)?,
            raw: Some(find(&raw)?),
            unit: "instructions",
        });
    }
    // (f) An awaited completion: its own pair of images.
    let wake_typed = counts_of_two_runs(WAKE_TYPED, plugin, scratch)?;
    let wake_raw = counts_of_two_runs(WAKE_RAW, plugin, scratch)?;
    let wake = |counts: &[(String, u64)], image: &str| match counts {
        [(name, count)] if name == "wake" => Ok(*count as f64),
        _ => Err(format!(
            "{image}: expected one section `wake`, found {counts:?}"
        )),
    };
    rows.push(Row {
        what: "(f) completion interrupt → the waiting code has the result: `wait_async` task on embassy-executor vs a handler that sets a flag".into(),
        typed: wake(&wake_typed, WAKE_TYPED)?,
        raw: Some(wake(&wake_raw, WAKE_RAW)?),
        unit: "instructions",
    });
    notes.push(format!(
        "Instruction counts: {} sections per image (and one per `wake_*` image), identical in two runs of each image.",
        typed.len()
    ));

    // The CPU's copies on the reference SPI driver's bounce route, against
    // one plain copy of the same kilobyte.
    let bounce = counts_of_two_runs(BOUNCE, plugin, scratch)?;
    let section = |name: &str| {
        bounce
            .iter()
            .find(|(section, _)| section == name)
            .map(|(_, count)| *count as f64)
            .ok_or_else(|| format!("no section `{name}` in {BOUNCE}'s output"))
    };
    let plain_copy = section("copy_1k")?;
    for (name, what) in BOUNCE_CASES {
        rows.push(Row {
            what: (*what).into(),
            typed: section(name)?,
            raw: Some(plain_copy),
            unit: "instructions",
        });
    }

    // Sizes of the pair.
    let typed_size = SectionSizes::of(&firmware(TYPED))?;
    let raw_size = SectionSizes::of(&firmware(RAW))?;
    for (what, typed, raw) in [
        (".text", typed_size.text, raw_size.text),
        (".rodata", typed_size.rodata, raw_size.rodata),
        (".data", typed_size.data, raw_size.data),
        (".bss + .dma.*", typed_size.bss, raw_size.bss),
    ] {
        rows.push(Row {
            what: format!("{what} of the benchmark image"),
            typed: typed as f64,
            raw: Some(raw as f64),
            unit: "bytes",
        });
    }

    // Flash growth with the number of channels.
    let mut flash = Vec::new();
    for channels in CHANNEL_COUNTS {
        let typed = SectionSizes::of(&firmware(&format!("channels_typed_{channels}")))?.flash();
        let raw = SectionSizes::of(&firmware(&format!("channels_raw_{channels}")))?.flash();
        flash.push((channels, typed, raw));
        rows.push(Row {
            what: format!(
                "flash with {channels} channel{}",
                if channels == 1 { "" } else { "s" }
            ),
            typed: typed as f64,
            raw: Some(raw as f64),
            unit: "bytes",
        });
    }
    let (first, last) = (flash[0], flash[flash.len() - 1]);
    let added = f64::from(last.0 - first.0);
    rows.push(Row {
        what: format!("flash per added channel ({} → {})", first.0, last.0),
        typed: (last.1 as f64 - first.1 as f64) / added,
        raw: Some((last.2 as f64 - first.2 as f64) / added),
        unit: "bytes",
    });
    // The same through erased channels (`Channel<AnyDma, AnyChannel>`).
    let mut erased = Vec::new();
    for channels in CHANNEL_COUNTS {
        let size = SectionSizes::of(&firmware(&format!("channels_erased_{channels}")))?.flash();
        erased.push((channels, size));
    }
    let (first_erased, last_erased) = (erased[0], erased[erased.len() - 1]);
    rows.push(Row {
        what: format!(
            "flash per added channel ({} → {}), erased channels (`Channel<AnyDma, AnyChannel>`)",
            first_erased.0, last_erased.0
        ),
        typed: (last_erased.1 as f64 - first_erased.1 as f64) / added,
        raw: Some((last.2 as f64 - first.2 as f64) / added),
        unit: "bytes",
    });

    // Cold build of the library crates.
    let seconds = cold_build_seconds(&scratch.join("cold-build"))?;
    rows.push(Row {
        what: "cold build of dma-types + dma-an505 (release, with dependencies)".into(),
        typed: seconds,
        raw: None,
        unit: "s",
    });

    notes.push(format!(
        "Toolchain: {}; {}.",
        tool_version("rustc", "-V"),
        tool_version(QEMU, "--version")
    ));
    Ok((rows, notes))
}

/// Runs `name` twice and returns its sections, checking that both runs
/// counted the same.
pub(crate) fn counts_of_two_runs(
    name: &str,
    plugin: &Path,
    scratch: &Path,
) -> Result<Vec<(String, u64)>, String> {
    let first = count_sections(name, plugin, scratch, 1)?;
    let second = count_sections(name, plugin, scratch, 2)?;
    if first != second {
        return Err(format!(
            "{name}: instruction counts differ between two runs ({first:?} vs {second:?}); they are not exact"
        ));
    }
    Ok(first)
}

/// Runs firmware `name` on QEMU with the plugin and pairs the section names
/// it prints with the counts the plugin wrote.
fn count_sections(
    name: &str,
    plugin: &Path,
    scratch: &Path,
    run: u32,
) -> Result<Vec<(String, u64)>, String> {
    let counts_path = scratch.join(format!("{name}-{run}.counts"));
    let output_path = scratch.join(format!("{name}-{run}.out"));
    let output = File::create(&output_path)
        .map_err(|error| format!("cannot create {}: {error}", output_path.display()))?;
    let mut child = Command::new(QEMU)
        .args(["-M", "mps2-an505", "-nographic"])
        .args(["-semihosting-config", "enable=on,target=native"])
        .args(["-icount", "shift=7,sleep=off"])
        .arg("-plugin")
        .arg(format!(
            "{},out={}",
            plugin.display(),
            counts_path.display()
        ))
        .arg("-kernel")
        .arg(firmware(name))
        .stdin(Stdio::null())
        .stdout(output)
        .spawn()
        .map_err(|error| format!("cannot start {QEMU}: {error}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|error| format!("waiting for {QEMU}: {error}"))?
        {
            break status;
        }
        if started.elapsed() > RUN_TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{name} did not exit within {} s",
                RUN_TIME_LIMIT.as_secs()
            ));
        }
        sleep(Duration::from_millis(20));
    };
    let printed = fs::read_to_string(&output_path).unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "{name} failed its own checks on QEMU ({status}); its output:\n{printed}"
        ));
    }
    let names: Vec<&str> = printed
        .lines()
        .filter_map(|line| line.trim().strip_prefix("section "))
        .collect();
    let counted = fs::read_to_string(&counts_path).map_err(|error| {
        format!("{name}: the plugin wrote no counts ({error}); does this QEMU support -plugin?")
    })?;
    let mut counts = Vec::new();
    for line in counted.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["section", _, count] => counts.push(
                count
                    .parse::<u64>()
                    .map_err(|_| format!("{name}: bad plugin line `{line}`"))?,
            ),
            _ => return Err(format!("{name}: the plugin reported `{line}`")),
        }
    }
    if names.len() != counts.len() {
        return Err(format!(
            "{name}: {} sections announced but {} counted",
            names.len(),
            counts.len()
        ));
    }
    Ok(names.into_iter().map(String::from).zip(counts).collect())
}

/// Builds `dma-types` and `dma-an505` for the firmware target into an empty
/// target directory and returns the wall-clock seconds.
fn cold_build_seconds(target_directory: &Path) -> Result<f64, String> {
    let _ = fs::remove_dir_all(target_directory);
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "--release", "--target", TARGET])
        .args(["-p", "dma-types", "-p", "dma-an505"])
        .env("CARGO_TARGET_DIR", target_directory)
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("cannot run {cargo}: {error}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = fs::remove_dir_all(target_directory);
    if status.success() {
        Ok(seconds)
    } else {
        Err(format!(
            "the cold build of dma-types + dma-an505 failed ({status})"
        ))
    }
}

fn tool_version(tool: &str, flag: &str) -> String {
    Command::new(tool)
        .arg(flag)
        .output()
        .ok()
        .and_then(|output| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("{tool} (version unknown)"))
}

/// Allocated section sizes of a 32-bit little-endian ELF file, by name.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SectionSizes {
    text: u64,
    rodata: u64,
    vector_table: u64,
    data: u64,
    bss: u64,
}

impl SectionSizes {
    pub(crate) fn of(path: &Path) -> Result<SectionSizes, String> {
        let bytes =
            fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        SectionSizes::parse(&bytes)
            .ok_or_else(|| format!("{} is not a 32-bit little-endian ELF file", path.display()))
    }

    /// What the image puts in flash: code, constants and the vector table.
    pub(crate) fn flash(&self) -> u64 {
        self.text + self.rodata + self.vector_table
    }

    /// Reads the section header table (ELF32: `e_shoff` at 0x20,
    /// `e_shentsize`/`e_shnum`/`e_shstrndx` at 0x2E/0x30/0x32; each header
    /// has `sh_name` at +0 and `sh_size` at +20).
    fn parse(bytes: &[u8]) -> Option<SectionSizes> {
        let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
        let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
        // Magic, 32-bit class, little-endian data.
        if bytes.get(..6)? != b"\x7fELF\x01\x01" {
            return None;
        }
        let table = u32_at(0x20)? as usize;
        let entry = u16_at(0x2E)? as usize;
        let count = u16_at(0x30)? as usize;
        let names = u32_at(table + entry * u16_at(0x32)? as usize + 16)? as usize;
        let mut sizes = SectionSizes::default();
        for index in 0..count {
            let header = table + index * entry;
            let name_at = names + u32_at(header)? as usize;
            let name_end = name_at + bytes.get(name_at..)?.iter().position(|&b| b == 0)?;
            let size = u64::from(u32_at(header + 20)?);
            match bytes.get(name_at..name_end)? {
                b".text" => sizes.text += size,
                b".rodata" => sizes.rodata += size,
                b".vector_table" => sizes.vector_table += size,
                b".data" => sizes.data += size,
                // Zeroed RAM: the DMA buffer macros' sections hold what a
                // hand-written image keeps in `.bss`.
                b".bss" | b".uninit" => sizes.bss += size,
                name if name.starts_with(b".dma.") => sizes.bss += size,
                _ => {}
            }
        }
        Some(sizes)
    }
}

fn render_table(rows: &[Row]) -> String {
    let mut table = String::from(
        "| measurement | unit | typed | raw | typed / raw |\n|---|---|---:|---:|---:|\n",
    );
    for row in rows {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {}{} |",
            row.what,
            row.unit,
            number(row.typed, row.unit),
            row.raw
                .map_or_else(|| "—".into(), |raw| number(raw, row.unit)),
            row.ratio(),
            if row.above_one() { " ⚠" } else { "" }
        );
    }
    table
}

fn render_report(table: &str, rows: &[Row], notes: &[String]) -> String {
    let above: Vec<&str> = rows
        .iter()
        .filter(|row| row.above_one())
        .map(|row| row.what.as_str())
        .collect();
    let mut report = String::new();
    let _ = write!(
        report,
        "{}",
        concat!(
            "# Benchmarks: the typed API against hand-written register code\n\n",
            "Generated by `cargo xtask bench` (do not edit by hand; run it again).\n",
            "Firmware: `examples/bench` (package `dma-bench`) on QEMU `mps2-an505`;\n",
            "`bench_typed` uses the typed API, `bench_raw` makes the same transfers with\n",
            "volatile stores of the same register values in the same order\n",
            "(`examples/bench/src/raw.rs`). Both verify every copy.\n\n",
        )
    );
    report.push_str(table);
    report.push('\n');
    for note in notes {
        let _ = writeln!(report, "{note}");
    }
    report.push('\n');
    if above.is_empty() {
        report.push_str("Every row with a raw counterpart is at or below 1.00.\n\n");
    } else {
        let _ = writeln!(
            report,
            "Rows above 1.00 (⚠): {}. The causes are explained below.\n",
            above.join("; ")
        );
    }
    report.push_str(EXPLANATION);
    report
}

/// How the numbers are taken and what the remaining differences are.
const EXPLANATION: &str = "\
## How it is measured

- **Instructions**: QEMU runs with `-icount shift=7,sleep=off` and the
  project's TCG plugin (`xtask/icount-plugin`, plugin API version 1), which
  counts every executed instruction strictly between the hint instructions
  `dbg #1` and `dbg #2` (including any exception handler in between). Each
  image runs twice; the bench stops with an error unless both runs give
  identical counts. Section boundaries are `asm!` blocks that may access
  memory and clobber every register inline assembly can name (all but r6,
  r7 and sp), so no memory access crosses them and no constant or address
  is formed before a section and used inside it (or the other way round):
  each section forms what it uses itself, in both images alike, and a value
  from before it (a buffer address, made opaque with `black_box` in both
  images) is read back from the stack inside it.
- The cases: (a) from the channel and buffers to a running single-block
  transfer; (b) the same with 8 linked-list items written first; (c) `wait()`
  (the copy is already done: QEMU's PL080 finishes a transfer inside the
  enabling write) and the terminal-count interrupt handler's work
  (`Dma1::on_terminal_count()` and recording the result); (d) a 64 KiB copy
  from channel and buffers to buffers back, 4 items; (e) `start_chain` of a
  `descriptor_chain!` (32 760 × u32 in 8 full blocks, controller 2 channel 1)
  against a hand-written `static` list of 8 items and the same register
  stores. Both images wait alike (a poll of EnbldChns without a `yield`,
  the residue read when the controller reports an error).
- **Buffers and controllers**: `bench_typed` takes every buffer from one
  `dma_buffers!` site (placed in `.dma.Ssram23Secure` by the linker, which
  proves the region at no run-time cost; zeroed at boot, so not filled; one
  run-once claim for the site) and all controllers from one
  `Controllers::take()` (one flag update); `bench_raw` takes each buffer from
  `cortex_m::singleton!` (a critical section and a zero fill each).
- (g) The reference SPI driver (`drivers/stm32h743-reference`) copies a
  borrowed slice the streams cannot use (the stack, in DTCM on the H7)
  through its `'static` bounce buffers, and so does its future-safe async
  path: `bounce_copy` runs the driver's own `spi::plan::stage` and
  `unstage` (compiled from their source file) over the four 256-byte chunks
  of a 1 KiB full-duplex call; its raw column is one `copy_from_slice` of
  the same kilobyte, the least any copy costs; the rows are above it by
  the four calls (a range check, the fill past a shorter write slice, the
  call into `memcpy`: about 65 instructions per chunk in, 47 out). A
  full-duplex call through the bounce buffers costs both rows (2 KiB moved
  by the CPU, plus 4 transaction starts); owned buffers (`dma_transfer`)
  and slices the streams reach (AXI SRAM, receive slices in whole cache
  lines) copy nothing.
- **Sizes** come from the ELF section headers. `.bss` and the `.dma.*`
  sections of the buffer macros (zeroed RAM, linked with `dma-regions.x`)
  hold the test buffers, the same in both images. *Flash* is
  `.vector_table` + `.text` + `.rodata`; it includes both images' static
  chain lists (8 items, 128 bytes).
- (f) `wake_typed`/`wake_raw`: a transfer to a made-up peripheral that
  QEMU holds (nothing drives its request line) is released by a register
  write with interrupts masked; the section opens there and runs through
  `cpsie`, the interrupt entry, the handler, the return and the waiting code
  until it has the result. Typed: the `bind_interrupts!` handler (IPSR
  dispatch, acknowledge, wake the channel's waker slot in a critical
  section), the executor's wake and run queue, the end of the task that
  unmasked, and the awaiting task's poll (`TransferFuture::poll`: register
  the waker, read the channel, `wait()`). Raw: a `DefaultHandler` that
  acknowledges the flag and sets an `AtomicBool`, and a `wfi` loop in
  `main` that sees it. The ratio is the price of an executor and a waker,
  not of the typed layer: the transfer parts of both are the rows above.
  Against the issue 12 measurement (145 against 21) both sides count more
  since issue 15's section markers clobber every nameable register (each
  section forms its own constants: +8 typed, +1 raw), and the typed side
  one `b` more: `wait()` now takes the end and the error from one
  `finished` poll before its `dmb`, so the success path jumps over the
  error path instead of falling through (a block-layout effect; the
  registers read are the same).
- **Flash growth**: `channels_{typed,erased,raw}_N` run the same
  single-block copy and check on the first N channels (controller 0 channel
  0, controller 0 channel 1, controller 1 channel 0, …) through a helper
  called once per channel: generic over the channel type in the typed image
  (one instance per channel, inlined at each call), not generic at all with
  erased channels (`Channel<AnyDma, AnyChannel>`, the four PL081s as one
  family: one out-of-line copy for all eight channels, the channel number
  a value from which the engine takes the register block), taking base
  address and channel number as values in the raw one (inlined at each
  call). The harness helpers (fill, check) see opaque slices in all
  images, so the compiler cannot specialise them differently for one
  image's buffers; the typed and erased images take their buffers from one
  `dma_buffers!` site and their controllers from one `Controllers::take()`.
- **Cold build**: `cargo build --release --target thumbv8m.main-none-eabi -p
  dma-types -p dma-an505` into an empty target directory, dependencies
  included (wall clock on this machine; it varies from run to run). The raw
  code needs no library, so this row has no ratio.

## Why the typed code matches the hand-written code

The typed layer turns the transfer's types into a plan whose fields are
constants, and `dma-an505`'s `engine::start` is always inlined into it, so
every register word folds to an immediate and only the stores remain — the
same stores, in the same order, as `bench_raw`. The linked-list items come
from a `ChainLayout` of precomposed words and a loop that walks one pointer,
which also names the next item, and writes each item's four words in two
paired stores (`strd`): the loop a careful engineer writes (with an index
and a third counter instead it took three more instructions per item).
A static chain (e) costs even less: the linker wrote every address of the
`descriptor_chain!` list into the image, the first item's words are
link-time constants, so `start_chain` is the register stores only.
Channel handles, typestates and controller handles are zero-sized
(`static_assertions` in `dma-types` and `dma-an505`), so moving them through
`start`/`wait` costs nothing.

Before this was measured, `engine::start` was an ordinary `#[inline]`
function that LLVM did not inline at four call sites: the plan went through
the stack and every word was computed at run time, and items were built by a
general loop. Case (a) took 105 instructions against 16, (b) 572 against
150, (d) 387 against 90.

## Flash: what the typed images carry, and what they save

The typed images used to be 4–19 % larger. What made them larger, and what
replaced it without weakening a guarantee (issue 15):

- one `take()` flag per controller (an atomic swap, a failure branch and its
  message each) → `Controllers::take()`: all four controllers with one
  relaxed `fetch_or` on one flag byte (single takes use a bit of the same
  byte, so no controller is ever handed out twice);
- the run-time region check of `Buffer::new` per buffer → `dma_buffers!`,
  whose placement the linker proves (`.dma.<Region>` of `dma-regions.x`);
  the site's run-once claim is one call of `claim_site` (the flag's address
  its only argument), the one out-of-line copy of the relaxed swap and of
  the panic naming the site (`#[track_caller]`) that every site shares;
- the `yield` of `spin_loop()` in every wait loop → none (it is a NOP on the
  single-threaded Cortex-M cores).

What the typed images still carry that the raw ones do not: `claim_site`
(26 bytes), the panic path it reaches (`core::panicking::panic_fmt` and the
panic handler) and the call of each site. What they no longer carry and
the raw ones do: a critical section and a zero fill per buffer
(`cortex_m::singleton!`). Per added channel both images grow by the same
code (the register stores, the wait loop, the residue read on the error
path); the typed helper is not duplicated into anything larger.

An erased channel of the PL081 family (`Channel<AnyDma, AnyChannel>`) is
the raw helper's shape in typed form, and smaller still than a helper
inlined per channel: one out-of-line copy of the transfer code serves all
channels, and each added channel costs its call.
";

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF32 image: the header, then a name table and four
    /// section headers (null, `.text` of 0x40 bytes, `.bss` of 0x100,
    /// `.dma.Ssram23Secure` of 0x20).
    fn tiny_elf() -> Vec<u8> {
        let names = b"\0.text\0.bss\0.shstrtab\0.dma.Ssram23Secure\0";
        let mut bytes = vec![0u8; 0x34];
        bytes[..6].copy_from_slice(b"\x7fELF\x01\x01");
        let names_at = bytes.len();
        bytes.extend_from_slice(names);
        while !bytes.len().is_multiple_of(4) {
            bytes.push(0);
        }
        let table = bytes.len();
        let header = |name: u32, offset: u32, size: u32| {
            let mut h = vec![0u8; 40];
            h[0..4].copy_from_slice(&name.to_le_bytes());
            h[16..20].copy_from_slice(&offset.to_le_bytes());
            h[20..24].copy_from_slice(&size.to_le_bytes());
            h
        };
        bytes.extend(header(0, 0, 0));
        bytes.extend(header(1, 0, 0x40));
        bytes.extend(header(7, 0, 0x100));
        bytes.extend(header(12, names_at as u32, names.len() as u32));
        bytes.extend(header(22, 0, 0x20));
        bytes[0x20..0x24].copy_from_slice(&(table as u32).to_le_bytes());
        bytes[0x2E..0x30].copy_from_slice(&40u16.to_le_bytes());
        bytes[0x30..0x32].copy_from_slice(&5u16.to_le_bytes());
        bytes[0x32..0x34].copy_from_slice(&3u16.to_le_bytes());
        bytes
    }

    #[test]
    fn section_sizes_are_read_by_name() {
        let sizes = SectionSizes::parse(&tiny_elf()).expect("valid ELF");
        assert_eq!(
            sizes,
            SectionSizes {
                text: 0x40,
                bss: 0x120,
                ..SectionSizes::default()
            }
        );
        assert_eq!(sizes.flash(), 0x40);
    }

    #[test]
    fn a_file_that_is_not_elf32_is_rejected() {
        let mut bytes = tiny_elf();
        bytes[4] = 2; // 64-bit class
        assert_eq!(SectionSizes::parse(&bytes), None);
        assert_eq!(SectionSizes::parse(b"\x7fEL"), None);
    }

    #[test]
    fn ratios_flag_rows_above_one() {
        let row = |typed: f64, raw: Option<f64>| Row {
            what: String::new(),
            typed,
            raw,
            unit: "bytes",
        };
        assert_eq!(row(15.0, Some(17.0)).ratio(), "0.88");
        assert!(!row(15.0, Some(17.0)).above_one());
        assert!(row(18.0, Some(17.0)).above_one());
        assert_eq!(row(0.0, Some(0.0)).ratio(), "— (both 0)");
        assert_eq!(row(3.0, None).ratio(), "—");
    }
}
