//! The mapping override file: a user's own say over which column feeds which field, applied
//! before the alias table.
//!
//! ```toml
//! [columns]
//! "Auftrag" = "title"
//! "Kunde Land" = "client_country"
//! "Interne Nummer" = "ignore"
//! ```
//!
//! It is read from `MAPPING_PATH`, else from `mapping.toml` beside the profile (the directory of
//! `PROFILE_PATH`) when that file exists. Column names match as the alias table matches them
//! (case, spaces, `_` and `-` folded; array indices as `*`), so `"skills/*"` covers `skills/0`,
//! `skills/1`, ….

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::aliases::{fold_key, Field};

/// What the override file says about one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Override {
    /// The column feeds this field, whatever the alias table says.
    Field(Field),
    /// The column is not used.
    Ignore,
}

/// A parsed override file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    columns: HashMap<String, Override>,
    /// Where it was read from, for messages.
    pub path: Option<PathBuf>,
}

/// Why an override file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("mapping file {path}: cannot read it: {reason}")]
    Read { path: String, reason: String },
    #[error("mapping file{}: {reason}", at(.path))]
    Invalid { path: Option<String>, reason: String },
}

fn at(path: &Option<String>) -> String {
    path.as_deref().map(|p| format!(" {p}")).unwrap_or_default()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    columns: HashMap<String, String>,
}

impl Overrides {
    /// Parses the TOML text of an override file.
    pub fn parse(text: &str) -> Result<Self, OverrideError> {
        let invalid = |reason: String| OverrideError::Invalid { path: None, reason };
        let file: File = toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
        let mut columns = HashMap::with_capacity(file.columns.len());
        let mut names: Vec<_> = file.columns.into_iter().collect();
        names.sort();
        for (column, target) in names {
            let value = if target.trim().eq_ignore_ascii_case("ignore") {
                Override::Ignore
            } else {
                Override::Field(Field::from_name(&target).ok_or_else(|| {
                    let valid: Vec<&str> = Field::NAMES.iter().map(|(_, n)| *n).collect();
                    invalid(format!(
                        "column {column:?}: unknown field {target:?}; valid fields are {}, or \"ignore\"",
                        valid.join(", ")
                    ))
                })?)
            };
            columns.insert(fold_key(&column), value);
        }
        Ok(Overrides { columns, path: None })
    }

    /// Reads and parses the override file at `path`.
    pub fn load(path: &Path) -> Result<Self, OverrideError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| OverrideError::Read { path: shown.clone(), reason: e.to_string() })?;
        let mut overrides = Overrides::parse(&text).map_err(|e| match e {
            OverrideError::Invalid { reason, .. } => OverrideError::Invalid { path: Some(shown.clone()), reason },
            other => other,
        })?;
        overrides.path = Some(path.to_path_buf());
        Ok(overrides)
    }

    /// The file the environment names: `MAPPING_PATH` (which must exist), else `mapping.toml`
    /// beside `PROFILE_PATH` if there is one; `None` when neither applies.
    pub fn from_env() -> Result<Option<Self>, OverrideError> {
        if let Some(path) = crate::config::optional("MAPPING_PATH") {
            return Overrides::load(Path::new(&path)).map(Some);
        }
        let Some(profile) = crate::config::optional("PROFILE_PATH") else {
            return Ok(None);
        };
        let beside = Path::new(&profile).parent().unwrap_or(Path::new(".")).join("mapping.toml");
        if beside.is_file() {
            return Overrides::load(&beside).map(Some);
        }
        Ok(None)
    }

    /// What the file says about `key`, if anything.
    pub fn get(&self, key: &str) -> Option<Override> {
        if self.columns.is_empty() {
            return None;
        }
        self.columns.get(&fold_key(key)).copied()
    }

    /// Whether the file names no column.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_map_to_fields_or_are_ignored() {
        let o = Overrides::parse(
            "[columns]\n\"Auftrag\" = \"title\"\n\"Interne Nummer\" = \"ignore\"\n\"skills/*\" = \"skills\"\n",
        )
        .unwrap();
        assert_eq!(o.get("auftrag"), Some(Override::Field(Field::Title)));
        assert_eq!(o.get("Interne_Nummer"), Some(Override::Ignore));
        assert_eq!(o.get("skills/3"), Some(Override::Field(Field::Skills)));
        assert_eq!(o.get("Titel"), None);
    }

    #[test]
    fn an_unknown_field_lists_the_valid_ones() {
        let err = Overrides::parse("[columns]\n\"Land\" = \"contry\"\n").unwrap_err().to_string();
        assert!(err.contains("unknown field \"contry\""), "{err}");
        assert!(err.contains("client_country") && err.contains("\"ignore\""), "{err}");
        let err = Overrides::parse("[colums]\n").unwrap_err().to_string();
        assert!(err.contains("colums"), "{err}");
    }
}
