//! Property tests of the session and renewal state machines, through the service over the
//! fake browser and portal with the fake clock: any sequence of clicks, hand-offs (genuine
//! and forged), closed and cancelled tabs, revoked tokens, portal faults, tab moves, worker
//! restarts and time passing (alarms fire when due, as the browser fires them).
//!
//! - Sign-in: never two sign-ins pending for one portal (no second authorization tab while
//!   one is pending, at most one redirect rule each, the deadline alarm on the earliest
//!   attempt), a forged hand-off never signs anyone in, and a click that waited for the
//!   sign-in is not lost.
//! - Renewal: no sequence leaves a live console without its renewal scheduled (or, with
//!   renewal off, its notification), renewal never opens tabs, alarms and portal requests
//!   stay bounded (no storm), and no AWS secret reaches `storage.local`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{forged_handoff_url, handoff_url, run, run_in_tab};
use futures_executor::block_on;
use jit_console::core::config::Config;
use jit_console::core::consoles::{
    ConsoleMode, ConsoleModeSetting, Consoles, Destination, OpenConsole,
};
use jit_console::core::identity::{ConsoleKey, KeyId, Role};
use jit_console::core::messages::Request;
use jit_console::core::portal_api::ApiReply;
use jit_console::core::portal_url::Origin;
use jit_console::core::session::{Session, Sessions};
use jit_console::service::fake::{FakePlatform, FakeUser};
use jit_console::service::{Area, Service, RENEWAL_ALARM, SIGN_IN_ALARM};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const T0: u64 = 1_800_000_000_000;
const PORTALS: [&str; 2] = ["https://acme.duplocloud.net", "https://beta.duplocloud.net"];
const TENANTS: [(&str, &str); 3] = [("t-1", "dev01"), ("t-2", "qa"), ("t-3", "prod")];
const PAGE: &str = "https://us-west-2.console.aws.amazon.com/s3/buckets/logs?region=us-west-2";

fn user(name: &str) -> FakeUser {
    FakeUser {
        username: name.into(),
        admin: false,
    }
}

fn key(origin: &str, tenant: usize) -> ConsoleKey {
    let (id, name) = TENANTS[tenant];
    ConsoleKey {
        origin: origin.into(),
        role: Role::Tenant {
            id: id.into(),
            name: name.into(),
        },
    }
}

fn open(origin: &str, tenant: usize, new_tab: bool) -> Request {
    Request::OpenConsole {
        open: OpenConsole {
            key: key(origin, tenant),
            destination: Destination::Home,
            new_tab,
        },
        otp: None,
        make_room: false,
    }
}

fn stored<T: serde::de::DeserializeOwned + Default>(
    platform: &FakePlatform,
    area: Area,
    key: &str,
) -> T {
    platform
        .storage
        .borrow()
        .get(&(area, key.to_owned()))
        .and_then(|v| match v {
            // The console state is kept as one JSON string.
            serde_json::Value::String(text) => serde_json::from_str(text).ok(),
            other => serde_json::from_value(other.clone()).ok(),
        })
        .unwrap_or_default()
}

fn config(platform: &FakePlatform) -> Config {
    Config::from_stored(
        platform
            .storage
            .borrow()
            .get(&(Area::Local, Config::STORAGE_KEY.to_owned()))
            .cloned(),
    )
    .0
}

/// Alarms fire when due, as the browser fires them, until the clock reaches `target`.
/// Returns how many times the worker was woken.
fn advance(service: &Service<FakePlatform>, target: u64, alarm: &str, after: impl Fn()) -> u32 {
    let platform = service.platform();
    let mut woken = 0;
    loop {
        let due = platform.alarms.borrow().get(alarm).copied();
        match due {
            Some(at) if at <= target => {
                platform.now.set(platform.now.get().max(at));
                block_on(service.on_alarm(alarm));
                after();
                woken += 1;
                assert!(woken < 10_000, "the {alarm} alarm does not move forward");
            }
            _ => break,
        }
    }
    platform.now.set(target);
    woken
}

// ---- sign-in ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum SignInOp {
    Click(usize),
    Quiet(usize),
    Open(usize),
    Refresh(usize),
    Authorize(usize),
    Forge { portal: usize, with_tab: bool },
    CloseAuthTab(usize),
    Cancel(usize),
    Revoke,
    SignOut(usize),
    Advance(u64),
    Restart,
}

