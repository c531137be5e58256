//! The STM32H743 rows of `cargo xtask bench`: measured statically from the
//! disassembly, since no emulator runs the H7.
//!
//! Builds the four images of `examples/bench-h7` (`h7_typed`,
//! `h7_raw_cache`, `h7_typed_uncached`, `h7_raw`) for `thumbv7em-none-eabihf`
//! with the release profile (`opt-level = "s"`) and `bench-o3`
//! (`opt-level = 3`), disassembles them with the toolchain's `llvm-objdump`
//! (the `llvm-tools` component, installed when missing), finds each case
//! function by name and counts its instructions and bytes.
//!
//! It fails when it cannot measure: a build that fails, a missing tool, a
//! case function missing from an image or present twice, a function whose
//! size the symbol table does not give. No number is compared with a limit.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::bench::SectionSizes;
use crate::{cargo, rustup_ensure, target_dir, workspace_root, H7_TARGET};

/// The firmware package.
const PACKAGE: &str = "dma-bench-h7";
/// Cargo profiles and the opt-level each builds with.
const PROFILES: [(&str, &str); 2] = [("release", "s"), ("bench-o3", "3")];
/// The cases: the function name in every image, and what it does.
const CASES: [(&str, &str); 4] = [
    (
        "bench_dma1_m2m",
        "DMA1 stream 0, 256 words memory to memory (FIFO, INCR4)",
    ),
    (
        "bench_dma1_rx",
        "DMA1 stream 1, SPI1 receive through DMAMUX1, 256 bytes",
    ),
    (
        "bench_bdma_tx",
        "BDMA channel 0, SPI6 transmit through DMAMUX2, 256 bytes",
    ),
    (
        "bench_mdma_list",
        "MDMA channel 0, static 2-node linked list, 256 words",
    ),
];
/// The pairs compared: (memory, typed image, raw image).
const PAIRS: [(&str, &str, &str); 2] = [
    ("cacheable", "h7_typed", "h7_raw_cache"),
    ("uncached", "h7_typed_uncached", "h7_raw"),
];

/// One function of a disassembled image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Function {
    /// The demangled name without the hash suffix.
    pub(crate) name: String,
    /// Instructions (literal-pool data excluded).
    pub(crate) instructions: u64,
    /// Bytes, from the symbol table.
    pub(crate) bytes: u64,
    /// The disassembly, one instruction per line, without addresses.
    pub(crate) text: Vec<String>,
    /// Functions it calls (`bl`, or a tail call `b.w` to another symbol).
    pub(crate) callees: BTreeSet<String>,
}

/// One row of the H7 table: a case (or the flash) at one opt-level for one
/// kind of memory.
struct Row {
    what: String,
    opt_level: &'static str,
    memory: &'static str,
    instructions: Option<(u64, u64)>,
    bytes: (u64, u64),
}

fn ratio((typed, raw): (u64, u64)) -> String {
    if raw == 0 {
        return "—".into();
    }
    let flag = if typed > raw { " ⚠" } else { "" };
    format!("{:.2}{flag}", typed as f64 / raw as f64)
}

/// What the H7 part of the bench produced.
pub(crate) struct Report {
    /// The table, as Markdown.
    pub(crate) table: String,
    /// The rows above 1.00, by name (empty when none is).
    pub(crate) above: Vec<String>,
    /// The section of `BENCHMARKS.md`: table, method, disassembly.
    pub(crate) section: String,
}

