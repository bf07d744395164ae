//! How the internally tagged enums (`{"kind": "tenant", "id": …}`) are read.
//!
//! serde's derive reads an internally tagged enum by buffering the whole object first (its
//! `Content` tree: the tag may come last), and then every variant's fields are read a second
//! time from that buffer: a second copy of the reading code of every type inside, in the
//! worker's module (issue 8's size budget). Each enum here is read instead as one flat
//! struct holding the tag and the union of its variants' fields, in one pass, then checked
//! (`TryFrom`). The JSON forms are unchanged, and so is writing (serde's derive, which
//! needs no buffer). A field of another variant is ignored when absent and must have its
//! type when present.

use serde::Deserialize;

use super::config::{PortalEdit, Settings};
use super::consoles::{self, ConsoleKey, ConsoleModeSetting};
use super::copy::CopyFormat;
use super::messages;
use super::portal_api::{SystemFeatures, UserInfo};
use super::secret::Secret;
use super::session::{self, ActiveSession, SignInAttempt, TabId, TokenSource};

/// Why a tagged object was not read: serde's own wording for a missing field.
#[derive(Debug)]
pub struct Missing(&'static str);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "missing field `{}`", self.0)
    }
}

fn need<T>(value: Option<T>, name: &'static str) -> Result<T, Missing> {
    value.ok_or(Missing(name))
}

/// Reads a tag as a string and finds it in `names`: one function for every tag enum, where
/// serde's derive writes an enum visitor and an identifier visitor for each (~1.5 KB of the
/// worker's module apiece).
fn tag<'de, D: serde::Deserializer<'de>>(
    reader: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    let name = std::borrow::Cow::<str>::deserialize(reader)?;
    names
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| serde::de::Error::unknown_variant(&name, names))
}

/// A tag enum (unit variants, each with its JSON name) read through [`tag`].
macro_rules! tags {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        enum $name {
            $($variant,)+
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(reader: D) -> Result<Self, D::Error> {
                const ALL: &[$name] = &[$($name::$variant,)+];
                Ok(ALL[tag(reader, &[$($text,)+])?])
            }
        }
    };
}

tags! {
    /// `consoles::Role`'s tag.
    RoleKind {
        Tenant = "tenant",
        Admin = "admin",
        DuploOps = "duploOps",
    }
}

/// `consoles::Role` as read.
#[derive(Deserialize)]
pub struct Role {
    kind: RoleKind,
    id: Option<String>,
    name: Option<String>,
}

impl TryFrom<Role> for consoles::Role {
    type Error = Missing;
    fn try_from(wire: Role) -> Result<Self, Missing> {
        Ok(match wire.kind {
            RoleKind::Tenant => Self::Tenant {
                id: need(wire.id, "id")?,
                name: need(wire.name, "name")?,
            },
            RoleKind::Admin => Self::Admin,
            RoleKind::DuploOps => Self::DuploOps,
        })
    }
}

tags! {
    /// `consoles::Destination`'s tag.
    DestinationKind {
        Home = "home",
        Service = "service",
        Arn = "arn",
        Url = "url",
    }
}

/// `consoles::Destination` as read.
#[derive(Deserialize)]
pub struct Destination {
    kind: DestinationKind,
    service: Option<String>,
    region: Option<String>,
    arn: Option<String>,
    url: Option<String>,
}

impl TryFrom<Destination> for consoles::Destination {
    type Error = Missing;
    fn try_from(wire: Destination) -> Result<Self, Missing> {
        Ok(match wire.kind {
            DestinationKind::Home => Self::Home,
            DestinationKind::Service => Self::Service {
                service: need(wire.service, "service")?,
                region: wire.region,
            },
            DestinationKind::Arn => Self::Arn {
                arn: need(wire.arn, "arn")?,
            },
            DestinationKind::Url => Self::Url {
                url: need(wire.url, "url")?,
            },
        })
    }
}

tags! {
    /// `session::Session`'s tag.
    SessionState {
        SignedOut = "signedOut",
        SigningIn = "signingIn",
        Active = "active",
    }
}

