use super::*;
use crate::core::messages::SessionView;

pub(crate) fn portal(host: &str, names: &[&str]) -> PortalView {
    PortalView {
        origin: Origin::from(format!("https://{host}").as_str()),
        host: host.into(),
        name: None,
        colour: None,
        managed: false,
        api_host: None,
        uses_api_token: false,
        session: SessionView::SignedOut,
        error: None,
        tenants: Some(
            names
                .iter()
                .map(|n| TenantView::quiet(&format!("id-{n}"), n))
                .collect(),
        ),
        tenants_total: None,
    }
}

#[test]
fn kubernetes_copies_are_on_every_tenant_page_and_take_the_pages_tenant() {
    let portals = [
        portal("a.duplocloud.net", &["dev01", "prod"]),
        portal("b.duplocloud.net", &["qa"]),
    ];
    let items = build(&portals);
    let kube: Vec<&MenuItem> = items.iter().filter(|i| i.id.starts_with("kube|")).collect();
    assert_eq!(
        kube.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["kube|kubeconfig", "kube|execCredential"]
    );
    for item in &kube {
        assert_eq!(item.parent_id, None);
        assert_eq!(item.contexts, ON_PAGE);
        assert_eq!(
            item.document_url_patterns.as_deref().unwrap(),
            [
                "https://a.duplocloud.net/app/devops/*",
                "https://b.duplocloud.net/app/devops/*"
            ]
        );
    }
    let click = |item: &str| MenuClick {
        item: item.into(),
        ..MenuClick::default()
    };
    assert_eq!(
        kubernetes_format(&click("kube|execCredential")),
        Some(KubeFormat::ExecCredential)
    );
    assert_eq!(kubernetes_format(&click("kube|yaml")), None);
    assert_eq!(kubernetes_format(&click("page|x")), None);

    let page = |url: &str| tenant_of_page(&portals, url);
    assert_eq!(
        page("https://b.duplocloud.net/app/devops/id-qa/services?x=1").unwrap(),
        tenant_key(
            &Origin::from("https://b.duplocloud.net"),
            &TenantView::quiet("id-qa", "qa")
        )
    );
    assert_eq!(
        page("https://a.duplocloud.net/app/devops/id-prod")
            .unwrap()
            .label(),
        "prod"
    );
    for url in [
        "https://a.duplocloud.net/app/devops/id-qa/services",
        "https://a.duplocloud.net/app/devops/",
        "https://a.duplocloud.net/app/other/id-dev01",
        "https://evil.example/app/devops/id-dev01",
        "http://a.duplocloud.net/app/devops/id-dev01",
        "not a url",
    ] {
        assert_eq!(page(url), Err(MenuError::NotATenantPage), "{url}");
    }
    assert!(build(&[]).is_empty());
}

#[test]
fn one_portal_lists_tenants_under_the_parent() {
    let items = build(&[portal("a.duplocloud.net", &["dev01", "prod"])]);
    let page = &items[0];
    assert_eq!(page.id, "page|https://a.duplocloud.net|tenant:id-dev01");
    assert_eq!(
        page.document_url_patterns.as_deref().unwrap(),
        [
            "https://a.duplocloud.net/app/devops/id-dev01",
            "https://a.duplocloud.net/app/devops/id-dev01/*"
        ]
    );
    let open: Vec<_> = items
        .iter()
        .filter(|i| i.parent_id.as_deref() == Some("open"))
        .map(|i| i.title.english())
        .collect();
    assert_eq!(open, ["dev01", "prod"]);
    let same = items.iter().find(|i| i.id == "same").unwrap();
    assert!(same.document_url_patterns.is_some());
}

#[test]
fn several_portals_get_a_level_each_and_long_lists_are_cut() {
    let names: Vec<String> = (0..40).map(|i| format!("t{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let items = build(&[
        portal("a.duplocloud.net", &refs),
        portal("b.duplocloud.net", &["x"]),
    ]);
    let level = "open-portal|https://a.duplocloud.net";
    let under: Vec<_> = items
        .iter()
        .filter(|i| i.parent_id.as_deref() == Some(level))
        .collect();
    assert_eq!(under.len(), MENU_TENANTS_AT_MOST + 1);
    let last = under.last().unwrap();
    assert!(!last.enabled);
    assert!(last.title.english().contains("15"), "{:?}", last.title);
    assert!(build(&[]).is_empty());
}

