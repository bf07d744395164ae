//! The DuploCloud portal API, as pure functions: which request to make, and what an answer
//! means. The transport is someone else's job.
//!
//! Answers are read defensively: unknown fields are ignored, a wrong type or malformed JSON
//! is an error with a sentence (never a panic), and no secret ends up in an error.

use serde::Deserialize;

use super::identity::TenantId;
use super::portal_url::PortalUrl;
use super::secret::Secret;
use super::text::{msg, UserText};

/// A portal API endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /admin/GetUserRoleInfo`: the cheapest token check; tells the user and roles.
    UserRoleInfo,
    /// `GET /v3/features/system`: OTP, admin JIT, duplo-ops and AWS defaults.
    SystemFeatures,
    /// `GET /admin/GetTenantsForUser`: the tenants this user may use.
    TenantsForUser,
    /// `GET /subscriptions/{TenantId}/GetAwsConsoleTokenUrl`: a tenant's JIT credentials.
    TenantCredentials(TenantId),
    /// `GET /v3/admin/aws/jitAccess/admin`: admin JIT credentials.
    AdminCredentials,
    /// `GET /adminproxy/GetJITAwsConsoleAccessUrl`: the older admin endpoint.
    AdminCredentialsLegacy,
    /// `GET /v3/admin/aws/jitAccess/duplo-ops`: the duplo-ops role's credentials.
    DuploOpsCredentials,
    /// `GET /v3/features/tenant/{TenantId}`: what a tenant has (`IsKubernetesEnabled`).
    TenantFeatures(TenantId),
    /// `GET /v3/subscriptions/{TenantId}/k8s/jitAccess`: a tenant's Kubernetes JIT access.
    TenantKubernetes(TenantId),
    /// `GET /subscriptions/{TenantId}/GetK8ClusterConfigByTenant`: the older path of it.
    TenantKubernetesLegacy(TenantId),
}

impl Endpoint {
    /// The path on the portal's origin.
    pub fn path(&self) -> String {
        match self {
            Self::UserRoleInfo => "/admin/GetUserRoleInfo".into(),
            Self::SystemFeatures => "/v3/features/system".into(),
            Self::TenantsForUser => "/admin/GetTenantsForUser".into(),
            Self::TenantCredentials(id) => {
                format!("/subscriptions/{}/GetAwsConsoleTokenUrl", segment(id))
            }
            Self::AdminCredentials => "/v3/admin/aws/jitAccess/admin".into(),
            Self::AdminCredentialsLegacy => "/adminproxy/GetJITAwsConsoleAccessUrl".into(),
            Self::DuploOpsCredentials => "/v3/admin/aws/jitAccess/duplo-ops".into(),
            Self::TenantFeatures(id) => format!("/v3/features/tenant/{}", segment(id)),
            Self::TenantKubernetes(id) => {
                format!("/v3/subscriptions/{}/k8s/jitAccess", segment(id))
            }
            Self::TenantKubernetesLegacy(id) => {
                format!("/subscriptions/{}/GetK8ClusterConfigByTenant", segment(id))
            }
        }
    }
}

/// A tenant id as one path segment. The id comes from the portal: encoded whatever it holds,
/// and `.` encoded too, since `..` alone would be resolved away by URL normalisation.
fn segment(id: &TenantId) -> String {
    super::aws::encode(id.as_str()).replace('.', "%2E")
}

/// One HTTP request to a portal: always `GET`, always to the portal's own origin, with the
/// bearer token as the only credential (no cookies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// The full URL, on the portal's origin.
    pub url: String,
    /// `Authorization: Bearer …`.
    pub token: Secret,
    /// `otpcode: …`, for admin calls when the portal needs a one-time code.
    pub otp: Option<Secret>,
}

impl ApiRequest {
    /// The request for `endpoint` on `portal`.
    pub fn new(portal: &PortalUrl, endpoint: &Endpoint, token: &Secret) -> Self {
        Self {
            url: format!("{}{}", portal.origin(), endpoint.path()),
            token: token.clone(),
            otp: None,
        }
    }
}

/// What came back, as the transport saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiReply {
    /// An HTTP answer.
    Http {
        /// The status code.
        status: u16,
        /// The body, as bytes (it may not be UTF-8).
        body: Vec<u8>,
    },
    /// No HTTP answer: DNS, TCP, TLS, a redirect refused, a time-out.
    Network(String),
    /// An answer longer than [`MAX_BODY_BYTES`]: the transport stopped reading it.
    TooLarge,
}

