//! The declarative alias table: which source field of which actor feeds which canonical field.
//!
//! Source fields are written as Apify flattens them: nested keys joined by `/`, and `*` where an
//! array index stands (`tags/*`, `skills/*/name`). Matching folds case and drops spaces, `_` and
//! `-`, so `payment_verified`, `paymentVerified` and `Payment Verified` are one alias. Within a
//! field, aliases are listed best first: when a record has several, the first one whose value
//! normalises wins. Adding an actor means adding rows here, not code.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A canonical field (or an intermediate one, like a budget whose kind the job type decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    JobId,
    Url,
    Title,
    Description,
    JobType,
    /// A budget whose kind is only known from the job type: `$100.00` or `30 - 50`.
    Budget,
    FixedBudget,
    HourlyMin,
    HourlyMax,
    Currency,
    ExperienceLevel,
    Duration,
    /// The weekly hours: `30+ hrs/week`.
    Workload,
    Skills,
    Category,
    PostedAt,
    Proposals,
    ClientCountry,
    PaymentVerified,
    ClientRating,
    ClientReviews,
    ClientTotalSpent,
    ClientHires,
    ClientHireRate,
    ClientAvgHourlyRate,
    ClientJobsPosted,
    Questions,
}

impl Field {
    /// Number of fields, for per-field arrays.
    pub const COUNT: usize = Field::Questions as usize + 1;

    /// Every field, in declaration order, with the name an override file uses for it.
    pub const NAMES: [(Field, &'static str); Field::COUNT] = [
        (Field::JobId, "job_id"),
        (Field::Url, "url"),
        (Field::Title, "title"),
        (Field::Description, "description"),
        (Field::JobType, "job_type"),
        (Field::Budget, "budget"),
        (Field::FixedBudget, "fixed_budget"),
        (Field::HourlyMin, "hourly_min"),
        (Field::HourlyMax, "hourly_max"),
        (Field::Currency, "currency"),
        (Field::ExperienceLevel, "experience_level"),
        (Field::Duration, "duration"),
        (Field::Workload, "workload"),
        (Field::Skills, "skills"),
        (Field::Category, "category"),
        (Field::PostedAt, "posted_at"),
        (Field::Proposals, "proposals"),
        (Field::ClientCountry, "client_country"),
        (Field::PaymentVerified, "payment_verified"),
        (Field::ClientRating, "client_rating"),
        (Field::ClientReviews, "client_reviews"),
        (Field::ClientTotalSpent, "client_total_spent"),
        (Field::ClientHires, "client_hires"),
        (Field::ClientHireRate, "client_hire_rate"),
        (Field::ClientAvgHourlyRate, "client_avg_hourly_rate"),
        (Field::ClientJobsPosted, "client_jobs_posted"),
        (Field::Questions, "screening_questions"),
    ];

    /// The field's name (`client_country`), as override files and `--explain` write it.
    pub fn name(self) -> &'static str {
        Field::NAMES[self as usize].1
    }

    /// The field an override file names (`client_country`), case-insensitively.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::NAMES.iter().find(|(_, n)| n.eq_ignore_ascii_case(name.trim())).map(|(f, _)| *f)
    }
}