#[test]
fn a_portal_with_more_tenants_than_page_items_gets_one_item_for_all_its_tenant_pages() {
    let names: Vec<String> = (0..=PAGE_ITEMS_AT_MOST)
        .map(|i| format!("t{i:04}"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let at_most = &refs[..PAGE_ITEMS_AT_MOST];
    let portals = [
        portal("a.duplocloud.net", &refs),
        portal("b.duplocloud.net", at_most),
    ];
    let items = build(&portals);
    let pages = |origin: &Origin| {
        items
            .iter()
            .filter(|i| i.id.starts_with("page") && i.id.contains(origin.as_str()))
            .collect::<Vec<_>>()
    };
    // Up to the limit, an item per tenant; beyond it, one for the portal.
    assert_eq!(
        pages(&Origin::from("https://b.duplocloud.net")).len(),
        PAGE_ITEMS_AT_MOST
    );
    let [many] = pages(&Origin::from("https://a.duplocloud.net"))[..] else {
        panic!("one item for a")
    };
    assert_eq!(many.id, "page-tenant|https://a.duplocloud.net");
    assert_eq!(
        many.title.english(),
        "Open AWS console as this page's tenant"
    );
    assert_eq!(
        many.document_url_patterns.as_deref().unwrap(),
        ["https://a.duplocloud.net/app/devops/*"]
    );
    // Its click opens the tenant of the page it was opened on, and nothing elsewhere.
    let on = |page_url: &str| {
        let action = click(&MenuClick {
            item: many.id.clone(),
            page_url: Some(page_url.into()),
            ..MenuClick::default()
        })
        .unwrap();
        assert_eq!(action.destination, Destination::Home);
        action
            .target
            .resolve(
                &portals,
                &MenuClick {
                    page_url: Some(page_url.into()),
                    ..MenuClick::default()
                },
            )
            .map(|key| key.label())
    };
    assert_eq!(
        on("https://a.duplocloud.net/app/devops/id-t0150/services"),
        Ok("t0150".into())
    );
    assert_eq!(
        on("https://a.duplocloud.net/app/user/profile"),
        Err(MenuError::NotATenantPage)
    );
    assert_eq!(
        on("https://a.duplocloud.net/app/devops/id-gone"),
        Err(MenuError::NotATenantPage)
    );
    // A key whose tenant has left the list says so.
    assert_eq!(
        MenuTarget::Key(KeyId::from_text("https://a.duplocloud.net|tenant:id-gone"))
            .resolve(&portals, &MenuClick::default()),
        Err(MenuError::NotListed)
    );
}

#[test]
fn hostile_tenant_ids_get_no_page_pattern() {
    let mut p = portal("a.duplocloud.net", &["x"]);
    p.tenants.as_mut().unwrap()[0].id = "*".into();
    let items = build(&[p]);
    assert!(items.iter().all(|i| !i.id.starts_with("page|")));
    assert_eq!(
        items.iter().filter(|i| i.id.starts_with("open|")).count(),
        1
    );
}

#[test]
fn clicks_mean_what_their_item_says() {
    let key = "https://a.duplocloud.net|tenant:id-dev01";
    let action = click(&MenuClick {
        item: format!("open|{key}"),
        ..MenuClick::default()
    })
    .unwrap();
    assert_eq!(
        (action.target, action.destination),
        (MenuTarget::Key(KeyId::from_text(key)), Destination::Home)
    );
    let arn = "arn:aws:s3:::my-bucket";
    let on_selection = click(&MenuClick {
        item: format!("arn|{key}"),
        selection: Some(format!("  see {arn}, please ")),
        ..MenuClick::default()
    })
    .unwrap();
    assert_eq!(
        on_selection.destination,
        Destination::Arn { arn: arn.into() }
    );
    assert_eq!(
        click(&MenuClick {
            item: format!("arn|{key}"),
            selection: Some("no arn here".into()),
            ..MenuClick::default()
        }),
        Err(MenuError::NoArn)
    );
    let page = "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2";
    let same = click(&MenuClick {
        item: format!("same|{key}"),
        tab_url: Some(page.into()),
        ..MenuClick::default()
    })
    .unwrap();
    assert_eq!(same.destination, Destination::Url { url: page.into() });
    assert!(same.new_tab);
    assert_eq!(
        click(&MenuClick {
            item: format!("same|{key}"),
            tab_url: Some("https://evil.example/console.aws.amazon.com/".into()),
            ..MenuClick::default()
        }),
        Err(MenuError::NotAConsolePage)
    );
    for item in [
        "open",
        "open-more|https://a",
        "bogus|x|tenant:y",
        "open|https://a|admin",
    ] {
        assert_eq!(
            click(&MenuClick {
                item: item.into(),
                ..MenuClick::default()
            }),
            Err(MenuError::NotAnAction),
            "{item}"
        );
    }
}

#[test]
fn resolves_key_ids_against_the_lists() {
    let portals = [portal("a.duplocloud.net", &["dev01"])];
    let key = resolve(
        &portals,
        &KeyId::from_text("https://a.duplocloud.net|tenant:id-dev01"),
    )
    .unwrap();
    assert_eq!(key.label(), "dev01");
    assert_eq!(
        resolve(
            &portals,
            &KeyId::from_text("https://a.duplocloud.net|tenant:gone")
        ),
        None
    );
    assert_eq!(
        resolve(
            &portals,
            &KeyId::from_text("https://b.duplocloud.net|tenant:id-dev01")
        ),
        None
    );
}
