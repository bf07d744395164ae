//! The scripted portal of the fake: a table of tokens, tenants and faults that answers like
//! DuploCloud's API.

use std::cell::Cell;
use std::collections::BTreeMap;

use crate::core::portal_api::{ApiReply, ApiRequest, MAX_BODY_BYTES};
use crate::core::secret::Secret;

/// A portal user known to the [`FakePortal`].
#[derive(Debug, Clone)]
pub struct FakeUser {
    /// `Username`.
    pub username: String,
    /// Whether `Roles` holds `Administrator`.
    pub admin: bool,
}

/// Answers portal requests from a table of tokens, tenants and faults.
#[derive(Debug, Default)]
pub struct FakePortal {
    /// Valid tokens and their users.
    pub tokens: BTreeMap<String, FakeUser>,
    /// `(TenantId, AccountName)` of every tenant.
    pub tenants: Vec<(String, String)>,
    /// `/v3/features/system` body.
    pub features: Option<serde_json::Value>,
    /// Replies that replace the normal answer for a path, used once each (front first).
    pub faults: BTreeMap<String, Vec<ApiReply>>,
    /// The one-time code admin calls need, when OTP is on.
    pub otp: Option<String>,
    /// `Validity` of issued credentials.
    pub validity: Option<i64>,
    /// `ConsoleUrl` of issued credentials.
    pub console_url: Option<String>,
    /// How many credentials were issued.
    pub issued: Cell<u32>,
    /// Tenant ids with Kubernetes.
    pub kubernetes: Vec<String>,
    /// Kubernetes access only on the older path (`GetK8ClusterConfigByTenant`).
    pub kubernetes_legacy: bool,
    /// The `exp` claim (Unix seconds) of issued Kubernetes tokens; none without it.
    pub kubernetes_exp: Option<u64>,
    /// How many Kubernetes tokens were issued.
    pub kubernetes_issued: Cell<u32>,
}

impl FakePortal {
    fn jit(&self) -> ApiReply {
        let n = self.issued.get() + 1;
        self.issued.set(n);
        let body = serde_json::json!({
            "AccessKeyId": format!("ASIAFAKE{n:08}"),
            "SecretAccessKey": format!("secret/{n}+key"),
            "SessionToken": format!("session-token-{n}"),
            "Region": "us-west-2",
            "Validity": self.validity,
            "ConsoleUrl": self.console_url.clone().unwrap_or_default(),
        });
        http(200, &body.to_string())
    }

    /// A tenant's Kubernetes access: a JWT-shaped token `k8s-token-N` in its claims.
    fn kubernetes_access(&self, id: &str) -> ApiReply {
        if !self.kubernetes.iter().any(|k| k == id) {
            return http(
                404,
                r#"{"Message":"Kubernetes is not enabled for this tenant."}"#,
            );
        }
        let n = self.kubernetes_issued.get() + 1;
        self.kubernetes_issued.set(n);
        let mut claims = serde_json::json!({ "sub": format!("k8s-token-{n}") });
        if let Some(exp) = self.kubernetes_exp {
            claims["exp"] = exp.into();
        }
        use base64::Engine as _;
        let part = |v: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let token = format!(
            "{}.{}.c2ln",
            part(serde_json::json!({"alg": "HS256", "typ": "JWT"})),
            part(claims)
        );
        let body = serde_json::json!({
            "Name": "duploinfra-default",
            "ApiServer": "https://0A1B2C3D.gr7.us-west-2.eks.amazonaws.com",
            "Token": token,
            "AwsRegion": "us-west-2",
            "K8Provider": 0,
            "CertificateAuthorityDataBase64": "Q0E=",
            "DefaultNamespace": format!("duploservices-{id}"),
        });
        http(200, &body.to_string())
    }

    pub(super) fn answer(&mut self, request: &ApiRequest) -> ApiReply {
        let path = request
            .url
            .splitn(4, '/')
            .nth(3)
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        if let Some(replies) = self.faults.get_mut(&path) {
            if !replies.is_empty() {
                return replies.remove(0);
            }
        }
        let Some(user) = self.tokens.get(request.token.expose()) else {
            return http(401, "");
        };
        match path.as_str() {
            "/admin/GetUserRoleInfo" => {
                let roles = if user.admin {
                    r#"["User","Administrator"]"#
                } else {
                    r#"["User"]"#
                };
                http(
                    200,
                    &format!(r#"{{"Username":"{}","Roles":{roles}}}"#, user.username),
                )
            }
            "/v3/features/system" => http(
                200,
                &self
                    .features
                    .clone()
                    .unwrap_or_else(
                        || serde_json::json!({"IsOtpNeeded": false, "IsAwsAdminJITEnabled": true}),
                    )
                    .to_string(),
            ),
            path if path.starts_with("/v3/features/tenant/") => {
                let id = path.trim_start_matches("/v3/features/tenant/");
                let enabled = self.kubernetes.iter().any(|k| k == id);
                http(
                    200,
                    &serde_json::json!({"IsKubernetesEnabled": enabled, "IsAwsTenant": true})
                        .to_string(),
                )
            }
            path if path.starts_with("/v3/subscriptions/")
                && path.ends_with("/k8s/jitAccess")
                && !self.kubernetes_legacy =>
            {
                let id = path
                    .trim_start_matches("/v3/subscriptions/")
                    .trim_end_matches("/k8s/jitAccess");
                self.kubernetes_access(id)
            }
            path if path.starts_with("/subscriptions/")
                && path.ends_with("/GetK8ClusterConfigByTenant") =>
            {
                let id = path
                    .trim_start_matches("/subscriptions/")
                    .trim_end_matches("/GetK8ClusterConfigByTenant");
                self.kubernetes_access(id)
            }
            path if path.starts_with("/subscriptions/")
                && path.ends_with("/GetAwsConsoleTokenUrl") =>
            {
                let id = path
                    .trim_start_matches("/subscriptions/")
                    .trim_end_matches("/GetAwsConsoleTokenUrl");
                match self.tenants.iter().find(|(tid, _)| tid == id) {
                    Some(_) => self.jit(),
                    None => http(404, ""),
                }
            }
            "/v3/admin/aws/jitAccess/admin" | "/adminproxy/GetJITAwsConsoleAccessUrl"
                if user.admin =>
            {
                if let Some(code) = &self.otp {
                    if request.otp.as_ref().map(Secret::expose) != Some(code.as_str()) {
                        return http(403, r#"{"Message":"OTP code is invalid."}"#);
                    }
                }
                self.jit()
            }
            "/v3/admin/aws/jitAccess/admin" | "/adminproxy/GetJITAwsConsoleAccessUrl" => {
                http(403, "")
            }
            "/admin/GetTenantsForUser" => {
                let list: Vec<_> = self
                    .tenants
                    .iter()
                    .map(|(id, name)| serde_json::json!({"TenantId": id, "AccountName": name, "PlanID": "p"}))
                    .collect();
                http(200, &serde_json::Value::Array(list).to_string())
            }
            _ => http(404, ""),
        }
    }
}

/// As the browser adapter does: an answer over [`MAX_BODY_BYTES`] is not read.
pub(super) fn capped(reply: ApiReply) -> ApiReply {
    match reply {
        ApiReply::Http { body, .. } if body.len() > MAX_BODY_BYTES => ApiReply::TooLarge,
        other => other,
    }
}

pub(super) fn http(status: u16, body: &str) -> ApiReply {
    ApiReply::Http {
        status,
        body: body.as_bytes().to_vec(),
    }
}
