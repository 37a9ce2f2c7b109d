//! TLS for Postgres with rustls, following libpq's `sslmode` meanings:
//!
//! | `sslmode`            | encrypted           | certificate checked                         |
//! |----------------------|---------------------|---------------------------------------------|
//! | `disable`            | no                  | -                                           |
//! | `prefer` (default)   | when offered        | only when `DATABASE_CA_FILE` is set (chain) |
//! | `require`            | yes                 | only when `DATABASE_CA_FILE` is set (chain) |
//! | `verify-ca`          | yes                 | chain                                       |
//! | `verify-full`        | yes                 | chain and host name (use this for RDS, Supabase) |
//!
//! Trusted roots are Mozilla's (webpki-roots) plus the PEM certificates in `DATABASE_CA_FILE`.
//! tokio-postgres only knows `disable|prefer|require`, so `verify-*` are passed on as `require`.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

use super::connect::DbError;

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Encrypt only (libpq's `prefer`/`require`).
    Nothing,
    /// The chain must lead to a trusted root.
    Chain,
    /// The chain and the host name.
    Full,
}

/// Reads `sslmode` from a connection string and rewrites `verify-*` for tokio-postgres.
pub fn split_sslmode(url: &str, ca_file: Option<&str>) -> (String, Verify) {
    for (mode, verify) in [("sslmode=verify-full", Verify::Full), ("sslmode=verify-ca", Verify::Chain)] {
        if url.contains(mode) {
            return (url.replace(mode, "sslmode=require"), verify);
        }
    }
    let verify = if ca_file.is_some() { Verify::Chain } else { Verify::Nothing };
    (url.to_string(), verify)
}

/// The rustls client configuration for `verify`.
pub fn client_config(verify: Verify, ca_file: Option<&str>) -> Result<rustls::ClientConfig, DbError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let bad = |message: String| DbError::BadCa { path: path.to_string(), message };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("no PEM certificate in the file".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
        }
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| DbError::Pool(format!("TLS verifier: {e}")))?;
    let verifier = Arc::new(Verifier { verify, webpki, provider: provider.clone() });
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::Pool(format!("TLS versions: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

#[derive(Debug)]
struct Verifier {
    verify: Verify,
    webpki: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match self.verify {
            Verify::Nothing => Ok(ServerCertVerified::assertion()),
            Verify::Full => self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now),
            Verify::Chain => match self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
                Err(Error::InvalidCertificate(CertificateError::NotValidForName))
                | Err(Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. })) => {
                    Ok(ServerCertVerified::assertion())
                }
                other => other,
            },
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_is_read_and_rewritten() {
        let (url, v) = split_sslmode("postgresql://u@h/db?sslmode=verify-full", None);
        assert_eq!((url.as_str(), v), ("postgresql://u@h/db?sslmode=require", Verify::Full));
        let (url, v) = split_sslmode("host=h sslmode=verify-ca", None);
        assert_eq!((url.as_str(), v), ("host=h sslmode=require", Verify::Chain));
        assert_eq!(split_sslmode("postgresql://u@h/db?sslmode=require", None).1, Verify::Nothing);
        assert_eq!(split_sslmode("postgresql://u@h/db", Some("/ca.pem")).1, Verify::Chain);
    }
}
