//! The tests of [`super`], a file per part, and what they share.

use super::*;
use crate::core::portal_api::UserInfo;
use crate::core::portal_url::Origin;
use crate::core::portal_url::PortalUrl;
use crate::core::secret::Secret;
use crate::core::text::msg;

const T0: u64 = 1_800_000_000_000;

fn portal() -> PortalUrl {
    PortalUrl::parse("acme.duplocloud.net").unwrap()
}

fn user() -> UserInfo {
    UserInfo {
        username: "alice@acme.io".into(),
        is_admin: false,
    }
}

/// The random number of [`started`]: port from 7, nonce from the rest.
const RANDOM: u128 = (0x5eed_u128 << 32) | 7;

fn started(sessions: &mut Sessions, tab: TabId) -> u16 {
    match sessions.begin_sign_in(&portal(), RANDOM, T0) {
        SignInStart::Open(plan) => {
            sessions.sign_in_tab_opened(portal().origin(), plan.port, tab);
            plan.port
        }
        other => panic!("{other:?}"),
    }
}

/// What the redirect rule of [`started`]'s attempt makes of `localhost:port/?t=token`.
fn handoff_url(port: u16, token: &str) -> String {
    let nonce = nonce_of(RANDOM);
    format!("chrome-extension://abc/handoff.html?port={port}&n={nonce}&t={token}")
}

fn active(sessions: &mut Sessions, token: &str, at: u64) -> Secret {
    let token = Secret::new(token);
    sessions.activate(
        portal().origin(),
        token.clone(),
        TokenSource::PortalTab,
        user(),
        at,
    );
    token
}

mod handoff;
mod reauthorize;
