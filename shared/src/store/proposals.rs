//! The `proposals` table: one draft per job and proposal version ([`crate::propose`]).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;

use crate::proposal::Draft;

/// A stored draft and what drafting it has cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredProposal {
    pub job_id: String,
    pub profile_version: String,
    pub content_hash: String,
    pub draft: Draft,
    /// `rules` (offline) or `cerebras`.
    pub drafter: String,
    pub model: Option<String>,
    /// Calls made for this job and version, redos included; the tokens and cost add them all up.
    pub calls: i32,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub cost_usd: Option<f64>,
    /// The latest call's.
    pub latency_ms: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredProposal {
    /// Who drafted it, as the bot and the page say it: `drafted by gpt-oss-120b`, or that it is
    /// the offline draft with gaps to fill.
    pub fn drafted_by(&self) -> String {
        match (&self.drafter[..], &self.model) {
            ("cerebras", Some(model)) => format!("drafted by {model}"),
            ("cerebras", None) => "drafted by Cerebras".into(),
            _ => "offline draft (no Cerebras key): fill in the marked gaps".into(),
        }
    }
}

/// A draft just made, to store.
#[derive(Debug, Clone)]
pub struct NewProposal<'a> {
    pub job_id: &'a str,
    pub profile_version: &'a str,
    pub content_hash: &'a str,
    pub draft: &'a Draft,
    pub drafter: &'a str,
    pub model: Option<&'a str>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub cost_usd: Option<f64>,
    pub latency_ms: i32,
}

const COLUMNS: &str = "job_id, profile_version, content_hash, draft, drafter, model, calls, prompt_tokens, \
                       completion_tokens, cost_usd, latency_ms, created_at, updated_at";

fn stored(row: &tokio_postgres::Row) -> StoredProposal {
    StoredProposal {
        job_id: row.get(0),
        profile_version: row.get(1),
        content_hash: row.get(2),
        draft: row.get::<_, Json<Draft>>(3).0,
        drafter: row.get(4),
        model: row.get(5),
        calls: row.get(6),
        prompt_tokens: row.get(7),
        completion_tokens: row.get(8),
        cost_usd: row.get(9),
        latency_ms: row.get(10),
        created_at: row.get(11),
        updated_at: row.get(12),
    }
}

/// The draft of `job_id` under `profile_version`, if any.
pub async fn get(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
) -> anyhow::Result<Option<StoredProposal>> {
    let rows = client
        .query_typed(
            &format!("SELECT {COLUMNS} FROM proposals WHERE job_id = $1 AND profile_version = $2"),
            &[(&job_id, Type::TEXT), (&profile_version, Type::TEXT)],
        )
        .await?;
    Ok(rows.first().map(stored))
}

/// Stores a new draft, replacing the one before under the same version and adding its call,
/// tokens and cost to theirs; `None` when the job is gone.
pub async fn save(client: &impl GenericClient, new: &NewProposal<'_>) -> anyhow::Result<Option<StoredProposal>> {
    let draft = Json(new.draft);
    let rows = client
        .query_typed(
            &format!(
                "INSERT INTO proposals AS p (job_id, profile_version, content_hash, draft, drafter, model,
                                             prompt_tokens, completion_tokens, cost_usd, latency_ms)
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM jobs WHERE job_id = $1
                 ON CONFLICT (job_id, profile_version) DO UPDATE SET
                     content_hash = EXCLUDED.content_hash, draft = EXCLUDED.draft,
                     drafter = EXCLUDED.drafter, model = EXCLUDED.model, calls = p.calls + 1,
                     prompt_tokens = p.prompt_tokens + EXCLUDED.prompt_tokens,
                     completion_tokens = p.completion_tokens + EXCLUDED.completion_tokens,
                     cost_usd = CASE WHEN p.cost_usd IS NULL AND EXCLUDED.cost_usd IS NULL THEN NULL
                                     ELSE coalesce(p.cost_usd, 0) + coalesce(EXCLUDED.cost_usd, 0) END,
                     latency_ms = EXCLUDED.latency_ms, updated_at = now()
                 RETURNING {COLUMNS}"
            ),
            &[
                (&new.job_id, Type::TEXT),
                (&new.profile_version, Type::TEXT),
                (&new.content_hash, Type::TEXT),
                (&draft, Type::JSONB),
                (&new.drafter, Type::TEXT),
                (&new.model, Type::TEXT),
                (&new.prompt_tokens, Type::INT8),
                (&new.completion_tokens, Type::INT8),
                (&new.cost_usd, Type::FLOAT8),
                (&new.latency_ms, Type::INT4),
            ],
        )
        .await?;
    Ok(rows.first().map(stored))
}

/// Drafts made and what they cost, for `/stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProposalStats {
    /// Jobs with a draft (any version).
    pub drafts: i64,
    /// Calls made, redos included (offline drafts count as calls that cost nothing).
    pub calls: i64,
    /// Drafts written today (first drafts and redos).
    pub written_today: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Sum of the stored estimates; drafts without a price count as zero.
    pub estimated_cost_usd: f64,
    /// Drafts per drafter and model.
    pub drafters: Vec<(String, Option<String>, i64)>,
}

/// [`ProposalStats`] over every stored draft.
pub async fn stats(client: &impl GenericClient) -> anyhow::Result<ProposalStats> {
    let row = client
        .query_typed(
            "SELECT count(*), coalesce(sum(calls), 0)::int8,
                    count(*) FILTER (WHERE updated_at >= date_trunc('day', now())),
                    coalesce(sum(prompt_tokens), 0)::int8, coalesce(sum(completion_tokens), 0)::int8,
                    coalesce(sum(cost_usd), 0)::float8
             FROM proposals",
            &[],
        )
        .await?;
    let r = &row[0];
    let drafters = client
        .query_typed(
            "SELECT drafter, model, count(*) FROM proposals GROUP BY drafter, model ORDER BY count(*) DESC, drafter",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    Ok(ProposalStats {
        drafts: r.get(0),
        calls: r.get(1),
        written_today: r.get(2),
        prompt_tokens: r.get(3),
        completion_tokens: r.get(4),
        estimated_cost_usd: r.get(5),
        drafters,
    })
}