/// `session::Session` as read: the tag and the fields of `SignInAttempt` and
/// `ActiveSession`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    state: SessionState,
    port: Option<u16>,
    tab_id: Option<TabId>,
    deadline_ms: Option<u64>,
    token_received: Option<bool>,
    token: Option<Secret>,
    source: Option<TokenSource>,
    user: Option<UserInfo>,
    features: Option<SystemFeatures>,
    since_ms: Option<u64>,
}

impl TryFrom<Session> for session::Session {
    type Error = Missing;
    fn try_from(wire: Session) -> Result<Self, Missing> {
        Ok(match wire.state {
            SessionState::SignedOut => Self::SignedOut,
            SessionState::SigningIn => Self::SigningIn(SignInAttempt {
                port: need(wire.port, "port")?,
                tab_id: wire.tab_id,
                deadline_ms: need(wire.deadline_ms, "deadlineMs")?,
                token_received: need(wire.token_received, "tokenReceived")?,
            }),
            SessionState::Active => Self::Active(ActiveSession {
                token: need(wire.token, "token")?,
                source: need(wire.source, "source")?,
                user: need(wire.user, "user")?,
                features: wire.features,
                since_ms: need(wire.since_ms, "sinceMs")?,
            }),
        })
    }
}

tags! {
    /// `session::Waiting`'s tag.
    WaitingType {
        RefreshTenants = "refreshTenants",
        OpenConsole = "openConsole",
        Renew = "renew",
    }
}

/// `session::Waiting` as read: the tag and the fields of `OpenConsole` and `ConsoleKey`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    r#type: WaitingType,
    key: Option<ConsoleKey>,
    destination: Option<consoles::Destination>,
    new_tab: Option<bool>,
    origin: Option<String>,
    role: Option<consoles::Role>,
}

impl TryFrom<Waiting> for session::Waiting {
    type Error = Missing;
    fn try_from(wire: Waiting) -> Result<Self, Missing> {
        Ok(match wire.r#type {
            WaitingType::RefreshTenants => Self::RefreshTenants,
            WaitingType::OpenConsole => Self::OpenConsole(Box::new(consoles::OpenConsole {
                key: need(wire.key, "key")?,
                destination: need(wire.destination, "destination")?,
                new_tab: wire.new_tab.unwrap_or_default(),
            })),
            WaitingType::Renew => Self::Renew(ConsoleKey {
                origin: need(wire.origin, "origin")?,
                role: need(wire.role, "role")?,
            }),
        })
    }
}

tags! {
    /// `messages::Request`'s tag.
    RequestType {
        GetState = "getState",
        GetStateFor = "getStateFor",
        EditPortal = "editPortal",
        SetFavourite = "setFavourite",
        ExportConfig = "exportConfig",
        ImportConfig = "importConfig",
        ForgetEverything = "forgetEverything",
        AddPortal = "addPortal",
        RemovePortal = "removePortal",
        SignIn = "signIn",
        SignInQuietly = "signInQuietly",
        SignOut = "signOut",
        Refresh = "refresh",
        OpenConsole = "openConsole",
        RefreshCredentials = "refreshCredentials",
        CopyCredentials = "copyCredentials",
        RenewNow = "renewNow",
        SetKeepAlive = "setKeepAlive",
        SetSettings = "setSettings",
        Handoff = "handoff",
    }
}

/// `messages::Request` as read: the tag, every variant's fields, and `Settings`' (the
/// fields of `SetSettings`, each defaulted as `Settings` defaults it).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    r#type: RequestType,
    tab_id: Option<i32>,
    url: Option<String>,
    origin: Option<String>,
    edit: Option<PortalEdit>,
    key: Option<ConsoleKey>,
    favourite: Option<bool>,
    text: Option<String>,
    api_token: Option<Secret>,
    open: Option<consoles::OpenConsole>,
    otp: Option<Secret>,
    format: Option<CopyFormat>,
    keep: Option<bool>,
    stay_signed_in: Option<bool>,
    console_mode: Option<ConsoleModeSetting>,
    auto_renew: Option<bool>,
    notify_minutes: Option<u32>,
    keep_alive: Option<Vec<String>>,
    favourites: Option<Vec<String>>,
}

