//! Credentials as text to paste: shell exports, a `credential_process` answer, the console
//! link. Every result is a [`Secret`].
//!
//! A value containing a line break or another control character (or a Unicode line
//! separator or bidirectional override) cannot be pasted into a terminal safely whatever
//! the quoting: a line break may run what follows as a command, and invisible characters
//! hide what is pasted. Real credentials never contain them, so [`format()`] refuses such a
//! value (`None`) instead of quoting it.

use serde::{Deserialize, Serialize};

use super::aws::{json_string, JitCredentials};
use super::secret::Secret;
use super::text::{msg, Msg};

/// A way to copy credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CopyFormat {
    /// `export NAME='value'` lines for bash and zsh.
    Bash,
    /// `set -gx NAME 'value'` lines for fish.
    Fish,
    /// `$Env:NAME = 'value'` lines for PowerShell.
    PowerShell,
    /// The JSON an AWS `credential_process` prints.
    CredentialProcess,
    /// The console sign-in link.
    ConsoleLink,
}

impl CopyFormat {
    /// Every format, in menu order, with its one name (in messages, as serde writes it, and
    /// in the pages' markup).
    pub const NAMES: &'static [(CopyFormat, &'static str)] = &[
        (Self::Bash, "bash"),
        (Self::Fish, "fish"),
        (Self::PowerShell, "powerShell"),
        (Self::CredentialProcess, "credentialProcess"),
        (Self::ConsoleLink, "consoleLink"),
    ];

    /// Every format, in menu order.
    pub fn all() -> impl Iterator<Item = CopyFormat> {
        Self::NAMES.iter().map(|(format, _)| *format)
    }

    /// The format's name ([`Self::NAMES`]).
    pub fn name(self) -> &'static str {
        crate::util::name_in(Self::NAMES, &self)
    }

    /// The format named `name` ([`Self::NAMES`]).
    pub fn from_name(name: &str) -> Option<CopyFormat> {
        crate::util::named(Self::NAMES, name)
    }

    /// The format's name as the user reads it.
    pub fn label(self) -> Msg {
        match self {
            Self::Bash => msg::COPY_FORMAT_BASH,
            Self::Fish => msg::COPY_FORMAT_FISH,
            Self::PowerShell => msg::COPY_FORMAT_POWER_SHELL,
            Self::CredentialProcess => msg::COPY_FORMAT_CREDENTIAL_PROCESS,
            Self::ConsoleLink => msg::COPY_FORMAT_CONSOLE_LINK,
        }
    }
}

