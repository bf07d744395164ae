//! Partitions and regions: which AWS a region belongs to, and the region names accepted.

use serde::{Deserialize, Serialize};

/// An AWS partition: a separate AWS with its own hosts, accounts and regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Partition {
    /// Commercial AWS (`aws`).
    #[serde(rename = "aws")]
    Aws,
    /// AWS GovCloud (US) (`aws-us-gov`).
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
    /// AWS China (`aws-cn`).
    #[serde(rename = "aws-cn")]
    AwsCn,
}

impl Partition {
    /// Every partition.
    pub const ALL: &'static [Partition] = &[Self::Aws, Self::AwsUsGov, Self::AwsCn];

    /// The partition named exactly `aws`, `aws-us-gov` or `aws-cn` (as in ARNs and the
    /// portal's `DefaultAwsPartition`).
    pub fn from_name(name: &str) -> Option<Partition> {
        match name {
            "aws" => Some(Self::Aws),
            "aws-us-gov" => Some(Self::AwsUsGov),
            "aws-cn" => Some(Self::AwsCn),
            _ => None,
        }
    }

    /// The partition's name: `aws`, `aws-us-gov` or `aws-cn`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsUsGov => "aws-us-gov",
            Self::AwsCn => "aws-cn",
        }
    }

    /// The partition a region belongs to: `us-gov-*` is GovCloud, `cn-*` China, anything
    /// else commercial.
    pub fn from_region(region: &str) -> Partition {
        if region.starts_with("us-gov-") {
            Self::AwsUsGov
        } else if region.starts_with("cn-") {
            Self::AwsCn
        } else {
            Self::Aws
        }
    }

    /// The federation sign-in host.
    pub fn signin_host(self) -> &'static str {
        match self {
            Self::Aws => "signin.aws.amazon.com",
            Self::AwsUsGov => "signin.amazonaws-us-gov.com",
            Self::AwsCn => "signin.amazonaws.cn",
        }
    }

    /// The console host (without a region).
    pub fn console_host(self) -> &'static str {
        match self {
            Self::Aws => "console.aws.amazon.com",
            Self::AwsUsGov => "console.amazonaws-us-gov.com",
            Self::AwsCn => "console.amazonaws.cn",
        }
    }

    /// The region used when nothing better is known.
    pub fn default_region(self) -> &'static str {
        match self {
            Self::Aws => "us-east-1",
            Self::AwsUsGov => "us-gov-west-1",
            Self::AwsCn => "cn-north-1",
        }
    }
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The longest region name accepted (real ones are under 20 characters).
const MAX_REGION_LEN: usize = 32;

/// Whether `region` has the shape of an AWS region name (`us-west-2`, `us-gov-west-1`,
/// `cn-northwest-1`): lowercase parts joined by hyphens, at least three parts, the first
/// letters only, the last a number. Anything else (`../x`, `us-west-2.evil.com`, `US-WEST-2`)
/// is refused, because a region ends up inside host names and URLs.
pub fn is_valid_region(region: &str) -> bool {
    if region.len() > MAX_REGION_LEN {
        return false;
    }
    let parts: Vec<&str> = region.split('-').collect();
    let Some((last, rest)) = parts.split_last() else {
        return false;
    };
    let Some((first, middle)) = rest.split_first() else {
        return false;
    };
    parts.len() >= 3
        && !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && middle.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && (1..=3).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// `region` when it is a valid region of `partition`, else the partition's default region:
/// what goes into a host name or URL is always a real region of the right partition.
pub(crate) fn usable_region(partition: Partition, region: &str) -> &str {
    if is_valid_region(region) && Partition::from_region(region) == partition {
        region
    } else {
        partition.default_region()
    }
}
