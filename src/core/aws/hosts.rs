//! Which hosts and URLs are AWS's sign-in and console ones, per partition, and the sign-in
//! token a federation console URL carries.

use super::jit::{is_token_text, MAX_CREDENTIAL_LEN};
use super::{is_valid_region, Partition};
use crate::core::secret::Secret;
use crate::core::weburl::WebUrl;

/// Whether `label` is one DNS label: 1..63 lowercase letters, digits and hyphens, not
/// starting or ending with a hyphen.
fn is_dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Whether `prefix` is a region of `partition`.
fn is_region_of(prefix: &str, partition: Partition) -> bool {
    is_valid_region(prefix) && Partition::from_region(prefix) == partition
}

/// Whether `host` (already lower-case) is `partition`'s sign-in host or a regional one.
pub fn is_signin_host(host: &str, partition: Partition) -> bool {
    host == partition.signin_host()
        || host
            .strip_suffix(partition.signin_host())
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|region| is_region_of(region, partition))
}

/// The `(account, id, region)` of a multi-session console host of `partition`.
fn multi_session_in(host: &str, partition: Partition) -> Option<(String, String, String)> {
    let rest = host
        .strip_suffix(partition.console_host())?
        .strip_suffix('.')?;
    let (session, region) = rest.split_once('.')?;
    let (account, id) = session.split_once('-')?;
    let ok = account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && id.len() == 8
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && is_region_of(region, partition);
    ok.then(|| (account.to_owned(), id.to_owned(), region.to_owned()))
}

/// The `(account, id, region)` of a multi-session console host
/// (`{12 digits}-{8 lowercase letters or digits}.{region}.console.aws.amazon.com`), in any
/// partition (the region tells which). `None` for any other host.
pub fn multi_session_host(host: &str) -> Option<(String, String, String)> {
    let host = host.to_ascii_lowercase();
    Partition::ALL
        .iter()
        .find_map(|&partition| multi_session_in(&host, partition))
}

/// Whether `host` is a console host of `partition`: the console host itself, a regional or
/// service one (`us-west-2.console.aws.amazon.com`, `s3.console.aws.amazon.com`: one DNS
/// label in front), or a multi-session one (see [`multi_session_host`]). Case-insensitive.
pub fn is_console_host(host: &str, partition: Partition) -> bool {
    let host = host.to_ascii_lowercase();
    host == partition.console_host()
        || host
            .strip_suffix(partition.console_host())
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(is_dns_label)
        || multi_session_in(&host, partition).is_some()
}

/// Whether `url` may be opened as a console sign-in link for `partition`: `https://`, no
/// user name or password, the default port, and a host that is this partition's sign-in
/// host (plain or regional) or one of its console hosts (see [`is_console_host`]).
///
/// The URL is parsed the way a browser parses it (so `\` tricks and `@` user info are seen
/// for what they are) and the parsed host is checked, never a substring of the text.
pub fn is_safe_console_url(url: &str, partition: Partition) -> bool {
    let Ok(parsed) = WebUrl::parse(url) else {
        return false;
    };
    if parsed.scheme() != "https" || parsed.has_credentials() || parsed.port().is_some() {
        return false;
    }
    let host = parsed.host();
    is_signin_host(host, partition) || is_console_host(host, partition)
}

/// Whether the portal's `ConsoleUrl` may be opened: [`is_safe_console_url`], and its shape is
/// a sign-in, not anything on a sign-in host: the federation login
/// (`/federation?Action=login`) or a console page; and every `Destination` or
/// `redirect_uri` inside it is itself a console page (or such a login) of the same
/// partition, so the sign-in cannot send the browser elsewhere once signed in.
pub fn is_usable_console_url(url: &str, partition: Partition) -> bool {
    usable_console_url(url, partition, 2)
}

fn usable_console_url(url: &str, partition: Partition, depth: u8) -> bool {
    if !is_safe_console_url(url, partition) {
        return false;
    }
    let Ok(parsed) = WebUrl::parse(url) else {
        return false;
    };
    let pairs = parsed.query_pairs();
    let values = |name: &'static str| {
        pairs
            .iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    let nested_safe = ["Destination", "redirect_uri"].into_iter().all(|name| {
        values(name).all(|inner| {
            crate::core::consoles::is_console_page(inner, partition)
                || (depth > 0 && usable_console_url(inner, partition, depth - 1))
        })
    });
    if !nested_safe {
        return false;
    }
    if is_console_host(parsed.host(), partition) {
        return true;
    }
    let actions: Vec<&str> = values("Action").collect();
    parsed.path() == "/federation" && actions == ["login"]
}

/// The sign-in token inside the portal's `ConsoleUrl`, when that URL is a usable federation
/// login ([`is_usable_console_url`]) carrying exactly one `SigninToken`. AWS binds the token
/// to the credentials, not to the `Destination`, so a login built from it ([`login_url`]) can
/// land on any console page: a deep link or a renewal in place then costs no
/// `getSigninToken` round trip. `None` for a console-page `ConsoleUrl` or anything else.
pub fn signin_token_of(console_url: &str, partition: Partition) -> Option<Secret> {
    if !is_usable_console_url(console_url, partition) {
        return None;
    }
    let parsed = WebUrl::parse(console_url).ok()?;
    if !is_signin_host(parsed.host(), partition) {
        return None;
    }
    let pairs = parsed.query_pairs();
    let mut tokens = pairs
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case("SigninToken"))
        .map(|(_, value)| value);
    match (tokens.next(), tokens.next()) {
        (Some(token), None) if is_token_text(token, 4 * MAX_CREDENTIAL_LEN) => {
            Some(Secret::new(token.clone()))
        }
        _ => None,
    }
}
