//! Issue 15 (flash at the hand-written limit): the run-once claim every
//! `dma_buffers!`/`descriptor_chain!` site makes goes through one shared
//! function, and stays as loud as before.

use std::format;
use std::panic;
use std::string::String;

use dma_types::__macro::{claim_site, HandOutOnce};

/// Issue 15 (flash): `claim_site`, the one out-of-line claim all macro
/// sites call, returns the first time a site's flag is claimed and panics
/// every time after, naming the line that called it (the site) rather
/// than its own.
#[test]
fn claim_site_returns_once_then_panics_naming_the_caller() {
    static SITE: HandOutOnce = HandOutOnce::new();
    claim_site(&SITE);
    for _ in 0..2 {
        let line = line!() + 1;
        let error = panic::catch_unwind(|| claim_site(&SITE)).expect_err("claimed before");
        let message = error
            .downcast_ref::<String>()
            .expect("the panic carries a formatted message");
        assert!(message.contains("ran a second time"), "{message}");
        assert!(
            message.contains(&format!("{}:{line}:", file!())),
            "{message}"
        );
    }
}

/// Issue 15 (flash): two sites share the function, not the flag: claiming
/// one leaves the other unclaimed.
#[test]
fn two_sites_share_the_claim_but_not_the_flag() {
    static FIRST: HandOutOnce = HandOutOnce::new();
    static SECOND: HandOutOnce = HandOutOnce::new();
    claim_site(&FIRST);
    claim_site(&SECOND);
    assert!(panic::catch_unwind(|| claim_site(&FIRST)).is_err());
    assert!(panic::catch_unwind(|| claim_site(&SECOND)).is_err());
}
