//! Amazon Resource Names: reading one (typed or found in a selection) and the console page
//! that shows the resource.
//!
//! The console URL is built from the ARN's partition and a checked region only; every part
//! taken from the resource is percent-encoded, so no resource text can move the link off
//! the partition's console hosts.

use serde::{Deserialize, Serialize};

use super::aws::{self, encode, regional_origin, s3_origin, usable_region, AwsService, Partition};
use super::text::{msg, UserText};

/// The longest ARN accepted, in characters (AWS's own limit).
pub const MAX_ARN_LEN: usize = 2048;

/// A parsed ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. Stored and sent as its
/// text, which is parsed again on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Arn {
    /// The partition (`aws`, `aws-us-gov`, `aws-cn`).
    pub partition: Partition,
    /// The service (`s3`, `ec2`, ...): lowercase letters, digits and hyphens.
    pub service: String,
    /// The region; empty for global resources (S3 buckets, IAM).
    pub region: String,
    /// The account: 12 digits, `aws` (AWS-managed IAM policies), or empty (S3 buckets).
    pub account: String,
    /// The resource, which may itself contain `:` and `/`.
    pub resource: String,
}

/// Why a text is not a usable ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// Nothing but whitespace.
    #[error("no ARN given")]
    Empty,
    /// Longer than [`MAX_ARN_LEN`].
    #[error("longer than {MAX_ARN_LEN} characters")]
    TooLong,
    /// A control character (newline, tab, NUL, ...) inside.
    #[error("control character in the ARN")]
    ControlCharacter,
    /// Not `arn:` followed by five `:`-separated fields.
    #[error("not of the form arn:partition:service:region:account:resource")]
    NotAnArn,
    /// A partition this extension does not know.
    #[error("unknown partition \"{0}\"")]
    UnknownPartition(String),
    /// The service is empty or has characters other than `a-z 0-9 -`.
    #[error("invalid service")]
    InvalidService,
    /// The region is neither empty nor a region of the ARN's partition.
    #[error("invalid region")]
    InvalidRegion,
    /// The account is neither empty, 12 digits nor `aws`.
    #[error("invalid account")]
    InvalidAccount,
    /// Nothing after the account.
    #[error("empty resource")]
    EmptyResource,
    /// A valid ARN, but of another partition than the portal's accounts.
    #[error("ARN in partition {arn}, portal in {portal}")]
    WrongPartition {
        /// The ARN's partition.
        arn: Partition,
        /// The portal's partition.
        portal: Partition,
    },
}

impl ArnError {
    /// The sentence the user reads.
    pub fn user_text(&self) -> UserText {
        match self {
            Self::WrongPartition { arn, portal } => {
                msg::ARN_WRONG_PARTITION.with([arn.name(), portal.name()])
            }
            _ => msg::ARN_INVALID.text(),
        }
    }
}

impl std::fmt::Display for Arn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition.name(),
            self.service,
            self.region,
            self.account,
            self.resource
        )
    }
}

impl TryFrom<String> for Arn {
    type Error = ArnError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Arn::parse(&value)
    }
}

impl From<Arn> for String {
    fn from(value: Arn) -> Self {
        value.to_string()
    }
}

/// Characters that end an ARN inside a longer text: whitespace, control characters, and
/// the quotes, brackets and commas that usually surround or separate ARNs.
fn ends_arn(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '"' | '\'' | '`' | '<' | '>' | '(' | ')' | '[' | ']' | '{' | '}' | ','
        )
}

