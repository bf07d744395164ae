#[test]
fn the_expired_page_signs_a_tab_in_at_most_every_20_seconds() {
    let mut consoles = Consoles::default();
    let t0 = 1_800_000_000_000;
    assert!(consoles.may_resign_expired_tab(7, t0));
    assert!(!consoles.may_resign_expired_tab(7, t0 + 19_999));
    assert!(consoles.may_resign_expired_tab(8, t0 + 1), "per tab");
    assert!(consoles.may_resign_expired_tab(7, t0 + 20_000));
    consoles.tab_closed(7);
    assert!(!consoles.expired_resigned.contains_key(&7));
}

use super::*;

use crate::core::aws::{self, JitCredentials, Partition};
use crate::core::credentials::LiveCredentials;
use crate::core::credentials::CONSOLE_URL_FRESH_MS;
use crate::core::expiry;
use crate::core::identity::tests::key;
use crate::core::secret::Secret;
use crate::core::session::TabId;
use crate::core::text::msg;

const T0: u64 = 1_800_000_000_000;
/// The console home, where a plain open lands.
const HOME: &str = "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2";

fn creds(validity: Option<i64>) -> JitCredentials {
    JitCredentials {
        access_key_id: "ASIAEXAMPLEEXAMPLE".into(),
        secret_access_key: Secret::new("secret"),
        session_token: Secret::new("token"),
        region: Some("us-west-2".into()),
        console_url: None,
        validity_secs: validity,
    }
}

#[test]
fn credentials_are_usable_until_the_margin_before_expiry() {
    let mut consoles = Consoles::default();
    consoles.store(&key("dev"), creds(Some(3600)), Partition::Aws, T0);
    assert!(consoles
        .live(
            &key("dev"),
            T0 + 3_600_000 - expiry::MAX_SAFETY_MARGIN_MS - 1
        )
        .is_some());
    assert!(consoles
        .live(&key("dev"), T0 + 3_600_000 - expiry::MAX_SAFETY_MARGIN_MS)
        .is_none());
    // A 15-minute validity keeps a quarter, not five minutes.
    consoles.store(&key("qa"), creds(Some(900)), Partition::Aws, T0);
    assert_eq!(
        consoles
            .credentials
            .get(&key("qa").id())
            .unwrap()
            .margin_ms(),
        225_000
    );
    // Absent validity means an hour.
    consoles.store(&key("x"), creds(None), Partition::Aws, T0);
    assert_eq!(
        consoles.credentials.get(&key("x").id()).unwrap().expiry_ms,
        T0 + 3_600_000
    );
    assert!(consoles.live(&key("other"), T0).is_none());
}

#[test]
fn single_session_signs_out_before_another_identity_and_not_before_its_own() {
    let mut consoles = Consoles::default();
    let (dev, qa) = (key("dev"), key("qa"));
    let auto = ConsoleModeSetting::Auto;
    assert_eq!(
        consoles.route(&dev, Partition::Aws, HOME, auto, false, T0),
        SignInRoute::Login {
            logout_first: false
        }
    );
    consoles.store(&dev, creds(Some(3600)), Partition::Aws, T0);
    consoles.register_tab(1, &dev);
    consoles.landed(
        1,
        "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2",
        false,
    );
    assert_eq!(consoles.detected_mode, Some(ConsoleMode::Single));
    assert!(consoles.holds_console(&dev));
    assert_eq!(
        consoles.route(&dev, Partition::Aws, HOME, auto, false, T0),
        SignInRoute::Direct
    );
    assert_eq!(
        consoles.route(&qa, Partition::Aws, HOME, auto, false, T0),
        SignInRoute::Login { logout_first: true }
    );
    // Containers keep identities apart: never sign out there.
    assert_eq!(
        consoles.route(&qa, Partition::Aws, HOME, auto, true, T0),
        SignInRoute::Login {
            logout_first: false
        }
    );
    // Another partition's console is held by nobody known; the console is single-session,
    // so signing out first is the safe way in.
    assert_eq!(
        consoles.route(&qa, Partition::AwsUsGov, HOME, auto, false, T0),
        SignInRoute::Login { logout_first: true }
    );
    // After expiry the holder's own session is gone: sign in again (through logout).
    assert_eq!(
        consoles.route(&dev, Partition::Aws, HOME, auto, false, T0 + 3_600_000),
        SignInRoute::Login { logout_first: true }
    );
}

