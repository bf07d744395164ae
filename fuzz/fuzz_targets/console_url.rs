//! Console and sign-in URLs from outside: the portal's `ConsoleUrl`, a console tab's address
//! (for "the same page", renewal, and learning the console mode), the federation URLs built
//! from portal-supplied parts.
//!
//! Properties: an accepted `ConsoleUrl` is `https`, without user info or port, on a sign-in
//! or console host of the right partition (and of no other); a console page used as a
//! destination stays on that partition's console hosts; the login, logout and
//! `getSigninToken` URLs built from any issuer, destination and token stay on the sign-in
//! host and carry the parts unchanged; recording where a tab landed never panics and never
//! keeps a tab that left AWS.
#![no_main]

use jit_console::core::aws::{self, JitCredentials};
use jit_console::core::consoles::{self, Consoles, Destination};
use jit_console::core::identity::{ConsoleKey, Role};
use jit_console::core::secret::Secret;
use jit_console_fuzz::{assert_aws_url, partition};
use libfuzzer_sys::fuzz_target;

/// The input: one byte for the partition, then up to five lines: the URL, a region, an
/// issuer, a token and a secret key (so seeds are readable files).
struct Input {
    partition: u8,
    url: String,
    region: String,
    issuer: String,
    token: String,
    secret: String,
}

impl Input {
    fn read(data: &[u8]) -> Option<Input> {
        let (&partition, rest) = data.split_first()?;
        let text = jit_console_fuzz::text(rest);
        let mut lines = text.split('\n').map(str::to_owned);
        let mut next = || lines.next().unwrap_or_default();
        Some(Input {
            partition,
            url: next(),
            region: next(),
            issuer: next(),
            token: next(),
            secret: next(),
        })
    }
}

fn query(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::read(data) else {
        return;
    };
    let partition = partition(input.partition);

    if aws::is_usable_console_url(&input.url, partition) {
        assert!(
            aws::is_safe_console_url(&input.url, partition),
            "a usable ConsoleUrl is a safe one"
        );
    }
    if aws::is_safe_console_url(&input.url, partition) {
        assert_aws_url(&input.url, partition, "accepted ConsoleUrl");
    }
    if consoles::is_console_page(&input.url, partition) {
        assert_aws_url(&input.url, partition, "console page");
        let host = url::Url::parse(&input.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        assert!(host.is_some_and(|h| aws::is_console_host(&h, partition)));
    }
    if let Some((account, id, region)) = aws::multi_session_host(&input.url) {
        assert!(account.len() == 12 && id.len() == 8 && aws::is_valid_region(&region));
    }

    let destination = Destination::Url {
        url: input.url.clone(),
    };
    if let Ok(page) = destination.url(partition, &input.region) {
        assert_aws_url(&page, partition, "same-page destination");
        let host = url::Url::parse(&page)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        assert!(
            host.is_some_and(|h| aws::is_console_host(&h, partition)),
            "{page}"
        );
    }
    assert_aws_url(
        &aws::console_home(partition, &input.region),
        partition,
        "console home",
    );

    let login = aws::login_url(
        partition,
        &input.issuer,
        &input.url,
        &Secret::new(input.token.clone()),
    );
    assert_aws_url(login.expose(), partition, "login URL");
    assert_eq!(
        url::Url::parse(login.expose())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .as_deref(),
        Some(partition.signin_host())
    );
    let pairs = query(login.expose());
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(pairs.len(), 4, "login URL: {pairs:?}");
    assert_eq!(get("Issuer"), Some(input.issuer.as_str()));
    assert_eq!(get("Destination"), Some(input.url.as_str()));
    assert_eq!(get("SigninToken"), Some(input.token.as_str()));

    let logout = aws::logout_url(partition, login.expose());
    assert_aws_url(&logout, partition, "logout URL");
    assert_eq!(
        query(&logout)
            .iter()
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.as_str()),
        Some(login.expose())
    );

    let creds = JitCredentials {
        access_key_id: "ASIAEXAMPLEEXAMPLE".into(),
        secret_access_key: Secret::new(input.secret.clone()),
        session_token: Secret::new(input.token.clone()),
        region: None,
        console_url: None,
        validity_secs: None,
    };
    let get_token = aws::get_signin_token_url(partition, &creds);
    assert_aws_url(get_token.expose(), partition, "getSigninToken URL");
    let session = query(get_token.expose())
        .into_iter()
        .find(|(k, _)| k == "Session")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let session: serde_json::Value =
        serde_json::from_str(&session).unwrap_or_else(|e| panic!("Session is not JSON: {e}"));
    assert_eq!(session["sessionKey"].as_str(), Some(input.secret.as_str()));
    assert_eq!(session["sessionToken"].as_str(), Some(input.token.as_str()));

    // A console tab of ours moved to this address.
    let key = ConsoleKey {
        origin: "https://acme.duplocloud.net".into(),
        role: Role::Tenant {
            id: "t".into(),
            name: "dev".into(),
        },
    };
    let mut consoles = Consoles::default();
    consoles.register_tab(7, &key);
    // In the browser's one cookie jar, or in the identity's own container (Firefox).
    let isolated = input.partition & 0x80 != 0;
    let changed = consoles.landed(7, &input.url, isolated);
    let on_aws = aws::Partition::ALL
        .iter()
        .any(|p| aws::is_safe_console_url(&input.url, *p));
    assert_eq!(
        consoles.key_of_tab(7).is_some(),
        on_aws,
        "tab kept after leaving AWS, or dropped on AWS"
    );
    // The shared jar's holder is learnt only outside containers, a container's only inside.
    assert!(
        !(isolated && consoles.holder_known()),
        "a container's session counted as the shared jar's"
    );
    if changed {
        assert!(
            consoles.holds_console(&key),
            "a new holder that holds nothing"
        );
        assert_eq!(
            consoles.holder_known(),
            !isolated,
            "the shared jar's session counted as a container's"
        );
    }
});
