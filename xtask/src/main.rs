//! Project tooling, run as `cargo xtask <command>`.
//!
//! - `demo`: installs what is missing, builds the `m2m` firmware and runs it on
//!   QEMU's mps2-an505.
//! - `test`: installs what is missing, runs the host unit tests, doc tests and
//!   UI tests, builds the STM32H743 and ESP32-C3 examples (no emulator runs
//!   them), runs every QEMU firmware example (`dmatest` among them), the link
//!   check, then the host tests again under Miri; fails if anything fails.
//! - `miri`: installs nightly with Miri if missing and runs the host tests of
//!   `dma-types`, `dma-an505` and `dma-esp32c3` under Miri, on a 32-bit
//!   target.
//! - `link-check`: a firmware with buffers in every DMA region must not link
//!   without the chip's `dma-regions.x` (nor with a copy lacking a region)
//!   and must link with it (see `link_check.rs`).
//! - `qemu <elf>`: runs one firmware image on QEMU with the time limit.
//! - `bench`: the typed API against hand-written register code (instruction
//!   counts, sizes, build time); writes `BENCHMARKS.md` (see `bench.rs`).

mod bench;
mod bench_breakeven;
mod bench_h7;
mod link_check;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{exit, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The firmware target and the emulator that runs it.
const TARGET: &str = "thumbv8m.main-none-eabi";
const QEMU: &str = "qemu-system-arm";
/// The STM32H743 examples' target and package: built, never run.
const H7_TARGET: &str = "thumbv7em-none-eabihf";
const H7_EXAMPLES: &str = "dma-examples-h7";
/// The ESP32-C3 examples' target and package: built, never run.
const C3_TARGET: &str = "riscv32imc-unknown-none-elf";
const C3_EXAMPLES: &str = "dma-examples-c3";
/// The firmware that hands a `dma_buffers!` buffer to a third-party HAL.
const HAL_INTEROP: &str = "dma-example-hal-interop";
/// Firmware examples the test command runs on QEMU, in order.
const EXAMPLES: &[&str] = &[
    "m2m",
    "irq",
    "widths",
    "region_trap",
    "dma_buffers",
    "scatter_gather",
    "dmatest",
    "scoped",
    "irq_masking",
    "irq_lines",
    "exceptions",
    "async_copy",
];
/// The crates whose host tests run under Miri.
const MIRI_PACKAGES: &[&str] = &["dma-types", "dma-an505", "dma-esp32c3"];
/// Miri interprets a 32-bit target, so addresses are 32 bits wide as in the
/// PL081's and the GDMA's registers and descriptors, and the `usize as u32`
/// casts lose nothing, as on the chips.
const MIRI_TARGET: &str = "i686-unknown-linux-gnu";
/// The tests leak on purpose (`Box::leak` makes the `'static` buffers the API
/// requires); every other Miri check stays on, strict provenance included:
/// an integer cast to a pointer stops the run.
const MIRI_FLAGS: &str = "-Zmiri-ignore-leaks -Zmiri-strict-provenance";
/// Tests that need exposed provenance, run in a second pass without
/// `-Zmiri-strict-provenance`, by package, test target and name filter
/// (the strict pass skips every filter): their software model of a DMA
/// controller reads and writes memory at the integer addresses of a
/// `TransferPlan` or a register (bus addresses), turning them back into
/// pointers as the hardware does. A doc test is named by its source file
/// (rustdoc splits test filters at spaces); the attacks that play a
/// writing controller (the first rule: no reference covers DMA memory
/// while the hardware may write it) are the `dma_writes::` modules.
const MIRI_EXPOSED_PROVENANCE: &[(&str, &[&str], &str)] = &[
    ("dma-types", &["--doc"], "src/scoped.rs"),
    ("dma-types", &["--test", "attacks"], "dma_writes::"),
    ("dma-an505", &["--lib"], "dma_writes::"),
    ("dma-esp32c3", &["--lib"], "dma_writes::"),
    // The STM32H743 crate's other host tests do not run under Miri (its
    // register model turns addresses into pointers throughout); its rings'
    // attacks do, here.
    ("dma-stm32h743", &["--lib"], "dma_writes::"),
];
/// A firmware that has not exited by then has hung.
const QEMU_TIME_LIMIT: Duration = Duration::from_secs(120);

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(),
        Some("test") => test(),
        Some("bench") => bench::bench(),
        Some("miri") => miri(),
        Some("link-check") => ensure_target()
            .and_then(|()| rustup_ensure("target", H7_TARGET))
            .and_then(|()| rustup_ensure("target", C3_TARGET))
            .and_then(|()| link_check::link_check()),
        Some("qemu") => match args.get(1) {
            Some(elf) => ensure_qemu().and_then(|()| run_qemu(Path::new(elf))),
            None => Err("usage: cargo xtask qemu <firmware.elf>".into()),
        },
        _ => Err("usage: cargo xtask <demo | test | miri | bench | link-check | qemu ELF>".into()),
    };
    if let Err(message) = result {
        eprintln!("xtask: {message}");
        exit(1);
    }
}