fn sign_in_op() -> impl Strategy<Value = SignInOp> {
    let p = 0..PORTALS.len();
    prop_oneof![
        3 => p.clone().prop_map(SignInOp::Click),
        1 => p.clone().prop_map(SignInOp::Quiet),
        2 => p.clone().prop_map(SignInOp::Open),
        1 => p.clone().prop_map(SignInOp::Refresh),
        3 => p.clone().prop_map(SignInOp::Authorize),
        1 => (p.clone(), any::<bool>()).prop_map(|(portal, with_tab)| SignInOp::Forge { portal, with_tab }),
        1 => p.clone().prop_map(SignInOp::CloseAuthTab),
        1 => p.clone().prop_map(SignInOp::Cancel),
        1 => Just(SignInOp::Revoke),
        1 => p.prop_map(SignInOp::SignOut),
        2 => (0u64..250_000).prop_map(SignInOp::Advance),
        1 => Just(SignInOp::Restart),
    ]
}

/// The open authorization tab of portal `p` (not its "cancelled" page): (tab, localPort).
fn auth_tab(platform: &FakePlatform, p: usize) -> Option<(i32, u16)> {
    let prefix = format!("{}/app/user/verify-token?", PORTALS[p]);
    platform
        .tabs
        .borrow()
        .iter()
        .find(|(_, url)| url.starts_with(&prefix) && !url.contains("cancelled=true"))
        .map(|(tab, url)| {
            (
                *tab,
                common::query(url, "localPort").unwrap().parse().unwrap(),
            )
        })
}

fn auth_tabs_open(platform: &FakePlatform, p: usize) -> usize {
    let prefix = format!("{}/app/user/verify-token?", PORTALS[p]);
    platform
        .tabs
        .borrow()
        .values()
        .filter(|url| url.starts_with(&prefix) && !url.contains("cancelled=true"))
        .count()
}

fn auth_tabs_opened(platform: &FakePlatform, p: usize) -> usize {
    let prefix = format!("{}/app/user/verify-token?", PORTALS[p]);
    platform
        .opened
        .borrow()
        .iter()
        .filter(|url| url.starts_with(&prefix))
        .count()
}

fn sessions(platform: &FakePlatform) -> Sessions {
    stored(platform, Area::Session, "sessions")
}

fn pending_in_time(sessions: &Sessions, origin: &str, now: u64) -> bool {
    sessions
        .attempt(&Origin::from(origin))
        .is_some_and(|a| now < a.deadline_ms && !a.token_received)
}

fn console_tabs_of(platform: &FakePlatform, p: usize) -> usize {
    let host = PORTALS[p].trim_start_matches("https://");
    platform
        .console_tabs
        .borrow()
        .values()
        .filter(|(placement, _)| placement.name.starts_with(host))
        .count()
}

