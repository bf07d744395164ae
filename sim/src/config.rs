//! The simulator's configuration: which portals exist, their users and tenants, and the
//! switches for every behaviour the shared docs mark as a guess.
//!
//! Every field is optional; missing fields take the defaults documented in `README.md`.
//! Unknown fields are rejected so that a typo in a test fixture fails loudly.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::partition::{is_region, Partition};

/// Largest number of tenants `generate_tenants` may add to one portal.
pub const MAX_GENERATED_TENANTS: u32 = 100_000;

/// A configuration that could not be read or does not make sense, as one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Whether the simulated AWS Console runs in its classic single-session mode or in the
/// opt-in multi-session mode (several identities on distinct hosts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ConsoleMode {
    /// One console identity per browser and partition.
    #[default]
    Single,
    /// Up to five identities, each on `{account}-{id8}.{region}.console...`.
    Multi,
}

impl ConsoleMode {
    /// The mode's name as used in JSON and on console pages.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleMode::Single => "single",
            ConsoleMode::Multi => "multi",
        }
    }
}

/// Which admin JIT API the portal version offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AdminJitApi {
    /// `/v3/admin/aws/jitAccess/admin` works (and the legacy path too).
    #[default]
    V3,
    /// Only `/adminproxy/GetJITAwsConsoleAccessUrl` works; the v3 path answers 404.
    Legacy,
}

/// Which Kubernetes JIT API the portal version offers for tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum K8sJitApi {
    /// `/v3/subscriptions/{id}/k8s/jitAccess` works (and the older path too).
    #[default]
    V3,
    /// Only `/subscriptions/{id}/GetK8ClusterConfigByTenant` works; the v3 path answers 404.
    Legacy,
}

/// Bounds of `k8s_token_validity`, in seconds.
pub const K8S_TOKEN_VALIDITY_RANGE: std::ops::RangeInclusive<u64> = 60..=86_400;

/// What JIT answers carry in `ConsoleUrl` (its real form is a guess).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ConsoleUrlMode {
    /// A working federation `Action=login` URL with a pre-minted sign-in token.
    #[default]
    Signin,
    /// The empty string.
    Empty,
    /// A URL on `foreign.example` (a portal that must not be trusted blindly).
    Foreign,
}

/// Where the portal's Authorize button sends the browser (a guess: `localhost` or the IP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum HandoffHost {
    /// `http://localhost:N/?t=...`
    #[default]
    #[serde(rename = "localhost")]
    Localhost,
    /// `http://127.0.0.1:N/?t=...`
    #[serde(rename = "127.0.0.1")]
    Loopback,
}

impl HandoffHost {
    /// The host name written into the hand-off URL.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffHost::Localhost => "localhost",
            HandoffHost::Loopback => "127.0.0.1",
        }
    }
}

/// The whole simulator configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// AWS Console session mode.
    pub console_mode: ConsoleMode,
    /// Multi-session mode: live sessions a browser may hold per partition (AWS allows 5;
    /// the benchmark opens 50 consoles at once).
    pub max_multi_sessions: usize,
    /// Simulated seconds per real second.
    pub clock_speed: f64,
    /// Lifetime of portal bearer tokens (UI sessions and hand-off tokens), in seconds.
    pub portal_token_ttl_secs: u64,
    /// The simulated portals.
    pub portals: Vec<PortalConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            console_mode: ConsoleMode::Single,
            max_multi_sessions: 5,
            clock_speed: 1.0,
            portal_token_ttl_secs: 28_800,
            portals: vec![PortalConfig::default()],
        }
    }
}