#[test]
fn the_portals_console_url_is_used_once_within_14_minutes() {
    let mut consoles = Consoles::default();
    let live = consoles
        .store(&key("dev"), creds(Some(3600)), Partition::Aws, T0)
        .clone();
    assert!(live.console_url_fresh(T0));
    assert!(live.console_url_fresh(T0 + CONSOLE_URL_FRESH_MS - 1));
    assert!(!live.console_url_fresh(T0 + CONSOLE_URL_FRESH_MS));
    let spent = LiveCredentials {
        console_url_used: true,
        ..live
    };
    assert!(!spent.console_url_fresh(T0));
}

#[test]
fn the_portals_sign_in_token_signs_in_one_tab_on_any_page() {
    let mut consoles = Consoles::default();
    let login = "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=pre";
    let with_url = JitCredentials {
        console_url: Some(Secret::new(login)),
        ..creds(Some(3600))
    };
    consoles.store(&key("dev"), with_url.clone(), Partition::Aws, T0);
    let page = "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2";
    let portal = "https://acme.duplocloud.net";
    let built = consoles
        .take_portal_login(&key("dev"), T0, false, portal, page)
        .unwrap();
    assert_eq!(
        built.expose(),
        aws::login_url(Partition::Aws, portal, page, &Secret::new("pre")).expose()
    );
    assert_eq!(
        consoles.take_portal_login(&key("dev"), T0, false, portal, page),
        None,
        "spent"
    );
    // Home: the portal's own URL as it is; too old: none.
    consoles.store(&key("dev"), with_url, Partition::Aws, T0);
    assert_eq!(
        consoles.take_portal_login(&key("dev"), T0 + CONSOLE_URL_FRESH_MS, true, portal, page),
        None
    );
    assert_eq!(
        consoles
            .take_portal_login(&key("dev"), T0, true, portal, page)
            .map(|s| s.expose().to_owned()),
        Some(login.to_owned())
    );
}

#[test]
fn console_modes_have_one_name_each_as_serde_writes_it() {
    for (mode, name) in ConsoleModeSetting::NAMES {
        assert_eq!(serde_json::to_value(mode).unwrap(), *name);
        assert_eq!(ConsoleModeSetting::from_name(name), Some(*mode));
        assert_eq!(mode.name(), *name);
    }
    assert_eq!(ConsoleModeSetting::NAMES.len(), 3);
}

/// Found by the Firefox end-to-end tests: a second open of an identity whose tab was
/// closed went through the federation login again, which AWS refuses over the session
/// its container still holds ("You must first log out").
#[test]
fn in_containers_each_identity_holds_its_own_console() {
    let mut consoles = Consoles::default();
    let (dev, qa) = (key("dev"), key("qa"));
    let auto = ConsoleModeSetting::Auto;
    let console = "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2";
    for (tab, identity) in [(1, &dev), (2, &qa)] {
        consoles.store(identity, creds(Some(3600)), Partition::Aws, T0);
        consoles.register_tab(tab, identity);
        consoles.landed(tab, console, true);
    }
    // Both signed in at once, each in its container; the shared jar's holder is nobody.
    assert!(consoles.holds_console(&dev) && consoles.holds_console(&qa));
    assert!(consoles.holders.is_empty());
    // Their tabs closed, their containers still hold their sessions: straight in.
    assert!(consoles.tab_closed(1) && consoles.tab_closed(2));
    for identity in [&dev, &qa] {
        assert_eq!(
            consoles.route(identity, Partition::Aws, HOME, auto, true, T0),
            SignInRoute::Direct
        );
    }
    // Once the credentials ended, the container's session may linger: sign it out first.
    assert_eq!(
        consoles.route(&dev, Partition::Aws, HOME, auto, true, T0 + 3_600_000),
        SignInRoute::Login { logout_first: true }
    );
    // An identity never signed in there, or another partition: a plain login.
    assert_eq!(
        consoles.route(&key("prod"), Partition::Aws, HOME, auto, true, T0),
        SignInRoute::Login {
            logout_first: false
        }
    );
    assert_eq!(
        consoles.route(&dev, Partition::AwsUsGov, HOME, auto, true, T0),
        SignInRoute::Login {
            logout_first: false
        }
    );
}

