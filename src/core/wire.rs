//! The JSON of the internally tagged enums (`{"kind": "tenant", "id": …}`): the tag and
//! the variant's fields in one object, the fields of a newtype variant's struct flattened
//! into it. Written by hand over [`super::json`]'s helpers: the tag may come anywhere in the
//! object, other fields are ignored, and a variant's missing field is an error naming it.

use super::config::Settings;
use super::consoles::{ConsoleKey, Destination, OpenConsole, Role};
use super::json::{FromJson, Json, JsonError, ObjectWriter, ToJson};
use super::messages::{Request, Response, SessionView, StateView};
use super::secret::Secret;
use super::session::{ActiveSession, Session, SignInAttempt, Waiting};

/// Starts the object of a tagged enum's value: `{"<name>":"<tag>"`. The caller writes the
/// variant's fields and ends it.
fn tagged<'a>(out: &'a mut String, name: &str, tag: &str) -> ObjectWriter<'a> {
    let mut writer = ObjectWriter::new(out);
    writer.req(name, &tag);
    writer
}

/// The tag `name` of an object's members, and the members.
fn read_tag(value: Json, name: &'static str) -> Result<(String, super::json::Fields), JsonError> {
    let mut fields = super::json::Fields::of(value)?;
    let tag = fields.req(name)?;
    Ok((tag, fields))
}

fn unknown(name: &'static str) -> JsonError {
    JsonError::UnknownVariant.in_field(name)
}

impl FromJson for Role {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut fields) = read_tag(value, "kind")?;
        Ok(match tag.as_str() {
            "tenant" => Self::Tenant {
                id: fields.req("id")?,
                name: fields.req("name")?,
            },
            "admin" => Self::Admin,
            "duploOps" => Self::DuploOps,
            _ => return Err(unknown("kind")),
        })
    }
}

impl ToJson for Role {
    fn write_json(&self, out: &mut String) {
        let writer = match self {
            Self::Tenant { id, name } => {
                let mut writer = tagged(out, "kind", "tenant");
                writer.req("id", id);
                writer.req("name", name);
                writer
            }
            Self::Admin => tagged(out, "kind", "admin"),
            Self::DuploOps => tagged(out, "kind", "duploOps"),
        };
        writer.end();
    }
}

impl FromJson for Destination {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut fields) = read_tag(value, "kind")?;
        Ok(match tag.as_str() {
            "home" => Self::Home,
            "service" => Self::Service {
                service: fields.req("service")?,
                region: fields.req("region")?,
            },
            "arn" => Self::Arn {
                arn: fields.req("arn")?,
            },
            "url" => Self::Url {
                url: fields.req("url")?,
            },
            _ => return Err(unknown("kind")),
        })
    }
}

impl ToJson for Destination {
    fn write_json(&self, out: &mut String) {
        let writer = match self {
            Self::Home => tagged(out, "kind", "home"),
            Self::Service { service, region } => {
                let mut writer = tagged(out, "kind", "service");
                writer.req("service", service);
                writer.req("region", region);
                writer
            }
            Self::Arn { arn } => {
                let mut writer = tagged(out, "kind", "arn");
                writer.req("arn", arn);
                writer
            }
            Self::Url { url } => {
                let mut writer = tagged(out, "kind", "url");
                writer.req("url", url);
                writer
            }
        };
        writer.end();
    }
}

impl FromJson for Session {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut fields) = read_tag(value, "state")?;
        Ok(match tag.as_str() {
            "signedOut" => Self::SignedOut,
            "signingIn" => Self::SigningIn(SignInAttempt::read_fields(&mut fields)?),
            "active" => Self::Active(ActiveSession::read_fields(&mut fields)?),
            _ => return Err(unknown("state")),
        })
    }
}

impl ToJson for Session {
    fn write_json(&self, out: &mut String) {
        let writer = match self {
            Self::SignedOut => tagged(out, "state", "signedOut"),
            Self::SigningIn(attempt) => {
                let mut writer = tagged(out, "state", "signingIn");
                attempt.write_fields(&mut writer);
                writer
            }
            Self::Active(active) => {
                let mut writer = tagged(out, "state", "active");
                active.write_fields(&mut writer);
                writer
            }
        };
        writer.end();
    }
}

impl FromJson for Waiting {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut fields) = read_tag(value, "type")?;
        Ok(match tag.as_str() {
            "refreshTenants" => Self::RefreshTenants,
            "openConsole" => Self::OpenConsole(Box::new(OpenConsole::read_fields(&mut fields)?)),
            "renew" => Self::Renew(ConsoleKey::read_fields(&mut fields)?),
            _ => return Err(unknown("type")),
        })
    }
}

