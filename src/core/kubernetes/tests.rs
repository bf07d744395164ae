use super::*;

const HOST: &str = "acme.duplocloud.net";
const NOW: u64 = 1_800_000_000_000;
const CA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";

fn ok(body: serde_json::Value) -> ApiReply {
    ApiReply::Http {
        status: 200,
        body: body.to_string().into_bytes(),
    }
}

fn jwt(claims: serde_json::Value) -> String {
    let part = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    format!(
        "{}.{}.c2lnbmF0dXJl",
        part(&serde_json::json!({"alg": "HS256", "typ": "JWT"})),
        part(&claims)
    )
}

fn answer(token: &str) -> serde_json::Value {
    serde_json::json!({
        "Name": "duploinfra-default",
        "ApiServer": "https://0A1B2C3D.gr7.us-west-2.eks.amazonaws.com",
        "Token": token,
        "AwsRegion": "us-west-2",
        "K8Provider": 0,
        "K8sVersion": "1.30",
        "CertificateAuthorityDataBase64": CA,
        "DefaultNamespace": "duploservices-dev01",
        "SomethingNew": [1, 2],
    })
}

#[test]
fn every_format_has_one_name_and_a_label() {
    for (format, name) in KubeFormat::NAMES {
        assert_eq!(format.name(), *name);
        assert_eq!(KubeFormat::from_name(name), Some(*format));
        let wire = serde_json::to_value(format).unwrap();
        assert_eq!(wire, serde_json::Value::from(*name));
    }
    assert_eq!(KubeFormat::all().count(), 2);
    assert_eq!(KubeFormat::from_name("yaml"), None);
    assert_eq!(KubeFormat::Kubeconfig.label(), msg::COPY_FORMAT_KUBECONFIG);
}

#[test]
fn the_portal_answer_is_read_with_the_tokens_own_expiry() {
    let exp = NOW / 1000 + 1800;
    let token = jwt(serde_json::json!({"sub": "alice", "exp": exp}));
    let access = parse_access(&ok(answer(&token)), NOW).unwrap();
    assert_eq!(access.cluster, "duploinfra-default");
    assert_eq!(
        access.api_server,
        "https://0A1B2C3D.gr7.us-west-2.eks.amazonaws.com"
    );
    assert_eq!(access.token.expose(), token);
    assert_eq!(access.ca_data.as_deref(), Some(CA));
    assert_eq!(access.namespace.as_deref(), Some("duploservices-dev01"));
    assert_eq!(access.expiry_ms, exp * 1000);
    assert!(access.reusable(NOW));
    assert!(!access.reusable(exp * 1000 - REUSE_MARGIN_MS));
}

#[test]
fn a_token_without_a_readable_claim_lives_55_minutes_and_no_claim_is_believed_beyond_bounds() {
    for token in [
        "opaque-token",
        "a.b.c",
        "a.%%%.c",
        &jwt(serde_json::json!({"sub": "x"})),
    ] {
        assert_eq!(
            token_expiry_ms(token, NOW),
            NOW + DEFAULT_TOKEN_LIFETIME_MS,
            "{token}"
        );
    }
    let past = jwt(serde_json::json!({"exp": 5}));
    assert_eq!(token_expiry_ms(&past, NOW), NOW);
    let far = jwt(serde_json::json!({"exp": 1e300}));
    assert_eq!(token_expiry_ms(&far, NOW), NOW + MAX_TOKEN_LIFETIME_MS);
    let negative = jwt(serde_json::json!({"exp": -1}));
    assert_eq!(
        token_expiry_ms(&negative, NOW),
        NOW + DEFAULT_TOKEN_LIFETIME_MS
    );
}

#[test]
fn an_unusable_server_or_token_is_refused_and_odd_optional_fields_are_dropped() {
    let token = jwt(serde_json::json!({"exp": NOW / 1000 + 60}));
    for server in [
        "http://cluster.example",
        "https://user:pw@cluster.example",
        "https://cluster.example/?x=1",
        "javascript:alert(1)",
        "cluster.example",
        "",
    ] {
        let mut body = answer(&token);
        body["ApiServer"] = server.into();
        assert_eq!(
            read(
                &Endpoint::TenantKubernetes("t".into()),
                &ok(body),
                NOW,
                "dev01",
                HOST
            ),
            KubeAnswer::Refused(msg::K8S_MALFORMED.with([HOST, "dev01"])),
            "{server}"
        );
    }
    for bad in [
        serde_json::json!(""),
        serde_json::json!("a b"),
        serde_json::json!(7),
    ] {
        let mut body = answer(&token);
        body["Token"] = bad;
        assert!(parse_access(&ok(body), NOW).is_err());
    }
    let mut body = answer(&token);
    body["CertificateAuthorityDataBase64"] = "not base64!".into();
    body["DefaultNamespace"] = "Not_A_Namespace".into();
    body["Name"] = serde_json::Value::Null;
    let access = parse_access(&ok(body), NOW).unwrap();
    assert_eq!((access.ca_data, access.namespace), (None, None));
    assert_eq!(access.cluster, "kubernetes");
}

