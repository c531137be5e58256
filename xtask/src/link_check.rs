//! `cargo xtask link-check` (issue 11 item 7): a firmware whose buffers sit
//! in every DMA region of a chip (`examples/link-check`) must not link
//! without the chip's `dma-regions.x`, nor with a copy of it that lacks one
//! region's section, and must link with it. Without the check the linker
//! puts a `.dma.<Region>` section wherever orphans go (on the STM32H743 an
//! `Sram2` buffer landed in DTCM) and the region type lies.
//!
//! Each case relinks one small binary (the dependencies stay built), so the
//! whole check takes a few seconds. The ESP32-C3 firmware links through
//! esp-hal's `linkall.x`, as the C3 examples do, with the same esp-hal
//! build, so after `cargo xtask test` has built those examples its cases
//! relink too; a chip with one region skips the partial fragment, which
//! would lack exactly what no fragment lacks.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::{target_dir, workspace_root, C3_TARGET, H7_TARGET, TARGET};

/// The firmware package and binary.
const PACKAGE: &str = "dma-link-check";
const BINARY: &str = "link_check";

/// A chip: its target, its fragment and the regions the firmware uses (all
/// the chip's regions with a DMA section).
struct Chip {
    target: &'static str,
    fragment: &'static str,
    regions: &'static [&'static str],
    /// MPU windows: the fragment's memory, another memory to misplace its
    /// section in, and the ASSERT message that must stop the link.
    windows: &'static [(&'static str, &'static str, &'static str)],
}

const CHIPS: &[Chip] = &[
    Chip {
        target: TARGET,
        fragment: "chip-support/an505/dma-regions.x",
        regions: &["Ssram23Secure", "IotSramSecure", "Psram"],
        windows: &[],
    },
    Chip {
        target: H7_TARGET,
        fragment: "chip-support/stm32h743/dma-regions.x",
        regions: &[
            "Dtcm",
            "AxiSram",
            "Sram1",
            "Sram2",
            "Sram3",
            "Sram4",
            "BackupSram",
            "AxiSramUncached",
            "Sram4Uncached",
        ],
        windows: &[
            (
                "AXISRAM_UNCACHED",
                "AXISRAM",
                ".dma.AxiSramUncached must lie in 0x24070000..0x24080000",
            ),
            (
                "SRAM4_UNCACHED",
                "SRAM4",
                ".dma.Sram4Uncached must lie in 0x3800C000..0x38010000",
            ),
        ],
    },
    Chip {
        target: C3_TARGET,
        fragment: "chip-support/esp32c3/dma-regions.x",
        regions: &["Dram"],
        windows: &[],
    },
];

/// The linker's message for a region whose section no fragment placed.
fn missing(region: &str) -> String {
    format!("undefined symbol: .dma.{region} needs the linker fragment: link with -Tdma-regions.x")
}

