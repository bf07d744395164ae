//! Kubernetes JIT access, as `duplo-jit k8s` and `duploctl jit k8s` get it: which request to
//! make, what the portal's answer means, how long its token lives, and the two texts a
//! person copies from it (a kubeconfig, and the ExecCredential a `kubectl` exec plugin
//! prints). Every text holding the token is a [`Secret`].
//!
//! The portal answers `GET /v3/subscriptions/{TenantId}/k8s/jitAccess` (older portals:
//! `GET /subscriptions/{TenantId}/GetK8ClusterConfigByTenant`) with
//! `{"Name","ApiServer","Token","AwsRegion","K8Provider","CertificateAuthorityDataBase64",
//! "DefaultNamespace"}`. Read defensively, as every portal answer is:
//! - `ApiServer` must be an `https` URL with a host and no user name: the token goes to it,
//!   and a kubeconfig pointing at `http` would send it in the clear.
//! - `Token` must be token text (no whitespace or control character, at most 16 KiB).
//! - `CertificateAuthorityDataBase64` is kept only when it is base64; without it (Azure
//!   clusters have none) the cluster is trusted without a CA, as both official clients do
//!   (`insecure-skip-tls-verify`).
//! - `DefaultNamespace` is kept only when it is a Kubernetes namespace name (a DNS label).
//!
//! The token's lifetime is its JWT `exp` claim, read without verifying the signature (as
//! `duploctl` does; the extension is not the token's audience); a token that says nothing
//! lives 55 minutes (as `duplo-jit` assumes).

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::portal_api::{self, ApiError, ApiReply, Endpoint};
use super::secret::Secret;
use super::text::{msg, Msg, UserText};

/// A way to copy Kubernetes access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KubeFormat {
    /// A whole kubeconfig file: cluster, user (the token) and context, named after the
    /// portal and the tenant.
    Kubeconfig,
    /// The `client.authentication.k8s.io/v1beta1` ExecCredential that `duplo-jit k8s`
    /// prints.
    ExecCredential,
}

impl KubeFormat {
    /// Every format, in menu order, with its one name (in messages, as serde writes it, and
    /// in the pages' markup).
    pub const NAMES: &'static [(KubeFormat, &'static str)] = &[
        (Self::Kubeconfig, "kubeconfig"),
        (Self::ExecCredential, "execCredential"),
    ];

    /// Every format, in menu order.
    pub fn all() -> impl Iterator<Item = KubeFormat> {
        Self::NAMES.iter().map(|(format, _)| *format)
    }

    /// The format's name ([`Self::NAMES`]).
    pub fn name(self) -> &'static str {
        crate::util::name_in(Self::NAMES, &self)
    }

    /// The format named `name` ([`Self::NAMES`]).
    pub fn from_name(name: &str) -> Option<KubeFormat> {
        crate::util::named(Self::NAMES, name)
    }

    /// The format's name as the user reads it.
    pub fn label(self) -> Msg {
        match self {
            Self::Kubeconfig => msg::COPY_FORMAT_KUBECONFIG,
            Self::ExecCredential => msg::COPY_FORMAT_EXEC_CREDENTIAL,
        }
    }
}

/// How long a token without a readable `exp` claim is taken to live (`duplo-jit`'s choice).
pub const DEFAULT_TOKEN_LIFETIME_MS: u64 = 55 * 60 * 1000;
/// The longest a token is believed to live, whatever its claim says.
pub const MAX_TOKEN_LIFETIME_MS: u64 = 12 * 60 * 60 * 1000;
/// A cached token is used again only while it has at least this long left: a `kubectl`
/// session started with it should not fail a minute later.
pub const REUSE_MARGIN_MS: u64 = 5 * 60 * 1000;

/// The longest token or CA kept (a CA bundle in base64 is a few kilobytes).
const MAX_TOKEN_LEN: usize = 16 * 1024;
const MAX_CA_LEN: usize = 64 * 1024;

/// A tenant's Kubernetes access, as the portal gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAccess {
    /// The cluster's name at the portal (`duploinfra-…`).
    pub cluster: String,
    /// The API server, an `https` URL.
    pub api_server: String,
    /// The bearer token.
    pub token: Secret,
    /// The cluster's CA bundle, base64 as the portal sent it.
    pub ca_data: Option<String>,
    /// The tenant's namespace.
    pub namespace: Option<String>,
    /// When the token expires (Unix milliseconds).
    pub expiry_ms: u64,
}