fn check_sign_in(platform: &FakePlatform, before: &Sessions, op: &SignInOp, opened: [usize; 2]) {
    let now = platform.now.get();
    let after = sessions(platform);
    let mut ports = BTreeSet::new();
    for (p, origin) in PORTALS.iter().enumerate() {
        let new_tabs = auth_tabs_opened(platform, p) - opened[p];
        assert!(new_tabs <= 1, "{op:?} opened {new_tabs} authorization tabs");
        if pending_in_time(before, origin, now) && !matches!(op, SignInOp::Advance(_)) {
            assert_eq!(
                new_tabs, 0,
                "{op:?}: a second sign-in while one was pending"
            );
        }
        assert!(
            auth_tabs_open(platform, p) <= 1,
            "{op:?}: two authorization tabs of {origin}"
        );
        if let Some(attempt) = after.attempt(&Origin::from(*origin)) {
            assert!(
                !attempt.token_received,
                "{op:?}: a used attempt left behind"
            );
            assert!(ports.insert(attempt.port), "two attempts share a port");
            let tab = attempt.tab_id.expect("an attempt without its tab");
            let shown = platform
                .tabs
                .borrow()
                .get(&tab)
                .cloned()
                .unwrap_or_default();
            assert!(
                shown.starts_with(&format!("{origin}/app/user/verify-token?")),
                "{op:?}: the attempt's tab shows {shown}"
            );
        }
        if let Some(active) = after.active(&Origin::from(*origin)) {
            assert_ne!(
                active.user.username, "mallory@evil.example",
                "{op:?}: a forged hand-off signed in"
            );
        }
        // No lost click: an open that waited for the sign-in happens once it succeeds.
        let waited = before
            .get(&Origin::from(*origin))
            .waiting
            .iter()
            .any(|w| matches!(w, jit_console::core::session::Waiting::OpenConsole(_)));
        if waited
            && before.active(&Origin::from(*origin)).is_none()
            && after.active(&Origin::from(*origin)).is_some()
        {
            assert!(
                console_tabs_of(platform, p) > 0
                    || after.get(&Origin::from(*origin)).error.is_some(),
                "{op:?}: the waiting click was lost"
            );
        }
    }
    let rules: BTreeSet<u16> = platform
        .rules
        .borrow()
        .keys()
        .map(|id| *id as u16)
        .collect();
    assert_eq!(
        rules, ports,
        "{op:?}: redirect rules do not match the pending attempts"
    );
    let earliest = PORTALS
        .iter()
        .filter_map(|o| after.attempt(&Origin::from(*o)))
        .map(|a| a.deadline_ms)
        .min();
    assert_eq!(
        platform.alarms.borrow().get(SIGN_IN_ALARM).copied(),
        earliest,
        "{op:?}: the deadline alarm"
    );
}

fn run_sign_in(ops: Vec<SignInOp>) {
    let platform = FakePlatform::default();
    platform.now.set(T0);
    {
        let mut portal = platform.portal.borrow_mut();
        portal.tenants = TENANTS
            .iter()
            .map(|(i, n)| ((*i).into(), (*n).into()))
            .collect();
        portal
            .tokens
            .insert("ATTACKER".into(), user("mallory@evil.example"));
    }
    let mut service = Service::new(platform);
    for origin in PORTALS {
        run(
            &service,
            Request::AddPortal {
                url: origin.into(),
                api_token: None,
            },
        );
    }
    let mut minted = 0;
    for op in ops {
        let platform = service.platform();
        let before = sessions(platform);
        let opened = [auth_tabs_opened(platform, 0), auth_tabs_opened(platform, 1)];
        match &op {
            SignInOp::Click(p) => drop(run(
                &service,
                Request::SignIn {
                    origin: PORTALS[*p].into(),
                },
            )),
            SignInOp::Quiet(p) => drop(run(
                &service,
                Request::SignInQuietly {
                    origin: PORTALS[*p].into(),
                },
            )),
            SignInOp::Open(p) => drop(run(&service, open(PORTALS[*p], 0, false))),
            SignInOp::Refresh(p) => drop(run(
                &service,
                Request::Refresh {
                    origin: PORTALS[*p].into(),
                },
            )),
            SignInOp::Authorize(p) => {
                if let Some((tab, port)) = auth_tab(platform, *p) {
                    minted += 1;
                    let token = format!("tok-{minted}");
                    platform
                        .portal
                        .borrow_mut()
                        .tokens
                        .insert(token.clone(), user("alice@acme.io"));
                    run_in_tab(
                        &service,
                        Request::Handoff {
                            url: handoff_url(&service, port, &token),
                        },
                        tab,
                    );
                }
            }
            SignInOp::Forge { portal, with_tab } => {
                // A page elsewhere sends the browser to the hand-off with its own token.
                let port = before
                    .attempt(&Origin::from(PORTALS[*portal]))
                    .map_or(41_000, |a| a.port);
                let url = forged_handoff_url(port, "ATTACKER");
                if *with_tab {
                    let tab = block_on(jit_console::service::Platform::open_tab(
                        platform,
                        "https://foreign.example/",
                        true,
                    ))
                    .unwrap();
                    run_in_tab(&service, Request::Handoff { url }, tab);
                } else {
                    run(&service, Request::Handoff { url });
                }
            }
            SignInOp::CloseAuthTab(p) => {
                if let Some((tab, _)) = auth_tab(platform, *p) {
                    platform.tabs.borrow_mut().remove(&tab);
                    block_on(service.on_tab_removed(tab));
                }
            }
            SignInOp::Cancel(p) => {
                if let Some((tab, port)) = auth_tab(platform, *p) {
                    let url = format!("{}/app/user/verify-token?localAppName=JIT%20Console&localPort={port}&cancelled=true", PORTALS[*p]);
                    platform.tabs.borrow_mut().insert(tab, url.clone());
                    block_on(service.on_tab_updated(tab, &url));
                }
            }
            SignInOp::Revoke => platform
                .portal
                .borrow_mut()
                .tokens
                .retain(|t, _| t == "ATTACKER"),
            SignInOp::SignOut(p) => drop(run(
                &service,
                Request::SignOut {
                    origin: PORTALS[*p].into(),
                },
            )),
            SignInOp::Advance(ms) => {
                advance(&service, platform.now.get() + ms, SIGN_IN_ALARM, || {});
            }
            SignInOp::Restart => {
                service = Service::new(service.into_platform());
                block_on(service.on_startup());
            }
        }
        check_sign_in(service.platform(), &before, &op, opened);
    }
}