pub(crate) fn link_check() -> Result<(), String> {
    for chip in CHIPS {
        // 1. No fragment: every region is named.
        let stderr = expect_failure(chip.target, &[])?;
        for region in chip.regions {
            if !stderr.contains(&missing(region)) {
                return Err(format!(
                    "{}: linked without dma-regions.x, the linker did not report `{}`:\n{stderr}",
                    chip.target,
                    missing(region)
                ));
            }
        }
        println!(
            "link-check {}: without dma-regions.x: link error naming {}",
            chip.target,
            match chip.regions {
                [region] => format!(".dma.{region}"),
                regions => format!("all {} regions", regions.len()),
            }
        );

        // 2. The fragment as firmware links it.
        link(chip.target, &["-Tdma-regions.x".into()])?;
        let elf = target_dir().join(chip.target).join("release").join(BINARY);
        let image = fs::read(&elf).map_err(|error| format!("{}: {error}", elf.display()))?;
        let sections = sections(&image).ok_or_else(|| format!("{}: not ELF32", elf.display()))?;
        match sections
            .iter()
            .find(|(name, _)| name == ".dma_regions_check")
        {
            Some((_, false)) => {}
            Some((_, true)) => {
                return Err(format!(
                    "{}: `.dma_regions_check` is allocated: the fragment must make it (INFO)",
                    elf.display()
                ))
            }
            None => {
                return Err(format!(
                    "{}: no `.dma_regions_check`: the sites' references are gone",
                    elf.display()
                ))
            }
        }
        for region in chip.regions {
            let section = format!(".dma.{region}");
            if !sections
                .iter()
                .any(|(name, allocated)| *allocated && *name == section)
            {
                return Err(format!("{}: no section `{section}`", elf.display()));
            }
        }
        println!(
            "link-check {}: with dma-regions.x: links; .dma_regions_check is not allocated",
            chip.target
        );

        // 3. A copy of the fragment without the last region's section.
        let (dropped, kept) = chip.regions.split_last().expect("a chip has regions");
        if kept.is_empty() {
            println!(
                "link-check {}: one region: the fragment without .dma.{dropped} is case 1",
                chip.target
            );
            continue;
        }
        let partial = partial_fragment(chip, dropped)?;
        let stderr = expect_failure(chip.target, &[format!("-T{}", partial.display())])?;
        if !stderr.contains(&missing(dropped)) {
            return Err(format!(
                "{}: a fragment without `.dma.{dropped}` did not fail with `{}`:\n{stderr}",
                chip.target,
                missing(dropped)
            ));
        }
        if let Some(region) = kept.iter().find(|region| stderr.contains(&missing(region))) {
            return Err(format!(
                "{}: a fragment without `.dma.{dropped}` also reported `.dma.{region}`, which it places",
                chip.target
            ));
        }
        println!(
            "link-check {}: with a fragment lacking .dma.{dropped}: link error naming it alone",
            chip.target
        );

        // 4. A copy that places an MPU window's section outside its window
        //    (issue 15 item 3): the fragment's ASSERT must stop the link,
        //    or `Uncached` buffers could lie in memory the CPU caches.
        for (memory, elsewhere, message) in chip.windows {
            let moved = moved_fragment(chip, memory, elsewhere)?;
            let stderr = expect_failure(chip.target, &[format!("-T{}", moved.display())])?;
            if !stderr.contains(message) {
                return Err(format!(
                    "{}: a window section placed in {elsewhere} did not fail with `{message}`:\n{stderr}",
                    chip.target
                ));
            }
            println!(
                "link-check {}: with the {memory} window's section moved to {elsewhere}: link error `{message}`",
                chip.target
            );
        }
    }
    Ok(())
}

/// Writes the chip's fragment with every section placed `> memory` placed
/// `> elsewhere` instead, and returns the copy's path.
fn moved_fragment(chip: &Chip, memory: &str, elsewhere: &str) -> Result<PathBuf, String> {
    let source = workspace_root().join(chip.fragment);
    let text =
        fs::read_to_string(&source).map_err(|error| format!("{}: {error}", source.display()))?;
    let placement = format!("}} > {memory}\n");
    if !text.contains(&placement) {
        return Err(format!(
            "{}: nothing is placed in {memory}",
            source.display()
        ));
    }
    let directory = target_dir().join("link-check").join(chip.target);
    fs::create_dir_all(&directory).map_err(|error| format!("{}: {error}", directory.display()))?;
    let copy = directory.join(format!("{memory}-moved.x"));
    fs::write(
        &copy,
        text.replace(&placement, &format!("}} > {elsewhere}\n")),
    )
    .map_err(|error| format!("{}: {error}", copy.display()))?;
    Ok(copy)
}

/// Writes the chip's fragment without the line that places `region`'s
/// section (and defines its symbol), and returns the copy's path.
fn partial_fragment(chip: &Chip, region: &str) -> Result<PathBuf, String> {
    let source = workspace_root().join(chip.fragment);
    let text =
        fs::read_to_string(&source).map_err(|error| format!("{}: {error}", source.display()))?;
    let section = format!(".dma.{region} (NOLOAD)");
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !line.contains(&section))
        .collect();
    if kept.len() + 1 != text.lines().count() {
        return Err(format!(
            "{}: expected exactly one line placing `.dma.{region}`",
            source.display()
        ));
    }
    let directory = target_dir().join("link-check").join(chip.target);
    fs::create_dir_all(&directory).map_err(|error| format!("{}: {error}", directory.display()))?;
    let copy = directory.join(format!("without-{region}.x"));
    fs::write(&copy, kept.join("\n")).map_err(|error| format!("{}: {error}", copy.display()))?;
    Ok(copy)
}

/// Builds the firmware with extra linker arguments; fails unless it links.
fn link(target: &str, link_args: &[String]) -> Result<(), String> {
    let (linked, stderr) = build(target, link_args)?;
    if linked {
        Ok(())
    } else {
        Err(format!("{PACKAGE} for {target} did not link:\n{stderr}"))
    }
}

/// Builds the firmware with extra linker arguments; fails unless the build
/// fails at the link step. Returns the compiler's output.
fn expect_failure(target: &str, link_args: &[String]) -> Result<String, String> {
    let (linked, stderr) = build(target, link_args)?;
    if linked {
        return Err(format!(
            "{PACKAGE} for {target} linked with {link_args:?}: a missing DMA section must be a link error"
        ));
    }
    if !stderr.contains("rust-lld") {
        return Err(format!(
            "{PACKAGE} for {target} failed before linking:\n{stderr}"
        ));
    }
    Ok(stderr)
}