#[test]
fn multi_session_is_detected_and_never_signs_out() {
    let mut consoles = Consoles::default();
    let (dev, qa) = (key("dev"), key("qa"));
    consoles.register_tab(1, &dev);
    consoles.landed(
        1,
        "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/console/home",
        false,
    );
    assert_eq!(consoles.detected_mode, Some(ConsoleMode::Multi));
    assert_eq!(
        consoles.route(
            &qa,
            Partition::Aws,
            HOME,
            ConsoleModeSetting::Auto,
            false,
            T0
        ),
        SignInRoute::Login {
            logout_first: false
        }
    );
    assert!(!consoles.holds_console(&dev));
    // The user's setting wins over detection.
    assert_eq!(
        consoles.route(
            &qa,
            Partition::Aws,
            HOME,
            ConsoleModeSetting::Single,
            false,
            T0
        ),
        SignInRoute::Login { logout_first: true }
    );
}

/// Identity `t{n}` signed in (tab `n`, used at `T0 + n`) to the multi-session console's
/// session `123456789012-sess000{n}`, for n in `0..count`; `isolated`: each in a container.
fn signed_in_multi(consoles: &mut Consoles, count: u64, isolated: bool) {
    for n in 0..count {
        let k = key(&format!("t{n}"));
        consoles.store(&k, creds(Some(3600)), Partition::Aws, T0);
        consoles.touch(&k, T0 + n);
        consoles.register_tab(n as TabId, &k);
        let url = format!(
            "https://123456789012-sess000{n}.us-west-2.console.aws.amazon.com/console/home"
        );
        consoles.landed(n as TabId, &url, isolated);
    }
}

#[test]
fn the_sixth_multi_session_makes_room_except_with_a_container_per_identity() {
    for isolated in [false, true] {
        let mut consoles = Consoles::default();
        signed_in_multi(&mut consoles, 5, isolated);
        for n in 0..5 {
            // Passing through a session's sign-out records nothing.
            let logout = aws::session_logout_url(
                "123456789012-gone0000.us-west-2.console.aws.amazon.com",
                "https://signin.aws.amazon.com/federation",
            )
            .unwrap();
            assert!(!consoles.landed(n as TabId, &logout, isolated));
        }
        let route = consoles.route(
            &key("new"),
            Partition::Aws,
            HOME,
            ConsoleModeSetting::Auto,
            isolated,
            T0,
        );
        if isolated {
            assert_eq!(
                route,
                SignInRoute::Login {
                    logout_first: false
                }
            );
            assert!(consoles.multi_sessions().counts(T0).is_empty());
        } else {
            assert_eq!(
                route,
                SignInRoute::MakeRoom {
                    host: "123456789012-sess0000.us-west-2.console.aws.amazon.com".into(),
                    id: key("t0").id(),
                }
            );
            assert_eq!(
                consoles
                    .session_signed_out("123456789012-sess0000.us-west-2.console.aws.amazon.com"),
                [0]
            );
            assert_eq!(consoles.key_of_tab(0), None, "its tab is no longer ours");
        }
    }
}

#[test]
fn landing_says_whether_who_holds_a_console_changed() {
    let home = "https://us-west-2.console.aws.amazon.com/console/home";
    let mut consoles = Consoles::default();
    consoles.register_tab(1, &key("dev"));
    consoles.register_tab(2, &key("qa"));
    assert!(consoles.landed(1, home, false), "dev now holds the console");
    assert!(!consoles.landed(1, home, false), "dev held it already");
    assert!(consoles.landed(2, home, false), "qa took it over");
    assert!(consoles.landed(1, home, true), "dev in its own container");
    assert!(
        !consoles.landed(1, home, true),
        "its container held it already"
    );
    assert!(!consoles.landed(9, home, false), "not a tab of ours");
}

#[test]
fn tabs_are_tracked_per_identity() {
    let mut consoles = Consoles::default();
    consoles.register_tab(7, &key("dev"));
    assert_eq!(consoles.open_tab(&key("dev")), Some(7));
    assert_eq!(consoles.open_tab(&key("qa")), None);
    assert_eq!(consoles.key_of_tab(7), Some(&key("dev")));
    assert!(consoles.tab_closed(7));
    assert_eq!(consoles.open_tab(&key("dev")), None);
    // Sign-in pages keep the tab; leaving AWS releases it.
    consoles.register_tab(8, &key("dev"));
    consoles.landed(
        8,
        "https://signin.aws.amazon.com/oauth?Action=logout",
        false,
    );
    assert_eq!(consoles.open_tab(&key("dev")), Some(8));
    consoles.landed(8, "https://news.example/", false);
    assert_eq!(consoles.open_tab(&key("dev")), None);
    // A tab that is not a console of ours teaches nothing.
    consoles.landed(
        99,
        "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/",
        false,
    );
    assert_eq!(consoles.detected_mode, None);
}