// ---- renewal ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Fault {
    Status(u16),
    Network,
    Malformed,
    Unauthorized,
}

#[derive(Debug, Clone)]
enum RenewOp {
    Open(usize),
    OpenAnother(usize),
    Close(usize),
    Focus(Option<usize>),
    Expired(usize),
    Advance(u64),
    Fault(usize, Fault),
    Validity(Option<i64>),
    AutoRenew(bool),
    Mode(ConsoleModeSetting),
    KeepAlive(usize, bool),
    RenewNow(usize),
    Restart,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        prop_oneof![Just(500u16), Just(502), Just(503), Just(429)].prop_map(Fault::Status),
        Just(Fault::Network),
        Just(Fault::Malformed),
        Just(Fault::Unauthorized),
    ]
}

fn renew_op() -> impl Strategy<Value = RenewOp> {
    let t = 0..TENANTS.len();
    prop_oneof![
        3 => t.clone().prop_map(RenewOp::Open),
        1 => t.clone().prop_map(RenewOp::OpenAnother),
        1 => (0usize..4).prop_map(RenewOp::Close),
        1 => proptest::option::of(0usize..4).prop_map(RenewOp::Focus),
        1 => (0usize..4).prop_map(RenewOp::Expired),
        5 => prop_oneof![0u64..120_000, 0u64..3 * 3_600_000].prop_map(RenewOp::Advance),
        2 => (t.clone(), fault()).prop_map(|(t, f)| RenewOp::Fault(t, f)),
        1 => proptest::option::of(prop_oneof![60i64..7200, 1i64..60, Just(0), Just(-5), Just(i64::MAX)]).prop_map(RenewOp::Validity),
        1 => any::<bool>().prop_map(RenewOp::AutoRenew),
        1 => prop_oneof![Just(ConsoleModeSetting::Auto), Just(ConsoleModeSetting::Single), Just(ConsoleModeSetting::Multi)].prop_map(RenewOp::Mode),
        1 => (t.clone(), any::<bool>()).prop_map(|(t, k)| RenewOp::KeepAlive(t, k)),
        1 => t.prop_map(RenewOp::RenewNow),
        1 => Just(RenewOp::Restart),
    ]
}

/// The console tabs the extension opened that are still open, in tab order.
fn console_tabs(platform: &FakePlatform) -> Vec<i32> {
    let open = platform.tabs.borrow();
    platform
        .console_tabs
        .borrow()
        .keys()
        .copied()
        .filter(|t| open.contains_key(t))
        .collect()
}

/// The browser follows the sign-in redirects: a console tab on a sign-in URL lands on the
/// console page, and the worker hears of it.
fn land(service: &Service<FakePlatform>) {
    for tab in console_tabs(service.platform()) {
        let url = service.platform().tabs.borrow()[&tab].clone();
        if url.contains("signin.aws.amazon.com/") && !url.contains("session-expired") {
            common::land(service, tab, PAGE);
        }
    }
}

fn jit_requests(platform: &FakePlatform) -> usize {
    platform
        .requested_paths()
        .iter()
        .filter(|p| p.ends_with("/GetAwsConsoleTokenUrl"))
        .count()
}

