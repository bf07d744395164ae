//! AWS consoles per tenant: which credentials are live, which tab shows whom, and how to
//! sign a tab in (single- or multi-session console). Pure: time is passed in.

use crate::core::credentials::LiveCredentials;
use crate::core::identity::{ConsoleKey, KeyId};
use crate::core::multi_session::MultiSessions;
use crate::core::renewal::Retry;
use crate::core::session::TabId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

mod destination;
mod held;
mod mode;
mod route;
mod tabs;

pub use destination::*;
pub use mode::*;

/// All console state of the browser. Holds secrets: kept in `storage.session` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Consoles {
    /// Live credentials by [`ConsoleKey::id`].
    credentials: BTreeMap<KeyId, LiveCredentials>,
    /// The identities seen, by id.
    keys: BTreeMap<KeyId, ConsoleKey>,
    /// Console tabs opened by the extension, and whose they are.
    tabs: BTreeMap<TabId, KeyId>,
    /// Chrome tab groups by key id.
    groups: BTreeMap<KeyId, i32>,
    /// Per partition, the identity that holds the single-session console.
    holders: BTreeMap<String, KeyId>,
    /// Per partition, the identities signed in to the console each in a container of its own
    /// (Firefox): a container is a cookie jar holding one identity's console session, which
    /// outlives the identity's tabs.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    contained: BTreeMap<String, BTreeSet<KeyId>>,
    /// What the console was seen to be.
    detected_mode: Option<ConsoleMode>,
    /// Identities already notified about their current credentials' end.
    notified: BTreeSet<KeyId>,
    /// Identities whose last renewal failed, and when to try again.
    retries: BTreeMap<KeyId, Retry>,
    /// When each tab was last signed in again from the console's expired page.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    expired_resigned: BTreeMap<TabId, u64>,
    /// The multi-session console's sessions.
    #[serde(skip_serializing_if = "MultiSessions::is_empty")]
    multi: MultiSessions,
}

/// The console's expired page signs a tab in again at most this often: a console that keeps
/// sending the tab back there does not make a request loop.
pub const EXPIRED_PAGE_INTERVAL_MS: u64 = 20_000;

#[cfg(test)]
mod tests;
