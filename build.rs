//! Keeps the Rust code, `manifest.json` and `extension/_locales/en/messages.json`
//! honest with each other, and generates from them what the code refers to.
//!
//! It fails the build when:
//! - the manifest's `version` differs from `Cargo.toml`'s;
//! - the manifest is not Manifest V3, lacks `'wasm-unsafe-eval'`, allows `'unsafe-inline'`,
//!   has no fixed `key`, or names a file that `extension/` does not hold;
//! - a `__MSG_name__` in the manifest has no English message.
//!
//! It writes `OUT_DIR/messages.rs`: one constant per English message (so a mistyped message
//! name does not compile) with its English text for native rendering, and
//! `OUT_DIR/manifest_facts.rs`: the manifest's permissions, for a test that compares them
//! with the browser APIs the adapters use.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn main() {
    if let Err(problem) = run() {
        // A build script reports failure by panicking; the message is what the developer reads.
        panic!("build.rs: {problem}");
    }
}

fn run() -> Result<(), String> {
    let root = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(env("OUT_DIR")?);
    for watched in ["manifest.json", "extension"] {
        println!("cargo:rerun-if-changed={watched}");
    }

    let manifest = read_json(&root.join("manifest.json"))?;
    let messages = read_json(&root.join("extension/_locales/en/messages.json"))?;
    let english = english_messages(&messages)?;

    check_manifest(&manifest, &root.join("extension"), &english)?;

    write(&out.join("messages.rs"), &messages_rs(&english))?;
    write(
        &out.join("manifest_facts.rs"),
        &manifest_facts_rs(&manifest),
    )?;
    Ok(())
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// One English message: its name and its text with named placeholders already resolved
/// to `$1`..`$9`.
struct Message {
    name: String,
    text: String,
}

fn english_messages(messages: &Value) -> Result<BTreeMap<String, Message>, String> {
    let entries = messages
        .as_object()
        .ok_or("messages.json must be an object")?;
    let mut out = BTreeMap::new();
    for (name, entry) in entries {
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@')
        {
            return Err(format!(
                "message name {name:?} has characters browsers refuse"
            ));
        }
        let raw = entry
            .get("message")
            .and_then(Value::as_str)
            .ok_or(format!("message {name:?} has no \"message\" string"))?;
        let mut text = raw.to_owned();
        if let Some(placeholders) = entry.get("placeholders").and_then(Value::as_object) {
            for (placeholder, spec) in placeholders {
                let content = spec.get("content").and_then(Value::as_str).ok_or(format!(
                    "placeholder {placeholder} of {name} has no content"
                ))?;
                text = replace_case_insensitive(&text, &format!("${placeholder}$"), content);
            }
        }
        let literal_dollars_removed = text.replace("$$", "");
        let mut chars = literal_dollars_removed.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && !chars.peek().is_some_and(char::is_ascii_digit) {
                return Err(format!(
                    "message {name:?} has an unresolved placeholder: {text}"
                ));
            }
        }
        out.insert(
            name.to_lowercase(),
            Message {
                name: name.clone(),
                text,
            },
        );
    }
    Ok(out)
}

fn replace_case_insensitive(text: &str, needle: &str, with: &str) -> String {
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    let mut out = String::new();
    let mut rest = 0;
    // Lower-casing ASCII placeholders keeps byte offsets; messages are checked ASCII-safe
    // around placeholders by construction (names are [A-Za-z0-9_]).
    while let Some(found) = lower[rest..].find(&needle) {
        out.push_str(&text[rest..rest + found]);
        out.push_str(with);
        rest += found + needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

fn check_manifest(
    manifest: &Value,
    extension_dir: &Path,
    english: &BTreeMap<String, Message>,
) -> Result<(), String> {
    let version = manifest
        .get("version")
        .and_then(Value::as_str)
        .ok_or("manifest.json has no version")?;
    let crate_version = env("CARGO_PKG_VERSION")?;
    if version != crate_version {
        return Err(format!(
            "manifest.json version {version} differs from Cargo.toml version {crate_version}"
        ));
    }
    if manifest.get("manifest_version").and_then(Value::as_u64) != Some(3) {
        return Err("manifest.json must be Manifest V3".into());
    }
    let csp = manifest
        .pointer("/content_security_policy/extension_pages")
        .and_then(Value::as_str)
        .ok_or("manifest.json needs content_security_policy.extension_pages")?;
    if !csp.contains("'wasm-unsafe-eval'") {
        return Err("the extension pages' CSP must allow 'wasm-unsafe-eval'".into());
    }
    if csp.contains("'unsafe-inline'") || csp.contains("'unsafe-eval'") {
        return Err("the extension pages' CSP must not allow unsafe-inline or unsafe-eval".into());
    }
    if manifest.get("key").and_then(Value::as_str).is_none() {
        return Err("manifest.json needs a fixed \"key\" (it fixes the Chrome id)".into());
    }

    let mut files: Vec<String> = Vec::new();
    for pointer in [
        "/background/service_worker",
        "/action/default_popup",
        "/options_ui/page",
    ] {
        if let Some(file) = manifest.pointer(pointer).and_then(Value::as_str) {
            files.push(file.to_owned());
        }
    }
    for pointer in ["/background/scripts"] {
        if let Some(list) = manifest.pointer(pointer).and_then(Value::as_array) {
            files.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    for pointer in ["/icons", "/action/default_icon"] {
        if let Some(map) = manifest.pointer(pointer).and_then(Value::as_object) {
            files.extend(map.values().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    for file in &files {
        if !extension_dir.join(file).is_file() {
            return Err(format!(
                "manifest.json names {file}, which extension/ does not hold"
            ));
        }
    }

    let text = manifest.to_string();
    for part in text.split("__MSG_").skip(1) {
        let name = part.split("__").next().unwrap_or_default();
        if !english.contains_key(&name.to_lowercase()) {
            return Err(format!(
                "manifest.json uses __MSG_{name}__, which has no English message"
            ));
        }
    }
    Ok(())
}

fn const_name(message_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in message_name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn messages_rs(english: &BTreeMap<String, Message>) -> String {
    let mut out =
        String::from("// Generated by build.rs from extension/_locales/en/messages.json.\n");
    let mut all = Vec::new();
    for message in english.values() {
        let constant = const_name(&message.name);
        let _ = writeln!(
            out,
            "/// {:?}\npub const {constant}: Msg = Msg {{ name: {:?} }};",
            message.text, message.name
        );
        all.push(format!("({constant}, {:?})", message.text));
    }
    let _ = writeln!(
        out,
        "/// Every message with its English text (only `Msg::english` reads it, so a module\n/// that never renders English, the worker's, carries none of it).\npub const ALL: &[(Msg, &str)] = &[{}];",
        all.join(", ")
    );
    out
}

fn manifest_facts_rs(manifest: &Value) -> String {
    let list = |pointer: &str| -> Vec<String> {
        manifest
            .pointer(pointer)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|s| format!("{s:?}"))
                    .collect()
            })
            .unwrap_or_default()
    };
    format!(
        "// Generated by build.rs from manifest.json.\n\
         /// The manifest's `permissions`.\n\
         pub const PERMISSIONS: &[&str] = &[{}];\n\
         /// The manifest's `host_permissions`.\n\
         pub const HOST_PERMISSIONS: &[&str] = &[{}];\n",
        list("/permissions").join(", "),
        list("/host_permissions").join(", ")
    )
}
