use super::*;
use crate::core::portal_api::{ApiError, ApiReply};
use crate::core::secret::Secret;
use crate::core::text::msg;
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
    let url = session_logout_url(host, "https://signin.aws.amazon.com/federation?a=1&b=2").unwrap();
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