/// Whether `value` can be pasted into a shell or JSON safely (see the module's note).
fn is_pastable(value: &str) -> bool {
    !value.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// `value` in bash single quotes: everything literal, `'` written as `'\''`.
fn bash_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// `value` in fish single quotes, where `\` and `'` are escaped with a backslash.
fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// `value` in PowerShell single quotes. PowerShell also takes the typographic single quotes
/// (U+2018..U+201B) as quotes; each quote is doubled, which PowerShell reads as one.
fn powershell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}'..='\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The credentials as text in `format`, ending with a line break (except the console link,
/// which is the bare link).
///
/// The shell formats set `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
/// and, unless `region` is empty, `AWS_REGION` and `AWS_DEFAULT_REGION`.
/// `CredentialProcess` is exactly what `duplo-jit aws` prints, with `expiry_ms` (Unix
/// milliseconds) as its `Expiration`. `ConsoleLink` is `console_link`.
///
/// `None` when there is nothing to copy (no console link) or a value cannot be pasted safely
/// (a line break or control character in it; see the module's note).
pub fn format(
    format: CopyFormat,
    creds: &JitCredentials,
    region: &str,
    expiry_ms: u64,
    console_link: Option<&Secret>,
) -> Option<Secret> {
    let key_id = creds.access_key_id.as_str();
    let secret = creds.secret_access_key.expose();
    let token = creds.session_token.expose();
    if format == CopyFormat::ConsoleLink {
        let link = console_link?.expose();
        return (!link.is_empty() && is_pastable(link)).then(|| Secret::new(link));
    }
    if ![key_id, secret, token, region]
        .iter()
        .all(|v| is_pastable(v))
    {
        return None;
    }
    if format == CopyFormat::CredentialProcess {
        return Some(Secret::new(format!(
            "{{\"Version\":1,\"AccessKeyId\":{},\"SecretAccessKey\":{},\"SessionToken\":{},\"Expiration\":{}}}\n",
            json_string(key_id),
            json_string(secret),
            json_string(token),
            json_string(&crate::util::rfc3339(expiry_ms)),
        )));
    }
    let mut variables = vec![
        ("AWS_ACCESS_KEY_ID", key_id),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_SESSION_TOKEN", token),
    ];
    if !region.is_empty() {
        variables.push(("AWS_REGION", region));
        variables.push(("AWS_DEFAULT_REGION", region));
    }
    let mut out = String::new();
    for (name, value) in variables {
        let line = match format {
            CopyFormat::Fish => format!("set -gx {name} {}\n", fish_quote(value)),
            CopyFormat::PowerShell => format!("$Env:{name} = {}\n", powershell_quote(value)),
            _ => format!("export {name}={}\n", bash_quote(value)),
        };
        out.push_str(&line);
    }
    Some(Secret::new(out))
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_formats_have_one_name_each_as_serde_writes_it() {
        for (format, name) in CopyFormat::NAMES {
            assert_eq!(serde_json::to_value(format).unwrap(), *name);
            assert_eq!(CopyFormat::from_name(name), Some(*format));
            assert_eq!(format.name(), *name);
        }
        assert_eq!(CopyFormat::all().count(), 5);
    }

    use super::*;

    const KEY_ID: &str = "ASIAIOSFODNN7EXAMPLE";
    const SECRET_KEY: &str = "wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLE==";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVz+abc=";

    fn creds_with(secret: &str) -> JitCredentials {
        JitCredentials {
            access_key_id: KEY_ID.into(),
            secret_access_key: Secret::new(secret),
            session_token: Secret::new(TOKEN),
            region: Some("us-west-2".into()),
            console_url: None,
            validity_secs: None,
        }
    }

    fn creds() -> JitCredentials {
        creds_with(SECRET_KEY)
    }

    /// 2026-11-23T18:04:05Z.
    const EXPIRY_MS: u64 = 1_795_457_045_000;

    fn text(format: CopyFormat, creds: &JitCredentials, region: &str) -> String {
        super::format(format, creds, region, EXPIRY_MS, None)
            .map(|s| s.expose().to_owned())
            .unwrap_or_else(|| panic!("{format:?} refused"))
    }

    #[test]
    fn bash_exports() {
        assert_eq!(
            text(CopyFormat::Bash, &creds(), "us-west-2"),
            format!(
                "export AWS_ACCESS_KEY_ID='{KEY_ID}'\n\
                 export AWS_SECRET_ACCESS_KEY='{SECRET_KEY}'\n\
                 export AWS_SESSION_TOKEN='{TOKEN}'\n\
                 export AWS_REGION='us-west-2'\n\
                 export AWS_DEFAULT_REGION='us-west-2'\n"
            )
        );
    }

    #[test]
    fn fish_sets() {
        assert_eq!(
            text(CopyFormat::Fish, &creds(), "eu-west-1"),
            format!(
                "set -gx AWS_ACCESS_KEY_ID '{KEY_ID}'\n\
                 set -gx AWS_SECRET_ACCESS_KEY '{SECRET_KEY}'\n\
                 set -gx AWS_SESSION_TOKEN '{TOKEN}'\n\
                 set -gx AWS_REGION 'eu-west-1'\n\
                 set -gx AWS_DEFAULT_REGION 'eu-west-1'\n"
            )
        );
    }

    #[test]
    fn powershell_sets() {
        assert_eq!(
            text(CopyFormat::PowerShell, &creds(), "us-gov-west-1"),
            format!(
                "$Env:AWS_ACCESS_KEY_ID = '{KEY_ID}'\n\
                 $Env:AWS_SECRET_ACCESS_KEY = '{SECRET_KEY}'\n\
                 $Env:AWS_SESSION_TOKEN = '{TOKEN}'\n\
                 $Env:AWS_REGION = 'us-gov-west-1'\n\
                 $Env:AWS_DEFAULT_REGION = 'us-gov-west-1'\n"
            )
        );
    }

    #[test]
    fn an_empty_region_is_left_out() {
        let bash = text(CopyFormat::Bash, &creds(), "");
        assert_eq!(bash.lines().count(), 3);
        assert!(!bash.contains("REGION"));
    }

    #[test]
    fn credential_process_json_like_duplo_jit() {
        let out = text(CopyFormat::CredentialProcess, &creds(), "us-west-2");
        assert_eq!(
            out,
            format!(
                "{{\"Version\":1,\"AccessKeyId\":\"{KEY_ID}\",\"SecretAccessKey\":\"{SECRET_KEY}\",\"SessionToken\":\"{TOKEN}\",\"Expiration\":\"2026-11-23T18:04:05Z\"}}\n"
            )
        );
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["Version"], 1);
        assert_eq!(parsed["SecretAccessKey"], SECRET_KEY);
        // The same with a value JSON must escape.
        let odd = creds_with("a\"b\\c'd$e");
        let out = text(CopyFormat::CredentialProcess, &odd, "us-west-2");
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["SecretAccessKey"], "a\"b\\c'd$e");
    }

    #[test]
    fn console_link_is_the_link_itself() {
        let link =
            Secret::new("https://signin.aws.amazon.com/federation?Action=login&SigninToken=x");
        let out = format(
            CopyFormat::ConsoleLink,
            &creds(),
            "us-west-2",
            0,
            Some(&link),
        );
        assert_eq!(out, Some(link));
        assert_eq!(
            format(CopyFormat::ConsoleLink, &creds(), "us-west-2", 0, None),
            None
        );
        let empty = Secret::new("");
        assert_eq!(
            format(CopyFormat::ConsoleLink, &creds(), "", 0, Some(&empty)),
            None
        );
        let broken = Secret::new("https://x\nrm -rf ~");
        assert_eq!(
            format(CopyFormat::ConsoleLink, &creds(), "", 0, Some(&broken)),
            None
        );
    }

    /// What `sh -c` / `fish -c` / PowerShell would read back from a single-quoted word, by
    /// the languages' own rules (a small reader, so the test needs no shell).
    fn unquote_bash(word: &str) -> String {
        // 'a'\''b' → a'b
        let mut out = String::new();
        let mut chars = word.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (false, '\'') | (true, '\'') => quoted = !quoted,
                (false, '\\') => out.push(chars.next().unwrap()),
                (_, c) => out.push(c),
            }
        }
        assert!(!quoted, "unterminated: {word}");
        out
    }

    fn unquote_fish(word: &str) -> String {
        let inner = word.strip_prefix('\'').unwrap().strip_suffix('\'').unwrap();
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next().unwrap() {
                    e @ ('\\' | '\'') => out.push(e),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                },
                '\'' => panic!("bare quote in {word}"),
                c => out.push(c),
            }
        }
        out
    }

    fn unquote_powershell(word: &str) -> String {
        let is_quote = |c: char| matches!(c, '\'' | '\u{2018}'..='\u{201b}');
        let inner: Vec<char> = word
            .strip_prefix('\'')
            .unwrap()
            .strip_suffix('\'')
            .unwrap()
            .chars()
            .collect();
        let mut out = String::new();
        let mut i = 0;
        while i < inner.len() {
            if is_quote(inner[i]) {
                assert!(i + 1 < inner.len() && is_quote(inner[i + 1]), "{word}");
                out.push(inner[i + 1]);
                i += 2;
            } else {
                out.push(inner[i]);
                i += 1;
            }
        }
        out
    }

    fn value_of(line: &str, format: CopyFormat) -> String {
        match format {
            CopyFormat::Bash => unquote_bash(line.split_once('=').unwrap().1),
            CopyFormat::Fish => unquote_fish(line.splitn(4, ' ').nth(3).unwrap()),
            _ => unquote_powershell(line.split_once(" = ").unwrap().1),
        }
    }

    #[test]
    fn hostile_values_are_quoted_exactly() {
        for value in [
            "it's",
            "''",
            "'",
            "$HOME",
            "$(rm -rf ~)",
            "`id`",
            "back\\slash\\",
            "\\'",
            "a\"b",
            "%PATH% ${x} !! *",
            "‘curly’ ‛quotes‚",
            "ünïcødé 日本",
            " leading and trailing ",
        ] {
            let creds = creds_with(value);
            for format in [CopyFormat::Bash, CopyFormat::Fish, CopyFormat::PowerShell] {
                let out = text(format, &creds, "us-west-2");
                let line = out.lines().nth(1).unwrap();
                assert_eq!(value_of(line, format), value, "{format:?}: {line}");
                assert_eq!(out.lines().count(), 5);
            }
        }
    }

    #[test]
    fn quoting_examples() {
        assert_eq!(bash_quote("it's"), r"'it'\''s'");
        assert_eq!(fish_quote(r"it's a\b"), r"'it\'s a\\b'");
        assert_eq!(powershell_quote("it's"), "'it''s'");
        assert_eq!(powershell_quote("a’b"), "'a’’b'");
    }

    #[test]
    fn values_that_cannot_be_pasted_are_refused() {
        for value in [
            "line\nbreak",
            "carriage\rreturn",
            "tab\there",
            "nul\u{0}",
            "escape\u{1b}[31m",
            "del\u{7f}",
            "c1\u{85}",
            "sep\u{2028}",
            "bidi\u{202e}txt",
            "iso\u{2066}late",
        ] {
            for format in CopyFormat::all() {
                let creds = creds_with(value);
                let link = Secret::new("https://signin.aws.amazon.com/x");
                let out = super::format(format, &creds, "us-west-2", 0, Some(&link));
                if format == CopyFormat::ConsoleLink {
                    assert!(out.is_some());
                } else {
                    assert_eq!(out, None, "{format:?} {value:?}");
                }
            }
            assert_eq!(
                format(CopyFormat::Bash, &creds(), value, 0, None),
                None,
                "region {value:?}"
            );
        }
        let mut bad_id = creds();
        bad_id.access_key_id = "ASIA\nX".into();
        assert_eq!(format(CopyFormat::Fish, &bad_id, "", 0, None), None);
    }

    #[test]
    fn copied_text_never_prints() {
        let out = format(CopyFormat::Bash, &creds(), "us-west-2", 0, None).unwrap();
        assert_eq!(format!("{out:?}"), "[redacted]");
    }

    #[test]
    fn formats_have_labels_and_a_stable_wire_form() {
        let names: Vec<String> = CopyFormat::all()
            .map(|f| serde_json::to_string(&f).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "\"bash\"",
                "\"fish\"",
                "\"powerShell\"",
                "\"credentialProcess\"",
                "\"consoleLink\""
            ]
        );
        for format in CopyFormat::all() {
            assert!(!format.label().english().is_empty());
            let back: CopyFormat =
                serde_json::from_str(&serde_json::to_string(&format).unwrap()).unwrap();
            assert_eq!(back, format);
        }
        assert_eq!(CopyFormat::Bash.label(), msg::COPY_FORMAT_BASH);
        assert_eq!(CopyFormat::PowerShell.label(), msg::COPY_FORMAT_POWER_SHELL);
    }
}