pub(crate) fn measure() -> Result<Report, String> {
    rustup_ensure("target", H7_TARGET)?;
    rustup_ensure("component", "llvm-tools")?;
    let objdump = llvm_tool("llvm-objdump")?;
    let nm = llvm_tool("llvm-nm")?;
    for (profile, _) in PROFILES {
        cargo(&[
            "build",
            "--profile",
            profile,
            "--target",
            H7_TARGET,
            "-p",
            PACKAGE,
        ])?;
    }
    let mut rows = Vec::new();
    let mut calls = BTreeSet::new();
    let mut start_listing = String::new();
    for (profile, opt_level) in PROFILES {
        for (memory, typed_image, raw_image) in PAIRS {
            let typed_elf = image(profile, typed_image);
            let raw_elf = image(profile, raw_image);
            let typed = disassemble(&objdump, &nm, &typed_elf)?;
            let raw = disassemble(&objdump, &nm, &raw_elf)?;
            for (case, what) in CASES {
                let t = find(&typed, case, typed_image)?;
                let r = find(&raw, case, raw_image)?;
                for (function, image_name) in [(t, typed_image), (r, raw_image)] {
                    for callee in &function.callees {
                        let size = typed
                            .iter()
                            .chain(raw.iter())
                            .find(|f| &f.name == callee)
                            .map_or(0, |f| f.instructions);
                        calls.insert(format!(
                            "`{image_name}` (opt-level {opt_level}) `{case}` calls `{callee}` ({size} instructions)"
                        ));
                    }
                }
                if case == "bench_dma1_m2m" && opt_level == "s" {
                    let _ = writeln!(
                        start_listing,
                        "`{typed_image}`, `{}` ({} instructions, {} bytes; `{raw_image}`: {} instructions, {} bytes):\n\n```text\n{}\n```\n",
                        t.name,
                        t.instructions,
                        t.bytes,
                        r.instructions,
                        r.bytes,
                        t.text.join("\n")
                    );
                }
                rows.push(Row {
                    what: what.to_string(),
                    opt_level,
                    memory,
                    instructions: Some((t.instructions, r.instructions)),
                    bytes: (t.bytes, r.bytes),
                });
            }
            rows.push(Row {
                what: "firmware flash (vector table + .text + .rodata)".into(),
                opt_level,
                memory,
                instructions: None,
                bytes: (
                    SectionSizes::of(&typed_elf)?.flash(),
                    SectionSizes::of(&raw_elf)?.flash(),
                ),
            });
        }
    }

    let mut table = String::from(
        "| STM32H743 case | opt-level | buffers | typed instr. | raw instr. | typed / raw | typed bytes | raw bytes | typed / raw |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut above = Vec::new();
    for row in &rows {
        let (instructions_typed, instructions_raw, instructions_ratio) = match row.instructions {
            Some(pair) => (pair.0.to_string(), pair.1.to_string(), ratio(pair)),
            None => ("—".into(), "—".into(), "—".into()),
        };
        let _ = writeln!(
            table,
            "| {} | {} | {} | {instructions_typed} | {instructions_raw} | {instructions_ratio} | {} | {} | {} |",
            row.what,
            row.opt_level,
            row.memory,
            row.bytes.0,
            row.bytes.1,
            ratio(row.bytes)
        );
        let over = |(typed, raw): (u64, u64)| typed > raw;
        if row.instructions.is_some_and(over) || over(row.bytes) {
            above.push(format!(
                "{} (opt-level {}, {})",
                row.what, row.opt_level, row.memory
            ));
        }
    }

    let mut section = String::from("## STM32H743: static, from the disassembly\n\n");
    section.push_str(&table);
    section.push('\n');
    if above.is_empty() {
        section.push_str("Every STM32H743 row is at or below 1.00.\n\n");
    } else {
        let _ = writeln!(
            section,
            "STM32H743 rows above 1.00 (⚠): {}. The causes are explained below.\n",
            above.join("; ")
        );
    }
    section.push_str(H7_METHOD);
    section.push_str(
        "\nOut-of-line calls of the case functions (error paths; not counted in their rows):\n\n",
    );
    if calls.is_empty() {
        section.push_str("- none\n");
    }
    for call in &calls {
        let _ = writeln!(section, "- {call}");
    }
    section.push_str("\n### The DMA1 start, typed (opt-level \"s\")\n\n");
    section.push_str(&start_listing);
    Ok(Report {
        table,
        above,
        section,
    })
}

fn image(profile: &str, name: &str) -> PathBuf {
    target_dir().join(H7_TARGET).join(profile).join(name)
}

/// Returns the path of `tool` in the toolchain's `llvm-tools` component.
fn llvm_tool(tool: &str) -> Result<PathBuf, String> {
    let output = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("rustc")
            .args(args)
            .current_dir(workspace_root())
            .output()
            .map_err(|error| format!("cannot run rustc: {error}"))?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let sysroot = output(&["--print", "sysroot"])?;
    let host = output(&["-vV"])?
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_owned))
        .ok_or("rustc -vV names no host")?;
    let path = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(host)
        .join("bin")
        .join(tool);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing although llvm-tools is installed",
            path.display()
        ))
    }
}