impl TryFrom<Request> for messages::Request {
    type Error = Missing;
    fn try_from(wire: Request) -> Result<Self, Missing> {
        let Request {
            r#type,
            tab_id,
            url,
            origin,
            edit,
            key,
            favourite,
            text,
            api_token,
            open,
            otp,
            format,
            keep,
            stay_signed_in,
            console_mode,
            auto_renew,
            notify_minutes,
            keep_alive,
            favourites,
        } = wire;
        Ok(match r#type {
            RequestType::GetState => Self::GetState,
            RequestType::GetStateFor => Self::GetStateFor { tab_id, url },
            RequestType::EditPortal => Self::EditPortal {
                origin: need(origin, "origin")?,
                edit: need(edit, "edit")?,
            },
            RequestType::SetFavourite => Self::SetFavourite {
                key: need(key, "key")?,
                favourite: need(favourite, "favourite")?,
            },
            RequestType::ExportConfig => Self::ExportConfig,
            RequestType::ImportConfig => Self::ImportConfig {
                text: need(text, "text")?,
            },
            RequestType::ForgetEverything => Self::ForgetEverything,
            RequestType::AddPortal => Self::AddPortal {
                url: need(url, "url")?,
                api_token,
            },
            RequestType::RemovePortal => Self::RemovePortal {
                origin: need(origin, "origin")?,
            },
            RequestType::SignIn => Self::SignIn {
                origin: need(origin, "origin")?,
            },
            RequestType::SignInQuietly => Self::SignInQuietly {
                origin: need(origin, "origin")?,
            },
            RequestType::SignOut => Self::SignOut {
                origin: need(origin, "origin")?,
            },
            RequestType::Refresh => Self::Refresh {
                origin: need(origin, "origin")?,
            },
            RequestType::OpenConsole => Self::OpenConsole {
                open: need(open, "open")?,
                otp,
            },
            RequestType::RefreshCredentials => Self::RefreshCredentials {
                key: need(key, "key")?,
                otp,
            },
            RequestType::CopyCredentials => Self::CopyCredentials {
                key: need(key, "key")?,
                format: need(format, "format")?,
                otp,
            },
            RequestType::RenewNow => Self::RenewNow {
                key: need(key, "key")?,
            },
            RequestType::SetKeepAlive => Self::SetKeepAlive {
                key: need(key, "key")?,
                keep: need(keep, "keep")?,
            },
            RequestType::SetSettings => {
                let default = Settings::default();
                Self::SetSettings(Settings {
                    stay_signed_in: stay_signed_in.unwrap_or(default.stay_signed_in),
                    console_mode: console_mode.unwrap_or(default.console_mode),
                    auto_renew: auto_renew.unwrap_or(default.auto_renew),
                    notify_minutes: notify_minutes.unwrap_or(default.notify_minutes),
                    keep_alive: keep_alive.unwrap_or(default.keep_alive),
                    favourites: favourites.unwrap_or(default.favourites),
                })
            }
            RequestType::Handoff => Self::Handoff {
                url: Secret::from(need(url, "url")?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::Settings;
    use super::super::consoles::{ConsoleKey, Destination, OpenConsole, Role};
    use super::super::messages::Request;
    use super::super::session::{ActiveSession, Session, SignInAttempt, TokenSource, Waiting};
    use super::*;

    /// Written by serde's derive, read back through the wire struct: the same value.
    fn round_trip<T>(values: &[T])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for value in values {
            let text = serde_json::to_string(value).unwrap();
            let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(&back, value, "{text}");
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
            let error = serde_json::from_str::<Role>(text).unwrap_err().to_string();
            assert!(error.contains(wanted), "{text}: {error}");
        }
        let error = serde_json::from_str::<Request>(r#"{"type":"signIn"}"#).unwrap_err();
        assert!(error.to_string().contains("origin"), "{error}");
        let error = serde_json::from_str::<Request>(r#"{"type":"signIn","origin":5}"#);
        assert!(error.is_err());
        let error = serde_json::from_str::<Session>(r#"{"state":"active","sinceMs":1}"#);
        assert!(error.unwrap_err().to_string().contains("token"));
        // The tag may come anywhere; other fields are ignored; settings left out default.
        let read: Request =
            serde_json::from_str(r#"{"autoRenew":false,"extra":[1],"type":"setSettings"}"#)
                .unwrap();
        assert_eq!(
            read,
            Request::SetSettings(Settings {
                auto_renew: false,
                ..Settings::default()
            })
        );
    }
}
