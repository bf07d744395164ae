//! The tests of [`super`], a file per part, and what they share.

use super::*;
use crate::core::portal_api::tests::{ok, status};
use crate::core::portal_api::{ApiError, ApiReply};
use crate::core::secret::Secret;
use crate::core::text::msg;
use url::Url;

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

mod federation;
mod hosts;
mod jit;
mod partition;
mod services;
