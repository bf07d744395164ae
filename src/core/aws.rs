//! AWS as the extension sees it, as pure functions: partitions and regions, which hosts are
//! AWS sign-in and console hosts, the portal's JIT credentials, the federation sign-in URLs
//! (`aws-console.md`) and console deep links per service.
//!
//! Everything that carries a credential (keys, tokens, sign-in URLs) is a [`Secret`], and no
//! error names a credential's value.

use super::weburl::WebUrl;
use serde::{Deserialize, Serialize};

use super::portal_api::{json, ApiError, ApiReply};
use super::secret::Secret;
use super::text::{msg, UserText};

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

/// The JIT credentials the portal hands out for one AWS identity (read by
/// [`parse_jit_credentials`]). Kept in the browser's in-memory session storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JitCredentials {
    /// The STS access key id (`ASIA…`); not a secret on its own.
    pub access_key_id: String,
    /// The secret access key.
    #[serde(with = "crate::core::secret::exposed")]
    pub secret_access_key: Secret,
    /// The STS session token.
    #[serde(with = "crate::core::secret::exposed")]
    pub session_token: Secret,
    /// The region the portal suggests, when it sent a valid one.
    pub region: Option<String>,
    /// The portal's ready-made console sign-in URL, when it sent one. Check it with
    /// [`is_safe_console_url`] before opening it.
    #[serde(default, with = "crate::core::secret::exposed::option")]
    pub console_url: Option<Secret>,
    /// The lifetime in seconds, as the portal sent it; see [`super::expiry::expiry_ms`].
    pub validity_secs: Option<i64>,
}

/// The shortest and longest access key ids accepted (AWS documents 16..128).
const ACCESS_KEY_ID_LEN: std::ops::RangeInclusive<usize> = 16..=128;
/// The longest secret access key, session token or sign-in token accepted.
const MAX_CREDENTIAL_LEN: usize = 16 * 1024;

