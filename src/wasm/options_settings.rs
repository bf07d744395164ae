//! The settings section: stay signed in, console mode, renewal, notices, identity bar.

use wasm_bindgen::prelude::*;

use super::{checkbox, input, options, section, select, show};
use crate::core::config::{bounded_notify_minutes, Settings, NOTIFY_MINUTES};
use crate::core::consoles::ConsoleModeSetting;
use crate::core::messages::{Request, StateView};
use crate::core::text::msg;
use crate::wasm::browser::t;
use crate::wasm::client::ask;
use crate::wasm::dom::{self, by_id, El};

thread_local! {
    static LAST_SETTINGS: std::cell::RefCell<Settings> = std::cell::RefCell::default();
}

/// The settings controls: (element id, stored name).
pub(super) const SETTING_CONTROLS: &[(&str, &str)] = &[
    ("stay-signed-in", "staySignedIn"),
    ("console-mode", "consoleMode"),
    ("auto-renew", "autoRenew"),
    ("notify-minutes", "notifyMinutes"),
    ("identity-bar", "identityBar"),
];

pub(super) fn settings_section() -> Result<El, JsValue> {
    section("settings-heading", msg::SETTINGS_HEADING)?
        .child(checkbox(
            "stay-signed-in",
            msg::STAY_SIGNED_IN,
            msg::STAY_SIGNED_IN_HINT,
        )?)?
        .child(checkbox(
            "auto-renew",
            msg::AUTO_RENEW,
            msg::AUTO_RENEW_HINT,
        )?)?
        .child(checkbox(
            "identity-bar",
            msg::IDENTITY_BAR,
            msg::IDENTITY_BAR_HINT,
        )?)?
        .child(dom::labelled(
            "notify-minutes",
            &t(msg::NOTIFY_MINUTES_LABEL),
            El::new("input")?
                .attr("type", "number")?
                .attr("min", &NOTIFY_MINUTES.start().to_string())?
                .attr("max", &NOTIFY_MINUTES.end().to_string())?
                .attr("step", "1")?,
        )?)?
        .child(dom::labelled(
            "console-mode",
            &t(msg::CONSOLE_MODE_LABEL),
            options(
                El::new("select")?,
                &ConsoleModeSetting::NAMES
                    .iter()
                    .map(|(mode, name)| (*name, t(mode.label())))
                    .collect::<Vec<_>>(),
            )?,
        )?)?
        .child(
            El::new("p")?
                .attr("id", "managed-settings")?
                .attr("class", "hint")?
                .attr("hidden", "")?
                .text(&t(msg::SETTINGS_MANAGED))?,
        )
}

pub(super) async fn save_settings() -> Result<(), JsValue> {
    let settings = Settings {
        stay_signed_in: input("stay-signed-in")?.checked(),
        auto_renew: input("auto-renew")?.checked(),
        identity_bar: input("identity-bar")?.checked(),
        notify_minutes: input("notify-minutes")?
            .value()
            .trim()
            .parse::<u32>()
            .map_or(Settings::default().notify_minutes, bounded_notify_minutes),
        console_mode: ConsoleModeSetting::from_name(&select("console-mode")?.value())
            .unwrap_or_default(),
        // What this page does not show stays as it was.
        ..LAST_SETTINGS.with(|s| s.borrow().clone())
    };
    let response = ask(&Request::SetSettings(settings)).await;
    show(&response, Some(t(msg::SETTINGS_SAVED)))
}

pub(super) fn show_settings(state: &StateView) -> Result<(), JsValue> {
    let settings = &state.settings;
    select("console-mode")?.set_value(settings.console_mode.name());
    input("auto-renew")?.set_checked(settings.auto_renew);
    input("identity-bar")?.set_checked(settings.identity_bar);
    input("notify-minutes")?.set_value(&settings.notify_minutes.to_string());
    input("stay-signed-in")?.set_checked(settings.stay_signed_in);
    LAST_SETTINGS.with(|s| *s.borrow_mut() = settings.clone());
    for (id, name) in SETTING_CONTROLS {
        let control = by_id(id)?;
        if state.managed_settings.iter().any(|m| m == name) {
            control.set_attribute("disabled", "")?;
        } else {
            control.remove_attribute("disabled")?;
        }
    }
    let note = by_id("managed-settings")?;
    if state.managed_settings.is_empty() {
        note.set_attribute("hidden", "")
    } else {
        note.remove_attribute("hidden")
    }
}