impl ClusterAccess {
    /// Whether it can be handed out again at `now_ms` ([`REUSE_MARGIN_MS`]).
    pub fn reusable(&self, now_ms: u64) -> bool {
        self.expiry_ms > now_ms.saturating_add(REUSE_MARGIN_MS)
    }
}

/// What the portal's answer to a Kubernetes request means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeAnswer {
    /// This portal lacks that path: ask this endpoint instead.
    Ask(Endpoint),
    /// The access.
    Access(ClusterAccess),
    /// 401: the portal session ended.
    Unauthorized,
    /// Anything else, as a sentence.
    Refused(UserText),
}

/// Reads the portal's `reply` to `endpoint` for the tenant `tenant` of the portal at `host`,
/// received at `now_ms`.
///
/// A 404 from the current path asks the older one; a 404 from the older one means the
/// tenant has no Kubernetes (or the portal offers none).
pub fn read(
    endpoint: &Endpoint,
    reply: &ApiReply,
    now_ms: u64,
    tenant: &str,
    host: &str,
) -> KubeAnswer {
    if let (Endpoint::TenantKubernetes(id), ApiReply::Http { status: 404, .. }) = (endpoint, reply)
    {
        return KubeAnswer::Ask(Endpoint::TenantKubernetesLegacy(id.clone()));
    }
    match parse_access(reply, now_ms) {
        Ok(access) => KubeAnswer::Access(access),
        Err(ApiError::Unauthorized) => KubeAnswer::Unauthorized,
        Err(ApiError::NotFound) => KubeAnswer::Refused(msg::K8S_NOT_ENABLED.with([tenant, host])),
        Err(ApiError::Malformed(_)) => KubeAnswer::Refused(msg::K8S_MALFORMED.with([host, tenant])),
        Err(other) => KubeAnswer::Refused(other.user_text(host)),
    }
}

