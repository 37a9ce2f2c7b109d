//! The connection pool: built once per process (outside the Lambda handler), connecting lazily
//! and replacing connections that broke. TLS is described in [`super::tls`].
//!
//! A Lambda container is frozen between invocations; while it sleeps, the server (or a pooler,
//! or a NAT) may close its idle sockets, and on thaw the client has not noticed yet. So every
//! pooled connection is checked with an empty query before it is handed out
//! ([`RecyclingMethod::Verified`]): a dead one is dropped and a fresh one made, instead of the
//! handler's first query failing. And nothing waits for ever on a database that does not answer:
//! opening a connection (TCP, TLS, authentication), checking a pooled one, and waiting for a free
//! one each have a timeout ([`PoolSettings`]).

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};

use super::tls::{client_config, split_sslmode};
use crate::config::{self, ConfigError};

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
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// How many connections one process may hold, and how long it waits for them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolSettings {
    /// Connections one process may hold.
    pub max_size: usize,
    /// Opening a new connection: the TCP connect, TLS and authentication together
    /// (`DATABASE_CONNECT_TIMEOUT_SECS`).
    pub connect_timeout: Duration,
    /// Waiting for a pooled connection to be free (`DATABASE_POOL_TIMEOUT_SECS`).
    pub wait_timeout: Duration,
    /// The liveness check of a pooled connection before it is handed out; a connection that
    /// fails it or does not answer in time is replaced.
    pub recycle_timeout: Duration,
}

impl Default for PoolSettings {
    /// Lambda defaults: one invocation needs few connections, and a database that has not
    /// answered in 5 s will not answer within a Function URL's 29 s either.
    fn default() -> Self {
        PoolSettings {
            max_size: 4,
            connect_timeout: Duration::from_secs(5),
            wait_timeout: Duration::from_secs(5),
            recycle_timeout: Duration::from_secs(2),
        }
    }
}

impl PoolSettings {
    /// The defaults, with `DATABASE_CONNECT_TIMEOUT_SECS` and `DATABASE_POOL_TIMEOUT_SECS`
    /// (seconds, fractions allowed) when set.
    pub fn from_env() -> Result<PoolSettings, ConfigError> {
        let d = PoolSettings::default();
        Ok(PoolSettings {
            connect_timeout: seconds("DATABASE_CONNECT_TIMEOUT_SECS", d.connect_timeout)?,
            wait_timeout: seconds("DATABASE_POOL_TIMEOUT_SECS", d.wait_timeout)?,
            ..d
        })
    }
}

/// A positive number of seconds from `name`, or `default`.
fn seconds(name: &'static str, default: Duration) -> Result<Duration, ConfigError> {
    let secs: f64 = config::number(name, default.as_secs_f64())?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(ConfigError::Invalid {
            name,
            value: secs.to_string(),
            reason: "not a number of seconds between 0 and 3600".into(),
        });
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Builds the pool for `url` with the settings from the environment ([`PoolSettings::from_env`]);
/// no connection is made until one is needed.
pub fn connect(url: &str, ca_file: Option<&str>) -> Result<Db, DbError> {
    connect_with(url, ca_file, &PoolSettings::from_env()?)
}

/// Builds the pool for `url` with `settings`; no connection is made until one is needed.
pub fn connect_with(url: &str, ca_file: Option<&str>, settings: &PoolSettings) -> Result<Db, DbError> {
    let (url, verify) = split_sslmode(url, ca_file);
    let mut config: tokio_postgres::Config = url.parse().map_err(DbError::BadUrl)?;
    // The URL's own `connect_timeout` wins when it is shorter.
    let tcp = config.get_connect_timeout().map_or(settings.connect_timeout, |t| (*t).min(settings.connect_timeout));
    config.connect_timeout(tcp);
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_config(verify, ca_file)?);
    let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Verified });
    Pool::builder(manager)
        .max_size(settings.max_size)
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(settings.wait_timeout),
            create: Some(settings.connect_timeout),
            recycle: Some(settings.recycle_timeout),
        })
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

/// A connection taken from the pool.
pub type PooledClient = deadpool_postgres::Client;

/// Why [`Pool::get`] failed (a timeout, and which, or the server's error).
pub use deadpool_postgres::{PoolError, TimeoutType};
/// The driver's error, for telling a broken connection from a bad query.
pub use tokio_postgres::Error as PgError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_has_every_timeout() {
        let settings = PoolSettings { connect_timeout: Duration::from_millis(1500), ..PoolSettings::default() };
        let pool = connect_with("postgresql://u@127.0.0.1:1/db?connect_timeout=30", None, &settings).unwrap();
        let t = pool.timeouts();
        assert_eq!(
            (t.wait, t.create, t.recycle),
            (Some(settings.wait_timeout), Some(settings.connect_timeout), Some(settings.recycle_timeout))
        );
        assert_eq!(pool.status().max_size, 4);
    }

    #[test]
    fn timeouts_must_be_positive_seconds() {
        assert!(seconds("UPFLOW_TEST_UNSET_TIMEOUT", Duration::from_secs(5)).is_ok());
        std::env::set_var("UPFLOW_TEST_BAD_TIMEOUT", "0");
        assert!(seconds("UPFLOW_TEST_BAD_TIMEOUT", Duration::from_secs(5)).is_err());
        std::env::set_var("UPFLOW_TEST_BAD_TIMEOUT", "soon");
        assert!(seconds("UPFLOW_TEST_BAD_TIMEOUT", Duration::from_secs(5)).is_err());
        std::env::set_var("UPFLOW_TEST_GOOD_TIMEOUT", "0.5");
        assert_eq!(seconds("UPFLOW_TEST_GOOD_TIMEOUT", Duration::from_secs(5)).unwrap(), Duration::from_millis(500));
    }
}
