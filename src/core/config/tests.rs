/// Issue 17: the bounds of *notify minutes* held wherever a value comes from, not only
/// in the options page.
#[test]
fn notify_minutes_are_held_to_one_to_sixty_from_every_source() {
    let read = |minutes: i64| {
        serde_json::from_value::<Settings>(serde_json::json!({ "notifyMinutes": minutes }))
            .unwrap()
            .notify_minutes
    };
    assert_eq!(
        (read(0), read(1), read(30), read(60), read(5000)),
        (1, 1, 30, 60, 60)
    );
    // A file imported.
    let mut file: serde_json::Value = serde_json::from_str(&Config::default().export()).unwrap();
    file["settings"]["notifyMinutes"] = 0.into();
    let imported = Config::import_json(&file.to_string()).unwrap();
    assert_eq!(imported.settings.notify_minutes, 1);
    // The administrator's policy.
    let policy = serde_json::json!({ "settings": { "notifyMinutes": 600 } });
    let managed = Config::default().with_managed(Some(&policy));
    assert_eq!(managed.settings.notify_minutes, 60);
    assert_eq!(managed.managed_settings, ["notifyMinutes"]);
    assert_eq!(bounded_notify_minutes(u32::MAX), *NOTIFY_MINUTES.end());
}

use super::*;
use crate::core::identity::KeyId;
use crate::core::portal_url::Origin;
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;

#[test]
fn adds_normalised_portals_and_refuses_duplicates() {
    let mut config = Config::default();
    let added = config
        .add_portal("https://Acme.duplocloud.net/app/", None)
        .unwrap();
    assert_eq!(added.url.origin(), "https://acme.duplocloud.net");
    assert_eq!(
        config.add_portal("acme.duplocloud.net", None),
        Err(AddPortalError::Duplicate("acme.duplocloud.net".into()))
    );
    config
        .add_portal("https://beta.duplocloud.net", None)
        .unwrap();
    assert_eq!(config.portals.len(), 2);
}

#[test]
fn a_refused_portal_changes_nothing() {
    let mut config = Config::default();
    config.add_portal("acme.duplocloud.net", None).unwrap();
    let before = config.clone();
    assert!(config.add_portal("http://evil.com", None).is_err());
    assert!(config
        .add_portal("https://b.duplocloud.net", Some("two words"))
        .is_err());
    assert_eq!(config, before);
}

#[test]
fn keeps_an_api_token_but_never_prints_it() {
    let mut config = Config::default();
    let added = config
        .add_portal("acme.duplocloud.net", Some("  tok-123  "))
        .unwrap();
    assert_eq!(added.api_token.as_ref().unwrap().expose(), "tok-123");
    assert!(!format!("{config:?}").contains("tok-123"));
    let mut other = Config::default();
    assert_eq!(
        other
            .add_portal("b.duplocloud.net", Some("   "))
            .unwrap()
            .api_token,
        None
    );
}

#[test]
fn removes_by_origin() {
    let mut config = Config::default();
    config.add_portal("acme.duplocloud.net", None).unwrap();
    assert_eq!(
        config.remove_portal(&Origin::from("https://other.duplocloud.net")),
        Err(AddPortalError::NotFound)
    );
    assert_eq!(
        config.remove_portal(&Origin::from("https://acme.duplocloud.net")),
        Ok(())
    );
    assert!(config.portals.is_empty());
}

#[test]
fn stored_form_round_trips_and_drops_what_no_longer_passes() {
    let mut config = Config::default();
    config
        .add_portal("acme.duplocloud.net", Some("tok"))
        .unwrap();
    config.add_portal("http://localhost:3000", None).unwrap();
    let stored = config.to_stored();
    assert_eq!(
        Config::from_stored(Some(stored.clone())),
        (config.clone(), 0)
    );

    let mut tampered = stored;
    let portals = tampered["portals"].as_array_mut().unwrap();
    portals.push(serde_json::json!({"url": "http://evil.com"}));
    portals.push(serde_json::json!({"url": "https://acme.duplocloud.net"}));
    portals.push(serde_json::json!(42));
    assert_eq!(Config::from_stored(Some(tampered)), (config, 3));

    assert_eq!(Config::from_stored(None), (Config::default(), 0));
    assert_eq!(
        Config::from_stored(Some(serde_json::json!("garbage"))),
        (Config::default(), 1)
    );
}