impl Arn {
    /// Reads an ARN, ignoring surrounding whitespace.
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ArnError::Empty);
        }
        // No character takes more than 4 bytes: longer is surely too long (and not worth
        // reading further).
        if text.len() > 4 * MAX_ARN_LEN {
            return Err(ArnError::TooLong);
        }
        let mut fields = text.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        )
        else {
            return Err(ArnError::NotAnArn);
        };
        let partition = Partition::from_name(partition)
            .ok_or_else(|| ArnError::UnknownPartition(partition.to_owned()))?;
        if service.is_empty()
            || !service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(ArnError::InvalidService);
        }
        // A region of another partition cannot be real, and would put the console link on a
        // host of the wrong partition.
        let region_ok = region.is_empty()
            || (aws::is_valid_region(region) && Partition::from_region(region) == partition);
        if !region_ok {
            return Err(ArnError::InvalidRegion);
        }
        // `aws` is the account of AWS-managed IAM policies (`arn:aws:iam::aws:policy/...`).
        let account_ok = account.is_empty()
            || account == "aws"
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        if !account_ok {
            return Err(ArnError::InvalidAccount);
        }
        if resource.is_empty() {
            return Err(ArnError::EmptyResource);
        }
        // Checked last: the fields above are cheap to refuse, this reads the whole text.
        if text.chars().count() > MAX_ARN_LEN {
            return Err(ArnError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(ArnError::ControlCharacter);
        }
        Ok(Arn {
            partition,
            service: service.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }

    /// The first ARN inside a longer text, such as a selection ("see arn:aws:s3:::bucket for
    /// details"). An ARN starts at `arn:` not preceded by a letter, digit, `-` or `_`, and
    /// ends at whitespace, a quote, a bracket or a comma; trailing `.`, `:`, `;`, `!` and `?`
    /// are taken as punctuation.
    pub fn find_in(text: &str) -> Option<Arn> {
        // Where the text after the current candidate's start next has a delimiter. Kept
        // between candidates so a long text without delimiters is scanned once, not once per
        // `arn:` in it.
        let mut delimiter = 0;
        for (start, _) in text.match_indices("arn:") {
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                continue;
            }
            if delimiter <= start {
                delimiter = text[start..]
                    .find(ends_arn)
                    .map_or(text.len(), |i| start + i);
            }
            let candidate = &text[start..delimiter];
            // No character takes more than 4 bytes: longer is surely too long.
            if candidate.len() > 4 * MAX_ARN_LEN {
                continue;
            }
            let candidate = candidate.trim_end_matches(['.', ':', ';', '!', '?']);
            if let Ok(arn) = Arn::parse(candidate) {
                return Some(arn);
            }
        }
        None
    }

    /// `Ok` when the ARN is in the portal's partition; otherwise the error that says which
    /// partitions differ.
    pub fn check_partition(&self, portal: Partition) -> Result<(), ArnError> {
        if self.partition == portal {
            Ok(())
        } else {
            Err(ArnError::WrongPartition {
                arn: self.partition,
                portal,
            })
        }
    }

    /// The console page of the resource: its own page for the common resource types, the
    /// service's console home otherwise. The region is the ARN's, else `default_region`
    /// (else the partition's default). The URL is always on a console host of the ARN's
    /// partition.
    pub fn console_url(&self, default_region: &str) -> String {
        let region = if self.region.is_empty() {
            usable_region(self.partition, default_region)
        } else {
            usable_region(self.partition, &self.region)
        };
        self.resource_url(region)
            .unwrap_or_else(|| self.service_home(region))
    }

    /// The service's console home, for resources without a page of their own.
    fn service_home(&self, region: &str) -> String {
        match AwsService::parse(&self.service) {
            Some(service) => aws::service_url(self.partition, service, region),
            // The service is checked to be `a-z 0-9 -`, safe as a path segment.
            None => format!(
                "{}/{}/home?region={region}",
                regional_origin(self.partition, region),
                self.service
            ),
        }
    }

    /// The resource's own page, when this kind of resource has one.
    fn resource_url(&self, region: &str) -> Option<String> {
        let partition = self.partition;
        let regional = regional_origin(partition, region);
        let global = format!("https://{}", partition.console_host());
        let resource = self.resource.as_str();
        let (kind, name) = split_kind(resource);
        let url = match (self.service.as_str(), kind) {
            ("s3", _) => return self.s3_url(region),
            ("ec2", "instance") => format!(
                "{regional}/ec2/home?region={region}#InstanceDetails:instanceId={}",
                encode(name?)
            ),
            ("ec2", "security-group") => format!(
                "{regional}/ec2/home?region={region}#SecurityGroup:groupId={}",
                encode(name?)
            ),
            ("ec2", "volume") => format!(
                "{regional}/ec2/home?region={region}#VolumeDetails:volumeId={}",
                encode(name?)
            ),
            ("ec2", "image") => format!(
                "{regional}/ec2/home?region={region}#ImageDetails:imageId={}",
                encode(name?)
            ),
            ("ec2", "vpc") => format!(
                "{regional}/vpcconsole/home?region={region}#VpcDetails:VpcId={}",
                encode(name?)
            ),
            ("ec2", "subnet") => format!(
                "{regional}/vpcconsole/home?region={region}#SubnetDetails:subnetId={}",
                encode(name?)
            ),
            ("lambda", "function") => {
                // `function:name[:version or alias]`
                let function = name?.split(':').next().filter(|f| !f.is_empty())?;
                format!(
                    "{regional}/lambda/home?region={region}#/functions/{}",
                    encode(function)
                )
            }
            ("iam", "role" | "user" | "group") => {
                // `role/path/to/NAME`: the console knows a role by its last segment.
                let name = name?.rsplit('/').next().filter(|n| !n.is_empty())?;
                let list = match kind {
                    "role" => "roles",
                    "user" => "users",
                    _ => "groups",
                };
                format!("{global}/iam/home#/{list}/details/{}", encode(name))
            }
            ("iam", "policy") => format!(
                "{global}/iam/home#/policies/details/{}",
                encode(&self.to_string())
            ),
            ("ecs", "cluster") => format!(
                "{regional}/ecs/v2/clusters/{}/services?region={region}",
                segment(name?)?
            ),
            ("ecs", "service") => {
                // `service/CLUSTER/SERVICE`; the old `service/SERVICE` names no cluster.
                let (cluster, service) = name?.split_once('/')?;
                format!(
                    "{regional}/ecs/v2/clusters/{}/services/{}/health?region={region}",
                    segment(cluster)?,
                    segment(service)?
                )
            }
            ("eks", "cluster") => format!(
                "{regional}/eks/home?region={region}#/clusters/{}",
                encode(name?)
            ),
            ("rds", "db" | "cluster") => format!(
                "{regional}/rds/home?region={region}#database:id={};is-cluster={}",
                encode(name?),
                kind == "cluster"
            ),
            ("dynamodb", "table") => {
                // `table/NAME[/stream/...|/index/...]`
                let table = name?.split('/').next().filter(|t| !t.is_empty())?;
                format!(
                    "{regional}/dynamodbv2/home?region={region}#table?name={}",
                    encode(table)
                )
            }
            ("sqs", _) if !resource.contains(':') && !self.account.is_empty() => {
                let queue_url = format!(
                    "https://sqs.{region}.{}/{}/{}",
                    sqs_domain(partition),
                    self.account,
                    encode(resource)
                );
                format!(
                    "{regional}/sqs/v3/home?region={region}#/queues/{}",
                    encode(&queue_url)
                )
            }
            ("sns", _) => {
                // A topic is `NAME`; a subscription is `NAME:ID`.
                let page = if resource.contains(':') {
                    "subscription"
                } else {
                    "topic"
                };
                format!(
                    "{regional}/sns/v3/home?region={region}#/{page}/{}",
                    encode(&self.to_string())
                )
            }
            ("cloudformation", "stack") => format!(
                "{regional}/cloudformation/home?region={region}#/stacks/stackinfo?stackId={}",
                encode(&self.to_string())
            ),
            ("secretsmanager", "secret") => format!(
                "{regional}/secretsmanager/secret?name={}&region={region}",
                encode(secret_name(name?))
            ),
            ("logs", "log-group") => {
                // `log-group:NAME[:*|:log-stream:STREAM]`
                let group = name?.split(':').next().filter(|g| !g.is_empty())?;
                format!(
                    "{regional}/cloudwatch/home?region={region}#logsV2:log-groups/log-group/{}",
                    cloudwatch_encode(group)
                )
            }
            ("cloudwatch", "alarm") => format!(
                "{regional}/cloudwatch/home?region={region}#alarmsV2:alarm/{}",
                encode(name?)
            ),
            ("kms", "key") => format!(
                "{regional}/kms/home?region={region}#/kms/keys/{}",
                encode(name?)
            ),
            ("ecr", "repository") if self.account.len() == 12 => {
                // Repository names may hold `/`; each part is its own path segment.
                let parts = name?.split('/').map(segment).collect::<Option<Vec<_>>>()?;
                format!(
                    "{regional}/ecr/repositories/private/{}/{}?region={region}",
                    self.account,
                    parts.join("/")
                )
            }
            ("route53", "hostedzone") => format!(
                "{global}/route53/v2/hostedzones#ListRecordSets/{}",
                encode(name?)
            ),
            ("cloudfront", "distribution") => format!(
                "{global}/cloudfront/v4/home#/distributions/{}",
                encode(name?)
            ),
            _ => return None,
        };
        Some(url)
    }

    /// An S3 bucket (`arn:aws:s3:::bucket`), folder (`bucket/dir/`) or object
    /// (`bucket/key`). Access points and other S3 resources carry a region or account and
    /// get the S3 home instead.
    fn s3_url(&self, region: &str) -> Option<String> {
        if !self.region.is_empty() || !self.account.is_empty() {
            return None;
        }
        let origin = s3_origin(self.partition);
        let (bucket, key) = match self.resource.split_once('/') {
            Some((bucket, key)) => (bucket, key),
            None => (self.resource.as_str(), ""),
        };
        let bucket = segment(bucket)?;
        // A policy's wildcard (`bucket/*`, `bucket/logs/*`) means "the objects under".
        let key = key.split('*').next().unwrap_or_default();
        Some(if key.is_empty() {
            format!("{origin}/s3/buckets/{bucket}?region={region}&tab=objects")
        } else if key.ends_with('/') {
            format!(
                "{origin}/s3/buckets/{bucket}?region={region}&prefix={}",
                encode(key)
            )
        } else {
            format!(
                "{origin}/s3/object/{bucket}?region={region}&prefix={}",
                encode(key)
            )
        })
    }
}

