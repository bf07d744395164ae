//! Kubernetes JIT: the cluster configuration with a short-lived token that the portal
//! gives for a tenant (`/v3/subscriptions/{id}/k8s/jitAccess`, and the older
//! `/subscriptions/{id}/GetK8ClusterConfigByTenant`) or, to administrators, for a plan
//! (`/v3/admin/plans/{plan}/k8sConfig`), as `duplo-jit k8s` and `duploctl jit k8s` read it.
//!
//! No cluster is simulated: the token is a real JWT (HS256, signed with a key made at
//! start) that nothing accepts, and the CA a real self-signed certificate made at start.

use std::sync::OnceLock;

use rand::RngCore;
use ring::hmac;
use serde_json::{json, Map, Value};

use crate::encoding::{base64, base64url, pem};
use crate::partition::Partition;
use crate::state::State;

/// `Name` of every k8s answer: the cluster of the portal's one plan.
pub const CLUSTER_NAME: &str = "duploinfra-default";
/// The one plan (infrastructure) of every simulated portal; tenants list it as `PlanID`.
pub const PLAN_ID: &str = "default";
/// `K8sVersion` of every k8s answer.
pub const K8S_VERSION: &str = "1.30";
/// `K8Provider` of every k8s answer: 0 is EKS.
pub const K8S_PROVIDER_EKS: u8 = 0;
/// The 404 message for a tenant without Kubernetes.
pub const DISABLED_MESSAGE: &str = "Kubernetes is not enabled for this tenant.";

/// What this run signs tokens with and hands out as the cluster CA.
struct RunSecrets {
    key: hmac::Key,
    ca_base64: String,
}

fn run_secrets() -> Option<&'static RunSecrets> {
    static SECRETS: OnceLock<Option<RunSecrets>> = OnceLock::new();
    SECRETS
        .get_or_init(|| {
            let mut key = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut key);
            match cluster_ca_pem() {
                Ok(ca) => Some(RunSecrets {
                    key: hmac::Key::new(hmac::HMAC_SHA256, &key),
                    ca_base64: base64(ca.as_bytes()),
                }),
                Err(e) => {
                    eprintln!("duplo-sim: cannot make the Kubernetes cluster CA: {e}");
                    None
                }
            }
        })
        .as_ref()
}

/// A self-signed CA certificate (ECDSA P-256) named `kubernetes`, as EKS clusters have.
fn cluster_ca_pem() -> Result<String, rcgen::Error> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "kubernetes");
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::CrlSign,
    ];
    let cert = params.self_signed(&key)?;
    Ok(pem("CERTIFICATE", cert.der()))
}

/// The EKS API server of a portal's cluster in `region`: 32 upper-case hex digits, stable
/// per portal (derived from its name), as EKS endpoints look.
pub fn api_server(portal_name: &str, partition: Partition, region: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("eks-endpoint/{portal_name}").as_bytes(),
    );
    let id: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let domain = match partition {
        Partition::AwsCn => "eks.amazonaws.com.cn",
        Partition::Aws | Partition::AwsUsGov => "eks.amazonaws.com",
    };
    format!("https://{id}.gr7.{region}.{domain}")
}

/// What a k8s answer is for.
#[derive(Debug, Clone)]
pub struct K8sGrant {
    /// `AwsRegion` (and the API server's region).
    pub region: String,
    /// `DefaultNamespace`.
    pub namespace: String,
}

/// A JWT (HS256) for `username`, issued at `now` (simulated Unix ms) and valid for
/// `validity` seconds: `exp` is on the simulator's clock, as JIT credentials' expiry is.
fn token(secrets: &RunSecrets, issuer: &str, username: &str, now: u64, validity: u64) -> String {
    let iat = now / 1000;
    let mut jti = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut jti);
    let header = json!({ "alg": "HS256", "typ": "JWT" });
    let payload = json!({
        "iss": issuer,
        "sub": username,
        "aud": "kubernetes",
        "iat": iat,
        "nbf": iat,
        "exp": iat.saturating_add(validity),
        "jti": jti.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    });
    let signing_input = format!(
        "{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(payload.to_string().as_bytes())
    );
    let signature = hmac::sign(&secrets.key, signing_input.as_bytes());
    format!("{signing_input}.{}", base64url(signature.as_ref()))
}

/// Issues a k8s answer for user `user_index` of portal `pidx`: records its token as a
/// secret and applies the portal's `k8s_overrides`. `None` when the user is gone or the
/// run could not make its CA.
pub fn issue(
    state: &mut State,
    pidx: usize,
    user_index: usize,
    grant: K8sGrant,
    now: u64,
) -> Option<Value> {
    let secrets = run_secrets()?;
    let portal = state.portals.get(pidx)?;
    let user = portal.user(user_index)?;
    let p = &portal.config;
    let token = token(
        secrets,
        &portal.origin(),
        &user.username,
        now,
        p.k8s_token_validity,
    );
    let mut answer = Map::new();
    answer.insert("Name".into(), Value::from(CLUSTER_NAME));
    answer.insert(
        "ApiServer".into(),
        Value::from(api_server(&p.name, p.partition, &grant.region)),
    );
    answer.insert("Token".into(), Value::from(token.clone()));
    answer.insert("AwsRegion".into(), Value::from(grant.region));
    answer.insert("K8Provider".into(), Value::from(K8S_PROVIDER_EKS));
    answer.insert("K8sVersion".into(), Value::from(K8S_VERSION));
    answer.insert(
        "CertificateAuthorityDataBase64".into(),
        Value::from(secrets.ca_base64.clone()),
    );
    answer.insert("DefaultNamespace".into(), Value::from(grant.namespace));
    for (field, value) in &p.k8s_overrides {
        if value.is_null() {
            answer.remove(field);
        } else {
            answer.insert(field.clone(), value.clone());
        }
    }
    state.secrets.k8s_tokens.push(token);
    Some(Value::Object(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_servers_are_stable_per_portal() {
        let a = api_server("acme", Partition::Aws, "us-west-2");
        assert_eq!(a, api_server("acme", Partition::Aws, "us-west-2"));
        assert_ne!(a, api_server("other", Partition::Aws, "us-west-2"));
        let id = a
            .strip_prefix("https://")
            .and_then(|r| r.strip_suffix(".gr7.us-west-2.eks.amazonaws.com"))
            .unwrap_or_default();
        assert_eq!(id.len(), 32);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
        assert!(api_server("acme", Partition::AwsCn, "cn-north-1")
            .ends_with(".gr7.cn-north-1.eks.amazonaws.com.cn"));
    }

    #[test]
    fn tokens_are_hs256_jwts_signed_with_the_run_key() {
        let secrets = run_secrets().unwrap_or_else(|| panic!("no run secrets"));
        let t = token(
            secrets,
            "https://acme.duplocloud.net",
            "alice",
            1_000_500,
            600,
        );
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let input = format!("{}.{}", parts[0], parts[1]);
        let sig = hmac::sign(&secrets.key, input.as_bytes());
        assert_eq!(parts[2], base64url(sig.as_ref()));
        assert_eq!(
            parts[0],
            base64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "header"
        );
        assert_ne!(
            t,
            token(
                secrets,
                "https://acme.duplocloud.net",
                "alice",
                1_000_500,
                600
            ),
            "a random jti"
        );
    }
}