impl serde::Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The table: each canonical field with its source aliases, best first.
pub const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::JobId,
        &["id", "uid", "jobId", "Job ID", "job/id", "ciphertext", "job/ciphertext", "subId", "jobTile/job/id"],
    ),
    (Field::Url, &["url", "link", "jobUrl", "Job URL", "jobLink", "job/url", "href", "guid"]),
    (Field::Title, &["title", "jobTitle", "Job Title", "job/title", "jobTile/job/title"]),
    (
        Field::Description,
        &[
            "description",
            "jobDescription",
            "Job Description",
            "job/description",
            "Short Description",
            "snippet",
            "body",
            "summary",
            "content",
        ],
    ),
    (
        Field::JobType,
        &["jobType", "type", "contractType", "Job Type", "budget/type", "paymentType", "engagementType", "is_hourly"],
    ),
    (
        Field::Budget,
        &["budget", "price", "rate", "budget/amount", "amount/amount", "amount", "terms", "jobTerms", "budgetText"],
    ),
    (
        Field::FixedBudget,
        &[
            "fixed/budget/amount",
            "fixed_budget",
            "budget/fixedBudget",
            "fixedPrice",
            "fixedPriceAmount/amount",
            "fixed_price",
            "fixedPriceAmount",
            "fixed_budget_amount",
        ],
    ),
    (
        Field::HourlyMin,
        &[
            "hourly/min",
            "hourly_budget/min",
            "hourly_rate_from",
            "budget/hourlyRate/min",
            "hourlyBudgetMin",
            "hourlyMin",
            "hourlyBudget/min",
            "hourly_range_min",
            "min_rate",
            "hourlyRateMin",
        ],
    ),
    (
        Field::HourlyMax,
        &[
            "hourly/max",
            "hourly_budget/max",
            "hourly_rate_to",
            "budget/hourlyRate/max",
            "hourlyBudgetMax",
            "hourlyMax",
            "hourlyBudget/max",
            "hourly_range_max",
            "max_rate",
            "hourlyRateMax",
        ],
    ),
    (
        Field::Currency,
        &[
            "fixed/budget/isoCurrencyCode",
            "currency",
            "currencyCode",
            "budget/currency",
            "budget/currencyCode",
            "amount/currencyCode",
            "hourly_budget/currency",
            "fixedPriceAmount/isoCurrencyCode",
        ],
    ),
    (
        Field::ExperienceLevel,
        &["experienceLevel", "experience_level", "Experience Level", "tier", "contractorTier", "level"],
    ),
    (
        Field::Duration,
        &[
            "duration",
            "projectLength",
            "Project Length",
            "fixed/duration/label",
            "hourly/duration/label",
            "hourly/duration",
            "durationLabel",
            "engagementDuration/label",
            "hourlyEngagementDuration/label",
            "fixedPriceEngagementDuration/label",
            "engagementDuration",
        ],
    ),
    // Upwork's own `engagement` is the weekly workload (`Less than 30 hrs/week`), not a duration.
    (Field::Workload, &["workload", "engagement", "engagement/label", "hoursPerWeek", "weeklyHours", "Hours per week"]),
    (
        Field::Skills,
        &[
            "tags/*",
            "skills/*",
            "skills/*/name",
            "skills/*/prettyName",
            "attrs/*/prettyName",
            "ontologySkills/*/prefLabel",
            "Skills",
            "tags",
        ],
    ),
    (Field::Category, &["category", "jobCategory", "category/name", "subcategory", "occupation"]),
    (
        Field::PostedAt,
        &[
            "absoluteDate",
            "ts_publish",
            "publishedOn",
            "publishedAt",
            "published_at",
            "postedAt",
            "posted_at",
            "postedOn",
            "createdOn",
            "createdAt",
            "created_at",
            "Posted Time",
            "date",
            "publishTime",
            "relativeDate",
            "posted",
            "postedTime",
            "published_date",
            "pubDate",
            "createTime",
        ],
    ),
    (
        Field::Proposals,
        &[
            "proposals",
            "proposalsCount",
            "applicants",
            "totalApplicants",
            "proposalsTier",
            "clientActivity/totalApplicants",
        ],
    ),
    (
        Field::ClientCountry,
        &[
            "clientLocation",
            "Client Location",
            "client/country",
            "buyer/country",
            "client/countryCode",
            "client/location/country",
            "buyer/location/country",
            "clientCountry",
            "country",
            "location",
            "client_country",
        ],
    ),
    (
        Field::PaymentVerified,
        &[
            "paymentVerified",
            "client/payment_verified",
            "buyer/payment_verified",
            "client/paymentMethodVerified",
            "client/isPaymentMethodVerified",
            "clientPaymentVerified",
            "isPaymentVerified",
            "Payment Verified",
            "client/paymentVerificationStatus",
            "paymentVerificationStatus",
        ],
    ),
    (
        Field::ClientRating,
        &[
            "clientRating",
            "client/rating",
            "buyer/rating",
            "client/feedback/score",
            "client/stats/score",
            "Client Rating",
            "rating",
            "client/totalFeedback",
        ],
    ),
    (
        Field::ClientReviews,
        &[
            "clientReviews",
            "client/reviews",
            "buyer/reviews",
            "client/totalReviews",
            "client/stats/feedbackCount",
            "clientFeedbackCount",
        ],
    ),
    (
        Field::ClientTotalSpent,
        &[
            "clientTotalSpent",
            "client/total_spent",
            "buyer/total_spent",
            "client/stats/totalSpent",
            "client/totalSpent",
            "client/totalSpent/amount",
            "Client Spent",
            "Client Total Spent",
            "totalSpent",
            "totalSpent/amount",
        ],
    ),
    (
        Field::ClientHires,
        &[
            "clientHires",
            "client/hires",
            "client/total_hires",
            "client/stats/totalHires",
            "buyer/hires",
            "buyer/total_hires",
            "totalHires",
        ],
    ),
    (
        Field::ClientHireRate,
        &[
            "clientHireRatePercent",
            "clientHireRate",
            "client/hire_rate",
            "client/stats/hireRate",
            "buyer/hire_rate",
            "Client Hire Rate",
            "hireRate",
        ],
    ),
    (
        Field::ClientAvgHourlyRate,
        &[
            "clientAvgHourlyRate",
            "client/avg_hourly_rate",
            "client/avgHourlyRate",
            "client/stats/avgHourlyJobsRate/amount",
            "buyer/avg_hourly_rate",
            "Client Avg Hourly Rate",
        ],
    ),
    (
        Field::ClientJobsPosted,
        &[
            "clientJobsPosted",
            "client/jobs_posted",
            "client/totalJobs",
            "client/stats/totalJobsPosted",
            "client/stats/totalPostedJobs",
            "buyer/jobs_posted",
            "buyer/total_jobs",
            "jobsPosted",
        ],
    ),
    (
        Field::Questions,
        &["questions/*/question", "questions/*", "screeningQuestions/*", "screening_questions/*/question", "questions"],
    ),
];

