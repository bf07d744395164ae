//! Every reader of a portal (or AWS `getSigninToken`) answer, on any status and any bytes.
//!
//! Properties: no panic; a non-2xx status is the matching error whatever the body; a body
//! that is not UTF-8 is `Malformed`; an accepted answer obeys the limits the rest of the
//! extension relies on (tenant list bounded, unique, sorted; credentials usable as header
//! and URL text; an expiry between now and 12 hours; Kubernetes access only to an `https`
//! server, and a kubeconfig no value can add a line to); no error or `Debug` output repeats
//! a secret the answer carried.
#![no_main]

use jit_console::core::aws;
use jit_console::core::expiry::{self, MAX_VALIDITY_SECS};
use jit_console::core::kubernetes::{self, MAX_TOKEN_LIFETIME_MS};
use jit_console::core::portal_api::{self, ApiError, ApiReply, MAX_TENANTS};
use jit_console_fuzz::strings;
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_800_000_000_000;

fn status_of(byte: u8) -> u16 {
    match byte % 8 {
        0..=3 => 200,
        4 => 401,
        5 => 403,
        6 => 404,
        _ => 100 + u16::from(byte) * 2,
    }
}

fn expected_error(status: u16) -> Option<ApiError> {
    match status {
        200..=299 => None,
        401 => Some(ApiError::Unauthorized),
        403 => Some(ApiError::Forbidden),
        404 => Some(ApiError::NotFound),
        other => Some(ApiError::Status(other)),
    }
}

fn check_status<T: std::fmt::Debug>(result: &Result<T, ApiError>, status: u16, utf8: bool) {
    match expected_error(status) {
        Some(expected) => assert_eq!(result.as_ref().err(), Some(&expected), "status {status}"),
        None if !utf8 => assert!(
            matches!(result, Err(ApiError::Malformed(_))),
            "a body that is not UTF-8 was read: {result:?}"
        ),
        None => {}
    }
}

/// No error detail repeats a string of the answer long enough to be a secret (unless the
/// string is part of the error's own fixed wording).
fn check_no_echo(error: &ApiError, secrets: &[String]) {
    // A status error holds the status and nothing of the body: its text cannot be an echo,
    // even when the answer happens to hold the same words ("…ed status 610 Status(610)").
    if matches!(error, ApiError::Status(_)) {
        return;
    }
    let detail = format!("{error} {error:?}");
    // The fixed wording of every error (a string of the answer that happens to equal part of
    // it, like "found (404) NotFound", is not an echo).
    let mut wording = String::from(
        "malformed answer: JIT credentials are not an object no usable AccessKeyId \
         SecretAccessKey SessionToken SigninToken negative Validity Malformed(\" \
         ApiServer Token tenant features are not an object",
    );
    for fixed in [
        ApiError::Unauthorized,
        ApiError::Forbidden,
        ApiError::NotFound,
        ApiError::TooLarge,
    ] {
        wording.push_str(&format!(" {fixed} {fixed:?}"));
    }
    for secret in secrets
        .iter()
        .filter(|s| s.len() >= 12 && !wording.contains(s.as_str()))
    {
        assert!(
            !detail.contains(secret.as_str()),
            "error {detail:?} repeats {secret:?}"
        );
    }
}

