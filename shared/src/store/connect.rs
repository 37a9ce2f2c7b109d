//! The connection pool: built once per process (outside the Lambda handler), connecting lazily
//! and replacing connections that broke. TLS is described in [`super::tls`].

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};

use super::tls::{client_config, split_sslmode};

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
    let (url, verify) = split_sslmode(url, ca_file);
    let config: tokio_postgres::Config = url.parse().map_err(DbError::BadUrl)?;
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_config(verify, ca_file)?);
    let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager).max_size(POOL_SIZE).build().map_err(|e| DbError::Pool(e.to_string()))
}

/// A connection taken from the pool.
pub type PooledClient = deadpool_postgres::Client;