/// One DuploCloud portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// Short name; the host is `<name>.duplocloud.net` unless `host` is given.
    pub name: String,
    /// Full host override (e.g. `portal.customer.com`).
    pub host: Option<String>,
    /// AWS partition of the portal's account.
    pub partition: Partition,
    /// AWS account id (12 digits).
    pub account_id: String,
    /// Region used when a tenant names none.
    pub default_region: String,
    /// `IsOtpNeeded`: admin JIT calls then need the `otpcode` header.
    pub otp: bool,
    /// The code that `otpcode` must carry.
    pub otp_code: String,
    /// `IsAwsAdminJITEnabled`.
    pub admin_jit: bool,
    /// Which admin JIT API this portal version offers.
    pub admin_jit_api: AdminJitApi,
    /// `IsDuploOpsEnabled`.
    pub duplo_ops: bool,
    /// `Validity` of admin and duplo-ops JIT credentials, in seconds.
    pub admin_validity: u64,
    /// What JIT answers carry in `ConsoleUrl`.
    pub console_url: ConsoleUrlMode,
    /// Where Authorize sends the browser.
    pub handoff_host: HandoffHost,
    /// Whether `/app` pages write the UI session's token to `localStorage.g_authToken`.
    pub token_in_local_storage: bool,
    /// Whether JIT answers omit `Validity`.
    pub omit_validity: bool,
    /// Fields put verbatim into every JIT answer, replacing (or adding to) the real ones,
    /// for hostile-answer tests: `{"Validity": -5}`, `{"ConsoleUrl": "javascript:x"}`. The
    /// credentials are still issued and expire as configured.
    pub jit_overrides: serde_json::Map<String, serde_json::Value>,
    /// Which Kubernetes JIT API this portal version offers for tenants.
    pub k8s_jit_api: K8sJitApi,
    /// Lifetime of the Kubernetes tokens in k8s JIT answers (their JWT `exp`), in seconds.
    pub k8s_token_validity: u64,
    /// Fields put verbatim into every Kubernetes JIT answer (tenant and plan paths); a
    /// `null` value removes the field, e.g. `{"CertificateAuthorityDataBase64": null}` for
    /// an answer without a CA, as an Azure portal gives.
    pub k8s_overrides: serde_json::Map<String, serde_json::Value>,
    /// Users of this portal.
    pub users: Vec<UserConfig>,
    /// Tenants of this portal.
    pub tenants: Vec<TenantConfig>,
    /// Extra tenants to generate (for tests with very many tenants).
    pub generate_tenants: Option<GenerateTenants>,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            name: "acme".into(),
            host: None,
            partition: Partition::Aws,
            account_id: "123456789012".into(),
            default_region: "us-west-2".into(),
            otp: false,
            otp_code: "123456".into(),
            admin_jit: true,
            admin_jit_api: AdminJitApi::V3,
            duplo_ops: false,
            admin_validity: 3600,
            console_url: ConsoleUrlMode::Signin,
            handoff_host: HandoffHost::Localhost,
            token_in_local_storage: true,
            omit_validity: false,
            jit_overrides: serde_json::Map::new(),
            k8s_jit_api: K8sJitApi::V3,
            k8s_token_validity: 3600,
            k8s_overrides: serde_json::Map::new(),
            users: vec![UserConfig::default()],
            tenants: vec![TenantConfig::default()],
            generate_tenants: None,
        }
    }
}

impl PortalConfig {
    /// The host name the portal answers on (lowercase).
    pub fn host(&self) -> String {
        match &self.host {
            Some(h) => h.to_ascii_lowercase(),
            None => format!("{}.duplocloud.net", self.name),
        }
    }
}

/// One portal user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UserConfig {
    /// Login name (matched case-insensitively at login).
    pub username: String,
    /// Password for the simulated login form.
    pub password: String,
    /// Whether the user has the `Administrator` role.
    pub admin: bool,
    /// Tenant ids or names the user may use; `"*"` means all.
    pub tenants: Vec<String>,
    /// Long-lived API tokens valid for this user from the start.
    pub api_tokens: Vec<String>,
}

impl Default for UserConfig {
    fn default() -> Self {
        UserConfig {
            username: "alice@acme.io".into(),
            password: "demo".into(),
            admin: true,
            tenants: vec!["*".into()],
            api_tokens: Vec::new(),
        }
    }
}

impl UserConfig {
    /// Whether this user may use the tenant with this id and name.
    pub fn may_use(&self, tenant_id: &str, tenant_name: &str) -> bool {
        self.tenants
            .iter()
            .any(|t| t == "*" || t.eq_ignore_ascii_case(tenant_id) || t == tenant_name)
    }
}

/// One tenant as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TenantConfig {
    /// Tenant id; when absent, a stable UUID derived from the portal and tenant names.
    pub id: Option<String>,
    /// Tenant name (any text; hostile names are welcome).
    pub name: String,
    /// "AWS Access Token Validity" in seconds, emitted verbatim (0 means 3600).
    pub validity: u64,
    /// Tenant region; the portal's `default_region` when absent.
    pub region: Option<String>,
    /// Whether Kubernetes is enabled for the tenant (`IsKubernetesEnabled`); without it the
    /// tenant's k8s JIT paths answer 404.
    pub kubernetes: bool,
}