/// Splits a resource into its type and the rest: `instance/i-1` → (`instance`, `i-1`),
/// `function:f` → (`function`, `f`); a resource without a separator is all type.
fn split_kind(resource: &str) -> (&str, Option<&str>) {
    match resource.find(['/', ':']) {
        Some(i) => (
            &resource[..i],
            Some(&resource[i + 1..]).filter(|n| !n.is_empty()),
        ),
        None => (resource, None),
    }
}

/// `text` as one path segment: percent-encoded, and `None` for what a URL parser would
/// treat as no segment or a dot segment (`.`, `..`) instead of a name.
fn segment(text: &str) -> Option<String> {
    (!text.is_empty() && text != "." && text != "..").then(|| encode(text))
}

/// A secret's name without the `-XXXXXX` suffix Secrets Manager adds to its ARN.
fn secret_name(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, suffix))
            if !base.is_empty()
                && suffix.len() == 6
                && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            base
        }
        _ => name,
    }
}

/// The domain of the partition's SQS endpoints (`https://sqs.{region}.{domain}`).
fn sqs_domain(partition: Partition) -> &'static str {
    match partition {
        Partition::AwsCn => "amazonaws.com.cn",
        Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
    }
}

/// The CloudWatch console's own encoding of a log group name in its fragment: encoded twice,
/// with `$` in place of `%` (`/aws/lambda/f` → `$252Faws$252Flambda$252Ff`).
fn cloudwatch_encode(text: &str) -> String {
    encode(&encode(text)).replace('%', "$")
}

#[cfg(test)]
mod tests;
