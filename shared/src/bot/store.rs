//! The bot's tables (`telegram_updates`, `telegram_chats`, `telegram_refusals`) and the queries
//! behind `/top` and `/new`. Unnamed statements only (`query_typed`), as everywhere in the store.

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;

use super::command::TopRequest;
use super::format::JobCard;
use crate::evaluation::Assessment;
use crate::read::{rankings, Cursor, RankingItem, RankingQuery};
use crate::store::jobs::{from_row, JOB_COLUMNS};

/// How long a seen `update_id` is remembered. Telegram keeps undelivered updates for 24 hours,
/// and numbers updates afresh after a week without any.
pub const REMEMBER_UPDATES_DAYS: i32 = 7;

/// Records `update_id`; `false` when it was seen before (a redelivery).
pub async fn first_delivery(client: &impl GenericClient, update_id: i64) -> anyhow::Result<bool> {
    let rows = client
        .query_typed(
            "INSERT INTO telegram_updates (update_id) VALUES ($1) ON CONFLICT (update_id) DO NOTHING RETURNING 1",
            &[(&update_id, Type::INT8)],
        )
        .await
        .context("record update id")?;
    Ok(!rows.is_empty())
}

/// Forgets update ids older than [`REMEMBER_UPDATES_DAYS`]; returns how many.
pub async fn prune_updates(client: &impl GenericClient) -> anyhow::Result<u64> {
    let rows = client
        .query_typed(
            "DELETE FROM telegram_updates WHERE received_at < now() - make_interval(days => $1) RETURNING 1",
            &[(&REMEMBER_UPDATES_DAYS, Type::INT4)],
        )
        .await
        .context("prune update ids")?;
    Ok(rows.len() as u64)
}

/// Claims the one refusal a chat that is not allowed gets: `true` the first time for `chat_id`
/// (the refusal is then to be sent), `false` once it was claimed before.
pub async fn claim_refusal(client: &impl GenericClient, chat_id: i64) -> anyhow::Result<bool> {
    let rows = client
        .query_typed(
            "INSERT INTO telegram_refusals (chat_id) VALUES ($1) ON CONFLICT (chat_id) DO NOTHING RETURNING 1",
            &[(&chat_id, Type::INT8)],
        )
        .await
        .context("claim the chat's refusal")?;
    Ok(!rows.is_empty())
}

/// Gives back a refusal claim whose message could not be sent, so the next message tries again.
pub async fn release_refusal(client: &impl GenericClient, chat_id: i64) -> anyhow::Result<()> {
    client
        .query_typed("DELETE FROM telegram_refusals WHERE chat_id = $1", &[(&chat_id, Type::INT8)])
        .await
        .context("release the chat's refusal")?;
    Ok(())
}

/// The database's current time and the time of this chat's last `/new`, if any.
pub async fn last_new(
    client: &impl GenericClient,
    chat_id: i64,
) -> anyhow::Result<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let rows = client
        .query_typed(
            "SELECT now(), (SELECT last_new_at FROM telegram_chats WHERE chat_id = $1)",
            &[(&chat_id, Type::INT8)],
        )
        .await
        .context("read the chat's last /new")?;
    Ok((rows[0].get(0), rows[0].get(1)))
}

/// Remembers `at` as this chat's last `/new`.
pub async fn set_last_new(client: &impl GenericClient, chat_id: i64, at: DateTime<Utc>) -> anyhow::Result<()> {
    client
        .query_typed(
            "INSERT INTO telegram_chats (chat_id, last_new_at) VALUES ($1, $2)
             ON CONFLICT (chat_id) DO UPDATE SET last_new_at = EXCLUDED.last_new_at",
            &[(&chat_id, Type::INT8), (&at, Type::TIMESTAMPTZ)],
        )
        .await
        .context("record the chat's last /new")?;
    Ok(())
}

/// The relevant jobs scored under `profile_version` after `since` and at or before `until`,
/// best first as in the rankings, at most `limit`; and how many such jobs there are in all.
pub async fn scored_between(
    client: &impl GenericClient,
    profile_version: &str,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> anyhow::Result<(Vec<JobCard>, i64)> {
    let columns = JOB_COLUMNS.split(',').map(|c| format!("j.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let rows = client
        .query_typed(
            &format!(
                "SELECT e.total, e.priority, e.assessment, count(*) OVER (), {columns}
                 FROM evaluations e JOIN jobs j ON j.job_id = e.job_id
                 WHERE e.profile_version = $1 AND e.status = 'scored' AND e.relevant = true
                   AND e.updated_at > $2 AND e.updated_at <= $3
                 ORDER BY e.total DESC, coalesce(j.posted_at, 'epoch') DESC, e.job_id DESC
                 LIMIT $4"
            ),
            &[
                (&profile_version, Type::TEXT),
                (&since, Type::TIMESTAMPTZ),
                (&until, Type::TIMESTAMPTZ),
                (&limit, Type::INT8),
            ],
        )
        .await
        .context("read newly scored jobs")?;
    let total = rows.first().map_or(0, |r| r.get::<_, i64>(3));
    let cards = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (job, _) = from_row(r, 4);
            let total: Option<f64> = r.get(0);
            let priority: Option<String> = r.get(1);
            let summary = r.get::<_, Option<Json<Assessment>>>(2).map(|Json(a)| a.summary).unwrap_or_default();
            JobCard::from_job(i as u32 + 1, &job, total.unwrap_or(0.0), priority.as_deref().unwrap_or(""), &summary)
        })
        .collect();
    Ok((cards, total))
}

/// The jobs of a `/top` page (ranked as `GET /rankings` ranks them, relevant jobs only) and
/// whether more follow. The page's start is reached by walking the ranking with its cursors.
/// `thresholds`: the current profile's, so a job scored under an earlier profile is labelled by
/// the current one, as the api labels it.
pub async fn top(
    client: &impl GenericClient,
    profile_version: &str,
    thresholds: crate::profile::PriorityThresholds,
    request: TopRequest,
) -> anyhow::Result<(Vec<RankingItem>, bool)> {
    let mut query = RankingQuery::new(profile_version);
    query.min_score = request.min_score;
    query.thresholds = Some(thresholds);
    let mut skipped: u32 = 0;
    while skipped < request.offset {
        query.limit = (request.offset - skipped).min(crate::read::rankings::MAX_LIMIT);
        let page = rankings(client, &query).await.context("walk the ranking")?;
        skipped += page.items.len() as u32;
        match page.next_cursor.as_deref().and_then(Cursor::decode) {
            Some(cursor) => query.cursor = Some(cursor),
            None => return Ok((Vec::new(), false)),
        }
    }
    query.limit = request.n;
    // The cursor carries the rank, so this page numbers on from `offset + 1`.
    let page = rankings(client, &query).await.context("read the ranking")?;
    Ok((page.items, page.next_cursor.is_some()))
}
