//! Issuing JIT credentials: the STS-like keys, their expiry on the simulated clock, and
//! the `ConsoleUrl` the portal puts beside them.

use serde_json::{Map, Value};

use crate::config::ConsoleUrlMode;
use crate::http::{build_query, encode_component};
use crate::ids;
use crate::state::{Credentials, State};

/// Validity assumed when the configured one is 0 (per the docs).
pub const DEFAULT_VALIDITY_SECS: u64 = 3600;

/// What to issue.
#[derive(Debug, Clone)]
pub struct Grant {
    /// IAM role name.
    pub role: String,
    /// Tenant name for tenant-level credentials.
    pub tenant: Option<String>,
    /// Region of the answer.
    pub region: String,
    /// Validity as configured (emitted verbatim).
    pub validity: u64,
}

/// Issues credentials for user `user_index` of portal `pidx` and returns the JSON answer.
pub fn issue(
    state: &mut State,
    pidx: usize,
    user_index: usize,
    grant: Grant,
    now: u64,
) -> Option<Value> {
    let portal = state.portals.get(pidx)?;
    let user = portal.user(user_index)?;
    let effective = if grant.validity == 0 {
        DEFAULT_VALIDITY_SECS
    } else {
        grant.validity
    };
    let creds = Credentials {
        access_key_id: ids::access_key_id(),
        secret_access_key: ids::secret_access_key(),
        session_token: ids::session_token(),
        portal: portal.config.name.clone(),
        username: user.username.clone(),
        partition: portal.config.partition,
        account_id: portal.config.account_id.clone(),
        region: grant.region.clone(),
        role: grant.role,
        tenant: grant.tenant,
        issued_ms: now,
        expires_ms: now.saturating_add(effective.saturating_mul(1000)),
    };
    let console_url_mode = portal.config.console_url;
    let omit_validity = portal.config.omit_validity;
    let overrides = portal.config.jit_overrides.clone();
    let issuer = format!("{}/", portal.origin());
    let portal_host = portal.host.clone();

    let secrets = &mut state.secrets;
    secrets.access_key_ids.push(creds.access_key_id.clone());
    secrets
        .secret_access_keys
        .push(creds.secret_access_key.clone());
    secrets.session_tokens.push(creds.session_token.clone());
    let partition = creds.partition;
    let key = creds.access_key_id.clone();
    let mut answer = Map::new();
    answer.insert(
        "AccessKeyId".into(),
        Value::String(creds.access_key_id.clone()),
    );
    answer.insert(
        "SecretAccessKey".into(),
        Value::String(creds.secret_access_key.clone()),
    );
    answer.insert(
        "SessionToken".into(),
        Value::String(creds.session_token.clone()),
    );
    answer.insert("Region".into(), Value::String(creds.region.clone()));
    if !omit_validity {
        answer.insert("Validity".into(), Value::from(grant.validity));
    }
    state.credentials.insert(key.clone(), creds);

    let console_url = match console_url_mode {
        ConsoleUrlMode::Empty => String::new(),
        ConsoleUrlMode::Foreign => format!(
            "https://foreign.example/phish?{}",
            build_query(&[("Action", "login"), ("from", &portal_host)])
        ),
        ConsoleUrlMode::Signin => {
            let token = state.mint_signin_token(&key, now);
            let region = &grant.region;
            let destination = format!(
                "https://{region}.{}/console/home?region={region}",
                partition.console_host()
            );
            format!(
                "https://{}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
                partition.signin_host(),
                encode_component(&issuer),
                encode_component(&destination),
                encode_component(&token)
            )
        }
    };
    if !console_url.is_empty() {
        state.secrets.console_urls.push(console_url.clone());
    }
    answer.insert("ConsoleUrl".into(), Value::String(console_url));
    answer.extend(overrides);
    Some(Value::Object(answer))
}