impl ToJson for Waiting {
    fn write_json(&self, out: &mut String) {
        let writer = match self {
            Self::RefreshTenants => tagged(out, "type", "refreshTenants"),
            Self::OpenConsole(open) => {
                let mut writer = tagged(out, "type", "openConsole");
                open.write_fields(&mut writer);
                writer
            }
            Self::Renew(key) => {
                let mut writer = tagged(out, "type", "renew");
                key.write_fields(&mut writer);
                writer
            }
        };
        writer.end();
    }
}

impl FromJson for SessionView {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut fields) = read_tag(value, "state")?;
        Ok(match tag.as_str() {
            "signedOut" => Self::SignedOut,
            "signingIn" => Self::SigningIn,
            "active" => Self::Active {
                username: fields.req("username")?,
                is_admin: fields.req("isAdmin")?,
                admin_jit: fields.req("adminJit")?,
                duplo_ops: fields.req("duploOps")?,
                otp_needed: fields.req("otpNeeded")?,
            },
            _ => return Err(unknown("state")),
        })
    }
}

impl ToJson for SessionView {
    fn write_json(&self, out: &mut String) {
        let writer = match self {
            Self::SignedOut => tagged(out, "state", "signedOut"),
            Self::SigningIn => tagged(out, "state", "signingIn"),
            Self::Active {
                username,
                is_admin,
                admin_jit,
                duplo_ops,
                otp_needed,
            } => {
                let mut writer = tagged(out, "state", "active");
                writer.req("username", username);
                writer.req("isAdmin", is_admin);
                writer.req("adminJit", admin_jit);
                writer.req("duploOps", duplo_ops);
                writer.req("otpNeeded", otp_needed);
                writer
            }
        };
        writer.end();
    }
}

impl FromJson for Response {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut fields) = read_tag(value, "type")?;
        Ok(match tag.as_str() {
            "state" => Self::State(StateView::read_fields(&mut fields)?),
            "copied" => Self::Copied {
                text: fields.req("text")?,
                state: fields.req("state")?,
            },
            "exported" => Self::Exported {
                file: fields.req("file")?,
                state: fields.req("state")?,
            },
            "error" => Self::Error {
                message: fields.req("message")?,
                state: fields.req("state")?,
            },
            _ => return Err(unknown("type")),
        })
    }
}

impl ToJson for Response {
    fn write_json(&self, out: &mut String) {
        let writer = match self {
            Self::State(state) => {
                let mut writer = tagged(out, "type", "state");
                state.write_fields(&mut writer);
                writer
            }
            Self::Copied { text, state } => {
                let mut writer = tagged(out, "type", "copied");
                writer.req("text", text);
                writer.req("state", state);
                writer
            }
            Self::Exported { file, state } => {
                let mut writer = tagged(out, "type", "exported");
                writer.req("file", file);
                writer.req("state", state);
                writer
            }
            Self::Error { message, state } => {
                let mut writer = tagged(out, "type", "error");
                writer.req("message", message);
                writer.req("state", state);
                writer
            }
        };
        writer.end();
    }
}

impl Request {
    /// Its `type` in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::GetState => "getState",
            Self::GetStateFor { .. } => "getStateFor",
            Self::EditPortal { .. } => "editPortal",
            Self::SetFavourite { .. } => "setFavourite",
            Self::ExportConfig => "exportConfig",
            Self::ImportConfig { .. } => "importConfig",
            Self::ForgetEverything => "forgetEverything",
            Self::AddPortal { .. } => "addPortal",
            Self::RemovePortal { .. } => "removePortal",
            Self::SignIn { .. } => "signIn",
            Self::SignInQuietly { .. } => "signInQuietly",
            Self::SignOut { .. } => "signOut",
            Self::Refresh { .. } => "refresh",
            Self::OpenConsole { .. } => "openConsole",
            Self::RefreshCredentials { .. } => "refreshCredentials",
            Self::CopyCredentials { .. } => "copyCredentials",
            Self::RenewNow { .. } => "renewNow",
            Self::SetKeepAlive { .. } => "setKeepAlive",
            Self::SetSettings(_) => "setSettings",
            Self::Handoff { .. } => "handoff",
        }
    }
}