/// Finds the one function of `functions` named `…::case`.
fn find<'a>(functions: &'a [Function], case: &str, image: &str) -> Result<&'a Function, String> {
    let matches: Vec<&Function> = functions
        .iter()
        .filter(|function| function.name.rsplit("::").next() == Some(case))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "{image}: no function `{case}` in the disassembly: was it inlined or renamed?"
        )),
        _ => Err(format!(
            "{image}: {} functions named `{case}`; the bench expects one",
            matches.len()
        )),
    }
}

/// Disassembles `elf` and returns its functions with their sizes.
fn disassemble(objdump: &Path, nm: &Path, elf: &Path) -> Result<Vec<Function>, String> {
    let run = |tool: &Path, args: &[&str]| -> Result<String, String> {
        let output = Command::new(tool)
            .args(args)
            .arg(elf)
            .output()
            .map_err(|error| format!("cannot run {}: {error}", tool.display()))?;
        if !output.status.success() {
            return Err(format!(
                "{} {} failed: {}",
                tool.display(),
                elf.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let listing = run(objdump, &["-d", "-C", "--no-show-raw-insn"])?;
    let symbols = run(nm, &["-S", "-C", "--defined-only"])?;
    let mut functions = parse_disassembly(&listing);
    for function in &mut functions {
        function.bytes = symbol_size(&symbols, &function.name).ok_or_else(|| {
            format!(
                "{}: no size for `{}` in the symbol table",
                elf.display(),
                function.name
            )
        })?;
    }
    Ok(functions)
}

/// Strips the legacy-mangling hash (`::h0123456789abcdef`) from a demangled
/// name.
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((path, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            path
        }
        _ => name,
    }
}

/// Splits `llvm-objdump -d -C --no-show-raw-insn` output into functions.
/// Lines whose mnemonic starts with `.` are literal-pool data.
fn parse_disassembly(listing: &str) -> Vec<Function> {
    let mut functions: Vec<Function> = Vec::new();
    for line in listing.lines() {
        if let Some(header) = line.strip_suffix(">:") {
            if let Some((_, name)) = header.split_once(" <") {
                functions.push(Function {
                    name: without_hash(name).to_string(),
                    instructions: 0,
                    bytes: 0,
                    text: Vec::new(),
                    callees: BTreeSet::new(),
                });
            }
            continue;
        }
        let Some(function) = functions.last_mut() else {
            continue;
        };
        let Some((address, rest)) = line.split_once(':') else {
            continue;
        };
        if address.trim().is_empty() || !address.trim().chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let instruction = rest.trim();
        if instruction.is_empty() || instruction.starts_with('.') {
            continue;
        }
        function.instructions += 1;
        let mnemonic = instruction.split_whitespace().next().unwrap_or("");
        if matches!(mnemonic, "bl" | "b.w" | "b") {
            if let Some((_, target)) = instruction.split_once('<') {
                let target = target.split(['>', '+']).next().unwrap_or("");
                let target = without_hash(target);
                if target != function.name {
                    function.callees.insert(target.to_string());
                }
            }
        }
        // Addresses and branch targets change between builds; the
        // instruction and its operands are what the listing shows.
        let shown = instruction
            .split_once(" <")
            .map_or(instruction, |(head, _)| head)
            .split(" @ ")
            .next()
            .unwrap_or(instruction)
            .replace('\t', " ");
        function.text.push(shown);
    }
    functions
}

/// Returns the size of the symbol `name` in `llvm-nm -S -C` output.
fn symbol_size(symbols: &str, name: &str) -> Option<u64> {
    symbols.lines().find_map(|line| {
        let mut fields = line.splitn(4, ' ');
        let (_address, size, _kind, symbol) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        (without_hash(symbol) == name)
            .then(|| u64::from_str_radix(size, 16).ok())
            .flatten()
    })
}

/// How the H7 rows are taken and why the typed code is where it is.
const H7_METHOD: &str = include_str!("bench_h7.md");

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "\
target/h7_typed:\tfile format elf32-littlearm

Disassembly of section .text:

0800058a <dma_bench_h7::typed::bench_dma1_m2m::h0d9a4637eb3b808f>:
 800058a:      \tpush\t{r4, r5, r7, lr}
 800058c:      \tldr\tr4, [pc, #0x8]       @ 0x8000598 <x>
 800058e:      \tbl\t0x8000600 <dma_stm32h743::engine::mdma::remaining::h56af13ee59ca48d7> @ imm = #0x70
 8000592:      \tbne\t0x800058c <dma_bench_h7::typed::bench_dma1_m2m::h0d9a4637eb3b808f+0x2> @ imm = #-0xa
 8000594:      \tpop\t{r4, r5, r7, pc}
 8000596:      \t.word\t0xe000e000

08000600 <dma_stm32h743::engine::mdma::remaining::h56af13ee59ca48d7>:
 8000600:      \tbx\tlr
";

    #[test]
    fn functions_are_split_counted_and_their_calls_named() {
        let functions = parse_disassembly(LISTING);
        assert_eq!(functions.len(), 2);
        let case = &functions[0];
        assert_eq!(case.name, "dma_bench_h7::typed::bench_dma1_m2m");
        assert_eq!(
            case.instructions, 5,
            "the literal word is not an instruction"
        );
        assert_eq!(
            case.callees.iter().collect::<Vec<_>>(),
            ["dma_stm32h743::engine::mdma::remaining"]
        );
        assert_eq!(case.text[0], "push {r4, r5, r7, lr}");
        assert_eq!(
            case.text[3], "bne 0x800058c",
            "no symbol, no immediate note"
        );
        assert_eq!(functions[1].instructions, 1);
    }

    #[test]
    fn a_case_is_found_once_or_the_bench_fails() {
        let functions = parse_disassembly(LISTING);
        assert!(find(&functions, "bench_dma1_m2m", "h7_typed").is_ok());
        assert!(find(&functions, "bench_bdma_tx", "h7_typed").is_err());
        let twice = [functions[0].clone(), functions[0].clone()];
        assert!(find(&twice, "bench_dma1_m2m", "h7_typed").is_err());
    }

    #[test]
    fn sizes_come_from_the_symbol_table() {
        let symbols = "0800058a 00000010 t dma_bench_h7::typed::bench_dma1_m2m::h0d9a4637eb3b808f\n08000600 00000002 t dma_stm32h743::engine::mdma::remaining::h56af13ee59ca48d7\n";
        assert_eq!(
            symbol_size(symbols, "dma_bench_h7::typed::bench_dma1_m2m"),
            Some(16)
        );
        assert_eq!(symbol_size(symbols, "absent"), None);
        assert_eq!(without_hash("a::b::h0123456789abcdef"), "a::b");
        assert_eq!(without_hash("a::b::hello"), "a::b::hello");
    }

    #[test]
    fn ratios_flag_what_is_above_one() {
        assert_eq!(ratio((57, 60)), "0.95");
        assert_eq!(ratio((45, 45)), "1.00");
        assert_eq!(ratio((46, 45)), "1.02 ⚠");
        assert_eq!(ratio((1, 0)), "—");
    }
}
