use super::*;

/// A 200 answer with `body` (also the AWS tests' portal answer).
pub(crate) fn ok(body: &str) -> ApiReply {
    ApiReply::Http {
        status: 200,
        body: body.as_bytes().to_vec(),
    }
}

/// An answer with status `code` and a body that says nothing usable.
pub(crate) fn status(code: u16) -> ApiReply {
    ApiReply::Http {
        status: code,
        body: b"{\"Message\":\"nope\"}".to_vec(),
    }
}

fn ok_bytes(body: Vec<u8>) -> ApiReply {
    ApiReply::Http { status: 200, body }
}

#[test]
fn builds_requests_on_the_portal_origin() {
    let portal = PortalUrl::parse("acme.duplocloud.net").unwrap();
    let request = ApiRequest::new(&portal, &Endpoint::TenantsForUser, &Secret::new("tok"));
    assert_eq!(
        request.url,
        "https://acme.duplocloud.net/admin/GetTenantsForUser"
    );
    assert_eq!(request.token.expose(), "tok");
    assert!(!format!("{request:?}").contains("tok\""));
}

#[test]
fn tenant_ids_stay_one_path_segment() {
    assert_eq!(
        Endpoint::TenantCredentials("3f7c-01".into()).path(),
        "/subscriptions/3f7c-01/GetAwsConsoleTokenUrl"
    );
    assert_eq!(
        Endpoint::TenantCredentials("../admin/x?y#z w".into()).path(),
        "/subscriptions/%2E%2E%2Fadmin%2Fx%3Fy%23z%20w/GetAwsConsoleTokenUrl"
    );
    // Dot segments cannot be encoded away (`%2E%2E` is `..` to a URL parser): such ids
    // are refused before any request (found by the `portal_url` fuzz target).
    for id in [".", ".."] {
        assert!(!is_tenant_id(id));
        let url = format!(
            "https://a.b{}",
            Endpoint::TenantCredentials(id.into()).path()
        );
        let parsed = url::Url::parse(&url).unwrap();
        assert_ne!(
            parsed.path_segments().unwrap().count(),
            3,
            "{}",
            parsed.path()
        );
    }
    assert!(is_tenant_id("...") && is_tenant_id(".x") && is_tenant_id("3f7c"));
}

