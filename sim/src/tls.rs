//! The self-signed certificate (made with rcgen at start) covering every simulated host,
//! and the rustls server configuration (ring provider, HTTP/1.1).

use std::sync::{Arc, RwLock};

use rustls::crypto::ring::{default_provider, sign::any_supported_type};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;

/// Subject alternative names every certificate carries.
pub const BUILTIN_SANS: &[&str] = &[
    "*.duplocloud.net",
    "duplocloud.net",
    "signin.aws.amazon.com",
    "*.signin.aws.amazon.com",
    "console.aws.amazon.com",
    "*.console.aws.amazon.com",
    "signin.amazonaws-us-gov.com",
    "*.signin.amazonaws-us-gov.com",
    "console.amazonaws-us-gov.com",
    "*.console.amazonaws-us-gov.com",
    "signin.amazonaws.cn",
    "*.signin.amazonaws.cn",
    "console.amazonaws.cn",
    "*.console.amazonaws.cn",
    "foreign.example",
    "*.foreign.example",
    "localhost",
    "127.0.0.1",
];

/// A certificate could not be made.
#[derive(Debug)]
pub struct TlsError(pub String);

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TLS setup failed: {}", self.0)
    }
}

impl std::error::Error for TlsError {}

/// The SAN list for a set of custom portal hosts.
pub fn sans_for(custom_hosts: &[String]) -> Vec<String> {
    let mut sans: Vec<String> = BUILTIN_SANS.iter().map(|s| s.to_string()).collect();
    for h in custom_hosts {
        if !sans.contains(h) {
            sans.push(h.clone());
        }
    }
    sans
}

/// Generates a self-signed certificate for `sans`; returns it with its DER form.
pub fn generate(sans: &[String]) -> Result<(Arc<CertifiedKey>, CertificateDer<'static>), TlsError> {
    let ck =
        rcgen::generate_simple_self_signed(sans.to_vec()).map_err(|e| TlsError(e.to_string()))?;
    let cert_der = ck.cert.der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let signing_key = any_supported_type(&key_der).map_err(|e| TlsError(e.to_string()))?;
    Ok((
        Arc::new(CertifiedKey::new(vec![cert_der.clone()], signing_key)),
        cert_der,
    ))
}

/// The names a certificate covers, the certificate with its key, and its DER form.
type Current = (Vec<String>, Arc<CertifiedKey>, CertificateDer<'static>);

/// Serves the current certificate; regenerates it when portal hosts change.
#[derive(Debug)]
pub struct CertResolver {
    inner: RwLock<Current>,
}

impl CertResolver {
    /// A resolver with a certificate for the built-in hosts plus `custom_hosts`.
    pub fn new(custom_hosts: &[String]) -> Result<CertResolver, TlsError> {
        let sans = sans_for(custom_hosts);
        let (key, der) = generate(&sans)?;
        Ok(CertResolver {
            inner: RwLock::new((sans, key, der)),
        })
    }

    /// Makes a new certificate if `custom_hosts` adds names the current one lacks.
    pub fn update_hosts(&self, custom_hosts: &[String]) -> Result<bool, TlsError> {
        let sans = sans_for(custom_hosts);
        {
            let cur = self.inner.read().unwrap_or_else(|e| e.into_inner());
            if sans.iter().all(|s| cur.0.contains(s)) {
                return Ok(false);
            }
        }
        let (key, der) = generate(&sans)?;
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = (sans, key, der);
        Ok(true)
    }

    /// The names the current certificate covers.
    pub fn sans(&self) -> Vec<String> {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }
}

impl CertResolver {
    /// The current certificate in PEM form, for clients that verify it (e.g.
    /// `REQUESTS_CA_BUNDLE` for Python's `requests`): self-signed, so it is its own anchor.
    pub fn pem(&self) -> String {
        let cur = self.inner.read().unwrap_or_else(|e| e.into_inner());
        crate::encoding::pem("CERTIFICATE", cur.2.as_ref())
    }
}

impl ResolvesServerCert for CertResolver {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.inner
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .1
                .clone(),
        )
    }
}

/// A rustls server configuration (ring provider, HTTP/1.1 by ALPN) using `resolver`.
pub fn server_config(resolver: Arc<CertResolver>) -> Result<Arc<ServerConfig>, TlsError> {
    let mut config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn certificate_covers_builtin_and_custom_hosts() {
        let r = CertResolver::new(&["portal.customer.com".into()]).unwrap();
        assert!(r.sans().contains(&"portal.customer.com".to_string()));
        assert!(!r.update_hosts(&["portal.customer.com".into()]).unwrap());
        assert!(r.update_hosts(&["other.example.org".into()]).unwrap());
        assert!(r.sans().contains(&"other.example.org".to_string()));
        assert!(r.sans().contains(&"*.console.aws.amazon.com".to_string()));
        assert!(r.pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
        server_config(Arc::new(r)).unwrap();
    }
}