/// The largest answer read from a portal or from AWS sign-in: 16 MiB. A portal listing
/// 100,000 tenants sends about 14 MB; anything larger is refused with a sentence rather
/// than held in the worker's memory.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Why a portal call did not give what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401: the token is invalid or expired.
    #[error("the portal refused the token (401)")]
    Unauthorized,
    /// 403: this user may not do this.
    #[error("not permitted (403)")]
    Forbidden,
    /// 404: this portal version lacks the API (or the thing does not exist).
    #[error("not found (404)")]
    NotFound,
    /// 5xx or another unexpected status.
    #[error("unexpected status {0}")]
    Status(u16),
    /// 2xx with a body that is not what this API answers.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// An answer larger than [`MAX_BODY_BYTES`].
    #[error("answer larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// No answer at all.
    #[error("unreachable: {0}")]
    Unreachable(String),
}

impl ApiError {
    /// The sentence the user reads, naming the portal.
    pub fn user_text(&self, host: &str) -> UserText {
        match self {
            Self::Unauthorized => msg::PORTAL_SESSION_EXPIRED.with([host]),
            Self::Forbidden => msg::PORTAL_FORBIDDEN.with([host]),
            Self::NotFound | Self::Status(500) => msg::PORTAL_API_MISSING.with([host]),
            Self::Status(status) => msg::PORTAL_STATUS.with([host.to_owned(), status.to_string()]),
            Self::Malformed(_) | Self::TooLarge => msg::PORTAL_MALFORMED.with([host]),
            Self::Unreachable(_) => msg::PORTAL_UNREACHABLE.with([host]),
        }
    }
}

/// Who the token belongs to (read from `GetUserRoleInfo` by [`parse_user_info`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    /// The portal user name.
    pub username: String,
    /// Whether `Roles` contains `Administrator`.
    pub is_admin: bool,
}

/// What the portal enables (`/v3/features/system`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct SystemFeatures {
    /// Admin calls need an `otpcode`.
    #[serde(rename = "IsOtpNeeded", default, deserialize_with = "null_as_default")]
    pub otp_needed: bool,
    /// "Open AWS console as administrator" is offered.
    #[serde(
        rename = "IsAwsAdminJITEnabled",
        default,
        deserialize_with = "null_as_default"
    )]
    pub admin_jit: bool,
    /// The duplo-ops role is offered.
    #[serde(
        rename = "IsDuploOpsEnabled",
        default,
        deserialize_with = "null_as_default"
    )]
    pub duplo_ops: bool,
    /// `aws`, `aws-us-gov` or `aws-cn`.
    #[serde(rename = "DefaultAwsPartition", default)]
    pub partition: Option<String>,
    /// The portal's default region.
    #[serde(rename = "DefaultAwsRegion", default)]
    pub region: Option<String>,
}

/// A field whose `null` means its default, as an absent one does: portals write `null` for
/// what they do not set.
fn null_as_default<'de, D, T>(reader: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(reader)?.unwrap_or_default())
}

/// One tenant the user may use (`GetTenantsForUser`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Tenant {
    /// The tenant's id (a UUID).
    #[serde(rename = "TenantId")]
    pub id: TenantId,
    /// The tenant's name, exactly as the portal spells it.
    #[serde(rename = "AccountName")]
    pub name: String,
}

/// The most tenants kept from one answer; beyond it the list is cut (and says so).
pub const MAX_TENANTS: usize = 100_000;
/// The longest tenant name or id kept; longer ones are refused as malformed.
const MAX_FIELD: usize = 1_024;

/// Whether `id` can name a tenant in a request path: not empty, not absurdly long, and not
/// `.` or `..` — which URL parsing resolves away however they are encoded (`%2E` is a dot
/// to a browser), so the request would reach another path of the portal.
pub fn is_tenant_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_FIELD && id != "." && id != ".."
}