fn tenant(origin: &str, id: &str) -> crate::core::identity::ConsoleKey {
    crate::core::identity::ConsoleKey {
        origin: origin.into(),
        role: crate::core::identity::Role::Tenant {
            id: id.into(),
            name: id.into(),
        },
    }
}

#[test]
fn edits_portals_all_or_nothing() {
    let mut config = Config::default();
    config.add_portal("acme.duplocloud.net", None).unwrap();
    let origin = "https://acme.duplocloud.net";
    config
        .edit_portal(
            &Origin::from(origin),
            PortalEdit {
                name: Some(" Production ".into()),
                colour: Some("red".into()),
                api_host: Some("http://localhost:60020".into()),
                api_token: Some("tok".into()),
            },
        )
        .unwrap();
    let portal = config.portal(&Origin::from(origin)).unwrap();
    assert_eq!(portal.display_name(), "Production");
    assert_eq!(portal.colour, Some(Colour::Red));
    assert_eq!(portal.api_url().origin(), "http://localhost:60020");
    assert_eq!(portal.api_token.as_ref().unwrap().expose(), "tok");
    let before = config.clone();
    for bad in [
        PortalEdit {
            name: Some("ok".into()),
            colour: Some("mauve".into()),
            ..PortalEdit::default()
        },
        PortalEdit {
            name: Some("x".repeat(NAME_AT_MOST + 1)),
            ..PortalEdit::default()
        },
        PortalEdit {
            api_host: Some("http://evil.example".into()),
            ..PortalEdit::default()
        },
        PortalEdit {
            api_host: Some("https://evil.example".into()),
            ..PortalEdit::default()
        },
        PortalEdit {
            api_host: Some("https://localhost.evil.example".into()),
            ..PortalEdit::default()
        },
    ] {
        assert!(config.edit_portal(&Origin::from(origin), bad).is_err());
        assert_eq!(config, before);
    }
    config
        .edit_portal(
            &Origin::from(origin),
            PortalEdit {
                name: Some(String::new()),
                colour: Some(String::new()),
                api_host: Some(String::new()),
                api_token: Some(Secret::new("")),
            },
        )
        .unwrap();
    assert_eq!(
        config.portal(&Origin::from(origin)).unwrap(),
        &Portal::new(PortalUrl::parse(origin).unwrap())
    );
}

#[test]
fn a_file_cannot_send_a_portals_token_to_another_site() {
    let file = serde_json::json!({
        "format": EXPORT_FORMAT,
        "version": 1,
        "portals": [{"url": "https://acme.duplocloud.net", "apiHost": "https://evil.example"}],
    })
    .to_string();
    assert!(matches!(
        Config::import_json(&file),
        Err(ImportError::BadPortal(_, AddPortalError::ApiHostNotLocal))
    ));
    let sentence = AddPortalError::ApiHostNotLocal.user_text().english();
    assert!(sentence.contains("local development"), "{sentence}");
}

