//! What the worker tells the user outside the pages: the toolbar badge and notifications.

use serde_json::json;

use crate::core::text::{msg, UserText};
use crate::wasm::bindings;
use crate::wasm::browser::{self, to_js};

/// The toolbar badge: its text, red when `urgent`.
pub async fn set_badge(text: &str, urgent: bool) {
    let colour = if urgent { "#c5221f" } else { "#1f2a44" };
    let Ok(action) = bindings::action() else {
        return;
    };
    if let Ok(details) = to_js(&json!({"text": text})) {
        let _ = action.set_badge_text(&details).await;
    }
    if let Ok(details) = to_js(&json!({"color": colour})) {
        let _ = action.set_badge_background_color(&details).await;
    }
}

/// A notification that offers renewal (with Renew and Dismiss buttons where the browser has
/// `buttons`; elsewhere a click on its body renews).
pub async fn notify(id: &str, title: &UserText, message: &UserText, buttons: bool) {
    let mut options = json!({
        "type": "basic",
        "iconUrl": bindings::runtime().map(|r| r.get_url("icons/icon128.png")).unwrap_or_default(),
        "title": browser::worker_text(title),
        "message": browser::worker_text(message),
    });
    if buttons {
        options["buttons"] = json!([
            {"title": browser::worker_text(&msg::NOTIFICATION_RENEW.text())},
            {"title": browser::worker_text(&msg::NOTIFICATION_DISMISS.text())}
        ]);
    }
    create_notification(id, &options).await;
}

/// A notification that says `message`.
pub async fn prompt(id: &str, message: &UserText) {
    let options = json!({
        "type": "basic",
        "iconUrl": bindings::runtime().map(|r| r.get_url("icons/icon128.png")).unwrap_or_default(),
        "title": browser::worker_text(&msg::NOTICE_TITLE.text()),
        "message": browser::worker_text(message),
    });
    create_notification(id, &options).await;
}

/// Takes a notification away.
pub async fn clear(id: &str) {
    if let Ok(notifications) = bindings::notifications() {
        let _ = notifications.clear(id).await;
    }
}

/// `notifications.create(id, options)`; a refusal is not the caller's concern.
async fn create_notification(id: &str, options: &serde_json::Value) {
    let (Ok(notifications), Ok(options)) = (bindings::notifications(), to_js(options)) else {
        return;
    };
    let _ = notifications.create(id, &options).await;
}