/// Whether `value` is usable as a credential: non-empty, at most `max` bytes, without
/// whitespace or control characters (which would break headers, URLs and shell exports).
fn is_token_text(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Reads the portal's JIT credentials answer (`GetAwsConsoleTokenUrl`, `jitAccess/...`).
///
/// `AccessKeyId`, `SecretAccessKey` and `SessionToken` are required; `Region` is kept only
/// when it is a valid region, `ConsoleUrl` only when not empty, `Validity` only when it is
/// an integer (another type there is ignored, never an error; an absurdly large one is cut
/// by [`super::expiry::expiry_ms`]). A negative `Validity` makes the answer malformed: credentials that
/// expired before they arrived are broken, not an hour long. Unknown fields are ignored.
pub fn parse_jit_credentials(reply: &ApiReply) -> Result<JitCredentials, ApiError> {
    let value: serde_json::Value = json(reply)?;
    let Some(fields) = value.as_object() else {
        return Err(ApiError::Malformed(
            "JIT credentials are not an object".into(),
        ));
    };
    let text = |name: &str| fields.get(name).and_then(serde_json::Value::as_str);

    let access_key_id = text("AccessKeyId")
        .filter(|id| {
            ACCESS_KEY_ID_LEN.contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .ok_or_else(|| ApiError::Malformed("no usable AccessKeyId".into()))?;
    let secret_access_key = text("SecretAccessKey")
        .filter(|key| is_token_text(key, MAX_CREDENTIAL_LEN))
        .ok_or_else(|| ApiError::Malformed("no usable SecretAccessKey".into()))?;
    let session_token = text("SessionToken")
        .filter(|token| is_token_text(token, MAX_CREDENTIAL_LEN))
        .ok_or_else(|| ApiError::Malformed("no usable SessionToken".into()))?;

    let validity_secs = match fields.get("Validity") {
        Some(serde_json::Value::Number(n)) => {
            // Credentials that expired before they arrived are a broken answer, not an hour.
            if n.as_f64().is_some_and(|v| v < 0.0) {
                return Err(ApiError::Malformed("negative Validity".into()));
            }
            n.as_i64()
        }
        _ => None,
    };

    Ok(JitCredentials {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: Secret::new(secret_access_key),
        session_token: Secret::new(session_token),
        region: text("Region")
            .filter(|region| is_valid_region(region))
            .map(str::to_owned),
        console_url: text("ConsoleUrl")
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(Secret::new),
        validity_secs,
    })
}

/// The sentence for a failed JIT credentials call to the portal `host`: a malformed answer
/// says the credentials were unusable; anything else is the portal error's own sentence.
pub fn credentials_error_text(error: &ApiError, host: &str) -> UserText {
    match error {
        ApiError::Malformed(_) => msg::CREDENTIALS_MALFORMED.with([host]),
        other => other.user_text(host),
    }
}

/// The sentence for a failed `getSigninToken` with credentials from the portal `host`.
/// AWS's statuses say nothing about the portal, so every failure reads the same.
pub fn signin_token_error_text(host: &str) -> UserText {
    msg::SIGNIN_TOKEN_FAILED.with([host])
}

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
            super::consoles::is_console_page(inner, partition)
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

/// Percent-encodes everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _
/// ~`), so the result is safe as a query value, path segment or fragment part.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `text` as a JSON string literal (quoted and escaped).
pub(crate) fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// The federation `getSigninToken` URL for `creds` (step 1 of `aws-console.md`). It carries
/// the credentials, so it is a secret.
pub fn get_signin_token_url(partition: Partition, creds: &JitCredentials) -> Secret {
    let session = format!(
        "{{\"sessionId\":{},\"sessionKey\":{},\"sessionToken\":{}}}",
        json_string(&creds.access_key_id),
        json_string(creds.secret_access_key.expose()),
        json_string(creds.session_token.expose()),
    );
    Secret::new(format!(
        "https://{}/federation?Action=getSigninToken&Session={}",
        partition.signin_host(),
        encode(&session)
    ))
}

/// Reads the answer to `getSigninToken`: `{"SigninToken": "..."}`.
pub fn parse_signin_token(reply: &ApiReply) -> Result<Secret, ApiError> {
    let value: serde_json::Value = json(reply)?;
    value
        .get("SigninToken")
        .and_then(serde_json::Value::as_str)
        .filter(|token| is_token_text(token, 4 * MAX_CREDENTIAL_LEN))
        .map(Secret::new)
        .ok_or_else(|| ApiError::Malformed("no usable SigninToken".into()))
}

/// The federation login URL (step 2 of `aws-console.md`): the browser signs in with
/// `signin_token` and lands on `destination`. It carries the token, so it is a secret.
pub fn login_url(
    partition: Partition,
    issuer: &str,
    destination: &str,
    signin_token: &Secret,
) -> Secret {
    Secret::new(format!(
        "https://{}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        partition.signin_host(),
        encode(issuer),
        encode(destination),
        encode(signin_token.expose())
    ))
}

/// The console logout URL that then sends the browser to `redirect_uri` (the single-session
/// dance of `aws-console.md`).
pub fn logout_url(partition: Partition, redirect_uri: &str) -> String {
    format!(
        "https://{}/oauth?Action=logout&redirect_uri={}",
        partition.signin_host(),
        encode(redirect_uri)
    )
}

/// The sign-out of one multi-session console session, on that session's own `host`, then on
/// to `redirect_uri`; `None` when `host` is not a multi-session host
/// ([`super::multi_session`]).
pub fn session_logout_url(host: &str, redirect_uri: &str) -> Option<String> {
    multi_session_host(host)?;
    Some(format!(
        "https://{}/oauth?Action=logout&redirect_uri={}",
        host.to_ascii_lowercase(),
        encode(redirect_uri)
    ))
}

/// Whether `url` is a multi-session console's sign-out of one session
/// ([`session_logout_url`]): a tab passing through it is not showing that session.
pub fn is_session_logout_url(url: &str) -> bool {
    WebUrl::parse(url).is_ok_and(|u| multi_session_host(u.host()).is_some() && u.path() == "/oauth")
}

/// The console home page in `region` (the partition's default region when `region` is not
/// one of its regions).
pub fn console_home(partition: Partition, region: &str) -> String {
    let region = usable_region(partition, region);
    format!(
        "https://{region}.{}/console/home?region={region}",
        partition.console_host()
    )
}

/// An AWS service the extension can open the console of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AwsService {
    /// EC2.
    Ec2,
    /// S3.
    S3,
    /// IAM (global).
    Iam,
    /// CloudWatch.
    CloudWatch,
    /// ECS.
    Ecs,
    /// EKS.
    Eks,
    /// Lambda.
    Lambda,
    /// RDS.
    Rds,
    /// DynamoDB.
    DynamoDb,
    /// CloudFormation.
    CloudFormation,
    /// VPC.
    Vpc,
    /// SQS.
    Sqs,
    /// SNS.
    Sns,
    /// Secrets Manager.
    SecretsManager,
    /// Systems Manager (Parameter Store).
    Ssm,
    /// Route 53 (global).
    Route53,
    /// CloudFront (global).
    CloudFront,
    /// KMS.
    Kms,
    /// CloudWatch Logs.
    Logs,
    /// ECR.
    Ecr,
}

impl AwsService {
    /// Every service, in menu order.
    pub const ALL: &'static [AwsService] = &[
        Self::Ec2,
        Self::S3,
        Self::Iam,
        Self::CloudWatch,
        Self::Ecs,
        Self::Eks,
        Self::Lambda,
        Self::Rds,
        Self::DynamoDb,
        Self::CloudFormation,
        Self::Vpc,
        Self::Sqs,
        Self::Sns,
        Self::SecretsManager,
        Self::Ssm,
        Self::Route53,
        Self::CloudFront,
        Self::Kms,
        Self::Logs,
        Self::Ecr,
    ];

    /// The service named `name`: its ARN service name, its label or a common alias
    /// (`cw`, `k8s`, `ddb`, `cfn`, `secrets`, `parameterstore`, `dns`, `cdn`, ...),
    /// ignoring case, spaces, hyphens and underscores.
    pub fn parse(name: &str) -> Option<AwsService> {
        let key: String = name
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match key.as_str() {
            "ec2" => Self::Ec2,
            "s3" => Self::S3,
            "iam" => Self::Iam,
            "cloudwatch" | "cw" => Self::CloudWatch,
            "ecs" => Self::Ecs,
            "eks" | "k8s" | "kubernetes" => Self::Eks,
            "lambda" => Self::Lambda,
            "rds" => Self::Rds,
            "dynamodb" | "ddb" => Self::DynamoDb,
            "cloudformation" | "cfn" => Self::CloudFormation,
            "vpc" => Self::Vpc,
            "sqs" => Self::Sqs,
            "sns" => Self::Sns,
            "secretsmanager" | "secrets" => Self::SecretsManager,
            "ssm" | "systemsmanager" | "parameterstore" => Self::Ssm,
            "route53" | "dns" => Self::Route53,
            "cloudfront" | "cdn" => Self::CloudFront,
            "kms" => Self::Kms,
            "logs" | "cloudwatchlogs" => Self::Logs,
            "ecr" => Self::Ecr,
            _ => return None,
        })
    }

    /// The service's short name, as in its ARNs (`vpc` aside, which has none).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ec2 => "ec2",
            Self::S3 => "s3",
            Self::Iam => "iam",
            Self::CloudWatch => "cloudwatch",
            Self::Ecs => "ecs",
            Self::Eks => "eks",
            Self::Lambda => "lambda",
            Self::Rds => "rds",
            Self::DynamoDb => "dynamodb",
            Self::CloudFormation => "cloudformation",
            Self::Vpc => "vpc",
            Self::Sqs => "sqs",
            Self::Sns => "sns",
            Self::SecretsManager => "secretsmanager",
            Self::Ssm => "ssm",
            Self::Route53 => "route53",
            Self::CloudFront => "cloudfront",
            Self::Kms => "kms",
            Self::Logs => "logs",
            Self::Ecr => "ecr",
        }
    }

    /// The name people know the service by ("S3", "Route 53"); AWS's product names, the same
    /// in every language.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ec2 => "EC2",
            Self::S3 => "S3",
            Self::Iam => "IAM",
            Self::CloudWatch => "CloudWatch",
            Self::Ecs => "ECS",
            Self::Eks => "EKS",
            Self::Lambda => "Lambda",
            Self::Rds => "RDS",
            Self::DynamoDb => "DynamoDB",
            Self::CloudFormation => "CloudFormation",
            Self::Vpc => "VPC",
            Self::Sqs => "SQS",
            Self::Sns => "SNS",
            Self::SecretsManager => "Secrets Manager",
            Self::Ssm => "Systems Manager",
            Self::Route53 => "Route 53",
            Self::CloudFront => "CloudFront",
            Self::Kms => "KMS",
            Self::Logs => "CloudWatch Logs",
            Self::Ecr => "ECR",
        }
    }

    /// Whether the service is global: its console URL has no region.
    pub fn is_global(self) -> bool {
        matches!(self, Self::Iam | Self::Route53 | Self::CloudFront)
    }

    /// The landing page: the path, and what follows `?region=…` (a fragment, or nothing).
    /// Global services take the whole tail as path (they have no query).
    fn landing(self) -> (&'static str, &'static str) {
        match self {
            Self::Ec2 => ("/ec2/home", "#Home:"),
            Self::S3 => ("/s3/buckets", ""),
            Self::Iam => ("/iam/home#/home", ""),
            Self::CloudWatch => ("/cloudwatch/home", ""),
            Self::Ecs => ("/ecs/v2/clusters", ""),
            Self::Eks => ("/eks/home", "#/clusters"),
            Self::Lambda => ("/lambda/home", "#/functions"),
            Self::Rds => ("/rds/home", "#databases:"),
            Self::DynamoDb => ("/dynamodbv2/home", "#tables"),
            Self::CloudFormation => ("/cloudformation/home", "#/stacks"),
            Self::Vpc => ("/vpcconsole/home", "#vpcs:"),
            Self::Sqs => ("/sqs/v3/home", "#/queues"),
            Self::Sns => ("/sns/v3/home", "#/topics"),
            Self::SecretsManager => ("/secretsmanager/listsecrets", ""),
            Self::Ssm => ("/systems-manager/home", ""),
            Self::Route53 => ("/route53/v2/home#Dashboard", ""),
            Self::CloudFront => ("/cloudfront/v4/home", ""),
            Self::Kms => ("/kms/home", "#/kms/keys"),
            Self::Logs => ("/cloudwatch/home", "#logsV2:log-groups"),
            Self::Ecr => ("/ecr/private-registry/repositories", ""),
        }
    }
}