impl Default for TenantConfig {
    fn default() -> Self {
        TenantConfig {
            id: None,
            name: "dev01".into(),
            validity: 3600,
            region: None,
            kubernetes: true,
        }
    }
}

/// Adds `count` tenants named `prefix0001`, `prefix0002`, ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenerateTenants {
    /// How many tenants to add.
    pub count: u32,
    /// Name prefix.
    pub prefix: String,
}

impl Default for GenerateTenants {
    fn default() -> Self {
        GenerateTenants {
            count: 0,
            prefix: "tenant".into(),
        }
    }
}

impl Config {
    /// Parses and validates a configuration from JSON text.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_json::from_str(text)
            .map_err(|e| ConfigError(format!("invalid configuration JSON: {e}")))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads, parses and validates a configuration file.
    pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        Config::from_json(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }

    /// The built-in demo configuration used when no `--config` is given.
    pub fn demo() -> Config {
        let tenant = |id: &str, name: &str, validity: u64| TenantConfig {
            id: Some(id.into()),
            name: name.into(),
            validity,
            region: None,
            kubernetes: true,
        };
        Config {
            portals: vec![PortalConfig {
                name: "demo".into(),
                users: vec![
                    UserConfig {
                        username: "admin@demo.io".into(),
                        password: "demo".into(),
                        admin: true,
                        tenants: vec!["*".into()],
                        api_tokens: Vec::new(),
                    },
                    UserConfig {
                        username: "dev@demo.io".into(),
                        password: "demo".into(),
                        admin: false,
                        tenants: vec!["dev01".into(), "qa".into()],
                        api_tokens: Vec::new(),
                    },
                ],
                tenants: vec![
                    tenant("3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e01", "dev01", 3600),
                    tenant("3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e02", "qa", 3600),
                    TenantConfig {
                        kubernetes: false,
                        ..tenant("3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e03", "staging", 3600)
                    },
                    tenant("3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e04", "prod", 7200),
                ],
                ..PortalConfig::default()
            }],
            ..Config::default()
        }
    }

    /// Host names of portals that are not under `duplocloud.net` (the certificate needs them).
    pub fn custom_portal_hosts(&self) -> Vec<String> {
        self.portals
            .iter()
            .map(PortalConfig::host)
            .filter(|h| h != "duplocloud.net" && !h.ends_with(".duplocloud.net"))
            .collect()
    }

