//! Rankings: evaluated jobs, best first, with filters and keyset pagination.
//!
//! Each job is ranked by its latest evaluation (`evaluations.is_latest`), whatever profile
//! version made it: after the profile is edited the rankings keep every job, those scored under
//! an earlier profile marked [`stale`](RankingItem::stale), and a job scored again replaces its
//! old entry. Priorities (shown and filtered) follow the current profile's thresholds.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::{Json, ToSql, Type};
use tokio_postgres::GenericClient;

use super::cursor::Cursor;
use crate::evaluation::Assessment;
use crate::profile::{Priority, PriorityThresholds};

/// The most items a page may hold.
pub const MAX_LIMIT: u32 = 200;

/// What to rank.
#[derive(Debug, Clone)]
pub struct RankingQuery {
    /// The current profile's version: items evaluated under another are [`stale`](RankingItem::stale).
    pub profile_version: String,
    pub limit: u32,
    pub cursor: Option<Cursor>,
    pub min_score: Option<f64>,
    pub priority: Option<Priority>,
    /// The current profile's thresholds: a priority filter then becomes a range of totals, which
    /// the ranking index answers directly (priority is a function of the total), and each item's
    /// priority is that of its total under them, also for evaluations made under an earlier
    /// profile (whose stored priority used that profile's thresholds). Without them, the stored
    /// priority is filtered and shown.
    pub thresholds: Option<PriorityThresholds>,
    /// Posted after.
    pub since: Option<DateTime<Utc>>,
    /// Words in the title, skills or description (full-text, web search syntax; see [`rankings`]).
    pub q: Option<String>,
    /// `Some(true)` (the default) shows only relevant jobs; `None` shows all.
    pub relevant: Option<bool>,
    /// Also the jobs whose latest decision is "not for me" (left out by default).
    pub include_not_for_me: bool,
}

impl RankingQuery {
    /// The first page of 20 relevant jobs, without filters, for the profile `profile_version`.
    pub fn new(profile_version: impl Into<String>) -> RankingQuery {
        RankingQuery {
            profile_version: profile_version.into(),
            limit: 20,
            cursor: None,
            min_score: None,
            priority: None,
            thresholds: None,
            since: None,
            q: None,
            relevant: Some(true),
            include_not_for_me: false,
        }
    }
}

/// One ranked job.
#[derive(Debug, Clone, Serialize)]
pub struct RankingItem {
    pub rank: u32,
    pub job_id: String,
    pub title: String,
    pub url: Option<String>,
    pub job_type: String,
    pub fixed_budget: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
    pub currency: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
    /// Hours since posting, when the posting time is known.
    pub age_hours: Option<f64>,
    pub proposals_min: Option<i32>,
    pub proposals_max: Option<i32>,
    pub client_country: Option<String>,
    pub client_payment_verified: Option<bool>,
    pub client_rating: Option<f64>,
    pub client_total_spent: Option<f64>,
    pub client_hire_rate: Option<f64>,
    pub skills: Vec<String>,
    pub total: f64,
    /// Under the current profile's thresholds when the query has them.
    pub priority: String,
    pub relevant: bool,
    pub scorer: String,
    pub model: Option<String>,
    pub assessment: Assessment,
    pub evaluated_at: DateTime<Utc>,
    /// The profile version the evaluation was made under.
    pub profile_version: String,
    /// Scored under an earlier profile than the current one: shown until the job is scored again
    /// (`upflow rescore` queues every such job).
    pub stale: bool,
}

impl RankingItem {
    /// What the ranking knows of the client, as a [`Client`](crate::job::Client) (the signals
    /// the rankings carry; the others unknown).
    pub fn client(&self) -> crate::job::Client {
        crate::job::Client {
            country: self.client_country.clone(),
            payment_verified: self.client_payment_verified,
            rating: self.client_rating,
            total_spent: self.client_total_spent,
            hire_rate: self.client_hire_rate,
            ..Default::default()
        }
    }
}

/// A page of rankings and the cursor of the next one.
#[derive(Debug, Clone, Serialize)]
pub struct RankingPage {
    pub items: Vec<RankingItem>,
    pub next_cursor: Option<String>,
}

/// The columns of a ranked item, over evaluations `e` and jobs `j`.
const SELECT: &str = "SELECT j.job_id, j.title, j.url, j.job_type, j.fixed_budget, j.hourly_min, j.hourly_max,
        j.currency, e.posted_at, j.proposals_min, j.proposals_max, j.client_country,
        j.client_payment_verified, j.client_rating, j.client_total_spent, j.client_hire_rate, j.skills,
        e.total, e.priority, e.relevant, e.scorer, e.model, e.assessment, e.updated_at, e.profile_version";

/// The table ranked.
const FROM: &str = "FROM evaluations";

/// The columns of `evaluations` that [`SELECT`] reads, for the subqueries of a text search
/// (not `e.*`: the text search copy `search` and the rest need not be carried through them).
const EVALUATED: &str = "e.job_id, e.total, e.posted_at, e.priority, e.relevant, e.scorer, e.model,
        e.assessment, e.updated_at, e.profile_version";

