//! Random secrets and identifiers in the shapes the real services use.

use rand::Rng;

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn random_from(charset: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(charset[rng.gen_range(0..charset.len())]))
        .collect()
}

/// A portal bearer token (opaque, 64 alphanumerics).
pub fn portal_token() -> String {
    random_from(ALNUM, 64)
}

/// An STS temporary access key id: `ASIA` + 16 upper-case alphanumerics.
pub fn access_key_id() -> String {
    format!("ASIA{}", random_from(UPPER_ALNUM, 16))
}

/// A 40-character secret access key (base64 alphabet, so it has `+` and `/` to encode).
pub fn secret_access_key() -> String {
    random_from(BASE64, 40)
}

/// A long STS session token (base64 alphabet, ending in padding like real ones).
pub fn session_token() -> String {
    format!("IQoJb3JpZ2luX2Vj{}==", random_from(BASE64, 600))
}

/// A federation sign-in token (long, URL-safe alphabet).
pub fn signin_token() -> String {
    random_from(URL_SAFE, 320)
}

/// An opaque cookie value or single-use code.
pub fn opaque_id() -> String {
    random_from(ALNUM, 40)
}

/// An 8-character lowercase multi-session id.
pub fn session_id8() -> String {
    random_from(LOWER_ALNUM, 8)
}

/// A stable UUID-shaped id derived from `seed` (SHA-256, version 4 and variant bits set),
/// so generated tenants keep their ids when the configuration is replaced.
pub fn derived_uuid(seed: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest.as_ref()[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let k = access_key_id();
        assert_eq!(k.len(), 20);
        assert!(k.starts_with("ASIA"));
        assert!(k[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        assert_eq!(secret_access_key().len(), 40);
        assert!(session_token().len() > 400);
        let id8 = session_id8();
        assert_eq!(id8.len(), 8);
        assert!(id8
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_ne!(portal_token(), portal_token());
    }

    #[test]
    fn derived_uuids_are_stable_and_well_formed() {
        let a = derived_uuid("acme/dev01");
        assert_eq!(a, derived_uuid("acme/dev01"));
        assert_ne!(a, derived_uuid("acme/dev02"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
