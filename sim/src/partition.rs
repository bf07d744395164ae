//! AWS partitions and the host names that belong to each: sign-in hosts, console hosts,
//! and the cookie domain they share.

use serde::{Deserialize, Serialize};

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Partition {
    /// Commercial AWS (`aws.amazon.com`).
    #[default]
    Aws,
    /// AWS GovCloud (US) (`amazonaws-us-gov.com`).
    AwsUsGov,
    /// AWS China (`amazonaws.cn`).
    AwsCn,
}

/// Every partition, for host classification.
pub const ALL_PARTITIONS: [Partition; 3] = [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn];

impl Partition {
    /// The partition's name as in ARNs and in the portal's `DefaultAwsPartition`.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
        }
    }

    /// The registrable domain under which sign-in and console hosts live.
    pub fn base_domain(self) -> &'static str {
        match self {
            Partition::Aws => "aws.amazon.com",
            Partition::AwsUsGov => "amazonaws-us-gov.com",
            Partition::AwsCn => "amazonaws.cn",
        }
    }

    /// The `Domain=` attribute of console session cookies (shared by sign-in and console).
    pub fn cookie_domain(self) -> String {
        format!(".{}", self.base_domain())
    }

    /// The global sign-in host.
    pub fn signin_host(self) -> String {
        format!("signin.{}", self.base_domain())
    }

    /// The global console host.
    pub fn console_host(self) -> String {
        format!("console.{}", self.base_domain())
    }

    /// Whether `host` is this partition's sign-in host or one of its regional forms.
    pub fn is_signin_host(self, host: &str) -> bool {
        let base = self.signin_host();
        host == base || host.strip_suffix(&base).is_some_and(|p| p.ends_with('.'))
    }

    /// Whether `host` is this partition's console host or any host under it
    /// (regional, service and multi-session hosts).
    pub fn is_console_host(self, host: &str) -> bool {
        let base = self.console_host();
        host == base || host.strip_suffix(&base).is_some_and(|p| p.ends_with('.'))
    }

    /// Regions the portal advertises in `AwsRegions`.
    pub fn regions(self) -> &'static [&'static str] {
        match self {
            Partition::Aws => &[
                "us-east-1",
                "us-east-2",
                "us-west-1",
                "us-west-2",
                "ca-central-1",
                "eu-west-1",
                "eu-west-2",
                "eu-central-1",
                "ap-south-1",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-northeast-1",
                "sa-east-1",
            ],
            Partition::AwsUsGov => &["us-gov-west-1", "us-gov-east-1"],
            Partition::AwsCn => &["cn-north-1", "cn-northwest-1"],
        }
    }
}

/// Whether a string looks like an AWS region name (`us-west-2`, `us-gov-east-1`, `cn-north-1`).
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() < 3 || parts.len() > 4 || s.len() > 30 {
        return false;
    }
    let (first, rest) = (parts[0], &parts[1..]);
    let Some((last, middle)) = rest.split_last() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// What kind of site a request's `Host` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsHost {
    /// A sign-in host (`signin.aws.amazon.com`, `us-east-1.signin.aws.amazon.com`, ...).
    Signin(Partition),
    /// A console host (`console.aws.amazon.com`, `s3.console...`, multi-session hosts, ...).
    Console(Partition),
}

/// Classifies an AWS host, if it is one.
pub fn classify_aws_host(host: &str) -> Option<AwsHost> {
    ALL_PARTITIONS.iter().find_map(|&p| {
        if p.is_signin_host(host) {
            Some(AwsHost::Signin(p))
        } else if p.is_console_host(host) {
            Some(AwsHost::Console(p))
        } else {
            None
        }
    })
}

/// Whether `host` is the foreign (untrusted) test site.
pub fn is_foreign_host(host: &str) -> bool {
    host == "foreign.example" || host.ends_with(".foreign.example")
}

/// Hosts a portal may not claim.
pub fn is_reserved_host(host: &str) -> bool {
    classify_aws_host(host).is_some()
        || is_foreign_host(host)
        || ALL_PARTITIONS
            .iter()
            .any(|p| host == p.base_domain() || host.ends_with(&format!(".{}", p.base_domain())))
}

/// A multi-session console host `{account}-{id8}.{region}.console.<base>`, split up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiSessionHost {
    /// The 12-digit account id.
    pub account_id: String,
    /// The 8-character session id.
    pub id8: String,
    /// The region label.
    pub region: String,
}

/// Parses a multi-session console host of `partition`.
pub fn parse_multi_session_host(host: &str, partition: Partition) -> Option<MultiSessionHost> {
    let prefix = host.strip_suffix(&format!(".{}", partition.console_host()))?;
    let (first, region) = prefix.split_once('.')?;
    let (account_id, id8) = first.split_once('-')?;
    let ok = account_id.len() == 12
        && account_id.bytes().all(|b| b.is_ascii_digit())
        && id8.len() == 8
        && id8
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && is_region(region);
    ok.then(|| MultiSessionHost {
        account_id: account_id.into(),
        id8: id8.into(),
        region: region.into(),
    })
}

/// The region named by a console host's first label (`us-west-2.console...`), if any.
pub fn region_of_console_host(host: &str, partition: Partition) -> Option<String> {
    if let Some(m) = parse_multi_session_host(host, partition) {
        return Some(m.region);
    }
    let prefix = host.strip_suffix(&format!(".{}", partition.console_host()))?;
    is_region(prefix).then(|| prefix.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn regions() {
        for r in ["us-west-2", "us-gov-west-1", "cn-north-1", "eu-central-1"] {
            assert!(is_region(r), "{r}");
        }
        for r in [
            "s3",
            "console",
            "us-west",
            "US-west-2",
            "us--2",
            "a-b-c-d-1",
        ] {
            assert!(!is_region(r), "{r}");
        }
    }

    #[test]
    fn hosts_are_classified_by_partition() {
        use AwsHost::*;
        use Partition::*;
        let cases = [
            ("signin.aws.amazon.com", Some(Signin(Aws))),
            ("us-east-1.signin.aws.amazon.com", Some(Signin(Aws))),
            ("console.aws.amazon.com", Some(Console(Aws))),
            ("s3.console.aws.amazon.com", Some(Console(Aws))),
            (
                "123456789012-abcd1234.us-west-2.console.aws.amazon.com",
                Some(Console(Aws)),
            ),
            ("signin.amazonaws-us-gov.com", Some(Signin(AwsUsGov))),
            ("console.amazonaws-us-gov.com", Some(Console(AwsUsGov))),
            ("signin.amazonaws.cn", Some(Signin(AwsCn))),
            ("cn-north-1.console.amazonaws.cn", Some(Console(AwsCn))),
            ("evilconsole.aws.amazon.com", None),
            ("aws.amazon.com", None),
            ("acme.duplocloud.net", None),
        ];
        for (host, want) in cases {
            assert_eq!(classify_aws_host(host), want, "{host}");
        }
    }

    #[test]
    fn multi_session_hosts() {
        let m = parse_multi_session_host(
            "123456789012-abcd1234.us-west-2.console.aws.amazon.com",
            Partition::Aws,
        )
        .unwrap();
        assert_eq!(m.account_id, "123456789012");
        assert_eq!(m.id8, "abcd1234");
        assert_eq!(m.region, "us-west-2");
        assert!(
            parse_multi_session_host("us-west-2.console.aws.amazon.com", Partition::Aws).is_none()
        );
        assert_eq!(
            region_of_console_host("eu-west-1.console.aws.amazon.com", Partition::Aws).as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of_console_host("s3.console.aws.amazon.com", Partition::Aws),
            None
        );
    }
}