fn demo() -> Result<(), String> {
    ensure_target()?;
    ensure_qemu()?;
    build_firmware(&["m2m"])?;
    run_qemu(&firmware_path("m2m"))
}

fn test() -> Result<(), String> {
    ensure_target()?;
    ensure_qemu()?;
    // Host unit tests, doc tests and the UI suite (the default members,
    // the reference drivers' register sequences and policies among them).
    cargo(&["test"])?;
    // The STM32H743 firmware must compile and link for its target.
    rustup_ensure("target", H7_TARGET)?;
    cargo(&[
        "build",
        "--release",
        "--target",
        H7_TARGET,
        "-p",
        H7_EXAMPLES,
    ])?;
    // A third-party HAL (stm32h7xx-hal, from crates.io) must accept a
    // `dma_buffers!` buffer through its embedded-dma DMA API.
    cargo(&[
        "build",
        "--release",
        "--target",
        H7_TARGET,
        "-p",
        HAL_INTEROP,
    ])?;
    // The H7 examples' board setups against a model of the chip's reset
    // state (clocks, pins, register order).
    cargo(&["test", "-p", H7_EXAMPLES, "--lib"])?;
    // The ESP32-C3 firmware (esp-hal boot, our GDMA and SPI2 drivers) must
    // compile and link for its target.
    rustup_ensure("target", C3_TARGET)?;
    cargo(&[
        "build",
        "--release",
        "--target",
        C3_TARGET,
        "-p",
        C3_EXAMPLES,
    ])?;
    build_firmware(EXAMPLES)?;
    let mut failed = Vec::new();
    for example in EXAMPLES {
        println!("\n=== QEMU mps2-an505: {example}");
        if let Err(message) = run_qemu(&firmware_path(example)) {
            eprintln!("{message}");
            failed.push(*example);
        }
    }
    println!(
        "\nqemu examples: {} passed, {} failed",
        EXAMPLES.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        return Err(format!("QEMU examples failed: {}", failed.join(", ")));
    }
    println!("\n=== Link check: firmware without dma-regions.x must not link");
    link_check::link_check()?;
    println!("\n=== Miri: host tests of the library crates");
    miri()
}

/// Runs the host tests of the library crates under Miri (nightly only; the
/// library itself is always built with stable): everything with strict
/// provenance but the tests that need exposed provenance, then those.
fn miri() -> Result<(), String> {
    ensure_miri()?;
    let started = Instant::now();
    let mut strict = vec!["--".to_string()];
    for (_, _, test) in MIRI_EXPOSED_PROVENANCE {
        strict.extend(["--skip".to_string(), test.to_string()]);
    }
    miri_run(MIRI_PACKAGES, &[], MIRI_FLAGS, &strict)?;
    for (package, target, test) in MIRI_EXPOSED_PROVENANCE {
        miri_run(
            &[package],
            target,
            "-Zmiri-ignore-leaks",
            &["--".to_string(), test.to_string()],
        )?;
    }
    println!(
        "miri: host tests of {} clean on {MIRI_TARGET} in {} s (strict provenance except {} test group(s) that model the hardware)",
        MIRI_PACKAGES.join(", "),
        started.elapsed().as_secs(),
        MIRI_EXPOSED_PROVENANCE.len()
    );
    Ok(())
}

/// One `cargo +nightly miri test` run.
fn miri_run(
    packages: &[&str],
    args: &[&str],
    flags: &str,
    test_args: &[String],
) -> Result<(), String> {
    let mut command = Command::new("rustup");
    command.args([
        "run",
        "nightly",
        "cargo",
        "miri",
        "test",
        "--target",
        MIRI_TARGET,
    ]);
    for package in packages {
        command.args(["-p", package]);
    }
    command.args(args).args(test_args);
    // The stable toolchain that runs xtask must not leak into nightly's cargo.
    for variable in [
        "CARGO",
        "RUSTC",
        "RUSTDOC",
        "RUSTUP_TOOLCHAIN",
        "RUSTC_WRAPPER",
    ] {
        command.env_remove(variable);
    }
    let status = command
        .env("MIRIFLAGS", flags)
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("cannot run rustup: {error}"))?;
    check(
        status,
        &format!("MIRIFLAGS=\"{flags}\" cargo +nightly miri test"),
    )
}