#[test]
fn export_holds_no_secret_and_imports_back() {
    let mut config = Config::default();
    config
        .add_portal("acme.duplocloud.net", Some("tok-secret-1"))
        .unwrap();
    config.add_portal("http://localhost:3000", None).unwrap();
    config
        .edit_portal(
            &Origin::from("http://localhost:3000"),
            PortalEdit {
                name: Some("Local <dev>".into()),
                colour: Some("green".into()),
                api_host: Some("http://localhost:60020".into()),
                ..PortalEdit::default()
            },
        )
        .unwrap();
    config.settings.auto_renew = false;
    config.set_favourite(
        &KeyId::from_text("https://acme.duplocloud.net|tenant:t1"),
        true,
    );
    config.used(&tenant("https://acme.duplocloud.net", "t1"));
    let file = config.export();
    assert!(!file.contains("tok-secret-1"), "{file}");
    let imported = Config::import_json(&file).unwrap();
    assert_eq!(imported.settings, config.settings);
    assert_eq!(imported.portals.len(), 2);
    assert_eq!(imported.portals[0].api_token, None);
    assert_eq!(imported.portals[1], config.portals[1]);

    // Importing on the same browser keeps the token of a portal that stays.
    let mut mine = config.clone();
    assert!(mine.replace_with(imported).is_empty());
    assert_eq!(mine.portals, config.portals);
    assert_eq!(mine.recent, config.recent);
}

#[test]
fn a_removed_portal_gives_back_the_host_access_only_it_needed() {
    let granted = ["https://*.duplocloud.net/*", "http://localhost/*"];
    let mut before = Config::default();
    before.add_portal("duplo.acme.example", None).unwrap();
    before.add_portal("duplo.beta.example", None).unwrap();
    before.add_portal("acme.duplocloud.net", None).unwrap();
    let mut after = before.clone();
    after
        .remove_portal(&Origin::from("https://duplo.acme.example"))
        .unwrap();
    assert_eq!(
        after.host_permissions_released(&before, &granted),
        ["https://duplo.acme.example/*"]
    );
    let mut after = before.clone();
    after
        .remove_portal(&Origin::from("https://acme.duplocloud.net"))
        .unwrap();
    assert!(after
        .host_permissions_released(&before, &granted)
        .is_empty());
    assert_eq!(
        Config::default().host_permissions_released(&before, &granted),
        [
            "https://duplo.acme.example/*",
            "https://duplo.beta.example/*"
        ]
    );
}

#[test]
fn an_import_cannot_move_a_stored_api_token_nor_override_the_policy() {
    let mut mine = Config::default();
    mine.add_portal("acme.duplocloud.net", Some("tok-secret-1"))
        .unwrap();
    mine.settings.stay_signed_in = false;
    mine.managed_settings = vec!["staySignedIn".into()];
    // A file that sends acme's API to a local port and turns sessions on disk on.
    let file = r#"{"format":"jit-console-config","version":1,
        "portals":[{"url":"https://acme.duplocloud.net","apiHost":"http://localhost:4444"}],
        "settings":{"staySignedIn":true,"notifyMinutes":7}}"#;
    let dropped = mine.replace_with(Config::import_json(file).unwrap());
    assert_eq!(dropped.len(), 1);
    let acme = mine
        .portal(&Origin::from("https://acme.duplocloud.net"))
        .unwrap();
    assert_eq!(
        acme.api_token, None,
        "the token does not follow a new API host"
    );
    assert_eq!(
        acme.api_host.as_ref().map(|u| u.origin().as_str()),
        Some("http://localhost:4444")
    );
    assert!(!mine.settings.stay_signed_in, "the policy fixes it");
    assert_eq!(mine.settings.notify_minutes, 7, "the rest is the file's");
}

#[test]
fn import_refuses_what_is_not_a_good_export() {
    for (text, expected) in [
        ("not json", ImportError::NotOurs),
        ("{\"format\":\"other\",\"version\":1}", ImportError::NotOurs),
        (
            "{\"format\":\"jit-console-config\",\"version\":99}",
            ImportError::TooNew(99),
        ),
        (
            "{\"format\":\"jit-console-config\",\"version\":1,\"settings\":{\"autoRenew\":\"yes\"}}",
            ImportError::NotOurs,
        ),
    ] {
        assert_eq!(Config::import_json(text), Err(expected), "{text}");
    }
    let bad = r#"{"format":"jit-console-config","version":1,"portals":[{"url":"acme.duplocloud.net"},{"url":"http://evil.com"}]}"#;
    assert!(matches!(
        Config::import_json(bad),
        Err(ImportError::BadPortal(url, _)) if url == "http://evil.com"
    ));
    let huge = format!(
        "{{\"format\":\"{}\",\"x\":\"{}\"}}",
        EXPORT_FORMAT,
        "a".repeat(IMPORT_AT_MOST)
    );
    assert_eq!(Config::import_json(&huge), Err(ImportError::TooLarge));
    assert!(Config::import_json(&"[".repeat(10_000)).is_err());
}

