//! Portal addresses as the user types them (options page; later, imported files).
//!
//! Properties: an accepted address is an origin (`https://host[:port]`, or plain `http` only
//! for `localhost`/`127.0.0.1`) with a lower-case ASCII host and nothing after it; reading its
//! origin again gives the same portal; its API and authorization URLs stay on that origin;
//! adding it to a configuration twice is refused, and a refusal changes nothing.
#![no_main]

use jit_console::core::config::Config;
use jit_console::core::portal_api::{self, ApiRequest, Endpoint};
use jit_console::core::portal_url::PortalUrl;
use jit_console::core::secret::Secret;
use jit_console::core::session;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = jit_console_fuzz::text(data);
    let Ok(portal) = PortalUrl::parse(&input) else {
        let mut config = Config::default();
        assert!(config.add_portal(&input, None).is_err());
        assert_eq!(config, Config::default());
        return;
    };
    let origin = portal.origin().as_str();
    let host = portal.host();
    let local = host == "localhost"
        || host.starts_with("localhost:")
        || host == "127.0.0.1"
        || host.starts_with("127.0.0.1:");
    assert!(
        origin == format!("https://{host}") || (local && origin == format!("http://{host}")),
        "{origin}"
    );
    assert!(host.is_ascii() && !host.is_empty());
    assert!(
        !host
            .chars()
            .any(|c| c.is_ascii_uppercase() || "/?#@\\ ".contains(c)),
        "{host}"
    );
    assert_eq!(
        PortalUrl::parse(origin).as_ref(),
        Ok(&portal),
        "not idempotent"
    );

    let parsed = url::Url::parse(origin).unwrap_or_else(|e| panic!("{origin}: {e}"));
    let same_origin = |url: &str| {
        let u = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(u.origin(), parsed.origin(), "{url} leaves {origin}");
    };
    same_origin(&session::authorize_url(&portal, 41234));
    for endpoint in [
        Endpoint::UserRoleInfo,
        Endpoint::TenantsForUser,
        Endpoint::TenantCredentials(input.as_str().into()),
    ] {
        same_origin(&ApiRequest::new(&portal, &endpoint, &Secret::new("t")).url);
    }
    // A tenant id the extension would use is one path segment of the credentials URL,
    // whatever it holds.
    if portal_api::is_tenant_id(&input) {
        let credentials = ApiRequest::new(
            &portal,
            &Endpoint::TenantCredentials(input.as_str().into()),
            &Secret::new("t"),
        )
        .url;
        let segments: Vec<String> = url::Url::parse(&credentials)
            .ok()
            .and_then(|u| u.path_segments().map(|s| s.map(str::to_owned).collect()))
            .unwrap_or_default();
        assert!(
            segments.len() == 3
                && segments[0] == "subscriptions"
                && segments[2] == "GetAwsConsoleTokenUrl",
            "tenant id {input:?} escapes its path segment: {credentials}"
        );
    }
    let json = serde_json::to_string(&portal).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        serde_json::from_str::<PortalUrl>(&json).ok().as_ref(),
        Some(&portal)
    );

    let mut config = Config::default();
    assert!(config.add_portal(&input, None).is_ok());
    let before = config.clone();
    assert!(
        config.add_portal(origin, None).is_err(),
        "a duplicate was added"
    );
    assert_eq!(config, before);
});
