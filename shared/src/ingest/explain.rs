//! What a file's mapping did: for each source column or path, the field it fed and why (or that
//! it was not used), and for each field of [`Job`] how many jobs got it. `upflow parse
//! --explain` prints it, the splitter logs it once per file and keeps it in `ingests.mapping`.

use std::fmt;

use super::aliases::{Field, MatchKind};
use super::plan::{Plan, Why};
use crate::job::{Job, JobType};

/// The fields of a [`Job`] as `--explain` counts them.
pub const JOB_FIELDS: [&str; 27] = [
    "job_id",
    "url",
    "title",
    "description",
    "job_type",
    "fixed_budget",
    "hourly_min",
    "hourly_max",
    "currency",
    "experience_level",
    "duration",
    "workload",
    "skills",
    "category",
    "posted_at",
    "proposals",
    "client_country",
    "payment_verified",
    "client_rating",
    "client_reviews",
    "client_total_spent",
    "client_hires",
    "client_hire_rate",
    "client_avg_hourly_rate",
    "client_jobs_posted",
    "screening_questions",
    "external_urls",
];

/// How many jobs have each of [`JOB_FIELDS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldCounts {
    pub jobs: u64,
    pub filled: [u64; JOB_FIELDS.len()],
}

impl FieldCounts {
    /// Counts the fields `job` has.
    pub fn add(&mut self, job: &Job) {
        let c = &job.client;
        let has = [
            true,
            job.url.is_some(),
            true,
            job.description.is_some(),
            job.job_type != JobType::Unknown,
            job.fixed_budget.is_some(),
            job.hourly_min.is_some(),
            job.hourly_max.is_some(),
            job.currency.is_some(),
            job.experience_level.is_some(),
            job.duration.is_some(),
            job.workload.is_some(),
            !job.skills.is_empty(),
            job.category.is_some(),
            job.posted_at.is_some(),
            job.proposals.is_some(),
            c.country.is_some(),
            c.payment_verified.is_some(),
            c.rating.is_some(),
            c.reviews.is_some(),
            c.total_spent.is_some(),
            c.hires.is_some(),
            c.hire_rate.is_some(),
            c.avg_hourly_rate.is_some(),
            c.jobs_posted.is_some(),
            !job.screening_questions.is_empty(),
            !job.external_urls.is_empty(),
        ];
        self.jobs += 1;
        for (n, h) in self.filled.iter_mut().zip(has) {
            *n += u64::from(h);
        }
    }

    /// How many jobs have the field named `name` (one of [`JOB_FIELDS`]).
    pub fn get(&self, name: &str) -> Option<u64> {
        JOB_FIELDS.iter().position(|f| *f == name).map(|i| self.filled[i])
    }
}

/// One source column or path (array positions folded into `*`) and what became of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ColumnUse {
    pub column: String,
    /// The field it fed; `None` when not used.
    pub field: Option<Field>,
    #[serde(flatten)]
    pub why: Why,
}

impl ColumnUse {
    /// "title (alias `title`)", "not used", ….
    pub fn describe(&self) -> String {
        let field = self.field.map(Field::name).unwrap_or("not used");
        let why = match &self.why {
            Why::Override => "override file".to_string(),
            Why::Ignored => return "not used (ignored by the override file)".into(),
            Why::Alias { alias, matched: MatchKind::Whole } => format!("alias `{alias}`"),
            Why::Alias { alias, matched: MatchKind::Suffix } => format!("alias `{alias}`, as a path suffix"),
            Why::Alias { alias, matched: MatchKind::Leaf } => format!("alias `{alias}`, as a leaf name"),
            Why::Inferred { looked, matched, sampled } => {
                format!("inferred from values: {matched}/{sampled} looked like {looked}")
            }
            Why::Index => return "not used (an unnamed index column)".into(),
            Why::Unmapped => return "not used".into(),
        };
        format!("{field} ({why})")
    }
}

/// A file's mapping and what it gave.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Explanation {
    pub columns: Vec<ColumnUse>,
    /// Jobs made (duplicates and rejected rows not counted).
    pub jobs: u64,
    /// Per field of [`JOB_FIELDS`], how many of those jobs have it.
    pub fields: Vec<(&'static str, u64)>,
    /// File-level problems (no id or URL anywhere, ...).
    pub warnings: Vec<String>,
}

impl Explanation {
    /// Builds the explanation from a file's plan, counts and warnings.
    pub fn new(plan: &Plan, counts: &FieldCounts, warnings: &[String]) -> Self {
        let mut columns: Vec<ColumnUse> = Vec::new();
        for (key, decision) in plan.entries() {
            let column = star_indices(key);
            if columns.iter().any(|c| c.column == column) {
                continue;
            }
            columns.push(ColumnUse { column, field: decision.target.map(|t| t.field), why: decision.why.clone() });
        }
        let fields = JOB_FIELDS.iter().copied().zip(counts.filled.iter().copied()).collect();
        Explanation { columns, jobs: counts.jobs, fields, warnings: warnings.to_vec() }
    }

    /// The use of `column` (as listed, with `*` for array positions).
    pub fn column(&self, column: &str) -> Option<&ColumnUse> {
        self.columns.iter().find(|c| c.column == column)
    }

    /// How many jobs have the field named `name`.
    pub fn filled(&self, name: &str) -> Option<u64> {
        self.fields.iter().find(|(f, _)| *f == name).map(|(_, n)| *n)
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "columns:")?;
        let width = self.columns.iter().map(|c| c.column.chars().count()).max().unwrap_or(0).min(48);
        for c in &self.columns {
            writeln!(f, "  {:<width$}  -> {}", c.column, c.describe())?;
        }
        writeln!(f, "fields (of {} jobs):", self.jobs)?;
        for (name, n) in &self.fields {
            writeln!(f, "  {name:<24} {n}")?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

/// `skills/3/name` -> `skills/*/name`.
pub(crate) fn star_indices(key: &str) -> String {
    if !key.bytes().any(|b| b.is_ascii_digit()) {
        return key.to_string();
    }
    key.split('/')
        .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "*" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_positions_group_into_one_line_and_every_column_is_described() {
        let mut plan = Plan::default();
        for key in ["title", "tags/0", "tags/1", "Unnamed: 0", "foo"] {
            plan.target(key);
        }
        let e = Explanation::new(&plan, &FieldCounts::default(), &["no ids".into()]);
        let cols: Vec<_> = e.columns.iter().map(|c| (c.column.as_str(), c.describe())).collect();
        assert_eq!(
            cols,
            [
                ("title", "title (alias `title`)".to_string()),
                ("tags/*", "skills (alias `tags/*`)".to_string()),
                ("Unnamed: 0", "not used (an unnamed index column)".to_string()),
                ("foo", "not used".to_string()),
            ]
        );
        assert!(e.to_string().contains("warning: no ids"));
    }
}
