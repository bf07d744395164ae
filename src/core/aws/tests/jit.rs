//! The portal's JIT credentials.

use super::*;

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
