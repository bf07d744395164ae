#![allow(clippy::unwrap_used)]
use super::*;
use crate::core::expiry::expires_text;

fn english(view: &BarAnswer) -> BarTexts<String> {
    match view.clone().localize(UserText::english) {
        BarAnswer::Shown(view) => view.texts,
        BarAnswer::Hidden => panic!("hidden"),
    }
}

#[test]
fn the_countdown_says_what_the_popup_says() {
    let texts = BarTexts::new(msg::IDENTITY_BAR_LABEL.with(["dev01", "acme"]));
    let view = BarAnswer::Shown(BarView {
        portal: "acme".into(),
        who: "dev01".into(),
        role: "tenant".into(),
        colour: "#1a73e8".into(),
        ink: "#ffffff".into(),
        expires_ms: None,
        texts,
        choices: vec![],
    });
    let texts = english(&view);
    let expiry = 1_800_000_000_000;
    for left in [
        1, 59_999, 60_000, 61_000, 119_999, 120_000, 2_700_000, 43_200_000,
    ] {
        assert_eq!(
            countdown_text(&texts, expiry, expiry - left),
            expires_text(expiry, expiry - left).unwrap().english(),
            "{left} ms left"
        );
    }
    assert_eq!(countdown_text(&texts, expiry, expiry), "session ended");
    assert_eq!(countdown_text(&texts, expiry, expiry + 5), "session ended");
}

#[test]
fn only_our_pages_and_our_script_on_a_console_top_document_are_heard() {
    let base = SenderFacts {
        our_id: "abc",
        our_base: "chrome-extension://abc/",
        id: Some("abc"),
        url: Some("chrome-extension://abc/popup.html"),
        tab_id: None,
        frame_id: None,
    };
    assert_eq!(sender_kind(&base), SenderKind::OurPage);
    let bar = SenderFacts {
        url: Some("https://us-east-1.console.aws.amazon.com/ec2/home"),
        tab_id: Some(7),
        frame_id: Some(0),
        ..base.clone()
    };
    assert_eq!(
        sender_kind(&bar),
        SenderKind::ConsoleBar(BarSender {
            tab_id: 7,
            frame_id: Some(0)
        })
    );
    for stranger in [
        // Another extension.
        SenderFacts {
            id: Some("other"),
            ..bar.clone()
        },
        // A frame inside the console.
        SenderFacts {
            frame_id: Some(3),
            ..bar.clone()
        },
        // Not in a tab.
        SenderFacts {
            tab_id: None,
            ..bar.clone()
        },
        // Not a console host (or one dressed up as it).
        SenderFacts {
            url: Some("https://evil.example/console.aws.amazon.com"),
            ..bar.clone()
        },
        SenderFacts {
            url: Some("https://x@console.aws.amazon.com/"),
            ..bar.clone()
        },
        SenderFacts {
            url: Some("http://console.aws.amazon.com/"),
            ..bar.clone()
        },
        SenderFacts {
            url: Some("https://signin.aws.amazon.com/federation"),
            ..bar.clone()
        },
        SenderFacts {
            url: None,
            ..bar.clone()
        },
        // An extension that does not know its own id.
        SenderFacts {
            our_id: "",
            id: Some(""),
            ..base.clone()
        },
    ] {
        assert_eq!(sender_kind(&stranger), SenderKind::Stranger, "{stranger:?}");
    }
    for partition_host in [
        "https://console.amazonaws-us-gov.com/",
        "https://console.amazonaws.cn/console/home",
        "https://123456789012-abcdefgh.us-east-1.console.aws.amazon.com/s3",
    ] {
        let facts = SenderFacts {
            url: Some(partition_host),
            ..bar.clone()
        };
        assert!(matches!(sender_kind(&facts), SenderKind::ConsoleBar(_)));
    }
}

#[test]
fn the_bar_speaks_no_page_request() {
    for page_request in [
        serde_json::json!({"type": "getState"}),
        serde_json::json!({"type": "renewNow", "key": {}}),
        serde_json::json!({"type": "copyCredentials"}),
        serde_json::json!({"type": "openConsole"}),
    ] {
        assert!(serde_json::from_value::<BarRequest>(page_request).is_err());
    }
    assert_eq!(
        serde_json::from_value::<BarRequest>(serde_json::json!({"type": "getIdentityBar"}))
            .unwrap(),
        BarRequest::GetIdentityBar
    );
    assert!(
        serde_json::from_value::<super::super::messages::Request>(
            serde_json::json!({"type": "getIdentityBar"})
        )
        .is_err(),
        "a bar request is no page request either"
    );
}

#[test]
fn changed_tabs_are_those_whose_identity_or_expiry_moved() {
    let (k, j) = (KeyId::from_text("k"), KeyId::from_text("j"));
    let a = BTreeMap::from([(1, (k.clone(), Some(5))), (2, (j.clone(), None))]);
    let b = BTreeMap::from([(1, (k, Some(6))), (3, (j, None))]);
    assert_eq!(changed_tabs(&a, &b), [1, 2, 3]);
    assert!(changed_tabs(&a, &a).is_empty());
}

#[test]
fn every_colour_name_has_a_css_colour() {
    let portal_colours = super::super::config::Colour::ALL.map(|c| c.container_name());
    for name in super::super::identity::GROUP_COLOURS
        .iter()
        .chain(super::super::identity::CONTAINER_COLOURS)
        .chain(&portal_colours)
    {
        let (colour, _) = css_colour(name);
        assert!(colour.starts_with('#'), "{name}");
        assert!(
            *name == "grey" || *name == "toolbar" || colour != css_colour("grey").0,
            "{name} is not grey"
        );
    }
}
