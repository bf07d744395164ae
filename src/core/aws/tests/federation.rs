//! The federation sign-in URLs.

use super::*;

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
