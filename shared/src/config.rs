//! Configuration from the environment, read once at start-up, with errors that name the
//! variable.

use std::env;

/// A missing or malformed environment variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} has an invalid value {value:?}: {reason}")]
    Invalid { name: &'static str, value: String, reason: String },
}

/// A required variable.
pub fn required(name: &'static str) -> Result<String, ConfigError> {
    optional(name).ok_or(ConfigError::Missing(name))
}

/// An optional variable; empty counts as unset.
pub fn optional(name: &'static str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// An optional number with a default.
pub fn number<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match optional(name) {
        None => Ok(default),
        Some(value) => {
            value.trim().parse().map_err(|e: T::Err| ConfigError::Invalid { name, value, reason: e.to_string() })
        }
    }
}

/// Postgres settings: `DATABASE_URL` and the optional `DATABASE_CA_FILE`.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: String,
    pub ca_file: Option<String>,
}

impl DatabaseConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(DatabaseConfig { url: required("DATABASE_URL")?, ca_file: optional("DATABASE_CA_FILE") })
    }

    /// Builds the connection pool (no connection is made yet).
    pub fn pool(&self) -> Result<crate::store::Db, crate::store::DbError> {
        crate::store::connect(&self.url, self.ca_file.as_deref())
    }
}
