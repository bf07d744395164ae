//! The stored configuration (`storage.local`), which another version of the extension, a
//! sync, a hand edit or a corrupted profile may have written: any JSON at all.
//!
//! Properties: reading never fails or panics; what is read holds only portals that pass the
//! portal rules, no two alike, and settings in range; writing it and reading it back gives
//! the same configuration with nothing dropped; the API token never prints.
#![no_main]

use jit_console::core::config::Config;
use jit_console::core::portal_url::PortalUrl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let entries = value
        .get("portals")
        .and_then(|p| p.as_array())
        .map_or(0, Vec::len);
    let (config, dropped) = Config::from_stored(Some(value));
    assert!(
        config.portals.len() + dropped <= entries.max(1),
        "{} kept + {dropped} dropped of {entries}",
        config.portals.len()
    );
    for (i, portal) in config.portals.iter().enumerate() {
        assert_eq!(
            PortalUrl::parse(portal.url.origin().as_str()).as_ref(),
            Ok(&portal.url)
        );
        assert!(
            config.portals[..i].iter().all(|p| p.url != portal.url),
            "duplicate portal"
        );
        if let Some(token) = &portal.api_token {
            let shown = format!("{config:?}");
            // The token's text may also be part of something shown on purpose (a host name
            // of another portal): only the token itself must not be shown.
            let mut without = config.clone();
            for p in &mut without.portals {
                p.api_token = None;
            }
            let elsewhere = format!("{without:?}").contains(token.expose());
            if token.expose().len() >= 12 && !elsewhere {
                assert!(!shown.contains(token.expose()), "Debug shows the API token");
            }
        }
    }
    let again = Config::from_stored(Some(config.to_stored()));
    assert_eq!(
        again,
        (config.clone(), 0),
        "the stored form does not round-trip"
    );
    // Adding and removing a portal keeps working on whatever was read.
    let mut edited = config.clone();
    if edited.add_portal("fuzz-check.duplocloud.net", None).is_ok() {
        assert!(edited
            .remove_portal(&"https://fuzz-check.duplocloud.net".into())
            .is_ok());
        assert_eq!(edited, config);
    }
});