fn is_token_text(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let status = status_of(first);
    let reply = ApiReply::Http {
        status,
        body: body.to_vec(),
    };
    let utf8 = std::str::from_utf8(body).is_ok();
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let mut secrets = Vec::new();
    if let Some(value) = &parsed {
        strings(value, &mut secrets);
    }

    let user = portal_api::parse_user_info(&reply);
    check_status(&user, status, utf8);
    if let Ok(user) = &user {
        assert!(!user.username.is_empty() && user.username.len() <= 1024);
    }

    check_status(&portal_api::parse_system_features(&reply), status, utf8);

    let tenants = portal_api::parse_tenants(&reply);
    check_status(&tenants, status, utf8);
    if let Ok(tenants) = &tenants {
        assert!(tenants.len() <= MAX_TENANTS);
        let mut ids = std::collections::HashSet::new();
        for tenant in tenants {
            assert!(tenant.id.fits_a_path());
            assert!(!tenant.name.is_empty() && tenant.name.len() <= 1024);
            assert!(
                ids.insert(tenant.id.clone()),
                "duplicate tenant id {:?}",
                tenant.id
            );
        }
        for pair in tenants.windows(2) {
            let key = |t: &portal_api::Tenant| (t.name.to_lowercase(), t.name.clone());
            assert!(key(&pair[0]) <= key(&pair[1]), "tenants not sorted");
        }
    }

    let credentials = aws::parse_jit_credentials(&reply);
    check_status(&credentials, status, utf8);
    match &credentials {
        Ok(creds) => {
            assert!((16..=128).contains(&creds.access_key_id.len()));
            assert!(creds
                .access_key_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric()));
            assert!(is_token_text(creds.secret_access_key.expose(), 16 * 1024));
            assert!(is_token_text(creds.session_token.expose(), 16 * 1024));
            if let Some(region) = &creds.region {
                assert!(aws::is_valid_region(region), "region {region:?}");
            }
            if let Some(url) = &creds.console_url {
                assert!(!url.expose().is_empty() && url.expose().trim() == url.expose());
            }
            if let Some(validity) = creds.validity_secs {
                assert!(
                    validity >= 0,
                    "a negative Validity was accepted: {validity}"
                );
            }
            let expiry = expiry::expiry_ms(NOW, creds.validity_secs);
            assert!(
                expiry > NOW && expiry <= NOW + MAX_VALIDITY_SECS as u64 * 1000,
                "expiry {expiry}"
            );
            // Secrets never print, whatever they hold.
            let shown = format!("{creds:?}");
            for secret in [
                creds.secret_access_key.expose(),
                creds.session_token.expose(),
            ] {
                if secret.len() >= 12 && !creds.access_key_id.contains(secret) {
                    assert!(!shown.contains(secret), "Debug shows a secret: {shown}");
                }
            }
            // The getSigninToken URL carrying them stays on the partition's sign-in host.
            for &partition in aws::Partition::ALL {
                let url = aws::get_signin_token_url(partition, creds);
                jit_console_fuzz::assert_aws_url(url.expose(), partition, "getSigninToken");
                // A login rebuilt around the ConsoleUrl's token as well.
                if let Some(console_url) = &creds.console_url {
                    if let Some(token) = aws::signin_token_of(console_url.expose(), partition) {
                        assert!(is_token_text(token.expose(), 64 * 1024));
                        let home = aws::console_home(partition, "");
                        let login = aws::login_url(partition, "https://p.example", &home, &token);
                        jit_console_fuzz::assert_aws_url(login.expose(), partition, "login");
                    }
                }
            }
        }
        Err(e) => check_no_echo(e, &secrets),
    }

    let token = aws::parse_signin_token(&reply);
    check_status(&token, status, utf8);
    match &token {
        Ok(token) => assert!(is_token_text(token.expose(), 64 * 1024)),
        Err(e) => check_no_echo(e, &secrets),
    }

    let access = kubernetes::parse_access(&reply, NOW);
    check_status(&access, status, utf8);
    match &access {
        Ok(access) => {
            assert!(
                access.api_server.starts_with("https://"),
                "{}",
                access.api_server
            );
            assert!(is_token_text(access.token.expose(), 16 * 1024));
            assert!(access.expiry_ms >= NOW && access.expiry_ms <= NOW + MAX_TOKEN_LIFETIME_MS);
            // Whatever the answer holds, the kubeconfig has its fixed lines and no more.
            let config = kubernetes::kubeconfig(access, "acme-dev01");
            let lines = config.expose().lines().count();
            assert!(lines == 17 || lines == 18, "{lines} lines");
            let exec = kubernetes::exec_credential(access);
            let exec: serde_json::Value =
                serde_json::from_str(exec.expose()).expect("the ExecCredential is JSON");
            assert_eq!(
                exec["status"]["token"].as_str(),
                Some(access.token.expose())
            );
        }
        Err(e) => check_no_echo(e, &secrets),
    }
    check_status(&kubernetes::parse_kubernetes_enabled(&reply), status, utf8);

    // Each error becomes a sentence naming the portal.
    for error in [user.err(), tenants.err(), credentials.err()]
        .into_iter()
        .flatten()
    {
        let text = error.user_text("acme.duplocloud.net").english();
        assert!(
            text.contains("acme.duplocloud.net") && text.ends_with('.'),
            "{text}"
        );
    }
});