#[test]
fn destinations_stay_on_console_hosts_of_the_partition() {
    assert_eq!(
        Destination::Home.url(Partition::Aws, "us-west-2").unwrap(),
        "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2"
    );
    let s3 = Destination::Service {
        service: "s3".into(),
        region: None,
    }
    .url(Partition::Aws, "us-west-2")
    .unwrap();
    assert!(s3.starts_with("https://s3.console.aws.amazon.com/"), "{s3}");
    let iam = Destination::Service {
        service: "IAM".into(),
        region: Some("eu-west-1".into()),
    }
    .url(Partition::Aws, "us-west-2")
    .unwrap();
    assert!(!iam.contains("region="), "{iam}");
    assert!(Destination::Service {
        service: "nope".into(),
        region: None
    }
    .url(Partition::Aws, "us-west-2")
    .is_err());
    let arn = Destination::Arn {
        arn: "arn:aws:lambda:us-east-1:123456789012:function:api".into(),
    }
    .url(Partition::Aws, "us-west-2")
    .unwrap();
    assert!(
        arn.starts_with("https://us-east-1.console.aws.amazon.com/lambda/"),
        "{arn}"
    );
    assert_eq!(
        Destination::Arn {
            arn: "arn:aws-cn:s3:::b".into()
        }
        .url(Partition::Aws, "us-west-2"),
        Err(msg::ARN_WRONG_PARTITION.with(["aws-cn", "aws"]))
    );
    for bad in [
        "https://evil.example/",
        "http://us-west-2.console.aws.amazon.com/",
        "javascript:alert(1)",
        "https://console.amazonaws.cn/",
        "https:\\\\x.@console.aws.amazon.com\\",
        "https://user:pw@us-west-2.console.aws.amazon.com/",
        "https://us-west-2.console.aws.amazon.com:8443/",
    ] {
        assert!(!is_console_page(bad, Partition::Aws), "{bad}");
        assert!(
            Destination::Url { url: bad.into() }
                .url(Partition::Aws, "us-west-2")
                .is_err(),
            "{bad}"
        );
    }
    let moved = Destination::Url { url: "https://123456789012-abcd1234.us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2".into() }
        .url(Partition::Aws, "us-west-2")
        .unwrap();
    assert_eq!(
        moved,
        "https://us-west-2.console.aws.amazon.com/s3/buckets?region=us-west-2"
    );
}

#[test]
fn a_further_tab_of_a_signed_in_identity_opens_on_its_own_session_even_at_the_limit() {
    let mut consoles = Consoles::default();
    signed_in_multi(&mut consoles, 5, false);
    let auto = ConsoleModeSetting::Auto;
    let ec2 = "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:";
    // t2 has a live session: a second tab opens on it, in the destination's region; nobody,
    // t2 included, is signed out, and no sign-in is made.
    assert_eq!(
        consoles.route(&key("t2"), Partition::Aws, ec2, auto, false, T0 + 10),
        SignInRoute::OnSession {
            url: "https://123456789012-sess0002.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:".into()
        }
    );
    // A page without a region keeps the session's.
    assert_eq!(
        consoles.route(
            &key("t2"),
            Partition::Aws,
            "https://console.aws.amazon.com/iam/home#/roles",
            auto,
            false,
            T0 + 10
        ),
        SignInRoute::OnSession {
            url: "https://123456789012-sess0002.us-west-2.console.aws.amazon.com/iam/home#/roles"
                .into()
        }
    );
    // A new identity still has to make room.
    assert!(matches!(
        consoles.route(&key("t9"), Partition::Aws, ec2, auto, false, T0 + 10),
        SignInRoute::MakeRoom { .. }
    ));
    // Once t2's session ended, it signs in again (all five ended: no room needed).
    assert_eq!(
        consoles.route(&key("t2"), Partition::Aws, ec2, auto, false, T0 + 3_600_000),
        SignInRoute::Login {
            logout_first: false
        }
    );
    // Another partition's page is not opened on an aws session.
    assert_eq!(
        consoles.route(
            &key("t2"),
            Partition::AwsUsGov,
            "https://us-gov-west-1.console.amazonaws-us-gov.com/console/home",
            auto,
            false,
            T0 + 10
        ),
        SignInRoute::Login {
            logout_first: false
        }
    );
}
