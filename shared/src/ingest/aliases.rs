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
}

/// The table: each canonical field with its source aliases, best first.
pub const ALIASES: &[(Field, &[&str])] = &[
    (Field::JobId, &["id", "uid", "jobId", "Job ID", "job/id", "ciphertext", "job/ciphertext", "subId"]),
    (Field::Url, &["url", "link", "jobUrl", "Job URL", "jobLink", "job/url", "href"]),
    (Field::Title, &["title", "jobTitle", "Job Title", "job/title"]),
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
        ],
    ),
    (Field::JobType, &["jobType", "type", "contractType", "Job Type", "budget/type", "paymentType", "engagementType"]),
    (Field::Budget, &["budget", "price", "rate", "budget/amount", "amount/amount", "amount"]),
    (
        Field::FixedBudget,
        &[
            "fixed/budget/amount",
            "fixed_budget",
            "budget/fixedBudget",
            "fixedPrice",
            "fixedPriceAmount/amount",
            "fixed_price",
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
            "engagement",
            "engagementDuration/label",
        ],
    ),
    (
        Field::Skills,
        &["tags/*", "skills/*", "skills/*/name", "skills/*/prettyName", "attrs/*/prettyName", "Skills", "tags"],
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
            "Client Spent",
            "Client Total Spent",
            "totalSpent",
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

/// Where a source column lands: the field, the alias's rank in that field's list (0 is best).
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

static INDEX: LazyLock<HashMap<String, Target>> = LazyLock::new(|| {
    let mut index = HashMap::new();
    for (field, aliases) in ALIASES {
        for (rank, alias) in aliases.iter().enumerate() {
            let target = Target { field: *field, rank: rank as u8 };
            // The first field to claim an alias keeps it.
            index.entry(fold_key(alias)).or_insert(target);
        }
    }
    index
});

/// Looks a source key up in the table.
pub fn lookup(key: &str) -> Option<Target> {
    INDEX.get(&fold_key(key)).copied()
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
        assert_eq!(lookup("hasHired"), None);
    }
}
