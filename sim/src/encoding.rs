//! The encodings the Kubernetes JIT answers and the certificate export need: base64
//! (standard, and URL-safe without padding as JWTs use it) and PEM, from the `base64` and
//! `pem` crates.

use base64::Engine as _;

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// URL-safe base64 without padding (RFC 4648 §5), as JWTs use.
pub fn base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A PEM block (RFC 7468) with `\n` line ends.
pub fn pem(label: &str, der: &[u8]) -> String {
    ::pem::encode_config(
        &::pem::Pem::new(label, der.to_vec()),
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_parts_are_unpadded_and_url_safe_and_pem_is_what_readers_expect() {
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        let p = pem("CERTIFICATE", &[7u8; 96]);
        let lines: Vec<&str> = p.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[3], "-----END CERTIFICATE-----");
        assert!(p.ends_with("-----END CERTIFICATE-----\n"));
    }
}
