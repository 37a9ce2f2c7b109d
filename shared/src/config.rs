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

/// A secret value (an API key, a password, a URL with a password in it). `{:?}` prints
/// `"<redacted>"` and there is no `Display`, so a secret never reaches a log by accident; the
/// value itself is only read through [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

/// Postgres settings: `DATABASE_URL` and the optional `DATABASE_CA_FILE`. `{:?}` shows the URL
/// with its password replaced by `<redacted>`.
#[derive(Clone)]
pub struct DatabaseConfig {
    pub url: Secret,
    pub ca_file: Option<String>,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact_database_url(self.url.expose()))
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl DatabaseConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(DatabaseConfig { url: required("DATABASE_URL")?.into(), ca_file: optional("DATABASE_CA_FILE") })
    }

    /// Builds the connection pool (no connection is made yet).
    pub fn pool(&self) -> Result<crate::store::Db, crate::store::DbError> {
        crate::store::connect(self.url.expose(), self.ca_file.as_deref())
    }
}

/// What to show.
const REDACTED: &str = "<redacted>";

/// A Postgres connection string with every password replaced by `<redacted>`: the one in a URL's
/// user info (`postgres://user:pw@host/db`), a `password=` query parameter, and a `password=`
/// item of the key-value form (`host=h password=pw`, quoted or not). Everything else is kept, so
/// the host, port, user and database stay readable.
pub fn redact_database_url(url: &str) -> String {
    let t = url.trim();
    if let Some(scheme_end) = t.find("://") {
        let (scheme, rest) = t.split_at(scheme_end + 3);
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        // The user info ends at the last `@` of the authority (a password may contain `@`).
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _password)) => format!("{user}:{REDACTED}@{host}"),
                None => format!("{userinfo}@{host}"),
            },
            None => authority.to_string(),
        };
        let tail = match tail.split_once('?') {
            Some((path, query)) => {
                let query: Vec<String> = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}={REDACTED}"),
                        _ => pair.to_string(),
                    })
                    .collect();
                format!("{path}?{}", query.join("&"))
            }
            None => tail.to_string(),
        };
        return format!("{scheme}{authority}{tail}");
    }
    redact_key_value(t)
}

/// The key-value form (`host=h password='p w' user=u`) with the password's value replaced.
fn redact_key_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = find_password_key(rest) {
        out.push_str(&rest[..start]);
        let after_key = &rest[start..];
        let eq = after_key.find('=').expect("the key is followed by `=`");
        out.push_str(&after_key[..=eq]);
        let value = after_key[eq + 1..].trim_start();
        let skipped_spaces = after_key.len() - eq - 1 - value.len();
        out.push_str(&after_key[eq + 1..eq + 1 + skipped_spaces]);
        let value_len = if let Some(quoted) = value.strip_prefix('\'') {
            // Up to the closing quote that is not escaped with a backslash.
            let mut escaped = false;
            let end = quoted
                .char_indices()
                .find(|&(_, c)| {
                    let close = c == '\'' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map_or(quoted.len(), |(i, _)| i + 1);
            1 + end
        } else {
            value.find(char::is_whitespace).unwrap_or(value.len())
        };
        out.push_str(REDACTED);
        rest = &after_key[eq + 1 + skipped_spaces + value_len..];
    }
    out.push_str(rest);
    out
}

/// Where a `password` key (a whole word followed by optional spaces and `=`) starts.
fn find_password_key(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("password").map(|i| i + from) {
        let word_start = i == 0 || lower.as_bytes()[i - 1].is_ascii_whitespace();
        let after = lower[i + "password".len()..].trim_start();
        if word_start && after.starts_with('=') {
            return Some(i);
        }
        from = i + "password".len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug() {
        let s = Secret::from("csk-very-secret");
        assert_eq!(format!("{s:?}"), "\"<redacted>\"");
        assert_eq!(format!("{s:#?}"), "\"<redacted>\"");
        assert_eq!(s.expose(), "csk-very-secret");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            key: Secret,
        }
        let shown = format!("{:?}", Holder { key: "csk-very-secret".into() });
        assert!(!shown.contains("csk-very-secret") && shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn the_cerebras_key_never_shows_in_debug() {
        let config = crate::scoring::cerebras::CerebrasConfig {
            api_key: "csk-live-0123456789abcdef".into(),
            base_url: "https://cerebras.example/v1".into(),
            model: "gpt-oss-120b".into(),
            max_completion_tokens: 2048,
            reasoning_effort: Some("low".into()),
            rpm: 30,
            tpm: 60_000,
            instances: 1,
            description_chars: 4000,
            request_timeout: std::time::Duration::from_secs(60),
            price_per_mtok: None,
            max_attempts: 4,
        };
        for shown in [format!("{config:?}"), format!("{config:#?}")] {
            assert!(!shown.contains("csk-live") && !shown.contains("0123456789abcdef"), "{shown}");
            assert!(shown.contains("<redacted>") && shown.contains("gpt-oss-120b"), "{shown}");
        }
        assert_eq!(config.api_key.expose(), "csk-live-0123456789abcdef");
    }

    #[test]
    fn the_database_url_shows_without_its_password() {
        let config = DatabaseConfig {
            url: "postgresql://upflow:hunter2-S3cret@db.example.com:6543/postgres?sslmode=require".into(),
            ca_file: Some("/etc/ca.pem".into()),
        };
        for shown in [format!("{config:?}"), format!("{config:#?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(
                shown.contains("postgresql://upflow:<redacted>@db.example.com:6543/postgres?sslmode=require"),
                "{shown}"
            );
            assert!(shown.contains("/etc/ca.pem"), "{shown}");
        }
    }

    #[test]
    fn every_form_of_password_is_redacted() {
        for (url, expected) in [
            ("postgres://u:p%40ss@h/db", "postgres://u:<redacted>@h/db"),
            ("postgres://u:p@ss@h:5432", "postgres://u:<redacted>@h:5432"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h/db", "postgres://h/db"),
            ("postgres://u@h/db?password=pw&sslmode=require", "postgres://u@h/db?password=<redacted>&sslmode=require"),
            ("host=h user=u password=pw dbname=d", "host=h user=u password=<redacted> dbname=d"),
            ("host=h password = 'p w\\' x' dbname=d", "host=h password = <redacted> dbname=d"),
            ("PASSWORD=pw host=h", "PASSWORD=<redacted> host=h"),
            ("host=h mypassword=kept", "host=h mypassword=kept"),
        ] {
            assert_eq!(redact_database_url(url), expected, "{url}");
        }
    }
}