/// The origin of the regional console in `region` (already a usable region).
pub(crate) fn regional_origin(partition: Partition, region: &str) -> String {
    format!("https://{region}.{}", partition.console_host())
}

/// The origin of the S3 console. Commercial AWS has S3's own console host; for the other
/// partitions only the plain console host is certain to exist, so that is used.
pub(crate) fn s3_origin(partition: Partition) -> String {
    match partition {
        Partition::Aws => format!("https://s3.{}", partition.console_host()),
        _ => format!("https://{}", partition.console_host()),
    }
}

/// The console landing page of `service`: in `region` for regional services (the
/// partition's default region when `region` is not one of its regions), without a region
/// for global ones.
pub fn service_url(partition: Partition, service: AwsService, region: &str) -> String {
    let region = usable_region(partition, region);
    let (path, tail) = service.landing();
    if service.is_global() {
        format!("https://{}{path}", partition.console_host())
    } else if service == AwsService::S3 {
        format!("{}{path}?region={region}{tail}", s3_origin(partition))
    } else {
        format!(
            "{}{path}?region={region}{tail}",
            regional_origin(partition, region)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn ok(body: &str) -> ApiReply {
        ApiReply::Http {
            status: 200,
            body: body.as_bytes().to_vec(),
        }
    }

    fn status(code: u16) -> ApiReply {
        ApiReply::Http {
            status: code,
            body: b"{}".to_vec(),
        }
    }

    const SECRET_KEY: &str = "wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLE==";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc=";

    fn creds() -> JitCredentials {
        JitCredentials {
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new(SECRET_KEY),
            session_token: Secret::new(TOKEN),
            region: Some("us-west-2".into()),
            console_url: None,
            validity_secs: Some(3600),
        }
    }

    fn jit_body(fields: &[(&str, serde_json::Value)]) -> ApiReply {
        let mut object = serde_json::json!({
            "ConsoleUrl": "https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc",
            "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "SecretAccessKey": SECRET_KEY,
            "SessionToken": TOKEN,
            "Region": "us-west-2",
            "Validity": 3600,
        });
        for (name, value) in fields {
            object[*name] = value.clone();
        }
        ok(&object.to_string())
    }

    fn query(url: &str) -> Vec<(String, String)> {
        Url::parse(url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn partitions_round_trip_by_name_and_serde() {
        for &partition in Partition::ALL {
            assert_eq!(Partition::from_name(partition.name()), Some(partition));
            let stored = serde_json::to_string(&partition).unwrap();
            assert_eq!(stored, format!("\"{}\"", partition.name()));
            assert_eq!(
                serde_json::from_str::<Partition>(&stored).unwrap(),
                partition
            );
            assert_eq!(partition.to_string(), partition.name());
            assert_eq!(
                Partition::from_region(partition.default_region()),
                partition
            );
        }
        for unknown in ["", "AWS", "aws-iso", " aws", "aws-us-gov "] {
            assert_eq!(Partition::from_name(unknown), None, "{unknown:?}");
        }
        assert!(serde_json::from_str::<Partition>("\"aws-iso\"").is_err());
    }

    #[test]
    fn regions_tell_their_partition() {
        assert_eq!(Partition::from_region("us-gov-east-1"), Partition::AwsUsGov);
        assert_eq!(Partition::from_region("cn-northwest-1"), Partition::AwsCn);
        assert_eq!(Partition::from_region("us-east-1"), Partition::Aws);
        assert_eq!(Partition::from_region("eu-central-2"), Partition::Aws);
        assert_eq!(Partition::from_region(""), Partition::Aws);
    }

    #[test]
    fn hosts_per_partition() {
        assert_eq!(Partition::Aws.signin_host(), "signin.aws.amazon.com");
        assert_eq!(
            Partition::AwsUsGov.signin_host(),
            "signin.amazonaws-us-gov.com"
        );
        assert_eq!(Partition::AwsCn.signin_host(), "signin.amazonaws.cn");
        assert_eq!(Partition::Aws.console_host(), "console.aws.amazon.com");
        assert_eq!(
            Partition::AwsUsGov.console_host(),
            "console.amazonaws-us-gov.com"
        );
        assert_eq!(Partition::AwsCn.console_host(), "console.amazonaws.cn");
    }

    #[test]
    fn accepts_region_shapes_and_refuses_the_rest() {
        for good in [
            "us-west-2",
            "us-east-1",
            "us-gov-west-1",
            "cn-northwest-1",
            "ap-southeast-3",
            "eu-central-2",
            "il-central-1",
            "us-isob-east-1",
        ] {
            assert!(is_valid_region(good), "{good}");
        }
        for bad in [
            "",
            "us",
            "us-west",
            "uswest2",
            "us-west-2a",
            "US-WEST-2",
            "../x",
            "us-west-2.evil.com",
            "us-west-2/",
            "us--2",
            "-us-west-2",
            "us-west-2-",
            "us-west-",
            "1-west-2",
            "us-west-1234",
            "us west 2",
            "us-wеst-2", // Cyrillic е
            "us-west-2\n",
            &"a-".repeat(20),
        ] {
            assert!(!is_valid_region(bad), "{bad:?}");
        }
    }

    #[test]
    fn usable_region_falls_back_to_the_partition_default() {
        assert_eq!(usable_region(Partition::Aws, "eu-west-1"), "eu-west-1");
        assert_eq!(usable_region(Partition::Aws, "evil.com"), "us-east-1");
        assert_eq!(usable_region(Partition::Aws, "cn-north-1"), "us-east-1");
        assert_eq!(
            usable_region(Partition::AwsUsGov, "us-east-1"),
            "us-gov-west-1"
        );
        assert_eq!(usable_region(Partition::AwsCn, ""), "cn-north-1");
    }

    #[test]
    fn reads_jit_credentials_ignoring_unknown_fields() {
        let reply = jit_body(&[("Extra", serde_json::json!({"nested": [1, 2]}))]);
        let creds = parse_jit_credentials(&reply).unwrap();
        assert_eq!(creds.access_key_id, "ASIAIOSFODNN7EXAMPLE");
        assert_eq!(creds.secret_access_key.expose(), SECRET_KEY);
        assert_eq!(creds.session_token.expose(), TOKEN);
        assert_eq!(creds.region.as_deref(), Some("us-west-2"));
        assert_eq!(
            creds.console_url.as_ref().map(Secret::expose),
            Some("https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc")
        );
        assert_eq!(creds.validity_secs, Some(3600));
    }

    #[test]
    fn optional_jit_fields_degrade_to_none() {
        let minimal = ok(&serde_json::json!({
            "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "SecretAccessKey": SECRET_KEY,
            "SessionToken": TOKEN,
        })
        .to_string());
        let creds = parse_jit_credentials(&minimal).unwrap();
        assert_eq!(
            (creds.region, creds.console_url, creds.validity_secs),
            (None, None, None)
        );

        for (field, value) in [
            ("ConsoleUrl", serde_json::json!("")),
            ("ConsoleUrl", serde_json::json!("   ")),
            ("ConsoleUrl", serde_json::json!(null)),
            ("ConsoleUrl", serde_json::json!(42)),
            ("Region", serde_json::json!("us-west-2.evil.com")),
            ("Region", serde_json::json!("")),
            ("Region", serde_json::json!(7)),
            ("Validity", serde_json::json!(3600.5)),
            ("Validity", serde_json::json!("3600")),
            ("Validity", serde_json::json!(null)),
            ("Validity", serde_json::json!([3600])),
            ("Validity", serde_json::json!(1e300)),
            ("Validity", serde_json::json!(u64::MAX)),
        ] {
            let creds = parse_jit_credentials(&jit_body(&[(field, value.clone())]))
                .unwrap_or_else(|e| panic!("{field}={value}: {e}"));
            let kept = match field {
                "ConsoleUrl" => creds.console_url.is_some(),
                "Region" => creds.region.is_some(),
                _ => creds.validity_secs.is_some(),
            };
            assert!(!kept, "{field}={value}");
        }
        for negative in [
            serde_json::json!(-5),
            serde_json::json!(-0.5),
            serde_json::json!(i64::MIN),
        ] {
            assert!(
                matches!(
                    parse_jit_credentials(&jit_body(&[("Validity", negative.clone())])),
                    Err(ApiError::Malformed(_))
                ),
                "{negative}"
            );
        }
        let zero = parse_jit_credentials(&jit_body(&[("Validity", 0.into())])).unwrap();
        assert_eq!(
            crate::core::expiry::expiry_ms(0, zero.validity_secs),
            3_600_000,
            "zero means an hour"
        );
    }

    #[test]
    fn unusable_jit_credentials_are_malformed_without_echoing_secrets() {
        let cases: Vec<(&str, serde_json::Value)> = vec![
            ("AccessKeyId", serde_json::json!(null)),
            ("AccessKeyId", serde_json::json!("")),
            ("AccessKeyId", serde_json::json!("ASIA")),
            ("AccessKeyId", serde_json::json!("ASIA IOSFODNN7EXAMPLE")),
            ("AccessKeyId", serde_json::json!("ASIA-IOSFODNN7EXAMPLE")),
            ("AccessKeyId", serde_json::json!("A".repeat(129))),
            ("AccessKeyId", serde_json::json!(12345678901234567_u64)),
            ("SecretAccessKey", serde_json::json!(null)),
            ("SecretAccessKey", serde_json::json!("")),
            ("SecretAccessKey", serde_json::json!("abc def")),
            ("SecretAccessKey", serde_json::json!("abc\ndef")),
            ("SecretAccessKey", serde_json::json!("abc\u{7}def")),
            ("SessionToken", serde_json::json!(null)),
            ("SessionToken", serde_json::json!("")),
            ("SessionToken", serde_json::json!("tok\ten")),
            ("SessionToken", serde_json::json!("x".repeat(16 * 1024 + 1))),
            ("SessionToken", serde_json::json!(["a"])),
        ];
        for (field, value) in cases {
            match parse_jit_credentials(&jit_body(&[(field, value.clone())])) {
                Err(ApiError::Malformed(detail)) => {
                    assert!(!detail.contains(SECRET_KEY) && !detail.contains(TOKEN));
                }
                other => panic!("{field}={value}: {other:?}"),
            }
        }
        let longest = "x".repeat(16 * 1024);
        assert!(parse_jit_credentials(&jit_body(&[("SessionToken", longest.into())])).is_ok());
        let longest_id = "A".repeat(128);
        assert!(parse_jit_credentials(&jit_body(&[("AccessKeyId", longest_id.into())])).is_ok());
        for body in ["", "[]", "null", "\"x\"", "{", "{}"] {
            assert!(
                matches!(
                    parse_jit_credentials(&ok(body)),
                    Err(ApiError::Malformed(_))
                ),
                "{body:?}"
            );
        }
    }

    #[test]
    fn jit_statuses_map_like_the_other_portal_calls() {
        assert_eq!(
            parse_jit_credentials(&status(401)),
            Err(ApiError::Unauthorized)
        );
        assert_eq!(
            parse_jit_credentials(&status(403)),
            Err(ApiError::Forbidden)
        );
        assert_eq!(parse_jit_credentials(&status(404)), Err(ApiError::NotFound));
        assert_eq!(
            parse_jit_credentials(&status(500)),
            Err(ApiError::Status(500))
        );
        assert_eq!(
            parse_jit_credentials(&ApiReply::Network("tls".into())),
            Err(ApiError::Unreachable("tls".into()))
        );
    }

    #[test]
    fn credentials_never_print_their_secrets() {
        let mut creds = creds();
        creds.console_url = Some(Secret::new(
            "https://signin.aws.amazon.com/x?SigninToken=zzz",
        ));
        let printed = format!("{creds:?}");
        assert!(!printed.contains(SECRET_KEY), "{printed}");
        assert!(!printed.contains(TOKEN), "{printed}");
        assert!(!printed.contains("zzz"), "{printed}");
        assert!(printed.contains("ASIAIOSFODNN7EXAMPLE"));
        let url = get_signin_token_url(Partition::Aws, &creds);
        assert_eq!(format!("{url:?}"), "[redacted]");
    }

    #[test]
    fn credentials_survive_session_storage_in_camel_case() {
        let mut creds = creds();
        creds.console_url = Some(Secret::new("https://signin.aws.amazon.com/federation"));
        let stored = serde_json::to_value(&creds).unwrap();
        for key in [
            "accessKeyId",
            "secretAccessKey",
            "sessionToken",
            "region",
            "consoleUrl",
            "validitySecs",
        ] {
            assert!(stored.get(key).is_some(), "{key} missing in {stored}");
        }
        assert_eq!(
            serde_json::from_value::<JitCredentials>(stored).unwrap(),
            creds
        );
    }

    #[test]
    fn error_sentences_name_the_portal() {
        let malformed = credentials_error_text(&ApiError::Malformed("x".into()), "acme.io");
        assert_eq!(malformed.name, msg::CREDENTIALS_MALFORMED.name);
        assert!(malformed.english().contains("acme.io"));
        let expired = credentials_error_text(&ApiError::Unauthorized, "acme.io");
        assert_eq!(expired, ApiError::Unauthorized.user_text("acme.io"));
        let signin = signin_token_error_text("acme.io");
        assert_eq!(signin.name, msg::SIGNIN_TOKEN_FAILED.name);
        assert!(signin.english().contains("acme.io"));
    }

    #[test]
    fn console_hosts_of_each_partition() {
        for host in [
            "console.aws.amazon.com",
            "us-west-2.console.aws.amazon.com",
            "s3.console.aws.amazon.com",
            "S3.Console.AWS.Amazon.com",
            "123456789012-abcd1234.us-east-1.console.aws.amazon.com",
        ] {
            assert!(is_console_host(host, Partition::Aws), "{host}");
        }
        assert!(is_console_host(
            "us-gov-west-1.console.amazonaws-us-gov.com",
            Partition::AwsUsGov
        ));
        assert!(is_console_host("console.amazonaws.cn", Partition::AwsCn));
        for host in [
            "",
            "aws.amazon.com",
            "signin.aws.amazon.com",
            "console.aws.amazon.com.evil.com",
            "evilconsole.aws.amazon.com",
            "a.b.console.aws.amazon.com",
            "-x.console.aws.amazon.com",
            ".console.aws.amazon.com",
            "console.aws.amazon.com.",
            "x_y.console.aws.amazon.com",
            "console.amazonaws.cn",
            "us-gov-west-1.console.amazonaws-us-gov.com",
            "123456789012-abcd1234.cn-north-1.console.aws.amazon.com",
            "12345678901-abcd1234.us-east-1.console.aws.amazon.com",
            "123456789012-abcd123.us-east-1.console.aws.amazon.com",
            "123456789012-abcd1234.evil.console.aws.amazon.com",
        ] {
            assert!(!is_console_host(host, Partition::Aws), "{host:?}");
        }
    }

    #[test]
    fn reads_multi_session_hosts() {
        assert_eq!(
            multi_session_host("123456789012-abcd1234.us-east-1.console.aws.amazon.com"),
            Some(("123456789012".into(), "abcd1234".into(), "us-east-1".into()))
        );
        assert_eq!(
            multi_session_host("123456789012-ABCD1234.US-GOV-WEST-1.console.amazonaws-us-gov.com"),
            Some((
                "123456789012".into(),
                "abcd1234".into(),
                "us-gov-west-1".into()
            ))
        );
        for host in [
            "us-east-1.console.aws.amazon.com",
            "console.aws.amazon.com",
            "123456789012-abcd1234.console.aws.amazon.com",
            "123456789012-abcd-234.us-east-1.console.aws.amazon.com",
            "123456789012-abcd1234.us-east-1.console.aws.amazon.com.evil.com",
            "123456789012-abcd1234.us-east-1.evil.com",
            "x123456789012-abcd1234.us-east-1.console.aws.amazon.com",
        ] {
            assert_eq!(multi_session_host(host), None, "{host}");
        }
    }

    #[test]
    fn safe_console_urls() {
        for url in [
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=x",
            "https://us-east-1.signin.aws.amazon.com/federation?Action=login",
            "https://SIGNIN.AWS.AMAZON.COM/federation",
            "https://signin.aws.amazon.com:443/federation",
            "https://console.aws.amazon.com/console/home",
            "https://eu-west-1.console.aws.amazon.com/ec2/home",
            "https://s3.console.aws.amazon.com/s3/buckets",
            "https://123456789012-abcd1234.us-east-1.console.aws.amazon.com/",
        ] {
            assert!(is_safe_console_url(url, Partition::Aws), "{url}");
        }
        assert!(is_safe_console_url(
            "https://signin.amazonaws-us-gov.com/federation?Action=login",
            Partition::AwsUsGov
        ));
        assert!(is_safe_console_url(
            "https://us-gov-east-1.signin.amazonaws-us-gov.com/federation",
            Partition::AwsUsGov
        ));
        assert!(is_safe_console_url(
            "https://signin.amazonaws.cn/federation",
            Partition::AwsCn
        ));
    }

    #[test]
    fn refuses_look_alike_console_urls() {
        for url in [
            "",
            "signin.aws.amazon.com/federation",
            "https://signin.aws.amazon.com.evil.com/federation",
            "https://evilsignin.aws.amazon.com/federation",
            "https://signin.aws.amazon.com@evil.com/federation",
            "https://user@signin.aws.amazon.com/federation",
            "https://user:pw@signin.aws.amazon.com/federation",
            "http://signin.aws.amazon.com/federation",
            "https://signin.aws.amazon.com:8443/federation",
            "https://signin.amazonaws-us-gov.com/federation",
            "https://signin.amazonaws.cn/federation",
            "https://console.amazonaws.cn/",
            "javascript:alert(1)//signin.aws.amazon.com",
            "data:text/html,https://signin.aws.amazon.com",
            "https://evil.com\\@signin.aws.amazon.com",
            "https://evil.com\\.signin.aws.amazon.com",
            "https://evil.com/https://signin.aws.amazon.com",
            "https://evil.com?signin.aws.amazon.com",
            "https://evil.com#signin.aws.amazon.com",
            "https://cn-north-1.signin.aws.amazon.com/federation",
            "https://x.y.signin.aws.amazon.com/federation",
            "https://foo.signin.aws.amazon.com/federation",
            "https://aws.amazon.com/federation",
            "https://54.239.1.1/federation",
            "https://[::1]/federation",
            "https://signin.aws.amazon.com./federation",
            "//signin.aws.amazon.com/federation",
            "ftp://signin.aws.amazon.com/federation",
        ] {
            assert!(!is_safe_console_url(url, Partition::Aws), "{url:?}");
        }
        assert!(!is_safe_console_url(
            "https://signin.aws.amazon.com/federation",
            Partition::AwsUsGov
        ));
    }

    #[test]
    fn a_console_url_must_be_a_login_or_a_console_page_leading_to_the_console() {
        let console = "https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome";
        for url in [
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=x".to_owned(),
            format!("https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Facme.duplocloud.net&Destination={console}&SigninToken=x"),
            "https://eu-west-1.console.aws.amazon.com/ec2/home".to_owned(),
        ] {
            assert!(is_usable_console_url(&url, Partition::Aws), "{url}");
        }
        for url in [
            // Another page of the sign-in host.
            "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Fevil.example%2F".to_owned(),
            "https://signin.aws.amazon.com/federation?Action=getSigninToken".to_owned(),
            "https://signin.aws.amazon.com/federation".to_owned(),
            "https://signin.aws.amazon.com/switchrole?Destination=x".to_owned(),
            "https://signin.aws.amazon.com/federation?Action=login&Action=logout".to_owned(),
            // A destination off AWS, or in another partition.
            "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fevil.example%2F&SigninToken=x".to_owned(),
            "https://signin.aws.amazon.com/federation?Action=login&destination=https%3A%2F%2Fevil.example%2F".to_owned(),
            "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2F".to_owned(),
            "https://console.aws.amazon.com/console/home?redirect_uri=https%3A%2F%2Fevil.example%2F".to_owned(),
        ] {
            assert!(!is_usable_console_url(&url, Partition::Aws), "{url}");
        }
    }

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(encode("aZ09-._~"), "aZ09-._~");
        assert_eq!(
            encode("a+b/c=d e&f?g#h%"),
            "a%2Bb%2Fc%3Dd%20e%26f%3Fg%23h%25"
        );
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn signin_token_url_carries_the_session_intact() {
        let url = get_signin_token_url(Partition::Aws, &creds());
        let url = url.expose();
        assert!(url.starts_with("https://signin.aws.amazon.com/federation?"));
        assert!(!url.contains('+') && !url.contains("==") && !url.contains('"'));
        let pairs = query(url);
        assert_eq!(pairs[0], ("Action".into(), "getSigninToken".into()));
        assert_eq!(pairs[1].0, "Session");
        assert_eq!(pairs.len(), 2);
        let session: serde_json::Value = serde_json::from_str(&pairs[1].1).unwrap();
        assert_eq!(
            session,
            serde_json::json!({
                "sessionId": "ASIAIOSFODNN7EXAMPLE",
                "sessionKey": SECRET_KEY,
                "sessionToken": TOKEN,
            })
        );
        assert!(pairs[1].1.starts_with("{\"sessionId\":\"ASIA"));
        assert!(!pairs[1].1.contains(' '));

        let gov = get_signin_token_url(Partition::AwsUsGov, &creds());
        assert!(gov
            .expose()
            .starts_with("https://signin.amazonaws-us-gov.com/federation?"));
        let cn = get_signin_token_url(Partition::AwsCn, &creds());
        assert!(cn
            .expose()
            .starts_with("https://signin.amazonaws.cn/federation?"));
    }

    #[test]
    fn reads_signin_tokens() {
        let token = parse_signin_token(&ok(r#"{"SigninToken":"abc-DEF_123","x":1}"#)).unwrap();
        assert_eq!(token.expose(), "abc-DEF_123");
        for body in [
            "{}",
            r#"{"SigninToken":""}"#,
            r#"{"SigninToken":"a b"}"#,
            r#"{"SigninToken":"a\nb"}"#,
            r#"{"SigninToken":5}"#,
            "[]",
            "<html>",
        ] {
            assert!(
                matches!(parse_signin_token(&ok(body)), Err(ApiError::Malformed(_))),
                "{body}"
            );
        }
        assert_eq!(parse_signin_token(&status(400)), Err(ApiError::Status(400)));
    }

    #[test]
    fn login_url_round_trips_its_parameters() {
        let destination =
            "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2&x=a b#frag";
        let issuer = "https://acme.duplocloud.net/app?x=1&y=2";
        let token = Secret::new("tok+en/with=chars");
        let url = login_url(Partition::Aws, issuer, destination, &token);
        assert!(url
            .expose()
            .starts_with("https://signin.aws.amazon.com/federation?Action=login&Issuer="));
        assert_eq!(
            query(url.expose()),
            vec![
                ("Action".to_owned(), "login".to_owned()),
                ("Issuer".to_owned(), issuer.to_owned()),
                ("Destination".to_owned(), destination.to_owned()),
                ("SigninToken".to_owned(), token.expose().to_owned()),
            ]
        );
        assert!(is_safe_console_url(url.expose(), Partition::Aws));
    }

    #[test]
    fn a_session_is_signed_out_only_on_a_multi_session_host() {
        let host = "123456789012-abcd1234.us-west-2.console.aws.amazon.com";
        let url =
            session_logout_url(host, "https://signin.aws.amazon.com/federation?a=1&b=2").unwrap();
        assert_eq!(
            url,
            format!("https://{host}/oauth?Action=logout&redirect_uri=https%3A%2F%2Fsignin.aws.amazon.com%2Ffederation%3Fa%3D1%26b%3D2")
        );
        assert!(is_session_logout_url(&url));
        assert!(!is_session_logout_url(&format!(
            "https://{host}/console/home"
        )));
        assert!(!is_session_logout_url(
            "https://signin.aws.amazon.com/oauth?Action=logout"
        ));
        assert_eq!(session_logout_url("evil.example", "x"), None);
        assert_eq!(session_logout_url("console.aws.amazon.com", "x"), None);
    }

    #[test]
    fn logout_url_round_trips_its_redirect() {
        let redirect = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a+b";
        let url = logout_url(Partition::AwsCn, redirect);
        assert!(url.starts_with("https://signin.amazonaws.cn/oauth?Action=logout&redirect_uri="));
        assert_eq!(
            query(&url),
            vec![
                ("Action".to_owned(), "logout".to_owned()),
                ("redirect_uri".to_owned(), redirect.to_owned()),
            ]
        );
    }

    #[test]
    fn console_home_per_partition() {
        assert_eq!(
            console_home(Partition::Aws, "eu-west-1"),
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            console_home(Partition::AwsUsGov, "us-gov-east-1"),
            "https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1"
        );
        assert_eq!(
            console_home(Partition::AwsCn, "evil.com/"),
            "https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1"
        );
    }

    #[test]
    fn services_parse_by_name_label_and_alias() {
        for &service in AwsService::ALL {
            assert_eq!(AwsService::parse(service.name()), Some(service));
            assert_eq!(AwsService::parse(service.label()), Some(service));
            assert_eq!(
                AwsService::parse(&service.name().to_uppercase()),
                Some(service)
            );
            let stored = serde_json::to_string(&service).unwrap();
            assert_eq!(stored, format!("\"{}\"", service.name()));
        }
        for (alias, service) in [
            ("cw", AwsService::CloudWatch),
            ("K8s", AwsService::Eks),
            ("ddb", AwsService::DynamoDb),
            ("cfn", AwsService::CloudFormation),
            ("secrets", AwsService::SecretsManager),
            ("systems-manager", AwsService::Ssm),
            ("parameterstore", AwsService::Ssm),
            ("dns", AwsService::Route53),
            ("cdn", AwsService::CloudFront),
            ("cloudwatch-logs", AwsService::Logs),
            ("Route53", AwsService::Route53),
        ] {
            assert_eq!(AwsService::parse(alias), Some(service), "{alias}");
        }
        for unknown in ["", "ec", "s4", "glue", "ec2 x"] {
            assert_eq!(AwsService::parse(unknown), None, "{unknown}");
        }
        let global: Vec<_> = AwsService::ALL
            .iter()
            .filter(|s| s.is_global())
            .copied()
            .collect();
        assert_eq!(
            global,
            [AwsService::Iam, AwsService::Route53, AwsService::CloudFront]
        );
    }

    #[test]
    fn service_urls_are_on_the_right_console_host() {
        for &partition in Partition::ALL {
            let region = partition.default_region();
            for &service in AwsService::ALL {
                let url = service_url(partition, service, region);
                let parsed = Url::parse(&url).unwrap();
                assert_eq!(parsed.scheme(), "https");
                let host = parsed.host_str().unwrap();
                assert!(is_console_host(host, partition), "{url}");
                let pairs = query(&url);
                if service.is_global() {
                    assert_eq!(host, partition.console_host(), "{url}");
                    assert!(pairs.is_empty(), "{url}");
                } else {
                    assert_eq!(pairs, [("region".to_owned(), region.to_owned())], "{url}");
                }
            }
        }
    }

    #[test]
    fn service_urls_examples() {
        let aws = Partition::Aws;
        assert_eq!(
            service_url(aws, AwsService::Ec2, "us-west-2"),
            "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2#Home:"
        );
        assert_eq!(
            service_url(aws, AwsService::S3, "us-west-2"),
            "https://s3.console.aws.amazon.com/s3/buckets?region=us-west-2"
        );
        assert_eq!(
            service_url(aws, AwsService::Iam, "us-west-2"),
            "https://console.aws.amazon.com/iam/home#/home"
        );
        assert_eq!(
            service_url(aws, AwsService::Logs, "eu-west-1"),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups"
        );
        assert_eq!(
            service_url(Partition::AwsUsGov, AwsService::S3, "us-gov-east-1"),
            "https://console.amazonaws-us-gov.com/s3/buckets?region=us-gov-east-1"
        );
        assert_eq!(
            service_url(aws, AwsService::Lambda, "../../evil.com"),
            "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions"
        );
    }

    #[test]
    fn the_signin_token_of_a_federation_console_url() {
        let login = "https://signin.aws.amazon.com/federation?Action=login&Issuer=x&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=abc%2B1";
        let token = signin_token_of(login, Partition::Aws).unwrap();
        assert_eq!(token.expose(), "abc+1");
        // Not one: a console page, two tokens, an empty or spaced one, another partition,
        // a foreign host.
        for url in [
            "https://us-west-2.console.aws.amazon.com/console/home?SigninToken=abc",
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a&SigninToken=b",
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=",
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%20b",
            "https://signin.amazonaws-us-gov.com/federation?Action=login&SigninToken=abc",
            "https://signin.aws.amazon.com.evil.example/federation?Action=login&SigninToken=abc",
            "https://signin.aws.amazon.com/federation?Action=getSigninToken&SigninToken=abc",
        ] {
            assert!(signin_token_of(url, Partition::Aws).is_none(), "{url}");
        }
    }
}
