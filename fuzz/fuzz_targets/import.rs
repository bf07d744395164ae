//! Configuration files the user imports (options page, issue 7) and the administrator's
//! policy (`storage.managed`): text from outside the extension.
//!
//! Properties: a file over the size limit is refused unread; an accepted file holds only
//! portals that pass the options page's rules, none twice, none managed, no API token, and
//! an API host only on this computer (a file from someone else cannot send a portal's
//! token elsewhere); it exports and imports back to the same configuration; a policy never
//! panics and yields only valid, distinct portals.
#![no_main]

use jit_console::core::config::{Config, ImportError, IMPORT_AT_MOST};
use jit_console::core::portal_url::PortalUrl;
use libfuzzer_sys::fuzz_target;

fn is_local(url: &PortalUrl) -> bool {
    let host = url.host();
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    name == "localhost" || name == "127.0.0.1"
}

fn check(config: &Config, what: &str) {
    for (i, portal) in config.portals.iter().enumerate() {
        assert_eq!(
            PortalUrl::parse(portal.url.origin().as_str()).as_ref(),
            Ok(&portal.url),
            "{what}"
        );
        assert!(
            config.portals[..i].iter().all(|p| p.url != portal.url),
            "{what}: duplicate"
        );
        if let Some(api) = &portal.api_host {
            assert!(
                is_local(api),
                "{what}: API host {} for {} is not on this computer",
                api.origin(),
                portal.url.origin()
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = jit_console_fuzz::text(data);
    match Config::import_json(&text) {
        Ok(config) => {
            assert!(text.len() <= IMPORT_AT_MOST);
            check(&config, "import");
            assert!(config
                .portals
                .iter()
                .all(|p| !p.managed && p.api_token.is_none()));
            let again = Config::import_json(&config.export())
                .unwrap_or_else(|e| panic!("export does not import: {e}"));
            assert_eq!(again.portals, config.portals);
            assert_eq!(again.settings, config.settings);
        }
        Err(ImportError::TooLarge) => assert!(text.len() > IMPORT_AT_MOST),
        Err(e) => {
            let sentence = e.user_text().english();
            assert!(sentence.ends_with('.'), "{sentence}");
        }
    }
    if let Ok(policy) = serde_json::from_str::<serde_json::Value>(&text) {
        let managed = Config::default().with_managed(Some(&policy));
        check(&managed, "policy");
    }
});
