//! The guarantees as compile-fail tests (see the crate docs).

use std::fs;
use std::path::Path;

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
    // The legal twins are built with `cargo build`, so the constant checks
    // that only run during code generation are exercised for the failing
    // cases too (trybuild builds every case the same way once one passes).
    cases.pass("tests/pass/*.rs");
}

/// Messages are user interface: no snapshot may show typenum's internal
/// number types, and none may be longer than 40 lines.
#[test]
fn snapshots_are_short_and_free_of_typenum_internals() {
    let mut checked = 0;
    for group in fs::read_dir(Path::new("tests/ui")).unwrap() {
        for entry in fs::read_dir(group.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                let snapshot = path.with_extension("stderr");
                let text = fs::read_to_string(&snapshot)
                    .unwrap_or_else(|_| panic!("{} has no .stderr snapshot", path.display()));
                for internal in ["UInt<", "UTerm", "B0", "B1"] {
                    assert!(
                        !text.contains(internal),
                        "{} shows typenum internals (`{internal}`)",
                        snapshot.display()
                    );
                }
                let lines = text.lines().count();
                assert!(
                    lines <= 40,
                    "{} is {lines} lines long (limit 40)",
                    snapshot.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no compile-fail cases found");
}