#[test]
fn a_404_asks_the_older_path_once_then_says_kubernetes_is_off() {
    let not_found = ApiReply::Http {
        status: 404,
        body: b"{}".to_vec(),
    };
    assert_eq!(
        read(
            &Endpoint::TenantKubernetes("t-1".into()),
            &not_found,
            NOW,
            "dev01",
            HOST
        ),
        KubeAnswer::Ask(Endpoint::TenantKubernetesLegacy("t-1".into()))
    );
    assert_eq!(
        read(
            &Endpoint::TenantKubernetesLegacy("t-1".into()),
            &not_found,
            NOW,
            "dev01",
            HOST
        ),
        KubeAnswer::Refused(msg::K8S_NOT_ENABLED.with(["dev01", HOST]))
    );
    let unauthorized = ApiReply::Http {
        status: 401,
        body: vec![],
    };
    assert_eq!(
        read(
            &Endpoint::TenantKubernetes("t-1".into()),
            &unauthorized,
            NOW,
            "dev01",
            HOST
        ),
        KubeAnswer::Unauthorized
    );
    assert_eq!(
        read(
            &Endpoint::TenantKubernetes("t-1".into()),
            &ApiReply::Network("reset".into()),
            NOW,
            "dev01",
            HOST
        ),
        KubeAnswer::Refused(msg::PORTAL_UNREACHABLE.with([HOST]))
    );
}

#[test]
fn the_paths_encode_the_tenant_id_as_one_segment() {
    assert_eq!(
        Endpoint::TenantKubernetes("3f7c-01".into()).path(),
        "/v3/subscriptions/3f7c-01/k8s/jitAccess"
    );
    assert_eq!(
        Endpoint::TenantKubernetesLegacy("../x".into()).path(),
        "/subscriptions/%2E%2E%2Fx/GetK8ClusterConfigByTenant"
    );
    assert_eq!(
        Endpoint::TenantFeatures("a b".into()).path(),
        "/v3/features/tenant/a%20b"
    );
}

#[test]
fn context_names_are_easy_to_type() {
    assert_eq!(
        context_name("demo.duplocloud.net", "dev01"),
        "demo.duplocloud.net-dev01"
    );
    assert_eq!(context_name("ACME Prod", "Team A/B"), "acme-prod-team-a-b");
    assert_eq!(context_name("acme", "\n\"; rm -rf /"), "acme-rm-rf");
    assert_eq!(context_name("", "--"), "duplocloud");
}

#[test]
fn the_kubeconfig_is_exact_and_names_cannot_break_it() {
    let token = "eyJ.eyJ.sig";
    let access = ClusterAccess {
        cluster: "duploinfra-default".into(),
        api_server: "https://k.example".into(),
        token: Secret::new(token),
        ca_data: Some(CA.into()),
        namespace: Some("duploservices-dev01".into()),
        expiry_ms: NOW,
    };
    let text = kubeconfig(&access, "acme-dev01");
    assert_eq!(
        text.expose(),
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: \"acme-dev01\"\n  cluster:\n    \
             server: \"https://k.example\"\n    certificate-authority-data: \"{CA}\"\n\
             users:\n- name: \"acme-dev01\"\n  user:\n    token: \"eyJ.eyJ.sig\"\n\
             contexts:\n- name: \"acme-dev01\"\n  context:\n    cluster: \"acme-dev01\"\n    \
             user: \"acme-dev01\"\n    namespace: \"duploservices-dev01\"\n\
             current-context: \"acme-dev01\"\n"
        )
    );
    let bare = ClusterAccess {
        ca_data: None,
        namespace: None,
        ..access
    };
    let text = kubeconfig(&bare, "x\n- name: evil\"");
    assert!(text.expose().contains("insecure-skip-tls-verify: true\n"));
    assert!(!text.expose().contains("namespace"));
    assert!(text.expose().contains(r#"- name: "x\n- name: evil\"""#));
    assert_eq!(text.expose().lines().count(), 17);
}

#[test]
fn the_exec_credential_is_what_duplo_jit_prints() {
    let access = ClusterAccess {
        cluster: "c".into(),
        api_server: "https://k.example".into(),
        token: Secret::new("tok"),
        ca_data: Some(CA.into()),
        namespace: None,
        expiry_ms: 1_800_000_000_000,
    };
    let text = exec_credential(&access);
    let value: serde_json::Value = serde_json::from_str(text.expose()).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "kind": "ExecCredential",
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "spec": {
                "cluster": {"server": "https://k.example", "config": null, "certificate-authority-data": CA},
                "interactive": false
            },
            "status": {"token": "tok", "expirationTimestamp": "2027-01-15T08:00:00Z"}
        })
    );
    assert!(text.expose().ends_with('\n'));
}

#[test]
fn tenant_features_say_kubernetes_only_when_true() {
    let read = |body: serde_json::Value| parse_kubernetes_enabled(&ok(body));
    assert_eq!(
        read(serde_json::json!({"IsKubernetesEnabled": true})),
        Ok(true)
    );
    assert_eq!(
        read(serde_json::json!({"IsKubernetesEnabled": false})),
        Ok(false)
    );
    assert_eq!(
        read(serde_json::json!({"IsKubernetesEnabled": "true"})),
        Ok(false)
    );
    assert_eq!(read(serde_json::json!({})), Ok(false));
    assert!(read(serde_json::json!([])).is_err());
}
