//! The ways in besides the popup, over the fake browser and portal: the context menu kept in
//! sync, its clicks, the omnibox, the keyboard shortcut, the active portal, favourites and
//! recent, export/import, forgetting everything, and the administrator's policy.
#![allow(clippy::unwrap_used)]

mod common;

use common::{open_console, run, signed_in_to_acme, tenant, ACME};
use futures_executor::block_on;
use jit_console::core::config::PortalEdit;
use jit_console::core::consoles::Destination;
use jit_console::core::menus::MenuClick;
use jit_console::core::messages::{Request, Response, StateView};
use jit_console::core::portal_url::Origin;
use jit_console::core::tenant_list;
use jit_console::service::fake::FakePlatform;
use jit_console::service::{Area, Service};

fn signed_in() -> Service<FakePlatform> {
    signed_in_to_acme(false, |portal| {
        portal.tenants = vec![
            ("t-1".into(), "dev01".into()),
            ("t-2".into(), "prod".into()),
            ("t-3".into(), "qa".into()),
        ];
        portal.validity = Some(3600);
    })
}

fn state(service: &Service<FakePlatform>) -> StateView {
    run(service, Request::GetState).state().clone()
}

fn names(service: &Service<FakePlatform>) -> Vec<String> {
    let state = state(service);
    let tenants = state.portals[0].tenants.clone().unwrap();
    jit_console::core::tenant_list::matching(&tenants, "", 1)
        .0
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

fn console_identities(service: &Service<FakePlatform>) -> Vec<String> {
    service
        .platform()
        .console_tabs
        .borrow()
        .values()
        .map(|(placement, _)| placement.title.clone())
        .collect()
}

#[test]
fn the_menu_follows_the_tenant_list_and_is_rebuilt_only_when_it_changes() {
    let service = signed_in();
    let menus = service.platform().menus.borrow().clone();
    let ids: Vec<&str> = menus.iter().map(|m| m.id.as_str()).collect();
    assert!(ids.contains(&"page|https://acme.duplocloud.net|tenant:t-1"));
    assert!(ids.contains(&"open|https://acme.duplocloud.net|tenant:t-3"));
    assert!(ids.contains(&"same"));
    let builds = service.platform().menu_builds.get();
    // Nothing the menu shows changed: no rebuild.
    run(
        &service,
        Request::Refresh {
            origin: ACME.into(),
        },
    );
    block_on(service.on_startup());
    assert_eq!(service.platform().menu_builds.get(), builds);
    // A new tenant is a new item.
    service
        .platform()
        .portal
        .borrow_mut()
        .tenants
        .push(("t-4".into(), "staging".into()));
    run(
        &service,
        Request::Refresh {
            origin: ACME.into(),
        },
    );
    assert_eq!(service.platform().menu_builds.get(), builds + 1);
    assert!(service
        .platform()
        .menus
        .borrow()
        .iter()
        .any(|m| m.id == "open|https://acme.duplocloud.net|tenant:t-4"));
    // Signed out and forgotten: no items.
    run(
        &service,
        Request::RemovePortal {
            origin: ACME.into(),
        },
    );
    assert!(service.platform().menus.borrow().is_empty());
}

#[test]
fn menu_clicks_open_the_tenant_an_arn_or_the_same_page() {
    let service = signed_in();
    block_on(service.on_menu_click(MenuClick {
        item: "page|https://acme.duplocloud.net|tenant:t-2".into(),
        page_url: Some(format!("{ACME}/app/devops/t-2/services")),
        ..MenuClick::default()
    }));
    assert_eq!(console_identities(&service), ["prod"]);

    block_on(service.on_menu_click(MenuClick {
        item: "arn|https://acme.duplocloud.net|tenant:t-1".into(),
        selection: Some("no ARN in here".into()),
        ..MenuClick::default()
    }));
    assert_eq!(
        service.platform().notices.borrow().last().unwrap(),
        "The selection or link holds no AWS ARN."
    );
    block_on(service.on_menu_click(MenuClick {
        item: "arn|https://acme.duplocloud.net|tenant:t-1".into(),
        link_url: Some("https://wiki.example/x?see=arn:aws:s3:::acme-logs".into()),
        ..MenuClick::default()
    }));
    let opened = service.platform().opened.borrow().clone();
    assert!(opened.last().unwrap().contains("acme-logs"), "{opened:?}");

    // A menu item of a tenant that is gone from the list opens nothing and says why.
    block_on(service.on_menu_click(MenuClick {
        item: "open|https://acme.duplocloud.net|tenant:t-gone".into(),
        ..MenuClick::default()
    }));
    assert_eq!(console_identities(&service).len(), 2);
    assert!(service
        .platform()
        .notices
        .borrow()
        .last()
        .unwrap()
        .contains("no longer configured"));
}

#[test]
fn omnibox_and_shortcut_open_consoles_and_remember_them() {
    let service = signed_in();
    let suggestions = block_on(service.omnibox_suggestions("qa ec2"));
    assert_eq!(suggestions[0].content, "qa ec2");
    block_on(service.on_omnibox_enter("qa ec2", true));
    assert_eq!(console_identities(&service), ["qa"]);
    assert!(service
        .platform()
        .opened
        .borrow()
        .last()
        .unwrap()
        .contains("ec2"));
    block_on(service.on_omnibox_enter("nothing-like-it", false));
    assert!(service
        .platform()
        .notices
        .borrow()
        .last()
        .unwrap()
        .contains("No tenant matches"));
    // Recent: qa first now.
    assert_eq!(names(&service), ["qa", "dev01", "prod"]);
    // The shortcut re-opens qa: its live console tab is focused, nothing new is opened.
    let tabs = service.platform().console_tabs.borrow().len();
    block_on(service.on_command("open-last"));
    assert_eq!(service.platform().console_tabs.borrow().len(), tabs);
    assert_eq!(
        service.platform().focused.get(),
        service
            .platform()
            .console_tabs
            .borrow()
            .keys()
            .next()
            .copied()
    );
}

#[test]
fn the_shortcut_without_history_says_so() {
    let service = signed_in();
    block_on(service.on_command("open-last"));
    assert!(service.platform().notices.borrow()[0].contains("No console was opened yet"));
    block_on(service.on_command("no-such-command"));
    assert_eq!(service.platform().notices.borrow().len(), 1);
}

#[test]
fn favourites_lead_and_recent_follow() {
    let service = signed_in();
    run(
        &service,
        Request::SetFavourite {
            key: tenant("t-3", "qa"),
            favourite: true,
        },
    );
    open_console(&service, tenant("t-2", "prod"), Destination::Home, false);
    assert_eq!(names(&service), ["qa", "prod", "dev01"]);
    // The favourites are the first entries of the menu, too.
    let menus = service.platform().menus.borrow().clone();
    let open: Vec<String> = menus
        .iter()
        .filter(|m| m.parent_id.as_deref() == Some("open"))
        .map(|m| m.title.english())
        .collect();
    assert_eq!(open, ["qa", "prod", "dev01"]);
}

/// The popup asks for its first state before its module has loaded; the worker decides
/// which tab it was opened over (`core::popup`).
#[test]
fn the_popup_state_names_the_portal_of_the_tab_the_popup_was_opened_over() {
    let service = signed_in();
    let platform = service.platform();
    platform
        .tabs
        .borrow_mut()
        .insert(5, "https://acme.duplocloud.net/app/devops/t-1".into());
    platform
        .tabs
        .borrow_mut()
        .insert(6, "https://other.example/".into());
    let first = Request::GetPopupState { first_page: true };
    // The toolbar popup (no tab of its own) over acme's tab.
    platform.focused.set(Some(5));
    let answer = run(&service, first.clone());
    assert_eq!(
        answer.state().active_origin.as_ref().map(Origin::as_str),
        Some(ACME)
    );
    // Over another site: no portal first.
    platform.focused.set(Some(6));
    assert_eq!(run(&service, first.clone()).state().active_origin, None);
    // Opened as a page (tab 9, the active one): the tab used before it counts.
    platform
        .tabs
        .borrow_mut()
        .insert(9, "chrome-extension://fake/popup.html".into());
    platform.focused.set(Some(9));
    platform.tabs.borrow_mut().remove(&6);
    let answer = common::run_in_tab(&service, first, 9);
    assert_eq!(
        answer.state().active_origin.as_ref().map(Origin::as_str),
        Some(ACME)
    );
}

/// `popup.js` sends the first request itself, as a literal: it must be what the worker reads.
#[test]
fn the_popup_shell_sends_the_first_request_the_worker_reads() {
    let shell = include_str!("../extension/popup.js");
    let start = shell.find("sendMessage(").unwrap() + "sendMessage(".len();
    let literal = &shell[start..start + shell[start..].find(')').unwrap()];
    // The JS object literal as JSON: quote its keys, double its quotes.
    let json = literal
        .replace('\'', "\"")
        .replace("type:", "\"type\":")
        .replace("firstPage:", "\"firstPage\":");
    let read: Request = serde_json::from_str(&json).unwrap();
    assert_eq!(read, Request::GetPopupState { first_page: true });
}

#[test]
fn the_active_portal_is_the_one_of_the_tab_in_use() {
    let service = signed_in();
    let active = |tab_id: Option<i32>, url: Option<&str>| {
        run(
            &service,
            Request::GetStateFor {
                tab_id,
                url: url.map(str::to_owned),
                first_page: false,
            },
        )
        .state()
        .active_origin
        .clone()
    };
    assert_eq!(
        active(Some(7), Some("https://acme.duplocloud.net/app/devops/t-1")),
        Some(ACME.into())
    );
    assert_eq!(active(Some(7), Some("https://other.example/")), None);
    assert_eq!(active(None, None), None);
    open_console(&service, tenant("t-1", "dev01"), Destination::Home, false);
    let console = *service
        .platform()
        .console_tabs
        .borrow()
        .keys()
        .next()
        .unwrap();
    // A console tab shows an AWS address, but it belongs to the portal that opened it.
    assert_eq!(
        active(
            Some(console),
            Some("https://us-west-2.console.aws.amazon.com/")
        ),
        Some(ACME.into())
    );
}

#[test]
fn export_import_and_forgetting_everything() {
    let service = signed_in();
    run(
        &service,
        Request::EditPortal {
            origin: ACME.into(),
            edit: PortalEdit {
                name: Some("Acme".into()),
                colour: Some("red".into()),
                ..PortalEdit::default()
            },
        },
    );
    let Response::Exported { file, .. } = run(&service, Request::ExportConfig) else {
        panic!("no export");
    };
    assert!(!file.contains("good"), "no API token in {file}");

    assert!(matches!(
        run(&service, Request::ForgetEverything),
        Response::State(_)
    ));
    for area in [Area::Local, Area::Session] {
        let dump = serde_json::to_string(&service.platform().dump(area)).unwrap();
        assert!(!dump.contains("good"), "{area:?}: {dump}");
        assert!(!dump.contains("dev01"), "{area:?}: {dump}");
        assert!(!dump.contains("acme"), "{area:?}: {dump}");
    }
    assert!(state(&service).portals.is_empty());
    assert!(service.platform().menus.borrow().is_empty());

    assert!(matches!(
        run(&service, Request::ImportConfig { text: "{}".into() }),
        Response::Error { .. }
    ));
    let Response::State(after) = run(&service, Request::ImportConfig { text: file }) else {
        panic!("import refused");
    };
    assert_eq!(after.portals[0].name.as_deref(), Some("Acme"));
    assert_eq!(after.portals[0].colour.as_deref(), Some("red"));
    assert!(!after.portals[0].uses_api_token);
}

#[test]
fn the_policy_adds_portals_the_user_cannot_remove_and_fixes_settings() {
    let service = Service::new(FakePlatform::default());
    service.platform().storage.borrow_mut().insert(
        (Area::Managed, String::new()),
        serde_json::json!({
            "portals": [{"url": "https://corp.duplocloud.net", "name": "Corp"}],
            "settings": {"autoRenew": false}
        }),
    );
    block_on(service.on_policy_changed());
    let before = state(&service);
    assert!(before.portals[0].managed);
    assert_eq!(before.managed_settings, ["autoRenew"]);
    let refused = run(
        &service,
        Request::RemovePortal {
            origin: "https://corp.duplocloud.net".into(),
        },
    );
    assert!(matches!(refused, Response::Error { .. }));
    // The user turns automatic renewal on; the policy keeps it off.
    let mut settings = before.settings.clone();
    settings.auto_renew = true;
    settings.notify_minutes = 9;
    let after = run(&service, Request::SetSettings(settings));
    assert!(!after.state().settings.auto_renew);
    assert_eq!(after.state().settings.notify_minutes, 9);
    // Never written to the user's storage.
    let local = serde_json::to_string(&service.platform().dump(Area::Local)).unwrap();
    assert!(!local.contains("corp.duplocloud.net"), "{local}");
    // Forgetting everything keeps it.
    run(&service, Request::ForgetEverything);
    assert_eq!(state(&service).portals.len(), 1);
}

#[test]
fn removing_a_portal_gives_back_the_host_access_only_it_needed() {
    let service = Service::new(FakePlatform::default());
    for url in ["duplo.acme.example", "acme.duplocloud.net"] {
        run(
            &service,
            Request::AddPortal {
                url: url.into(),
                api_token: None,
            },
        );
    }
    run(
        &service,
        Request::RemovePortal {
            origin: "https://acme.duplocloud.net".into(),
        },
    );
    assert!(service.platform().released_permissions.borrow().is_empty());
    run(
        &service,
        Request::RemovePortal {
            origin: "https://duplo.acme.example".into(),
        },
    );
    assert_eq!(
        *service.platform().released_permissions.borrow(),
        ["https://duplo.acme.example/*"]
    );
}

#[test]
fn the_popups_first_answer_carries_only_the_first_page_of_tenants() {
    let service = signed_in();
    let many: Vec<(String, String)> = (0..250)
        .map(|i| (format!("t-{i}"), format!("tenant{i:03}")))
        .collect();
    service.platform().portal.borrow_mut().tenants = many;
    run(
        &service,
        Request::Refresh {
            origin: ACME.into(),
        },
    );
    run(
        &service,
        Request::SetFavourite {
            key: tenant("t-249", "tenant249"),
            favourite: true,
        },
    );
    let ask = |first_page| {
        run(
            &service,
            Request::GetStateFor {
                tab_id: None,
                url: None,
                first_page,
            },
        )
        .state()
        .portals[0]
            .clone()
    };
    let first = ask(true);
    let full = ask(false);
    assert_eq!(full.tenants.as_ref().unwrap().len(), 250);
    assert_eq!(full.tenants_total, None);
    let page = first.tenants.as_ref().unwrap();
    assert_eq!(page.len(), tenant_list::SHOWN_AT_MOST);
    assert_eq!(first.tenants_total, Some(250));
    // Exactly what the popup ranks first from the whole list, in the list's own order.
    let (expected, _) = tenant_list::matching(full.tenants.as_ref().unwrap(), "", 1);
    let mut expected: Vec<&str> = expected.iter().map(|t| t.name.as_str()).collect();
    expected.sort_unstable();
    let names: Vec<&str> = page.iter().map(|t| t.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    assert!(
        names.contains(&"tenant249"),
        "the favourite is on the first page"
    );
    let (ranked, _) = tenant_list::matching(page, "", 1);
    assert_eq!(ranked[0].name, "tenant249", "and still first");
    // The options page's overview carries no tenant list, only its size.
    let overview = run(&service, Request::GetOverview).state().portals[0].clone();
    assert_eq!(overview.tenants, None);
    assert_eq!(overview.tenants_total, Some(250));
}