/// Makes sure a nightly toolchain with the `miri` and `rust-src` components
/// is installed (Miri builds its own standard library from `rust-src`).
fn ensure_miri() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", "nightly"])
        .current_dir(workspace_root())
        .output()
        .map_err(|_| "rustup is missing: install Rust with rustup".to_string())?;
    let listed = String::from_utf8_lossy(&installed.stdout).into_owned();
    let has = |component: &str| {
        listed
            .lines()
            .any(|line| line.trim() == component || line.starts_with(&format!("{component}-")))
    };
    if installed.status.success() && has("miri") && has("rust-src") {
        return Ok(());
    }
    println!("xtask: installing the nightly toolchain with Miri");
    let args: &[&str] = if installed.status.success() {
        &[
            "component",
            "add",
            "--toolchain",
            "nightly",
            "miri",
            "rust-src",
        ]
    } else {
        &[
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
            "--component",
            "miri,rust-src",
        ]
    };
    let status = Command::new("rustup")
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("cannot run rustup: {error}"))?;
    check(status, &format!("rustup {}", args.join(" ")))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn firmware_path(example: &str) -> PathBuf {
    target_dir().join(TARGET).join("release").join(example)
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("cannot run {cargo}: {error}"))?;
    check(status, &format!("cargo {}", args.join(" ")))
}

fn build_firmware(examples: &[&str]) -> Result<(), String> {
    let mut args = vec![
        "build",
        "--release",
        "--target",
        TARGET,
        "-p",
        "dma-examples",
    ];
    for example in examples {
        args.extend(["--bin", example]);
    }
    cargo(&args)
}

fn check(status: ExitStatus, what: &str) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status})"))
    }
}

/// Makes sure the firmware target's standard library and `rust-src` (whose
/// excerpts the UI snapshots quote) are installed.
fn ensure_target() -> Result<(), String> {
    rustup_ensure("target", TARGET)?;
    rustup_ensure("component", "rust-src")
}

/// Installs `name` with `rustup <kind> add` unless `rustup <kind> list
/// --installed` already lists it (some components are listed with their host
/// triple appended, so `name-…` counts too).
fn rustup_ensure(kind: &str, name: &str) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args([kind, "list", "--installed"])
        .current_dir(workspace_root())
        .output()
        .map_err(|_| {
            format!("rustup is missing: install Rust with rustup, then `rustup {kind} add {name}`")
        })?;
    let prefix = format!("{name}-");
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == name || line.starts_with(&prefix))
    {
        return Ok(());
    }
    println!("xtask: installing the Rust {kind} {name}");
    let status = Command::new("rustup")
        .args([kind, "add", name])
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("cannot run rustup: {error}"))?;
    check(status, &format!("rustup {kind} add {name}"))
}

fn has_qemu() -> bool {
    Command::new(QEMU)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// Makes sure QEMU is installed: installs it with apt-get when running as
/// root, otherwise says what to install and fails. A missing QEMU never lets
/// the tests pass.
fn ensure_qemu() -> Result<(), String> {
    if has_qemu() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "{QEMU} is missing: install it with `sudo apt-get install -y qemu-system-arm` and run again"
        ));
    }
    println!("xtask: installing {QEMU} with apt-get");
    for args in [
        &["update", "-qq"][..],
        &["install", "-y", "-qq", "qemu-system-arm"][..],
    ] {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|error| format!("{QEMU} is missing and apt-get cannot run: {error}"))?;
        check(status, &format!("apt-get {}", args.join(" ")))?;
    }
    if has_qemu() {
        Ok(())
    } else {
        Err(format!("{QEMU} is still missing after apt-get install"))
    }
}

/// Runs `elf` on QEMU's mps2-an505; the firmware's semihosting exit code is
/// QEMU's. Kills QEMU after the time limit.
fn run_qemu(elf: &Path) -> Result<(), String> {
    let mut child = Command::new(QEMU)
        .args(["-M", "mps2-an505", "-nographic"])
        .args(["-semihosting-config", "enable=on,target=native"])
        .arg("-kernel")
        .arg(elf)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start {QEMU}: {error}"))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|error| format!("waiting for {QEMU}: {error}"))?
        {
            return check(status, &format!("{QEMU} {}", elf.display()));
        }
        if started.elapsed() > QEMU_TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} did not exit within {} s",
                elf.display(),
                QEMU_TIME_LIMIT.as_secs()
            ));
        }
        sleep(Duration::from_millis(20));
    }
}