/// Whether the service renews `key` in place: every identity where the console keeps
/// several, only the holder in a single-session console.
fn renewable(consoles: &Consoles, setting: ConsoleModeSetting, key: &ConsoleKey) -> bool {
    consoles.mode(setting) == Some(ConsoleMode::Multi)
        || !consoles.holder_known()
        || consoles.holds_console(key)
}

fn check_renewal(platform: &FakePlatform, op: &RenewOp) {
    let now = platform.now.get();
    let consoles: Consoles = stored(platform, Area::Session, "consoles");
    let settings = config(platform).settings;
    let alarm = platform.alarms.borrow().get(RENEWAL_ALARM).copied();
    let open_tabs = platform.tabs.borrow();
    let mut watched: BTreeMap<KeyId, &ConsoleKey> = BTreeMap::new();
    for tab in open_tabs.keys() {
        if let Some(key) = consoles.key_of_tab(*tab) {
            watched.insert(key.id(), key);
        }
    }
    for id in &settings.keep_alive {
        if let Some(key) = consoles.key(id) {
            watched.insert(id.clone(), key);
        }
    }
    for (id, key) in watched {
        let id = &id;
        let Some(live) = consoles.credentials_of(id) else {
            continue;
        };
        if live.expiry_ms <= now || !renewable(&consoles, settings.console_mode, key) {
            continue;
        }
        if settings.auto_renew {
            // Due a margin before expiry (never sooner than 20 s after arrival), or, after a
            // failed renewal, at its retry time, which is never more than 6 minutes away.
            let due = match consoles.retry(key) {
                Some(retry) => {
                    assert!(
                        retry.next_ms <= now + 360_000,
                        "{op:?}: {id} retries only at {}",
                        retry.next_ms
                    );
                    retry.next_ms
                }
                None => (live.expiry_ms - live.margin_ms()).max(live.received_ms + 20_000),
            };
            assert!(
                alarm.is_some_and(|a| a <= due.max(now)),
                "{op:?}: {id} is live until {} but no renewal is scheduled by {due} (alarm {alarm:?}, now {now})",
                live.expiry_ms
            );
        } else if consoles.with_tabs().contains(id) {
            let notify_at = live
                .expiry_ms
                .saturating_sub(u64::from(settings.notify_minutes) * 60_000);
            assert!(
                consoles.notified().contains(id) || alarm.is_some_and(|a| a <= notify_at.max(now)),
                "{op:?}: {id} ends at {} with neither a notification nor one scheduled",
                live.expiry_ms
            );
        }
    }
    // AWS secrets stay in memory-only storage.
    let local = serde_json::to_string(&platform.dump(Area::Local)).unwrap();
    assert!(
        !local.contains("session-token-") && !local.contains("secret/"),
        "{op:?}: an AWS secret in storage.local"
    );
}