/// The rows ranked: each job's latest evaluation, when it scored the job.
const LATEST: &str = "e.is_latest AND e.status = 'scored'";

/// The priority of `total` under `t` (as [`crate::profile::Profile::priority_of`]).
fn priority_of(total: f64, t: &PriorityThresholds) -> Priority {
    if total >= t.high {
        Priority::High
    } else if total >= t.medium {
        Priority::Medium
    } else {
        Priority::Low
    }
}

/// A parameter list for `query_typed`, each value with its type.
type Params = Vec<(Box<dyn ToSql + Sync + Send>, Type)>;

/// The ranking order (also the keyset cursor's), which the ranking indexes hold.
const ORDER: &str = "e.total DESC, coalesce(e.posted_at, 'epoch') DESC, e.job_id DESC";

/// How many ranked rows a text search tests in order before it looks the text up first
/// instead: when its matches are that sparse in the ranking, the walk would go on too long.
pub const TEXT_WALK: i64 = 1000;

/// The text search configuration of `jobs.search` (0013_full_text_search.sql).
const TS_QUERY: &str = "websearch_to_tsquery('english', ?)";

/// Whether a row matches the text `?`. A query of stop words only ("the", "and") or of
/// punctuation holds no word (`numnode` 0), and then filters nothing, as an empty `q`. The
/// statements are unnamed, so Postgres plans them with the value of `?` and folds `numnode` to
/// a constant: the condition is then either true or the bare `@@`, which the text index answers.
fn matches_text(placeholder: &str) -> String {
    let q = TS_QUERY.replace('?', placeholder);
    format!("(numnode({q}) = 0 OR e.search @@ {q})")
}

/// The conditions every query shares (all but the text), as `AND …` clauses over `e`.
fn conditions(query: &RankingQuery) -> (String, Params) {
    let mut sql = String::new();
    let mut params: Params = Vec::new();
    let mut push = |sql: &mut String, clause: &str, value: Box<dyn ToSql + Sync + Send>, ty: Type| {
        params.push((value, ty));
        sql.push_str(&clause.replace('?', &format!("${}", params.len())));
    };
    if let Some(relevant) = query.relevant {
        push(&mut sql, " AND e.relevant = ?", Box::new(relevant), Type::BOOL);
    }
    if let Some(min) = query.min_score {
        push(&mut sql, " AND e.total >= ?", Box::new(min), Type::FLOAT8);
    }
    if let Some(p) = query.priority {
        // With the current thresholds the range alone decides: a stale evaluation's stored
        // priority came from an earlier profile's thresholds.
        if query.thresholds.is_none() {
            push(&mut sql, " AND e.priority = ?", Box::new(p.as_str().to_string()), Type::TEXT);
        }
        if let Some(t) = query.thresholds {
            let (low, high) = match p {
                Priority::High => (Some(t.high), None),
                Priority::Medium => (Some(t.medium), Some(t.high)),
                Priority::Low => (None, Some(t.medium)),
            };
            if let Some(low) = low {
                push(&mut sql, " AND e.total >= ?", Box::new(low), Type::FLOAT8);
            }
            if let Some(high) = high {
                push(&mut sql, " AND e.total < ?", Box::new(high), Type::FLOAT8);
            }
        }
    }
    if !query.include_not_for_me {
        // Per ranked row, one probe of the jobs' primary key; the walk stays the ranking's.
        sql.push_str(" AND NOT EXISTS (SELECT 1 FROM jobs d WHERE d.job_id = e.job_id AND d.decision = 'not_for_me')");
    }
    if let Some(since) = query.since {
        push(&mut sql, " AND e.posted_at > ?", Box::new(since), Type::TIMESTAMPTZ);
    }
    if let Some(c) = &query.cursor {
        params.push((Box::new(c.total), Type::FLOAT8));
        let t = params.len();
        params.push((Box::new(c.posted_at()), Type::TIMESTAMPTZ));
        let p = params.len();
        params.push((Box::new(c.job_id.clone()), Type::TEXT));
        let id = params.len();
        sql.push_str(&format!(" AND (e.total, coalesce(e.posted_at, 'epoch'), e.job_id) < (${t}, ${p}, ${id})"));
    }
    (sql, params)
}

/// Appends `value` to `params` and returns its placeholder.
fn bind(params: &mut Params, value: Box<dyn ToSql + Sync + Send>, ty: Type) -> String {
    params.push((value, ty));
    format!("${}", params.len())
}

