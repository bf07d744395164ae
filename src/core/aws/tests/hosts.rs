//! AWS's sign-in and console hosts and URLs.

use super::*;

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