fn run_renewal(validity: i64, ops: Vec<RenewOp>) {
    let platform = FakePlatform::default();
    platform.now.set(T0);
    {
        let mut portal = platform.portal.borrow_mut();
        portal.tenants = TENANTS
            .iter()
            .map(|(i, n)| ((*i).into(), (*n).into()))
            .collect();
        portal.tokens.insert("api".into(), user("alice@acme.io"));
        portal.validity = Some(validity);
    }
    let mut service = Service::new(platform);
    let origin = PORTALS[0];
    run(
        &service,
        Request::AddPortal {
            url: origin.into(),
            api_token: Some("api".into()),
        },
    );
    run(
        &service,
        Request::SignIn {
            origin: origin.into(),
        },
    );
    for op in ops {
        let opened_before = service.platform().opened.borrow().len();
        let jit_before = jit_requests(service.platform());
        match &op {
            RenewOp::Open(t) => drop(run(&service, open(origin, *t, false))),
            RenewOp::OpenAnother(t) => drop(run(&service, open(origin, *t, true))),
            RenewOp::Close(i) => {
                if let Some(&tab) = console_tabs(service.platform()).get(*i) {
                    service.platform().tabs.borrow_mut().remove(&tab);
                    block_on(service.on_tab_removed(tab));
                }
            }
            RenewOp::Focus(i) => {
                let tab = i.and_then(|i| console_tabs(service.platform()).get(i).copied());
                service.platform().focused.set(tab);
            }
            RenewOp::Expired(i) => {
                if let Some(&tab) = console_tabs(service.platform()).get(*i) {
                    let back: String =
                        url::form_urlencoded::byte_serialize(PAGE.as_bytes()).collect();
                    let url = format!(
                        "https://signin.aws.amazon.com/session-expired?redirect_uri={back}"
                    );
                    service
                        .platform()
                        .tabs
                        .borrow_mut()
                        .insert(tab, url.clone());
                    block_on(service.on_tab_updated(tab, &url));
                }
            }
            RenewOp::Advance(ms) => {
                let minutes = ms / 60_000;
                let target = service.platform().now.get() + ms;
                let woken = advance(&service, target, RENEWAL_ALARM, || land(&service));
                // Each identity renews at most every 20 s, and a failed renewal waits 10 s or
                // more: three identities make at most nine requests a minute (a storm would be
                // one a second per identity). The worker wakes for those, when credentials
                // expire, and each minute for the badge.
                assert!(
                    u64::from(woken) <= 20 * minutes + 20,
                    "{op:?}: woken {woken} times: an alarm storm"
                );
                let requests = jit_requests(service.platform()) - jit_before;
                assert!(
                    requests as u64 <= 10 * minutes + 10,
                    "{op:?}: {requests} credential requests: a request storm"
                );
            }
            RenewOp::Fault(t, fault) => {
                let reply = match fault {
                    Fault::Status(status) => ApiReply::Http {
                        status: *status,
                        body: b"{}".to_vec(),
                    },
                    Fault::Network => ApiReply::Network("connection reset".into()),
                    Fault::Malformed => ApiReply::Http {
                        status: 200,
                        body: b"{\"AccessKeyId\":".to_vec(),
                    },
                    Fault::Unauthorized => ApiReply::Http {
                        status: 401,
                        body: Vec::new(),
                    },
                };
                let path = format!("/subscriptions/{}/GetAwsConsoleTokenUrl", TENANTS[*t].0);
                service
                    .platform()
                    .portal
                    .borrow_mut()
                    .faults
                    .entry(path)
                    .or_default()
                    .push(reply);
            }
            RenewOp::Validity(v) => service.platform().portal.borrow_mut().validity = *v,
            RenewOp::AutoRenew(on) => {
                let mut settings = config(service.platform()).settings;
                settings.auto_renew = *on;
                run(&service, Request::SetSettings(settings));
            }
            RenewOp::Mode(mode) => {
                let mut settings = config(service.platform()).settings;
                settings.console_mode = *mode;
                run(&service, Request::SetSettings(settings));
            }
            RenewOp::KeepAlive(t, keep) => drop(run(
                &service,
                Request::SetKeepAlive {
                    key: key(origin, *t),
                    keep: *keep,
                },
            )),
            RenewOp::RenewNow(t) => drop(run(
                &service,
                Request::RenewNow {
                    key: key(origin, *t),
                },
            )),
            RenewOp::Restart => {
                service = Service::new(service.into_platform());
                block_on(service.on_startup());
            }
        }
        land(&service);
        let platform = service.platform();
        let new_tabs = platform.opened.borrow().len() - opened_before;
        let clicks = usize::from(matches!(op, RenewOp::Open(_) | RenewOp::OpenAnother(_)));
        assert!(new_tabs <= clicks, "{op:?} opened {new_tabs} tabs");
        check_renewal(platform, &op);
    }
    // A session that ended stays ended: nothing is left pending for it.
    let sessions = sessions(service.platform());
    assert!(
        !matches!(
            sessions.get(&Origin::from(origin)).session,
            Session::SigningIn(_)
        ),
        "API-token mode never opens a sign-in"
    );
}

proptest! {
    // 200 cases a run (PROPTEST_CASES=... for a longer search). The regressions file is named
    // outright: proptest's default looks for a lib.rs or main.rs above the test's source,
    // which a file in tests/ has not, and then silently replays nothing.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_two_sign_ins_pending_for_one_portal(ops in proptest::collection::vec(sign_in_op(), 1..40)) {
        run_sign_in(ops);
    }

    #[test]
    fn no_live_console_is_left_without_its_renewal(
        validity in prop_oneof![60i64..900, 900i64..7200],
        ops in proptest::collection::vec(renew_op(), 1..40),
    ) {
        run_renewal(validity, ops);
    }
}
