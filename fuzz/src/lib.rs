//! Shared oracles for the fuzz targets: independent restatements of what an accepted input
//! must look like, so a target checks properties rather than only calling a parser.

use jit_console::core::aws::Partition;

/// A partition picked by one byte of input.
pub fn partition(byte: u8) -> Partition {
    Partition::ALL[usize::from(byte) % Partition::ALL.len()]
}

/// The partition's own AWS domains. Every host the extension may send a browser or a
/// credential to is one of these or a subdomain of one of them.
fn domains(partition: Partition) -> [&'static str; 2] {
    match partition {
        Partition::Aws => ["signin.aws.amazon.com", "console.aws.amazon.com"],
        Partition::AwsUsGov => [
            "signin.amazonaws-us-gov.com",
            "console.amazonaws-us-gov.com",
        ],
        Partition::AwsCn => ["signin.amazonaws.cn", "console.amazonaws.cn"],
    }
}

/// Whether `host` is one of `partition`'s sign-in or console hosts, or below one of them.
pub fn is_under_partition(host: &str, partition: Partition) -> bool {
    domains(partition)
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// Panics unless `url`, as a browser parses it, is `https` with no user info and no explicit
/// port, on a host of `partition` (and of no other partition).
pub fn assert_aws_url(url: &str, partition: Partition, what: &str) {
    let parsed =
        url::Url::parse(url).unwrap_or_else(|e| panic!("{what}: {url:?} does not parse: {e}"));
    assert_eq!(parsed.scheme(), "https", "{what}: {url:?}");
    assert!(
        parsed.username().is_empty() && parsed.password().is_none(),
        "{what}: user info in {url:?}"
    );
    assert_eq!(parsed.port(), None, "{what}: explicit port in {url:?}");
    let Some(url::Host::Domain(host)) = parsed.host() else {
        panic!("{what}: {url:?} has no domain host");
    };
    assert!(
        is_under_partition(host, partition),
        "{what}: {url:?} leaves the AWS hosts of {partition}"
    );
    for other in Partition::ALL.iter().filter(|p| **p != partition) {
        assert!(
            !is_under_partition(host, *other),
            "{what}: {url:?} is on a host of {other}, not {partition}"
        );
    }
}

/// Every JSON string value inside `value`, for checks that no secret an input carried is
/// echoed in an error.
pub fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// A string from raw bytes (lossy: fuzz inputs are bytes, the parsers take text).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