#[test]
fn reads_user_info_and_admin_role() {
    let admin = parse_user_info(&ok(
        r#"{"Username":"alice@acme.io","Roles":["User","Administrator"],"IsReadOnly":false,"New":1}"#,
    ))
    .unwrap();
    assert_eq!(
        admin,
        UserInfo {
            username: "alice@acme.io".into(),
            is_admin: true
        }
    );
    let user = parse_user_info(&ok(r#"{"Username":"bob","Roles":[7,"User"]}"#)).unwrap();
    assert!(!user.is_admin);
}

#[test]
fn user_info_survives_storage() {
    let info = UserInfo {
        username: "a".into(),
        is_admin: true,
    };
    let stored = serde_json::to_value(&info).unwrap();
    assert_eq!(serde_json::from_value::<UserInfo>(stored).unwrap(), info);
}

#[test]
fn maps_statuses_to_errors() {
    assert_eq!(parse_user_info(&status(401)), Err(ApiError::Unauthorized));
    assert_eq!(parse_user_info(&status(403)), Err(ApiError::Forbidden));
    assert_eq!(parse_user_info(&status(404)), Err(ApiError::NotFound));
    assert_eq!(parse_user_info(&status(502)), Err(ApiError::Status(502)));
    assert!(matches!(
        parse_user_info(&ApiReply::Network("dns".into())),
        Err(ApiError::Unreachable(_))
    ));
}

#[test]
fn malformed_answers_are_errors_not_panics() {
    for body in [
        "",
        "{",
        "[]",
        "{}",
        "\"x\"",
        r#"{"Username": 5}"#,
        r#"{"Username": ""}"#,
        "null",
    ] {
        assert!(
            matches!(parse_user_info(&ok(body)), Err(ApiError::Malformed(_))),
            "{body:?}"
        );
    }
    let not_utf8 = ApiReply::Http {
        status: 200,
        body: vec![0xff, 0xfe, b'{'],
    };
    assert!(matches!(
        parse_tenants(&not_utf8),
        Err(ApiError::Malformed(_))
    ));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        parse_tenants(&ok(&deep)),
        Err(ApiError::Malformed(_))
    ));
    // One entry nested too deeply is skipped; the others stay.
    let one_deep = format!(
        r#"[{}{},{{"TenantId":"1","AccountName":"dev01"}}]"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let list = read_tenants(&ok(&one_deep)).unwrap();
    assert_eq!((list.tenants.len(), list.skipped), (1, 1));
    // Too large, whether the transport stopped reading or not.
    assert_eq!(parse_tenants(&ApiReply::TooLarge), Err(ApiError::TooLarge));
    let mut huge = b"[".to_vec();
    huge.resize(MAX_BODY_BYTES, b' ');
    huge.push(b']');
    assert_eq!(parse_tenants(&ok_bytes(huge)), Err(ApiError::TooLarge));
    let mut largest = b"[".to_vec();
    largest.resize(MAX_BODY_BYTES - 1, b' ');
    largest.push(b']');
    assert_eq!(parse_tenants(&ok_bytes(largest)), Ok(Vec::new()));
}

#[test]
fn reads_features_ignoring_unknown_fields() {
    let features = parse_system_features(&ok(
        r#"{"IsOtpNeeded":true,"IsAwsAdminJITEnabled":true,"DefaultAwsPartition":"aws-us-gov","Brand":"x","AwsRegions":["us-gov-west-1"]}"#,
    ))
    .unwrap();
    assert!(features.otp_needed && features.admin_jit && !features.duplo_ops);
    assert_eq!(features.partition.as_deref(), Some("aws-us-gov"));
    assert!(parse_system_features(&ok(r#"{"IsOtpNeeded":"yes"}"#)).is_err());
    // `null` is what a portal writes for what it does not set: the default.
    let unset = parse_system_features(&ok(
        r#"{"IsOtpNeeded":null,"IsAwsAdminJITEnabled":null,"IsDuploOpsEnabled":null,"DefaultAwsRegion":null}"#,
    ))
    .unwrap();
    assert_eq!(unset, SystemFeatures::default());
    // An error never quotes the answer (a value in it may be a secret).
    let Err(ApiError::Malformed(detail)) =
        parse_user_info(&ok(r#"{"Username":["hunter2-secret"]}"#))
    else {
        panic!("a list is not a user name");
    };
    assert!(!detail.contains("hunter2"), "{detail}");
}

#[test]
fn reads_tenants_sorted_keeping_exact_names_and_dropping_junk() {
    let tenants = parse_tenants(&ok(r#"[{"TenantId":"3","AccountName":"prod","PlanID":"p"},
            {"TenantId":"1","AccountName":"Dev01"},
            {"TenantId":"2","AccountName":"<img src=x onerror=alert(1)>"},
            {"TenantId":"4"},
            {"AccountName":"no id"},
            {"TenantId":"5","AccountName":""},
            {"TenantId":"..","AccountName":"dots"},
            {"TenantId":".","AccountName":"dot"},
            42,
            {"TenantId":"1","AccountName":"Dev01"}]"#))
    .unwrap();
    let names: Vec<_> = tenants.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["<img src=x onerror=alert(1)>", "Dev01", "prod"]);
    assert!(parse_tenants(&ok(r#"{"TenantId":"1"}"#)).is_err());
}

#[test]
fn one_unreadable_entry_is_skipped_and_counted_not_the_whole_list() {
    // A lone UTF-16 surrogate makes that name no text; a wrong type, that entry no tenant.
    let list = read_tenants(&ok(r#"[{"TenantId":"1","AccountName":"dev01"},
            {"TenantId":"2","AccountName":"bad\ud800"},
            {"TenantId":3,"AccountName":"three"},
            {"TenantId":"4","AccountName":"qa"}]"#))
    .unwrap();
    let names: Vec<_> = list.tenants.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["dev01", "qa"]);
    assert_eq!((list.skipped, list.cut), (2, 0));
    // Nothing usable at all: the answer is malformed (the list shown stays).
    assert!(matches!(
        read_tenants(&ok(
            r#"[42, null, {"TenantId":"2","AccountName":"\udc00"}]"#
        )),
        Err(ApiError::Malformed(_))
    ));
}

#[test]
fn a_list_past_the_limit_is_cut_and_says_how_much() {
    let entries: Vec<String> = (0..MAX_TENANTS + 3)
        .map(|i| format!(r#"{{"TenantId":"t{i}","AccountName":"n{i}"}}"#))
        .collect();
    let list = read_tenants(&ok(&format!("[{}]", entries.join(",")))).unwrap();
    assert_eq!(
        (list.tenants.len(), list.cut, list.skipped),
        (MAX_TENANTS, 3, 0)
    );
    // Tiny junk up to the size cap is counted, never held.
    let mut zeros = String::from("[0");
    while zeros.len() < MAX_BODY_BYTES - 64 {
        zeros.push_str(",0");
    }
    zeros.push_str(r#",{"TenantId":"1","AccountName":"dev01"}]"#);
    let list = read_tenants(&ok(&zeros)).unwrap();
    assert_eq!(list.tenants.len(), 1);
    assert!(list.skipped > 8_000_000);
}

#[test]
fn every_error_names_the_portal_in_a_sentence() {
    for error in [
        ApiError::Unauthorized,
        ApiError::Forbidden,
        ApiError::NotFound,
        ApiError::Status(500),
        ApiError::Status(502),
        ApiError::Malformed("x".into()),
        ApiError::TooLarge,
        ApiError::Unreachable("x".into()),
    ] {
        let text = error.user_text("acme.duplocloud.net").english();
        assert!(text.contains("acme.duplocloud.net"), "{text}");
        assert!(text.ends_with('.'), "{text}");
    }
}
