//! Secrets (portal tokens, AWS keys, sign-in URLs) as a type that never prints itself.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret prints, and how it serializes unless a field says otherwise.
pub const REDACTED: &str = "[redacted]";

/// A secret string. `Debug`, `Display` and serde print `[redacted]`; the value is reachable
/// only through [`Secret::expose`], or serialized by a field marked
/// `#[serde(with = "crate::core::secret::exposed")]` (storage and the pages' messages that
/// must carry it), so it cannot reach a log, a diagnostic or an export by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// `[redacted]`: a secret serialized by accident (a log, a diagnostic, an export) says
/// nothing. Fields that must carry the value opt in with [`exposed`].
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

/// Read from a string.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// `#[serde(with = "crate::core::secret::exposed")]`: this field's secret is written as its
/// value, because it must be (the stored session, credentials and API tokens; the messages
/// between pages and worker that carry what the user typed or copies). Every such field is
/// found by searching for this module's name.
pub mod exposed {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the secret's value.
    pub fn serialize<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(secret.expose())
    }

    /// Reads a secret.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        Secret::deserialize(deserializer)
    }

    /// The same for an optional secret (`#[serde(default, with = "…::exposed::option")]`).
    pub mod option {
        use super::Secret;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes the secret's value, or `null`.
        pub fn serialize<S: Serializer>(
            secret: &Option<Secret>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match secret {
                Some(secret) => serializer.serialize_some(secret.expose()),
                None => serializer.serialize_none(),
            }
        }

        /// Reads an optional secret.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Secret>, D::Error> {
            Option::<Secret>::deserialize(deserializer)
        }
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it (a request header, storage
    /// the user chose).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let secret = Secret::new("ASIA-very-secret");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(secret.expose(), "ASIA-very-secret");
    }

    #[test]
    fn serializes_redacted_unless_a_field_opts_in() {
        #[derive(Serialize, Deserialize)]
        struct Logged {
            token: Secret,
            maybe: Option<Secret>,
        }
        #[derive(Serialize, Deserialize)]
        struct Stored {
            #[serde(with = "exposed")]
            token: Secret,
            #[serde(default, with = "exposed::option")]
            maybe: Option<Secret>,
        }
        let secret = || Secret::new("ASIA-very-secret");
        let logged = serde_json::to_string(&Logged {
            token: secret(),
            maybe: Some(secret()),
        })
        .unwrap();
        assert_eq!(logged, r#"{"token":"[redacted]","maybe":"[redacted]"}"#);
        let stored = serde_json::to_string(&Stored {
            token: secret(),
            maybe: Some(secret()),
        })
        .unwrap();
        assert_eq!(
            stored,
            r#"{"token":"ASIA-very-secret","maybe":"ASIA-very-secret"}"#
        );
        let back: Stored = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.token.expose(), "ASIA-very-secret");
        assert_eq!(
            back.maybe.map(|s| s.expose().to_owned()),
            Some("ASIA-very-secret".into())
        );
        let absent: Stored = serde_json::from_str(r#"{"token":"t"}"#).unwrap();
        assert!(absent.maybe.is_none());
    }
}
