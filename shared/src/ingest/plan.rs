//! One file's column plan: for each distinct source key (a CSV column, a flattened JSON path),
//! where its values go and why, decided once and cached, so a record costs one hash lookup per
//! key and no allocation.
//!
//! Order of decision: the override file ([`super::overrides`]), then the alias table
//! ([`super::aliases::resolve`]), then, for CSV columns and JSON keys left over (not inside
//! arrays), inference from the first records' values ([`super::infer`]). Pandas' unnamed index column (`Unnamed: 0`, or an empty
//! header) is never used.

use std::sync::Arc;

use super::aliases::{resolve, Field, MatchKind, Target, INFERRED_RANK};
use super::overrides::{Override, Overrides};
use super::record::first_index;

/// Why a key goes where it goes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Why {
    /// The override file names the column.
    Override,
    /// The override file says to ignore the column.
    Ignored,
    /// An alias of the table.
    Alias { alias: &'static str, matched: MatchKind },
    /// Inferred from the values of the first records: `matched` of `sampled` non-empty values
    /// looked like `looked`.
    Inferred { looked: &'static str, matched: u32, sampled: u32 },
    /// A pandas index column (`Unnamed: 0`, or an empty header).
    Index,
    /// Nothing maps it.
    Unmapped,
}

/// The decision for one key.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub target: Option<Target>,
    pub why: Why,
}

/// The plan of one file: every key seen, in first-seen order, with its decision.
#[derive(Debug, Default)]
pub struct Plan {
    overrides: Arc<Overrides>,
    /// Key -> its entry, and the key's first array index (`skills/3/name` -> 3), kept so a
    /// record's keys are not scanned for digits again.
    index: foldhash::HashMap<String, (usize, Option<u32>)>,
    entries: Vec<(String, Decision)>,
}

impl Plan {
    /// A plan that applies `overrides` before the alias table.
    pub fn new(overrides: Arc<Overrides>) -> Self {
        Plan { overrides, index: Default::default(), entries: Vec::new() }
    }

    /// Where `key`'s values go; decided the first time the key is seen.
    pub fn target(&mut self, key: &str) -> Option<Target> {
        self.indexed_target(key).map(|(target, _)| target)
    }

    /// Where `key`'s values go, with the key's first array index ([`first_index`]), as a hit
    /// needs them.
    pub fn indexed_target(&mut self, key: &str) -> Option<(Target, Option<u32>)> {
        if let Some(&(i, index)) = self.index.get(key) {
            return self.entries[i].1.target.map(|t| (t, index));
        }
        let decision = decide(&self.overrides, key);
        let target = decision.target;
        let index = first_index(key);
        self.index.insert(key.to_string(), (self.entries.len(), index));
        self.entries.push((key.to_string(), decision));
        target.map(|t| (t, index))
    }

    /// Where `key`'s values go, as [`Self::target`] says, without recording a key not seen yet:
    /// `Err` with its target for a new key (recorded by [`Self::target`] if it is kept).
    pub fn peek_target(&self, key: &str) -> Result<Option<Target>, Option<Target>> {
        match self.index.get(key) {
            Some(&(i, _)) => Ok(self.entries[i].1.target),
            None => Err(decide(&self.overrides, key).target),
        }
    }

    /// Records that `key`, unmapped so far, was inferred to feed `field`.
    pub fn infer(&mut self, key: &str, field: Field, looked: &'static str, matched: u32, sampled: u32) {
        self.target(key);
        let (i, _) = self.index[key];
        self.entries[i].1 = Decision {
            target: Some(Target { field, rank: INFERRED_RANK }),
            why: Why::Inferred { looked, matched, sampled },
        };
    }

    /// The decision for `key`, if it was seen.
    pub fn decision(&self, key: &str) -> Option<&Decision> {
        self.index.get(key).map(|&(i, _)| &self.entries[i].1)
    }

    /// Every key seen so far with its decision, in first-seen order.
    pub fn entries(&self) -> &[(String, Decision)] {
        &self.entries
    }

    /// Whether some key feeds `field`.
    pub fn covers(&self, field: Field) -> bool {
        self.entries.iter().any(|(_, d)| d.target.is_some_and(|t| t.field == field))
    }
}

/// Pandas writes its index as a first column named `Unnamed: 0` (or with an empty name).
pub fn is_index_column(key: &str) -> bool {
    let k = key.trim();
    k.is_empty() || k.strip_prefix("Unnamed:").is_some_and(|n| n.trim().bytes().all(|b| b.is_ascii_digit()))
}

fn decide(overrides: &Overrides, key: &str) -> Decision {
    match overrides.get(key) {
        Some(Override::Field(field)) => {
            return Decision { target: Some(Target { field, rank: 0 }), why: Why::Override }
        }
        Some(Override::Ignore) => return Decision { target: None, why: Why::Ignored },
        None => {}
    }
    if is_index_column(key) {
        return Decision { target: None, why: Why::Index };
    }
    match resolve(key) {
        Some(m) => Decision { target: Some(m.target), why: Why::Alias { alias: m.alias, matched: m.how } },
        None => Decision { target: None, why: Why::Unmapped },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_come_first_and_index_columns_are_never_used() {
        let o = Overrides::parse("[columns]\n\"title\" = \"description\"\n\"url\" = \"ignore\"\n").unwrap();
        let mut plan = Plan::new(Arc::new(o));
        assert_eq!(plan.target("title").map(|t| (t.field, t.rank)), Some((Field::Description, 0)));
        assert_eq!(plan.target("url"), None);
        assert_eq!(plan.target("Unnamed: 0"), None);
        assert_eq!(plan.target(""), None);
        assert_eq!(plan.target("Job Title").map(|t| t.field), Some(Field::Title));
        let whys: Vec<_> = plan.entries().iter().map(|(_, d)| d.why.clone()).collect();
        assert_eq!(whys[..4], [Why::Override, Why::Ignored, Why::Index, Why::Index]);
        assert!(plan.covers(Field::Title) && !plan.covers(Field::Url));
    }
}
