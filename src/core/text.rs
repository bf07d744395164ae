//! Words the user reads. Every sentence lives in `extension/_locales/*/messages.json`; the
//! core names a message and its arguments, the UI asks the browser for the user's language,
//! and English (generated at build time) is the fallback and what native tests read.

use serde::{Deserialize, Serialize};

/// A message of `extension/_locales/en/messages.json`, known at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    /// The message's name in `messages.json`.
    pub name: &'static str,
}

/// Every message, one constant each (generated from `messages.json` by `build.rs`).
pub mod msg {
    use super::Msg;
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

impl Msg {
    /// Its English text, placeholders resolved to `$1`..`$9`.
    pub fn english(self) -> &'static str {
        english_of(self.name).unwrap_or(self.name)
    }

    /// This message with its arguments, ready to send to a page.
    pub fn with(self, args: impl IntoIterator<Item = impl Into<String>>) -> UserText {
        UserText {
            name: self.name.to_owned(),
            args: args.into_iter().map(Into::into).collect(),
            detail: None,
        }
    }

    /// This message without arguments.
    pub fn text(self) -> UserText {
        self.with(std::iter::empty::<String>())
    }
}

/// A sentence for the user, by message name and arguments, as it travels between the
/// worker and the pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserText {
    /// The message's name in `messages.json`.
    pub name: String,
    /// Its substitutions, `$1` first.
    pub args: Vec<String>,
    /// A sentence nested in this one: in the user's language too, it is the substitution
    /// after `args` (`The API host is not accepted: $1` with the reason as detail). Nested
    /// rather than rendered in the core, so the worker carries no English table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Box<UserText>>,
}

impl UserText {
    /// Text that is not a sentence of ours (a tenant's or a portal's name): shown as it is
    /// in every language.
    pub fn plain(text: impl Into<String>) -> Self {
        msg::PLAIN.with([text.into()])
    }

    /// The English sentence. A name the build does not know renders as itself, so a page
    /// never shows an empty error.
    pub fn english(&self) -> String {
        match english_of(&self.name) {
            Some(english) => crate::util::substitute(english, &self.args_with(UserText::english)),
            None => self.name.clone(),
        }
    }

    /// This sentence with `detail` nested in it.
    pub fn with_detail(mut self, detail: UserText) -> Self {
        self.detail = Some(Box::new(detail));
        self
    }

    /// The substitutions, with the detail rendered by `render` last.
    pub fn args_with(&self, render: impl Fn(&UserText) -> String) -> Vec<String> {
        let mut args = self.args.clone();
        args.extend(self.detail.as_deref().map(render));
        args
    }
}

/// Replaces `$1`..`$9` with `args` and `$$` with `$`, the way the browsers' `i18n` does.
/// The English text of the message named `name`, placeholders as `$1`..`$9`.
fn english_of(name: &str) -> Option<&'static str> {
    msg::ALL
        .iter()
        .find(|(m, _)| m.name == name)
        .map(|(_, english)| *english)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_generated_english() {
        let text = msg::REMOVE_PORTAL.with(["acme.duplocloud.net"]);
        assert_eq!(text.english(), "Remove acme.duplocloud.net");
    }

    #[test]
    fn every_message_is_a_sentence_or_label() {
        for (message, english) in msg::ALL {
            assert!(!english.trim().is_empty(), "{} is empty", message.name);
        }
    }
}