/// Where a source column lands: the field, and its rank among that field's sources (lower is
/// better): 0 for an override file's column, 1 + the alias's position in the field's list, that
/// plus [`LEAF_PENALTY`] for a bare leaf, [`INFERRED_RANK`] for a column inferred from values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub field: Field,
    pub rank: u8,
}

/// Folds a source key for matching: lower case; spaces, `_` and `-` dropped; every all-digit
/// path segment replaced by `*`.
pub fn fold_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for (i, segment) in key.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('*');
            continue;
        }
        for c in segment.chars() {
            if !matches!(c, ' ' | '_' | '-' | '\u{feff}') {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// Leaves too generic to name a field on their own inside a nested record: `fixed/duration/id`
/// is not the job id, `hourly/type` not the job type, `totalSpent/amount` not the budget. They
/// still match as top-level keys, and inside longer aliases (`job/id`, `budget/amount`).
pub const AMBIGUOUS_LEAVES: &[&str] = &[
    "id", "uid", "type", "amount", "price", "rate", "name", "label", "value", "level", "date", "link", "href", "body",
];

/// How much worse than any alias of its field a bare leaf inside a nested record ranks, so that
/// a context-qualified alias (`client/country`) always wins over a bare leaf (`country`).
pub const LEAF_PENALTY: u8 = 100;

/// The rank of a column whose field was inferred from its values: after every alias.
pub const INFERRED_RANK: u8 = 250;

/// How a key matched the table: the alias (as the table writes it) and how much of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub target: Target,
    pub alias: &'static str,
    pub how: MatchKind,
}

/// Which part of a key an alias matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The whole key (`client/country`).
    Whole,
    /// A suffix of two or more segments (`upworkHistoryData/client/country`).
    Suffix,
    /// Only the leaf, inside a nested record (`jobTile/job/publishTime`): ranked last.
    Leaf,
}

static INDEX: LazyLock<HashMap<String, (Target, &'static str)>> = LazyLock::new(|| {
    let mut index = HashMap::new();
    for (field, aliases) in ALIASES {
        for (rank, alias) in aliases.iter().enumerate() {
            // Rank 0 is kept for the override file's columns.
            let target = Target { field: *field, rank: rank as u8 + 1 };
            // The first field to claim an alias keeps it.
            index.entry(fold_key(alias)).or_insert((target, *alias));
        }
    }
    index
});

/// Looks a source key up in the table: the whole key, else its longest suffix of two or more
/// segments that is an alias, else (outside arrays, and not an [`AMBIGUOUS_LEAVES`] word) its
/// leaf, ranked after every alias of its field. Allocates: call it once per distinct key.
pub fn resolve(key: &str) -> Option<Match> {
    let folded = fold_key(key);
    if let Some(&(target, alias)) = INDEX.get(&folded) {
        return Some(Match { target, alias, how: MatchKind::Whole });
    }
    let starts: Vec<usize> = folded.match_indices('/').map(|(i, _)| i + 1).collect();
    let (leaf_start, longer) = starts.split_last()?;
    for &start in longer {
        if let Some(&(target, alias)) = INDEX.get(&folded[start..]) {
            return Some(Match { target, alias, how: MatchKind::Suffix });
        }
    }
    let leaf = &folded[*leaf_start..];
    if folded.split('/').any(|s| s == "*") || AMBIGUOUS_LEAVES.iter().any(|a| fold_key(a) == leaf) {
        return None;
    }
    let &(target, alias) = INDEX.get(leaf)?;
    let target = Target { field: target.field, rank: target.rank.saturating_add(LEAF_PENALTY) };
    Some(Match { target, alias, how: MatchKind::Leaf })
}