fn body(reply: &ApiReply) -> Result<&[u8], ApiError> {
    match reply {
        ApiReply::Network(detail) => Err(ApiError::Unreachable(detail.clone())),
        ApiReply::TooLarge => Err(ApiError::TooLarge),
        ApiReply::Http {
            status: 200..=299,
            body,
        } if body.len() > MAX_BODY_BYTES => Err(ApiError::TooLarge),
        ApiReply::Http {
            status: 200..=299,
            body,
        } => Ok(body),
        ApiReply::Http { status: 401, .. } => Err(ApiError::Unauthorized),
        ApiReply::Http { status: 403, .. } => Err(ApiError::Forbidden),
        ApiReply::Http { status: 404, .. } => Err(ApiError::NotFound),
        ApiReply::Http { status, .. } => Err(ApiError::Status(*status)),
    }
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(reply: &ApiReply) -> Result<T, ApiError> {
    let bytes = body(reply)?;
    let text = std::str::from_utf8(bytes).map_err(|_| ApiError::Malformed("not UTF-8".into()))?;
    // serde_json refuses nesting deeper than 128 levels, so hostile depth cannot overflow.
    // Its message can quote a value of the answer (which may be a secret): only its kind and
    // place go into the error.
    serde_json::from_str(text).map_err(|e| {
        ApiError::Malformed(format!(
            "not the expected JSON ({:?} at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

/// Reads a `GetUserRoleInfo` answer.
pub fn parse_user_info(reply: &ApiReply) -> Result<UserInfo, ApiError> {
    #[derive(Deserialize)]
    struct Raw {
        #[serde(rename = "Username")]
        username: String,
        #[serde(rename = "Roles", default)]
        roles: Option<Vec<serde_json::Value>>,
    }
    let raw: Raw = json(reply)?;
    let is_admin = raw
        .roles
        .unwrap_or_default()
        .iter()
        .any(|role| role.as_str() == Some("Administrator"));
    let username = raw.username;
    if username.is_empty() || username.len() > MAX_FIELD {
        return Err(ApiError::Malformed("no usable user name".into()));
    }
    Ok(UserInfo { username, is_admin })
}

/// Reads a `/v3/features/system` answer.
pub fn parse_system_features(reply: &ApiReply) -> Result<SystemFeatures, ApiError> {
    json(reply)
}

/// A tenant list as read: the usable tenants, and what was left out of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantList {
    /// The tenants, sorted by name (case-insensitively, then exactly), then by id.
    pub tenants: Vec<Tenant>,
    /// Entries that are no usable tenant: another type, a name that is not text (a lone
    /// UTF-16 surrogate), no id, an id that would leave its path segment.
    pub skipped: usize,
    /// Entries past [`MAX_TENANTS`], not kept.
    pub cut: usize,
}

/// Reads a `GetTenantsForUser` answer: sorted by name (case-insensitively, then exactly),
/// entries without an id or name dropped, at most [`MAX_TENANTS`].
pub fn parse_tenants(reply: &ApiReply) -> Result<Vec<Tenant>, ApiError> {
    read_tenants(reply).map(|list| list.tenants)
}

/// [`parse_tenants`], saying what was left out. Entry by entry: one entry that cannot be
/// read is skipped (and counted), not the whole list; only what is kept is held in memory
/// (a 16 MiB answer of tiny junk entries costs its text, not millions of values). An answer
/// of which nothing is usable but something is there is malformed.
pub fn read_tenants(reply: &ApiReply) -> Result<TenantList, ApiError> {
    let bytes = body(reply)?;
    let text = std::str::from_utf8(bytes).map_err(|_| ApiError::Malformed("not UTF-8".into()))?;
    let mut reader = serde_json::Deserializer::from_str(text);
    let read = serde::Deserializer::deserialize_seq(&mut reader, TenantsVisitor)
        .and_then(|list| reader.end().map(|()| list));
    let mut list = read.map_err(|e| {
        ApiError::Malformed(format!(
            "not a tenant list ({:?} at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    if list.tenants.is_empty() && list.skipped > 0 {
        return Err(ApiError::Malformed("no usable tenant".into()));
    }
    let tenants = &mut list.tenants;
    // By name without regard to (ASCII) case, then as spelled, then by id.
    tenants.sort_by(|a, b| {
        a.name
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.name.bytes().map(|c| c.to_ascii_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(list)
}

/// Reads the list's entries one at a time, each from its own text.
struct TenantsVisitor;

impl<'de> serde::de::Visitor<'de> for TenantsVisitor {
    type Value = TenantList;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of tenants")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<TenantList, A::Error> {
        let mut list = TenantList::default();
        let mut seen = std::collections::HashSet::new();
        while let Some(entry) = seq.next_element::<&'de serde_json::value::RawValue>()? {
            if list.tenants.len() >= MAX_TENANTS {
                list.cut += 1;
                continue;
            }
            match serde_json::from_str::<Tenant>(entry.get()) {
                Ok(t) if t.id.fits_a_path() && !t.name.is_empty() && t.name.len() <= MAX_FIELD => {
                    // The first entry of each id: the portal's order decides.
                    if seen.insert(t.id.clone()) {
                        list.tenants.push(t);
                    }
                }
                _ => list.skipped += 1,
            }
        }
        Ok(list)
    }
}

#[cfg(test)]
pub(crate) mod tests;
