//! The connection pool: built once per process (outside the Lambda handler), connecting lazily
//! and replacing connections that broke.
//!
//! TLS uses rustls with the Mozilla root store, plus the PEM certificates in `DATABASE_CA_FILE`
//! when set (Supabase's or a private CA). `sslmode=disable|prefer|require` in `DATABASE_URL`
//! works as in libpq, except that `require` also verifies the certificate.

use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use rustls::pki_types::{pem::PemObject, CertificateDer};

/// The pool type the store uses.
pub type Db = Pool;

/// A connection or configuration failure, with what was being attempted.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL is not a valid Postgres connection string: {0}")]
    BadUrl(#[source] tokio_postgres::Error),
    #[error("cannot read DATABASE_CA_FILE {path}: {message}")]
    BadCa { path: String, message: String },
    #[error("cannot build the Postgres pool: {0}")]
    Pool(String),
}

/// How many connections one process may hold.
const POOL_SIZE: usize = 4;

/// Builds the pool for `url`; no connection is made until one is needed.
pub fn connect(url: &str, ca_file: Option<&str>) -> Result<Db, DbError> {
    let config: tokio_postgres::Config = url.parse().map_err(DbError::BadUrl)?;
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(ca_file)?);
    let manager = Manager::from_config(
        config,
        tls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

fn tls_config(ca_file: Option<&str>) -> Result<rustls::ClientConfig, DbError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let bad = |message: String| DbError::BadCa {
            path: path.to_string(),
            message,
        };
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth())
}
