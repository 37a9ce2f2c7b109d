//! The canonical `Job`: the one shape every Apify actor's export is mapped onto.
//!
//! Every field a source may not know is an `Option` (or an empty list). The original record is
//! kept in [`Job::raw`] so no field of the export is ever lost, even ones we do not model.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::ingest::raw::Raw;

/// How the freelancer is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum JobType {
    Fixed,
    Hourly,
    #[default]
    Unknown,
}

impl JobType {
    pub fn as_str(self) -> &'static str {
        match self {
            JobType::Fixed => "fixed",
            JobType::Hourly => "hourly",
            JobType::Unknown => "unknown",
        }
    }
}

/// Number of proposals a job has received: an exact count (`min == max`), a range ("10 to 15")
/// or an open range ("50+", `max == None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposals {
    pub min: u32,
    pub max: Option<u32>,
}

/// What the export says about the client who posted the job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// Country name (ISO codes such as `USA` are expanded to names).
    pub country: Option<String>,
    pub payment_verified: Option<bool>,
    /// Average feedback, 0-5.
    pub rating: Option<f64>,
    pub reviews: Option<u32>,
    /// Total spent on Upwork in the job's currency; "$50K+" is stored as its lower bound, 50000.
    pub total_spent: Option<f64>,
    pub hires: Option<u32>,
    /// Hire rate in percent as the source gives it (real exports have values above 100).
    pub hire_rate: Option<f64>,
    pub avg_hourly_rate: Option<f64>,
    pub jobs_posted: Option<u32>,
}

/// One Upwork job, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Upwork's job id: the numeric id, or the `~01…` ciphertext when only that is known.
    pub job_id: String,
    pub url: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub job_type: JobType,
    pub fixed_budget: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
    /// ISO 4217 code, when the source states one or its amounts carry a currency symbol.
    pub currency: Option<String>,
    pub experience_level: Option<String>,
    pub duration: Option<String>,
    /// The weekly hours, as written (`30+ hrs/week`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    pub skills: Vec<String>,
    pub category: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
    pub proposals: Option<Proposals>,
    pub client: Client,
    pub screening_questions: Vec<String>,
    /// Links in the description, other than upwork.com's own.
    pub external_urls: Vec<String>,
    /// The search the export grouped the job under (an envelope's `keyword`, `query`, …), when
    /// it says; not part of the job's content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_keyword: Option<String>,
    /// The record as it was in the export (CSV rows are un-flattened back into nested JSON).
    pub raw: Raw,
}

impl Job {
    /// A hash of what the client wrote: title, description, type, budget, currency, level,
    /// duration, workload, skills, category and screening questions. A change in it means the job must be
    /// scored again. Volatile signals (proposals, client stats, posting age) are left out so that
    /// re-scraping the same job does not re-score it. Skills are a set: their order, repeats,
    /// case and spacing differ between actors and scrapes, so they are hashed as the sorted,
    /// de-duplicated list of their [`skill_key`]s.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        #[derive(Serialize)]
        struct Content<'a> {
            title: &'a str,
            description: Option<&'a str>,
            job_type: JobType,
            fixed_budget: Option<f64>,
            hourly_min: Option<f64>,
            hourly_max: Option<f64>,
            currency: Option<&'a str>,
            experience_level: Option<&'a str>,
            duration: Option<&'a str>,
            // Left out when absent, so jobs that never state one keep their hash.
            #[serde(skip_serializing_if = "Option::is_none")]
            workload: Option<&'a str>,
            skills: &'a [String],
            category: Option<&'a str>,
            screening_questions: &'a [String],
        }
        let mut skills: Vec<String> = self.skills.iter().map(|s| skill_key(s)).filter(|s| !s.is_empty()).collect();
        skills.sort_unstable();
        skills.dedup();
        let content = Content {
            title: &self.title,
            description: self.description.as_deref(),
            job_type: self.job_type,
            fixed_budget: self.fixed_budget,
            hourly_min: self.hourly_min,
            hourly_max: self.hourly_max,
            currency: self.currency.as_deref(),
            experience_level: self.experience_level.as_deref(),
            duration: self.duration.as_deref(),
            workload: self.workload.as_deref(),
            skills: &skills,
            category: self.category.as_deref(),
            screening_questions: &self.screening_questions,
        };
        let bytes = serde_json::to_vec(&content).expect("job content serialises");
        hex::encode(&Sha256::digest(&bytes)[..16])
    }
}

/// A realistic job for the library's unit tests.
#[cfg(test)]
impl Job {
    pub(crate) fn example() -> Job {
        Job {
            job_id: "~01a2b3c4d5e6f7a8b9".into(),
            url: Some("https://www.upwork.com/jobs/~01a2b3c4d5e6f7a8b9".into()),
            title: "RAG assistant over our support docs (LangChain, pgvector)".into(),
            description: Some(
                "We want an assistant that answers customer questions from 3,000 help-center articles, \
                 with citations. Python backend, PostgreSQL with pgvector, deployed with Docker."
                    .into(),
            ),
            job_type: JobType::Fixed,
            fixed_budget: Some(4000.0),
            hourly_min: None,
            hourly_max: None,
            currency: None,
            experience_level: Some("Expert".into()),
            duration: Some("1 to 3 months".into()),
            workload: None,
            skills: vec!["Python".into(), "LangChain".into(), "pgvector".into(), "RAG".into()],
            category: None,
            posted_at: None,
            proposals: Some(Proposals { min: 5, max: Some(10) }),
            client: Client { payment_verified: Some(true), rating: Some(4.9), ..Client::default() },
            screening_questions: vec![],
            external_urls: vec![],
            search_keyword: None,
            raw: Default::default(),
        }
    }
}

/// A skill as the content hash compares it: lower case, spaces trimmed and collapsed.
pub fn skill_key(skill: &str) -> String {
    skill.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(skills: &[&str]) -> Job {
        Job {
            job_id: "1".into(),
            url: None,
            title: "Build a scraper".into(),
            description: Some("Rust, please.".into()),
            job_type: JobType::Fixed,
            fixed_budget: Some(500.0),
            hourly_min: None,
            hourly_max: None,
            currency: None,
            experience_level: None,
            duration: None,
            workload: None,
            skills: skills.iter().map(|s| s.to_string()).collect(),
            category: None,
            posted_at: None,
            proposals: None,
            client: Client::default(),
            screening_questions: Vec::new(),
            external_urls: Vec::new(),
            search_keyword: None,
            raw: Raw::default(),
        }
    }

    #[test]
    fn the_content_hash_treats_skills_as_a_set() {
        let hash = job(&["Rust", "PostgreSQL", "Web Scraping"]).content_hash();
        assert_eq!(job(&["Web Scraping", "Rust", "PostgreSQL"]).content_hash(), hash, "order");
        assert_eq!(
            job(&["rust", " postgresql", "web  scraping ", "Rust"]).content_hash(),
            hash,
            "case, spaces, repeats"
        );
        assert_ne!(job(&["Rust", "PostgreSQL"]).content_hash(), hash, "a skill less is a change");
        assert_ne!(job(&["Rust", "PostgreSQL", "Web Scraping", "Python"]).content_hash(), hash);
    }
}