    /// Checks everything serde cannot: ranges, formats, uniqueness and references.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |m: String| Err(ConfigError(m));
        if !self.clock_speed.is_finite() || self.clock_speed < 0.0 || self.clock_speed > 1e6 {
            return err(format!(
                "clock_speed must be a number between 0 and 1000000, got {}",
                self.clock_speed
            ));
        }
        if !(1..=10_000).contains(&self.max_multi_sessions) {
            return err(format!(
                "max_multi_sessions must be between 1 and 10000, got {}",
                self.max_multi_sessions
            ));
        }
        if self.portal_token_ttl_secs == 0 {
            return err("portal_token_ttl_secs must be at least 1".into());
        }
        let mut names = HashSet::new();
        let mut hosts = HashSet::new();
        let mut api_tokens = HashSet::new();
        for portal in &self.portals {
            let p = &portal.name;
            if !is_dns_label(p) {
                return err(format!(
                    "portal name {p:?} must be a lowercase DNS label (a-z, 0-9, '-')"
                ));
            }
            if !names.insert(p.clone()) {
                return err(format!("portal name {p:?} is used twice"));
            }
            if let Some(h) = &portal.host {
                if !is_host_name(h) {
                    return err(format!("portal {p:?}: host {h:?} is not a valid host name"));
                }
            }
            let host = portal.host();
            if crate::partition::is_reserved_host(&host) {
                return err(format!(
                    "portal {p:?}: host {host:?} is reserved for AWS or the foreign site"
                ));
            }
            if !hosts.insert(host.clone()) {
                return err(format!("portal host {host:?} is used twice"));
            }
            if portal.account_id.len() != 12
                || !portal.account_id.bytes().all(|b| b.is_ascii_digit())
            {
                return err(format!("portal {p:?}: account_id must be 12 digits"));
            }
            if !is_region(&portal.default_region) {
                return err(format!(
                    "portal {p:?}: default_region {:?} does not look like an AWS region",
                    portal.default_region
                ));
            }
            if !K8S_TOKEN_VALIDITY_RANGE.contains(&portal.k8s_token_validity) {
                return err(format!(
                    "portal {p:?}: k8s_token_validity must be between {} and {} seconds, got {}",
                    K8S_TOKEN_VALIDITY_RANGE.start(),
                    K8S_TOKEN_VALIDITY_RANGE.end(),
                    portal.k8s_token_validity
                ));
            }
            if portal.otp_code.is_empty() {
                return err(format!("portal {p:?}: otp_code must not be empty"));
            }
            self.validate_tenants(portal)?;
            let mut usernames = HashSet::new();
            for user in &portal.users {
                let u = &user.username;
                if u.trim().is_empty() {
                    return err(format!("portal {p:?}: a user has an empty username"));
                }
                if !usernames.insert(u.to_lowercase()) {
                    return err(format!("portal {p:?}: username {u:?} is used twice"));
                }
                for t in &user.tenants {
                    if t != "*" && !portal_has_tenant(portal, t) {
                        return err(format!(
                            "portal {p:?}: user {u:?} refers to unknown tenant {t:?}"
                        ));
                    }
                }
                for tok in &user.api_tokens {
                    if tok.is_empty() || tok.chars().any(|c| c.is_whitespace() || c.is_control()) {
                        return err(format!(
                            "portal {p:?}: user {u:?} has an empty or blank-containing API token"
                        ));
                    }
                    if !api_tokens.insert(tok.clone()) {
                        return err(format!("portal {p:?}: user {u:?} reuses an API token"));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_tenants(&self, portal: &PortalConfig) -> Result<(), ConfigError> {
        let p = &portal.name;
        let mut ids = HashSet::new();
        let mut lower_names = HashSet::new();
        for t in &portal.tenants {
            if t.name.is_empty() {
                return Err(ConfigError(format!(
                    "portal {p:?}: a tenant has an empty name"
                )));
            }
            if !lower_names.insert(t.name.to_lowercase()) {
                return Err(ConfigError(format!(
                    "portal {p:?}: tenant name {:?} is used twice (names are compared lowercased, as role names are)",
                    t.name
                )));
            }
            if let Some(id) = &t.id {
                if id.is_empty()
                    || id.len() > 200
                    || id.contains(['/', '?', '#', '%'])
                    || id.chars().any(char::is_whitespace)
                {
                    return Err(ConfigError(format!(
                        "portal {p:?}: tenant id {id:?} must be non-empty, at most 200 characters, without '/', '?', '#', '%' or spaces"
                    )));
                }
                if !ids.insert(id.to_lowercase()) {
                    return Err(ConfigError(format!(
                        "portal {p:?}: tenant id {id:?} is used twice"
                    )));
                }
            }
            if let Some(r) = &t.region {
                if !is_region(r) {
                    return Err(ConfigError(format!(
                        "portal {p:?}: tenant {:?} has region {r:?}, which does not look like an AWS region",
                        t.name
                    )));
                }
            }
        }
        if let Some(g) = &portal.generate_tenants {
            if g.count > MAX_GENERATED_TENANTS {
                return Err(ConfigError(format!(
                    "portal {p:?}: generate_tenants.count may be at most {MAX_GENERATED_TENANTS}"
                )));
            }
            if g.prefix.is_empty() {
                return Err(ConfigError(format!(
                    "portal {p:?}: generate_tenants.prefix must not be empty"
                )));
            }
            for name in generated_tenant_names(g) {
                if !lower_names.insert(name.to_lowercase()) {
                    return Err(ConfigError(format!(
                        "portal {p:?}: generated tenant name {name:?} clashes with a configured tenant"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The names `generate_tenants` produces, in order: `prefix0001`, `prefix0002`, ...
pub fn generated_tenant_names(g: &GenerateTenants) -> impl Iterator<Item = String> + '_ {
    let width = g.count.to_string().len().max(4);
    (1..=g.count).map(move |i| format!("{}{:0width$}", g.prefix, i))
}

fn portal_has_tenant(portal: &PortalConfig, reference: &str) -> bool {
    portal.tenants.iter().any(|t| {
        t.name == reference
            || t.id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(reference))
    }) || portal
        .generate_tenants
        .as_ref()
        .is_some_and(|g| generated_tenant_names(g).any(|n| n == reference))
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_host_name(s: &str) -> bool {
    s.len() <= 253 && s.contains('.') && s.to_ascii_lowercase().split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn empty_object_gives_documented_defaults() {
        let c = Config::from_json("{}").unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.portals[0].host(), "acme.duplocloud.net");
        assert_eq!(c.portals[0].users[0].username, "alice@acme.io");
        assert_eq!(c.portal_token_ttl_secs, 28_800);
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_name() {
        let e = Config::from_json(r#"{"portals":[{"nmae":"x"}]}"#).unwrap_err();
        assert!(e.0.contains("nmae"), "{e}");
        let e = Config::from_json(r#"{"consol_mode":"multi"}"#).unwrap_err();
        assert!(e.0.contains("consol_mode"), "{e}");
    }

    #[test]
    fn enums_parse_from_their_documented_spellings() {
        let c = Config::from_json(
            r#"{"console_mode":"multi","portals":[{"name":"g","partition":"aws-us-gov",
            "default_region":"us-gov-west-1","admin_jit_api":"legacy","console_url":"foreign",
            "handoff_host":"127.0.0.1"}]}"#,
        )
        .unwrap();
        assert_eq!(c.console_mode, ConsoleMode::Multi);
        let p = &c.portals[0];
        assert_eq!(p.partition, Partition::AwsUsGov);
        assert_eq!(p.admin_jit_api, AdminJitApi::Legacy);
        assert_eq!(p.console_url, ConsoleUrlMode::Foreign);
        assert_eq!(p.handoff_host, HandoffHost::Loopback);
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["portals"][0]["handoff_host"], "127.0.0.1");
        assert_eq!(back["portals"][0]["partition"], "aws-us-gov");
    }

    #[test]
    fn bad_values_are_explained() {
        for (json, needle) in [
            (r#"{"clock_speed":-1}"#, "clock_speed"),
            (r#"{"max_multi_sessions":0}"#, "max_multi_sessions"),
            (r#"{"portals":[{"name":"Bad Name"}]}"#, "DNS label"),
            (r#"{"portals":[{"account_id":"12"}]}"#, "12 digits"),
            (r#"{"portals":[{"name":"a"},{"name":"a"}]}"#, "twice"),
            (r#"{"portals":[{"default_region":"mars"}]}"#, "region"),
            (
                r#"{"portals":[{"users":[{"tenants":["nope"]}]}]}"#,
                "unknown tenant",
            ),
            (
                r#"{"portals":[{"tenants":[{"name":"A"},{"name":"a"}]}]}"#,
                "twice",
            ),
            (
                r#"{"portals":[{"host":"signin.aws.amazon.com"}]}"#,
                "reserved",
            ),
        ] {
            let e = Config::from_json(json).unwrap_err();
            assert!(e.0.contains(needle), "{json}: {e}");
        }
    }

    #[test]
    fn generated_names_are_zero_padded_and_referable() {
        let g = GenerateTenants {
            count: 12,
            prefix: "t".into(),
        };
        let names: Vec<_> = generated_tenant_names(&g).collect();
        assert_eq!(names[0], "t0001");
        assert_eq!(names[11], "t0012");
        let c = Config::from_json(
            r#"{"portals":[{"users":[{"tenants":["tenant0002"]}],
            "generate_tenants":{"count":3}}]}"#,
        )
        .unwrap();
        assert_eq!(c.portals[0].generate_tenants.as_ref().unwrap().count, 3);
    }

    #[test]
    fn demo_config_is_valid() {
        let c = Config::demo();
        c.validate().unwrap();
        assert_eq!(c.portals[0].host(), "demo.duplocloud.net");
        assert_eq!(c.portals[0].tenants.len(), 4);
    }

    #[test]
    fn example_files_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                Config::load_file(&path).unwrap();
                n += 1;
            }
        }
        assert!(n >= 2, "expected at least two example configs");
    }

    #[test]
    fn custom_hosts_are_listed_for_the_certificate() {
        let c = Config::from_json(
            r#"{"portals":[{"name":"a"},{"name":"b","host":"Portal.Customer.com"}]}"#,
        )
        .unwrap();
        assert_eq!(
            c.custom_portal_hosts(),
            vec!["portal.customer.com".to_string()]
        );
    }
}