/// A page of rankings; ranks number on from the cursor's (1 on the first page).
///
/// `q` is a full-text search (words of the title, skills or description, stemmed, in the
/// syntax of a web search: `"exact phrase"`, `-excluded`, `or`). It is answered in at most two
/// steps, each an index walk: first the ranking, in order, testing each row for the words
/// until the page is full or [`TEXT_WALK`] rows are passed (quick when matches are common);
/// when that leaves the page short, the matches themselves through the text index, then the
/// other filters and the order over them (quick when matches are rare).
pub async fn rankings(client: &impl GenericClient, query: &RankingQuery) -> anyhow::Result<RankingPage> {
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let limit = query.limit.clamp(1, MAX_LIMIT) as i64;
    let Some(q) = q else {
        // Each job's latest evaluation, under whichever profile: the partial ranking indexes
        // hold exactly these rows, so the order below is an index walk.
        let (filters, mut params) = conditions(query);
        let n = bind(&mut params, Box::new(limit + 1), Type::INT8);
        let sql = format!(
            "{SELECT} {FROM} e JOIN jobs j ON j.job_id = e.job_id WHERE {LATEST}{filters} ORDER BY {ORDER} LIMIT {n}"
        );
        return page(client, query, &sql, params, limit).await;
    };
    // Step one: walk the ranking, at most TEXT_WALK rows, testing each.
    let (filters, mut params) = conditions(query);
    let k = bind(&mut params, Box::new(TEXT_WALK), Type::INT8);
    let text = matches_text(&bind(&mut params, Box::new(q.to_string()), Type::TEXT));
    let n = bind(&mut params, Box::new(limit + 1), Type::INT8);
    let walk = format!(
        "{SELECT} FROM (SELECT {EVALUATED}, e.search {FROM} e WHERE {LATEST}{filters} ORDER BY {ORDER} LIMIT {k}) e
         JOIN jobs j ON j.job_id = e.job_id WHERE {text} ORDER BY {ORDER} LIMIT {n}"
    );
    let found = page(client, query, &walk, params, limit).await?;
    if found.next_cursor.is_some() {
        return Ok(found);
    }
    // Step two: the matches first (the text index), then the order over them, and only the
    // page's rows joined to their jobs. The CTE is materialized so that the planner cannot turn
    // it back into the walk of step one.
    let (filters, mut params) = conditions(query);
    let text = matches_text(&bind(&mut params, Box::new(q.to_string()), Type::TEXT));
    let n = bind(&mut params, Box::new(limit + 1), Type::INT8);
    let matches = format!(
        "WITH matches AS MATERIALIZED (SELECT {EVALUATED} {FROM} e WHERE {LATEST}{filters} AND {text})
         {SELECT} FROM (SELECT * FROM matches e ORDER BY {ORDER} LIMIT {n}) e
         JOIN jobs j ON j.job_id = e.job_id ORDER BY {ORDER}"
    );
    page(client, query, &matches, params, limit).await
}

/// Runs a ranking statement (rows in [`SELECT`]'s columns, `limit + 1` at most) into a page.
async fn page(
    client: &impl GenericClient,
    query: &RankingQuery,
    sql: &str,
    params: Params,
    limit: i64,
) -> anyhow::Result<RankingPage> {
    let first_rank = query.cursor.as_ref().map_or(1, |c| c.rank + 1);
    let refs: Vec<(&(dyn ToSql + Sync), Type)> =
        params.iter().map(|(v, t)| (&**v as &(dyn ToSql + Sync), t.clone())).collect();
    let rows = client.query_typed(sql, &refs).await?;
    let now = Utc::now();
    let mut items: Vec<RankingItem> = rows
        .iter()
        .take(limit as usize)
        .enumerate()
        .map(|(i, r)| {
            let posted_at: Option<DateTime<Utc>> = r.get(8);
            let Json(assessment): Json<Assessment> = r.get(22);
            let total: f64 = r.get(17);
            let profile_version: String = r.get(24);
            let priority = match &query.thresholds {
                Some(t) => priority_of(total, t).as_str().to_string(),
                None => r.get(18),
            };
            RankingItem {
                rank: first_rank + i as u32,
                job_id: r.get(0),
                title: r.get(1),
                url: r.get(2),
                job_type: r.get(3),
                fixed_budget: r.get(4),
                hourly_min: r.get(5),
                hourly_max: r.get(6),
                currency: r.get(7),
                posted_at,
                age_hours: posted_at.map(|p| ((now - p).num_minutes() as f64 / 60.0 * 10.0).round() / 10.0),
                proposals_min: r.get(9),
                proposals_max: r.get(10),
                client_country: r.get(11),
                client_payment_verified: r.get(12),
                client_rating: r.get(13),
                client_total_spent: r.get(14),
                client_hire_rate: r.get(15),
                skills: r.get(16),
                total,
                priority,
                relevant: r.get::<_, Option<bool>>(19).unwrap_or(true),
                scorer: r.get(20),
                model: r.get(21),
                assessment,
                evaluated_at: r.get(23),
                stale: profile_version != query.profile_version,
                profile_version,
            }
        })
        .collect();
    let next_cursor = (rows.len() as i64 > limit)
        .then(|| items.last().map(|l| Cursor::new(l.total, l.posted_at, &l.job_id, l.rank).encode()))
        .flatten();
    items.shrink_to_fit();
    Ok(RankingPage { items, next_cursor })
}