impl FromJson for Request {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let (tag, mut f) = read_tag(value, "type")?;
        Ok(match tag.as_str() {
            "getState" => Self::GetState,
            "getStateFor" => Self::GetStateFor {
                tab_id: f.req("tabId")?,
                url: f.req("url")?,
            },
            "editPortal" => Self::EditPortal {
                origin: f.req("origin")?,
                edit: f.req("edit")?,
            },
            "setFavourite" => Self::SetFavourite {
                key: f.req("key")?,
                favourite: f.req("favourite")?,
            },
            "exportConfig" => Self::ExportConfig,
            "importConfig" => Self::ImportConfig {
                text: f.req("text")?,
            },
            "forgetEverything" => Self::ForgetEverything,
            "addPortal" => Self::AddPortal {
                url: f.req("url")?,
                api_token: f.req("apiToken")?,
            },
            "removePortal" => Self::RemovePortal {
                origin: f.req("origin")?,
            },
            "signIn" => Self::SignIn {
                origin: f.req("origin")?,
            },
            "signInQuietly" => Self::SignInQuietly {
                origin: f.req("origin")?,
            },
            "signOut" => Self::SignOut {
                origin: f.req("origin")?,
            },
            "refresh" => Self::Refresh {
                origin: f.req("origin")?,
            },
            "openConsole" => Self::OpenConsole {
                open: f.req("open")?,
                otp: f.req("otp")?,
            },
            "refreshCredentials" => Self::RefreshCredentials {
                key: f.req("key")?,
                otp: f.req("otp")?,
            },
            "copyCredentials" => Self::CopyCredentials {
                key: f.req("key")?,
                format: f.req("format")?,
                otp: f.req("otp")?,
            },
            "renewNow" => Self::RenewNow { key: f.req("key")? },
            "setKeepAlive" => Self::SetKeepAlive {
                key: f.req("key")?,
                keep: f.req("keep")?,
            },
            "setSettings" => Self::SetSettings(Settings::read_fields(&mut f)?),
            "handoff" => Self::Handoff {
                url: Secret::from(f.req::<String>("url")?),
            },
            _ => return Err(unknown("type")),
        })
    }
}