/// Looks a source key up in the table ([`resolve`]), for the target alone.
pub fn lookup(key: &str) -> Option<Target> {
    resolve(key).map(|m| m.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_spaces_and_separators() {
        assert_eq!(fold_key("Job ID"), "jobid");
        assert_eq!(fold_key("payment_verified"), "paymentverified");
        assert_eq!(fold_key("client/stats/totalSpent"), "client/stats/totalspent");
        assert_eq!(fold_key("tags/11"), "tags/*");
        assert_eq!(fold_key("questions/0/question"), "questions/*/question");
        assert_eq!(fold_key("\u{feff}id"), "id");
    }

    #[test]
    fn every_alias_resolves_to_its_own_field_unless_claimed_earlier() {
        let mut seen = std::collections::HashSet::new();
        for (field, aliases) in ALIASES {
            for alias in *aliases {
                let folded = fold_key(alias);
                let target = lookup(alias).expect(alias);
                if seen.insert(folded) {
                    assert_eq!(target.field, *field, "alias {alias}");
                }
            }
        }
    }

    #[test]
    fn aliases_of_every_known_actor_resolve() {
        let cases = [
            // flat camelCase actor (fixture 1)
            ("clientHireRatePercent", Field::ClientHireRate),
            ("absoluteDate", Field::PostedAt),
            ("relativeDate", Field::PostedAt),
            ("tags/3", Field::Skills),
            ("questions/0/question", Field::Questions),
            // Upwork-API-shaped actor (fixture 2)
            ("fixed/budget/amount", Field::FixedBudget),
            ("fixed/budget/isoCurrencyCode", Field::Currency),
            ("fixed/duration/label", Field::Duration),
            ("hourly/min", Field::HourlyMin),
            ("ts_publish", Field::PostedAt),
            // snake_case actor with buyer{...}
            ("buyer/payment_verified", Field::PaymentVerified),
            ("buyer/total_spent", Field::ClientTotalSpent),
            ("hourly_budget/max", Field::HourlyMax),
            // client{...} + skills[{name}] actor
            ("hourly_rate_from", Field::HourlyMin),
            ("client/hire_rate", Field::ClientHireRate),
            ("skills/2/name", Field::Skills),
            // budget{fixedBudget, hourlyRate} + client.stats actor
            ("budget/fixedBudget", Field::FixedBudget),
            ("budget/hourlyRate/min", Field::HourlyMin),
            ("client/countryCode", Field::ClientCountry),
            ("client/paymentMethodVerified", Field::PaymentVerified),
            ("client/stats/totalHires", Field::ClientHires),
            ("client/stats/hireRate", Field::ClientHireRate),
            // flat strings actor
            ("contractType", Field::JobType),
            // human headers
            ("Job ID", Field::JobId),
            ("JOB id", Field::JobId),
            ("Link", Field::Url),
            ("Budget", Field::Budget),
            ("Posted Time", Field::PostedAt),
            ("Skills", Field::Skills),
            ("Proposals", Field::Proposals),
            ("client location", Field::ClientCountry),
            ("Short Description", Field::Description),
        ];
        for (key, field) in cases {
            assert_eq!(lookup(key).map(|t| t.field), Some(field), "{key}");
        }
        assert_eq!(lookup("allowedApplicantCountries/0"), None);
        assert_eq!(lookup("fixed/duration/id"), None, "a generic leaf in a nested record");
        assert_eq!(lookup("hourly/type"), None);
        assert_eq!(lookup("hasHired"), None);
    }

    #[test]
    fn nested_keys_match_by_suffix_then_leaf_with_context_first() {
        let m = resolve("upworkHistoryData/client/country").unwrap();
        assert_eq!((m.target.field, m.alias, m.how), (Field::ClientCountry, "client/country", MatchKind::Suffix));
        let leaf = resolve("jobTile/job/publishTime").unwrap();
        assert_eq!((leaf.target.field, leaf.how), (Field::PostedAt, MatchKind::Leaf));
        let bare = resolve("extra/country").unwrap();
        assert_eq!(bare.how, MatchKind::Leaf);
        assert!(bare.target.rank > m.target.rank, "context wins over a bare leaf");
        assert_eq!(lookup("ontologySkills/3/prefLabel").map(|t| t.field), Some(Field::Skills));
        assert_eq!(lookup("ontologySkills/3/uid"), None, "leaves under arrays need their context");
        assert_eq!(
            lookup("upworkHistoryData/client/totalSpent/amount").map(|t| t.field),
            Some(Field::ClientTotalSpent)
        );
        assert_eq!(lookup("jobTile/job/fixedPriceAmount/amount").map(|t| t.field), Some(Field::FixedBudget));
        assert_eq!(lookup("jobTile/job/hourlyEngagementDuration/label").map(|t| t.field), Some(Field::Duration));
        assert_eq!(lookup("engagement").map(|t| t.field), Some(Field::Workload), "Upwork's engagement is hours a week");
        assert_eq!(lookup("jobTile/job/ciphertext").map(|t| t.field), Some(Field::JobId));
    }

    #[test]
    fn field_names_round_trip() {
        for (field, name) in Field::NAMES {
            assert_eq!(field.name(), name);
            assert_eq!(Field::from_name(name), Some(field));
        }
        assert_eq!(Field::from_name("Client_Country"), Some(Field::ClientCountry));
        assert_eq!(Field::from_name("nope"), None);
    }
}