fn build(target: &str, link_args: &[String]) -> Result<(bool, String), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command.args([
        "rustc",
        "--release",
        "--target",
        target,
        "-p",
        PACKAGE,
        "--bin",
        BINARY,
        "--",
    ]);
    for arg in link_args {
        command.args(["-C", &format!("link-arg={arg}")]);
    }
    let output = command
        .current_dir(workspace_root())
        .output()
        .map_err(|error| format!("cannot run {cargo}: {error}"))?;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

/// The section names of a 32-bit little-endian ELF file, each with whether
/// it is allocated (`SHF_ALLOC`: part of the image). Section header table at
/// `e_shoff` (0x20), `e_shentsize`/`e_shnum`/`e_shstrndx` at 0x2E/0x30/0x32;
/// each header: `sh_name` at 0, `sh_flags` at 8, `sh_offset` at 0x10.
fn sections(bytes: &[u8]) -> Option<Vec<(String, bool)>> {
    if bytes.get(..5)? != b"\x7fELF\x01" {
        return None;
    }
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let table = u32_at(0x20)? as usize;
    let entry = u16_at(0x2E)? as usize;
    let count = u16_at(0x30)? as usize;
    let names = u32_at(table + entry * u16_at(0x32)? as usize + 0x10)? as usize;
    (0..count)
        .map(|index| {
            let header = table + entry * index;
            let name = names + u32_at(header)? as usize;
            let end = name + bytes.get(name..)?.iter().position(|&byte| byte == 0)?;
            let allocated = u32_at(header + 8)? & 0x2 != 0;
            Some((
                String::from_utf8_lossy(&bytes[name..end]).into_owned(),
                allocated,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The partial fragment drops exactly the named region's line, from the
    /// fragments as committed.
    #[test]
    fn every_region_of_every_chip_has_one_line_in_its_fragment() {
        for chip in CHIPS {
            let text = fs::read_to_string(workspace_root().join(chip.fragment)).unwrap();
            for region in chip.regions {
                let section = format!(".dma.{region} (NOLOAD)");
                let symbol = format!(
                    "\".dma.{region} needs the linker fragment: link with -Tdma-regions.x\""
                );
                let lines: Vec<&str> = text
                    .lines()
                    .filter(|line| line.contains(&section))
                    .collect();
                assert_eq!(lines.len(), 1, "{}: {region}", chip.fragment);
                assert!(lines[0].contains(&symbol), "{}: {region}", chip.fragment);
            }
            assert!(text.contains(".dma_regions_check (INFO) : { *(.dma_regions_check) }"));
        }
    }

    #[test]
    fn the_message_names_the_section_and_the_fragment() {
        assert_eq!(
            missing("Sram2"),
            "undefined symbol: .dma.Sram2 needs the linker fragment: link with -Tdma-regions.x"
        );
    }

    /// A hand-made ELF32 with three section headers: null, `.text`
    /// (allocated) and `.shstrtab` (not), whose names it holds.
    #[test]
    fn section_names_and_allocation_are_read_from_the_headers() {
        let names = b"\0.text\0.shstrtab\0";
        let mut elf = vec![0u8; 0x34];
        elf[..5].copy_from_slice(b"\x7fELF\x01");
        let table = elf.len() + names.len();
        elf.extend_from_slice(names);
        elf[0x20..0x24].copy_from_slice(&(table as u32).to_le_bytes());
        elf[0x2E..0x30].copy_from_slice(&40u16.to_le_bytes());
        elf[0x30..0x32].copy_from_slice(&3u16.to_le_bytes());
        elf[0x32..0x34].copy_from_slice(&2u16.to_le_bytes());
        // (name offset, flags, offset of the section's bytes)
        for (name, flags, offset) in [(0u32, 0u32, 0u32), (1, 0x6, 0), (7, 0, 0x34)] {
            let mut header = [0u8; 40];
            header[..4].copy_from_slice(&name.to_le_bytes());
            header[8..12].copy_from_slice(&flags.to_le_bytes());
            header[0x10..0x14].copy_from_slice(&offset.to_le_bytes());
            elf.extend_from_slice(&header);
        }
        assert_eq!(
            sections(&elf).unwrap(),
            [
                (String::new(), false),
                (".text".to_string(), true),
                (".shstrtab".to_string(), false)
            ]
        );
        assert!(sections(b"not an elf file").is_none());
    }
}