impl ToJson for Request {
    fn write_json(&self, out: &mut String) {
        let mut w = tagged(out, "type", self.kind());
        match self {
            Self::GetState | Self::ExportConfig | Self::ForgetEverything => {}
            Self::GetStateFor { tab_id, url } => {
                w.lean("tabId", tab_id);
                w.lean("url", url);
            }
            Self::EditPortal { origin, edit } => {
                w.req("origin", origin);
                w.req("edit", edit);
            }
            Self::SetFavourite { key, favourite } => {
                w.req("key", key);
                w.req("favourite", favourite);
            }
            Self::ImportConfig { text } => w.req("text", text),
            Self::AddPortal { url, api_token } => {
                w.req("url", url);
                w.lean("apiToken", api_token);
            }
            Self::RemovePortal { origin }
            | Self::SignIn { origin }
            | Self::SignInQuietly { origin }
            | Self::SignOut { origin }
            | Self::Refresh { origin } => w.req("origin", origin),
            Self::OpenConsole { open, otp } => {
                w.req("open", open);
                w.lean("otp", otp);
            }
            Self::RefreshCredentials { key, otp } => {
                w.req("key", key);
                w.lean("otp", otp);
            }
            Self::CopyCredentials { key, format, otp } => {
                w.req("key", key);
                w.req("format", format);
                w.lean("otp", otp);
            }
            Self::RenewNow { key } => w.req("key", key),
            Self::SetKeepAlive { key, keep } => {
                w.req("key", key);
                w.req("keep", keep);
            }
            Self::SetSettings(settings) => settings.write_fields(&mut w),
            Self::Handoff { url } => w.req("url", url),
        }
        w.end();
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::PortalEdit;
    use super::super::consoles::ConsoleModeSetting;
    use super::super::copy::CopyFormat;
    use super::super::json;
    use super::super::portal_api::{SystemFeatures, UserInfo};
    use super::super::session::TokenSource;
    use super::*;

    /// Written and read back: the same value, and JSON serde_json reads.
    fn round_trip<T>(values: &[T])
    where
        T: FromJson + ToJson + PartialEq + std::fmt::Debug,
    {
        for value in values {
            let text = json::to_string(value);
            let back: T = json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(&back, value, "{text}");
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    }

    fn key() -> ConsoleKey {
        ConsoleKey {
            origin: "https://acme.duplocloud.net".into(),
            role: Role::Tenant {
                id: "t-1".into(),
                name: "dev01".into(),
            },
        }
    }

    fn destinations() -> Vec<Destination> {
        vec![
            Destination::Home,
            Destination::Service {
                service: "s3".into(),
                region: None,
            },
            Destination::Service {
                service: "ec2".into(),
                region: Some("eu-west-1".into()),
            },
            Destination::Arn {
                arn: "arn:aws:s3:::b".into(),
            },
            Destination::Url {
                url: "https://console.aws.amazon.com/s3/".into(),
            },
        ]
    }

    #[test]
    fn every_variant_reads_back_as_written() {
        round_trip(&[key().role, Role::Admin, Role::DuploOps]);
        round_trip(&destinations());
        let open = OpenConsole {
            key: key(),
            destination: Destination::Home,
            new_tab: true,
        };
        round_trip(&[
            Waiting::RefreshTenants,
            Waiting::OpenConsole(Box::new(open.clone())),
            Waiting::Renew(key()),
        ]);
        round_trip(&[
            Session::SignedOut,
            Session::SigningIn(SignInAttempt {
                port: 60_001,
                tab_id: Some(7),
                deadline_ms: 9,
                token_received: false,
            }),
            Session::SigningIn(SignInAttempt {
                port: 60_001,
                tab_id: None,
                deadline_ms: 9,
                token_received: true,
            }),
            Session::Active(ActiveSession {
                token: Secret::from("tok"),
                source: TokenSource::PortalTab,
                user: UserInfo {
                    username: "ana".into(),
                    is_admin: true,
                },
                features: Some(SystemFeatures::default()),
                since_ms: 3,
            }),
        ]);
        let settings = Settings {
            stay_signed_in: true,
            console_mode: ConsoleModeSetting::Multi,
            auto_renew: false,
            notify_minutes: 9,
            keep_alive: vec!["a".into()],
            favourites: vec!["b".into()],
        };
        let origin = || "https://acme.duplocloud.net".to_owned();
        round_trip(&[
            Request::GetState,
            Request::GetStateFor {
                tab_id: Some(4),
                url: Some("https://x.example/".into()),
            },
            Request::GetStateFor {
                tab_id: None,
                url: None,
            },
            Request::EditPortal {
                origin: origin(),
                edit: PortalEdit {
                    name: Some("Acme".into()),
                    ..PortalEdit::default()
                },
            },
            Request::SetFavourite {
                key: key(),
                favourite: true,
            },
            Request::ExportConfig,
            Request::ImportConfig { text: "{}".into() },
            Request::ForgetEverything,
            Request::AddPortal {
                url: "acme.duplocloud.net".into(),
                api_token: Some(Secret::from("t")),
            },
            Request::AddPortal {
                url: "acme.duplocloud.net".into(),
                api_token: None,
            },
            Request::RemovePortal { origin: origin() },
            Request::SignIn { origin: origin() },
            Request::SignInQuietly { origin: origin() },
            Request::SignOut { origin: origin() },
            Request::Refresh { origin: origin() },
            Request::OpenConsole {
                open,
                otp: Some(Secret::from("123456")),
            },
            Request::RefreshCredentials {
                key: key(),
                otp: None,
            },
            Request::CopyCredentials {
                key: key(),
                format: CopyFormat::Fish,
                otp: None,
            },
            Request::RenewNow { key: key() },
            Request::SetKeepAlive {
                key: key(),
                keep: true,
            },
            Request::SetSettings(settings),
            Request::SetSettings(Settings::default()),
            Request::Handoff {
                url: Secret::from("chrome-extension://x/handoff.html?port=1&t=2"),
            },
        ]);
    }

    #[test]
    fn a_missing_or_mistyped_field_is_an_error_and_settings_default() {
        for (text, wanted) in [
            (r#"{"kind":"tenant","id":"t-1"}"#, "missing field `name`"),
            (r#"{"kind":"nobody"}"#, "unknown variant"),
            (r#"{"id":"t-1"}"#, "missing field `kind`"),
        ] {
            let error = json::from_str::<Role>(text).unwrap_err().to_string();
            assert!(error.contains(wanted), "{text}: {error}");
        }
        let error = json::from_str::<Request>(r#"{"type":"signIn"}"#).unwrap_err();
        assert!(error.to_string().contains("origin"), "{error}");
        let error = json::from_str::<Request>(r#"{"type":"signIn","origin":5}"#);
        assert!(error.is_err());
        let error = json::from_str::<Session>(r#"{"state":"active","sinceMs":1}"#);
        assert!(error.unwrap_err().to_string().contains("token"));
        // The tag may come anywhere; other fields are ignored; settings left out default.
        let read: Request =
            json::from_str(r#"{"autoRenew":false,"extra":[1],"type":"setSettings"}"#).unwrap();
        assert_eq!(
            read,
            Request::SetSettings(Settings {
                auto_renew: false,
                ..Settings::default()
            })
        );
    }
}