/// The access in `reply`, received at `now_ms` (see the module's note for what is refused).
pub fn parse_access(reply: &ApiReply, now_ms: u64) -> Result<ClusterAccess, ApiError> {
    #[derive(Deserialize)]
    struct Wire {
        #[serde(rename = "Name", default)]
        name: Option<serde_json::Value>,
        #[serde(rename = "ApiServer", default)]
        api_server: Option<serde_json::Value>,
        #[serde(rename = "Token", default)]
        token: Option<serde_json::Value>,
        #[serde(rename = "CertificateAuthorityDataBase64", default)]
        ca: Option<serde_json::Value>,
        #[serde(rename = "DefaultNamespace", default)]
        namespace: Option<serde_json::Value>,
    }
    fn text(value: &Option<serde_json::Value>) -> Option<&str> {
        value.as_ref().and_then(serde_json::Value::as_str)
    }
    let wire: Wire = portal_api::json(reply)?;
    let api_server = text(&wire.api_server)
        .map(str::trim)
        .filter(|s| is_api_server(s))
        .ok_or_else(|| ApiError::Malformed("no usable ApiServer".into()))?;
    let token = text(&wire.token)
        .filter(|t| {
            !t.is_empty()
                && t.len() <= MAX_TOKEN_LEN
                && !t.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .ok_or_else(|| ApiError::Malformed("no usable Token".into()))?;
    let ca_data = text(&wire.ca)
        .map(str::trim)
        .filter(|ca| !ca.is_empty() && ca.len() <= MAX_CA_LEN)
        .filter(|ca| base64::engine::general_purpose::STANDARD.decode(ca).is_ok())
        .map(str::to_owned);
    let namespace = text(&wire.namespace)
        .filter(|n| is_namespace(n))
        .map(str::to_owned);
    let cluster = text(&wire.name)
        .filter(|n| !n.is_empty() && n.len() <= 253 && !n.chars().any(char::is_control))
        .unwrap_or("kubernetes")
        .to_owned();
    Ok(ClusterAccess {
        cluster,
        api_server: api_server.to_owned(),
        expiry_ms: token_expiry_ms(token, now_ms),
        token: Secret::new(token),
        ca_data,
        namespace,
    })
}

/// Whether `text` is an `https` URL with a host and without user name or password, written
/// as the WHATWG parser writes it back (no tricks a kubeconfig reader could read otherwise).
fn is_api_server(text: &str) -> bool {
    let Ok(url) = url::Url::parse(text) else {
        return false;
    };
    url.scheme() == "https"
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether `name` is a Kubernetes namespace name: a DNS-1123 label.
fn is_namespace(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// When `token` expires: its JWT `exp` claim, kept within `now_ms` ..
/// `now_ms + MAX_TOKEN_LIFETIME_MS`; [`DEFAULT_TOKEN_LIFETIME_MS`] from `now_ms` when it has
/// no readable claim.
pub fn token_expiry_ms(token: &str, now_ms: u64) -> u64 {
    let claimed = token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload.trim_end_matches('='))
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|claims| claims.get("exp").and_then(serde_json::Value::as_f64))
        .filter(|exp| exp.is_finite() && *exp >= 0.0)
        .map(|exp| (exp.min(u64::MAX as f64 / 1000.0) * 1000.0) as u64);
    match claimed {
        Some(ms) => ms.clamp(now_ms, now_ms.saturating_add(MAX_TOKEN_LIFETIME_MS)),
        None => now_ms.saturating_add(DEFAULT_TOKEN_LIFETIME_MS),
    }
}

/// The name of the cluster, user and context in a copied kubeconfig: the portal's and the
/// tenant's names, lower-cased, each run of anything but letters, digits, `.` and `-` made
/// one `-` (a name that is easy to type after `kubectl --context`).
pub fn context_name(portal: &str, tenant: &str) -> String {
    let slug = |text: &str| -> String {
        let mut out = String::new();
        for c in text.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() || c == '.' {
                out.push(c);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
        out.trim_matches('-').to_owned()
    };
    let (portal, tenant) = (slug(portal), slug(tenant));
    match (portal.is_empty(), tenant.is_empty()) {
        (false, false) => format!("{portal}-{tenant}"),
        (true, false) => tenant,
        (false, true) => portal,
        (true, true) => "duplocloud".to_owned(),
    }
}

/// `value` as a YAML scalar: a JSON string, which is a YAML double-quoted scalar with the
/// same escapes, so no name a portal sends can end the line or start a structure.
fn yaml(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// `access` as a kubeconfig file whose cluster, user and context are all named `name`
/// ([`context_name`]), with the token inline and the context current.
pub fn kubeconfig(access: &ClusterAccess, name: &str) -> Secret {
    let name = yaml(name);
    let trust = match &access.ca_data {
        Some(ca) => format!("    certificate-authority-data: {}\n", yaml(ca)),
        None => "    insecure-skip-tls-verify: true\n".to_owned(),
    };
    let namespace = access
        .namespace
        .as_deref()
        .map(|n| format!("    namespace: {}\n", yaml(n)))
        .unwrap_or_default();
    Secret::new(format!(
        "apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: {name}\n  \
           cluster:\n    \
             server: {server}\n\
         {trust}\
         users:\n\
         - name: {name}\n  \
           user:\n    \
             token: {token}\n\
         contexts:\n\
         - name: {name}\n  \
           context:\n    \
             cluster: {name}\n    \
             user: {name}\n\
         {namespace}\
         current-context: {name}\n",
        server = yaml(&access.api_server),
        token = yaml(access.token.expose()),
    ))
}

/// `access` as the `client.authentication.k8s.io/v1beta1` ExecCredential `duplo-jit k8s`
/// prints, with the token's expiry as `expirationTimestamp`.
pub fn exec_credential(access: &ClusterAccess) -> Secret {
    let mut cluster = serde_json::json!({ "server": access.api_server, "config": null });
    match &access.ca_data {
        Some(ca) => cluster["certificate-authority-data"] = ca.as_str().into(),
        None => cluster["insecure-skip-tls-verify"] = true.into(),
    }
    let credential = serde_json::json!({
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": { "cluster": cluster, "interactive": false },
        "status": {
            "token": access.token.expose(),
            "expirationTimestamp": crate::util::rfc3339(access.expiry_ms),
        },
    });
    Secret::new(format!("{credential}\n"))
}

/// The copied text of `access` in `format`, named after the portal and tenant.
pub fn format(format: KubeFormat, access: &ClusterAccess, portal: &str, tenant: &str) -> Secret {
    match format {
        KubeFormat::Kubeconfig => kubeconfig(access, &context_name(portal, tenant)),
        KubeFormat::ExecCredential => exec_credential(access),
    }
}

/// Reads `/v3/features/tenant/{id}`: whether the tenant has Kubernetes. A missing, `null`
/// or non-boolean `IsKubernetesEnabled` means no.
pub fn parse_kubernetes_enabled(reply: &ApiReply) -> Result<bool, ApiError> {
    let value: serde_json::Value = portal_api::json(reply)?;
    if !value.is_object() {
        return Err(ApiError::Malformed(
            "tenant features are not an object".into(),
        ));
    }
    Ok(value.get("IsKubernetesEnabled") == Some(&serde_json::Value::Bool(true)))
}

#[cfg(test)]
mod tests;