#[test]
fn managed_portals_come_first_and_cannot_be_removed() {
    let mut config = Config::default();
    config.add_portal("mine.duplocloud.net", None).unwrap();
    config
        .add_portal("corp.duplocloud.net", Some("my-token"))
        .unwrap();
    let policy = serde_json::json!({
        "portals": [
            {"url": "https://corp.duplocloud.net", "name": "Corp", "colour": "blue"},
            {"url": "http://evil.com"},
            42
        ],
        "settings": {"autoRenew": false, "notifyMinutes": "ten", "bogus": 1}
    });
    let merged = config.with_managed(Some(&policy));
    let hosts: Vec<_> = merged
        .portals
        .iter()
        .map(|p| (p.url.host(), p.managed))
        .collect();
    assert_eq!(
        hosts,
        [
            ("corp.duplocloud.net", true),
            ("mine.duplocloud.net", false)
        ]
    );
    assert_eq!(merged.portals[0].display_name(), "Corp");
    assert_eq!(
        merged.portals[0].api_token.as_ref().unwrap().expose(),
        "my-token"
    );
    assert!(!merged.settings.auto_renew);
    assert_eq!(merged.settings.notify_minutes, 5);
    assert_eq!(merged.managed_settings, ["autoRenew"]);
    let mut after = merged.clone();
    assert_eq!(
        after.remove_portal(&Origin::from("https://corp.duplocloud.net")),
        Err(AddPortalError::Managed("corp.duplocloud.net".into()))
    );
    assert!(after
        .edit_portal(
            &Origin::from("https://corp.duplocloud.net"),
            PortalEdit {
                name: Some("x".into()),
                ..PortalEdit::default()
            }
        )
        .is_err());
    // Storage keeps the user's own portals only; the policy is read again each time.
    let stored = Config::from_stored(Some(merged.to_stored())).0;
    assert_eq!(stored.portals.len(), 1);
    assert!(!merged.export().contains("corp.duplocloud.net"));
}

#[test]
fn settings_the_policy_fixes_keep_their_value() {
    let current = Settings {
        auto_renew: false,
        notify_minutes: 9,
        identity_bar: false,
        ..Settings::default()
    };
    let mut wanted = Settings {
        stay_signed_in: true,
        auto_renew: true,
        notify_minutes: 1,
        favourites: vec![KeyId::from_text("x")],
        ..Settings::default()
    };
    wanted.keep(
        &current,
        &[
            "autoRenew".into(),
            "notifyMinutes".into(),
            "identityBar".into(),
            "bogus".into(),
        ],
    );
    assert!(!wanted.auto_renew);
    assert!(!wanted.identity_bar);
    assert_eq!(wanted.notify_minutes, 9);
    assert!(wanted.stay_signed_in);
    assert_eq!(wanted.favourites, [KeyId::from_text("x")]);
}

#[test]
fn recent_is_short_and_most_recent_first() {
    let mut config = Config::default();
    let origin = "https://acme.duplocloud.net";
    for i in 0..20 {
        config.used(&tenant(origin, &format!("t{i}")));
    }
    assert_eq!(config.recent.len(), Config::RECENT_AT_MOST);
    assert!(!config.used(&tenant(origin, "t19")));
    assert!(config.used(&tenant(origin, "t15")));
    assert_eq!(config.recent[0], tenant(origin, "t15"));
    assert_eq!(
        config
            .recent
            .iter()
            .filter(|k| **k == tenant(origin, "t15"))
            .count(),
        1
    );
}
