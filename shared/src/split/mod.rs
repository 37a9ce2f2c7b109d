//! The splitter's work for one export object: stream it, store every job, queue the ones that
//! need scoring, record every rejected row, and account for all of it in the `ingests` row.
//!
//! ```text
//! S3 body ─(blocking thread: Export parser)─ channel ─ batches ─ upsert ─ queue owed ─ mark sent
//! ```
//! Memory stays bounded by the channel and the batch size, whatever the file size. A job is
//! queued when the queue has not yet been given its current content (`jobs.enqueued_hash`), so a
//! redelivered event, or a re-upload of unchanged jobs, queues nothing again, and a run that died
//! half-way is completed by the next one. The profile version is part of what was queued, so a
//! new criteria profile makes the next ingest queue every job it sees again.
//!
//! Each job is merged into what is stored about it ([`merge`]), ordered by when its export was
//! observed ([`observed`]), so exports that lack fields, or arrive out of order, roll nothing
//! back. An ingest is held under a lease renewed while it runs: a duplicate event meanwhile is
//! reported [`IngestStatus::InProgress`] (not a failure), and an ingest whose invocation died is
//! taken over by the next delivery once its lease has run out.
//!
//! Each file's mapping (what every column or path became, per field how many jobs got it, and
//! file-level warnings such as "no row has an id or URL") is logged once and kept on the ingest
//! (`ingests.mapping`); the warnings are on the [`IngestReport`] too. The mapping override file
//! (`MAPPING_PATH`, or `mapping.toml` beside `PROFILE_PATH`) is read for each object.

pub mod merge;
pub mod observed;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::blob;
use crate::ingest::{Counts, Explanation, Export, ExportError, ExportItem, Format, Limits, Overrides, ReadOptions};
use crate::job::Job;
use crate::queue::sender::{send_all, Backoff, BatchSink};
use crate::queue::JobMessage;
use crate::store::ingests::{self, Lease, Leased, RejectedRow, Totals};
use crate::store::jobs::{self, Source, SourcedJob};
use crate::store::Db;

/// Tunables of the splitter.
#[derive(Debug, Clone, Copy)]
pub struct SplitterConfig {
    /// Jobs per upsert statement (and rejected rows per insert).
    pub batch_size: usize,
    /// Parsed rows buffered between the parser thread and the writer.
    pub channel_capacity: usize,
    pub backoff: Backoff,
}

impl Default for SplitterConfig {
    fn default() -> Self {
        SplitterConfig { batch_size: 250, channel_capacity: 256, backoff: Backoff::default() }
    }
}

/// The splitter service, built once per process.
pub struct Splitter<Q: BatchSink> {
    pub db: Db,
    /// The criteria profile's version: jobs are queued once per content and profile.
    pub profile_version: String,
    pub s3: aws_sdk_s3::Client,
    pub queue: Q,
    pub config: SplitterConfig,
}

/// What one object's ingest did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestReport {
    pub bucket: String,
    pub key: String,
    pub ingest_id: i64,
    pub status: IngestStatus,
    pub format: Option<String>,
    pub totals: Totals,
    /// Why the ingest failed, when it did.
    pub error: Option<String>,
    /// Problems of the file as a whole (no row has a job id or URL, ...), each said once.
    pub warnings: Vec<String>,
}

/// How an object's ingest ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    Succeeded,
    /// The object is not an export: nothing to retry.
    Failed,
    /// This object version was ingested before: nothing was done.
    AlreadyIngested,
    /// Another invocation is ingesting this object version right now (a duplicate event), or
    /// took it over from this one: nothing to do here, and nothing failed.
    InProgress,
}

/// A failure worth retrying (database, queue or S3 trouble): the event should be redelivered.
#[derive(Debug, thiserror::Error)]
#[error("ingest of s3://{bucket}/{key} failed: {source:#}")]
pub struct RetryableError {
    pub bucket: String,
    pub key: String,
    #[source]
    pub source: anyhow::Error,
}

enum Parsed {
    Item(ExportItem),
    Done(Counts, Format, Box<Explanation>),
    Failed(ExportError, Counts, Option<Box<Explanation>>),
}

/// What [`Splitter::run`] did, when nothing needs a retry.
struct Ran {
    format: Option<Format>,
    totals: Totals,
    /// Set when the file is not an export (or the mapping file is unusable).
    not_export: Option<String>,
    warnings: Vec<String>,
}

/// Logs a file's mapping once: one structured line, and each file-level warning.
fn log_mapping(ingest_id: i64, key: &str, mapping: &Explanation) {
    let columns: Vec<(&str, String)> = mapping.columns.iter().map(|c| (c.column.as_str(), c.describe())).collect();
    let filled: Vec<(&str, u64)> = mapping.fields.iter().copied().filter(|(_, n)| *n > 0).collect();
    info!(
        ingest_id, key, jobs = mapping.jobs,
        columns = %serde_json::to_string(&columns).unwrap_or_default(),
        fields = %serde_json::to_string(&filled).unwrap_or_default(),
        "export mapping"
    );
    for warning in &mapping.warnings {
        warn!(ingest_id, key, warning = %warning, "export problem");
    }
}

impl<Q: BatchSink> Splitter<Q> {
    /// Ingests one object version. `Ok` covers success, an already-ingested object, one being
    /// ingested elsewhere and a file that is not an export (recorded as a failed ingest); `Err`
    /// means "try again later".
    pub async fn ingest_object(&self, bucket: &str, key: &str) -> Result<IngestReport, RetryableError> {
        let retryable = |source: anyhow::Error| RetryableError { bucket: bucket.into(), key: key.into(), source };
        let quiet = |ingest_id: i64, status: IngestStatus| IngestReport {
            bucket: bucket.into(),
            key: key.into(),
            ingest_id,
            status,
            format: None,
            totals: Totals::default(),
            error: None,
            warnings: Vec::new(),
        };
        let started = Instant::now();
        let (info, body) = blob::s3::open(&self.s3, bucket, key).await.map_err(retryable)?;
        let client = self.db.get().await.context("connect to Postgres").map_err(retryable)?;
        let claim =
            ingests::claim_lease(&**client, bucket, key, &info.etag, ingests::LEASE).await.map_err(retryable)?;
        let lease = match claim {
            Leased::Started(lease) => lease,
            Leased::AlreadyDone(id) => {
                info!(bucket, key, etag = %info.etag, ingest_id = id, "object version already ingested; nothing to do");
                return Ok(quiet(id, IngestStatus::AlreadyIngested));
            }
            Leased::InProgress(id) => {
                info!(bucket, key, etag = %info.etag, ingest_id = id, "object version is being ingested by another invocation; nothing to do");
                return Ok(quiet(id, IngestStatus::InProgress));
            }
        };
        let ingest_id = lease.ingest_id;
        let observed_at = observed::observed_at(key, info.last_modified, Utc::now());
        ingests::set_observed_at(&**client, ingest_id, observed_at).await.map_err(retryable)?;
        drop(client);

        let options = ReadOptions { name: key.to_string(), format: None, reference_time: observed_at };
        let lost = AtomicBool::new(false);
        let run = tokio::select! {
            run = self.run(ingest_id, bucket, key, body, options, &lost) => run,
            () = self.keep_lease(&lease, &lost) => unreachable!("the heartbeat never ends"),
        };
        if lost.load(Ordering::SeqCst) {
            warn!(bucket, key, ingest_id, "another invocation took this ingest over; leaving it to that one");
            return Ok(quiet(ingest_id, IngestStatus::InProgress));
        }

        let (format, totals, error, retry, warnings) = match run {
            Ok(Ran { format, totals, not_export, warnings }) => (format, totals, not_export, None, warnings),
            Err((format, totals, e)) => (format, totals, Some(format!("{e:#}")), Some(e), Vec::new()),
        };
        let format_name = format.map(|f| f.to_string());
        let finish = async {
            let client = self.db.get().await.context("connect to Postgres")?;
            ingests::finish_lease(&**client, &lease, format_name.as_deref(), &totals, error.as_deref()).await
        };
        match finish.await {
            Ok(true) => {}
            Ok(false) => {
                warn!(bucket, key, ingest_id, "another invocation took this ingest over; leaving it to that one");
                return Ok(quiet(ingest_id, IngestStatus::InProgress));
            }
            Err(e) => {
                warn!(ingest_id, error = %format!("{e:#}"), "could not record the end of the ingest");
                if retry.is_none() {
                    return Err(retryable(e));
                }
            }
        }
        let c = totals.counts;
        let status = if error.is_some() { IngestStatus::Failed } else { IngestStatus::Succeeded };
        info!(
            bucket, key, ingest_id, status = ?status, format = format_name.as_deref().unwrap_or("-"),
            rows = c.rows, parsed = c.parsed, stored = totals.stored, unchanged = totals.unchanged,
            enqueued = totals.enqueued, duplicates = c.duplicates, rejected = c.rejected,
            error = error.as_deref().unwrap_or(""), warnings = warnings.len(),
            elapsed_ms = started.elapsed().as_millis() as u64, "ingest finished"
        );
        if let Some(e) = retry {
            return Err(retryable(e));
        }
        Ok(IngestReport {
            bucket: bucket.into(),
            key: key.into(),
            ingest_id,
            status,
            format: format_name,
            totals,
            error,
            warnings,
        })
    }

    /// Renews the lease every [`ingests::RENEW_EVERY`] until it is found lost (then sets `lost`);
    /// never returns. A renewal that fails (the database is away) is tried again next time.
    async fn keep_lease(&self, lease: &Lease, lost: &AtomicBool) {
        let mut ticks = tokio::time::interval(ingests::RENEW_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let renewed = async {
                let client = self.db.get().await.context("connect to Postgres")?;
                ingests::renew(&**client, lease, ingests::LEASE).await
            };
            match renewed.await {
                Ok(true) => {}
                Ok(false) => {
                    lost.store(true, Ordering::SeqCst);
                    break;
                }
                Err(e) => {
                    warn!(ingest_id = lease.ingest_id, error = %format!("{e:#}"), "could not renew the ingest's lease")
                }
            }
        }
        std::future::pending::<()>().await
    }

    /// Streams, stores and queues. `not_export` set: the file is not an export.
    async fn run(
        &self,
        ingest_id: i64,
        bucket: &str,
        key: &str,
        body: impl tokio::io::AsyncRead + Send + Unpin + 'static,
        options: ReadOptions,
        lost: &AtomicBool,
    ) -> Result<Ran, (Option<Format>, Totals, anyhow::Error)> {
        let overrides = match Overrides::from_env() {
            Ok(o) => Arc::new(o.unwrap_or_default()),
            Err(e) => {
                let not_export = Some(e.to_string());
                return Ok(Ran { format: None, totals: Totals::default(), not_export, warnings: Vec::new() });
            }
        };
        let (tx, mut rx) = mpsc::channel::<Parsed>(self.config.channel_capacity);
        let reader = tokio_util::io::SyncIoBridge::new(body);
        let parser = tokio::task::spawn_blocking(move || parse_into(reader, &options, overrides, tx));

        let source = Source { ingest_id, bucket, key, profile_version: &self.profile_version };
        let mut totals = Totals::default();
        let mut format = None;
        let mut not_export = None;
        let mut jobs: Vec<(u64, Box<Job>)> = Vec::with_capacity(self.config.batch_size);
        let mut rejected: Vec<RejectedRow> = Vec::new();
        let mut unsent: Vec<(String, String)> = Vec::new();
        let mut fail: Option<anyhow::Error> = None;
        let mut mapping: Option<Box<Explanation>> = None;

        while let Some(parsed) = rx.recv().await {
            match parsed {
                Parsed::Item(ExportItem::Job { row, job }) => {
                    jobs.push((row, job));
                    if jobs.len() >= self.config.batch_size {
                        if let Err(e) = self.flush_jobs(&source, &mut jobs, &mut totals, &mut unsent, lost).await {
                            fail = Some(e);
                            break;
                        }
                    }
                }
                Parsed::Item(ExportItem::Rejected { row, reason, raw }) => {
                    if rejected.len() < 20 {
                        warn!(ingest_id, key, row, reason = %reason, "row rejected");
                    }
                    rejected.push(RejectedRow { row_number: row, reason, raw });
                    if rejected.len() >= self.config.batch_size {
                        if let Err(e) = self.flush_rejected(ingest_id, &mut rejected).await {
                            fail = Some(e);
                            break;
                        }
                    }
                }
                Parsed::Item(ExportItem::Duplicate { row, job_id, first_row }) => {
                    tracing::debug!(ingest_id, row, job_id, first_row, "duplicate row skipped");
                }
                Parsed::Done(counts, f, explained) => {
                    totals.counts = counts;
                    format = Some(f);
                    mapping = Some(explained);
                }
                Parsed::Failed(e, counts, explained) => {
                    totals.counts = counts;
                    mapping = explained;
                    match e {
                        ExportError::NotAnExport { .. } => not_export = Some(e.to_string()),
                        ExportError::Read(_) => fail = Some(anyhow::Error::new(e)),
                    }
                }
            }
        }
        drop(rx);
        let warnings = mapping.as_ref().map(|m| m.warnings.clone()).unwrap_or_default();
        if let Some(m) = &mapping {
            log_mapping(ingest_id, key, m);
        }
        if fail.is_none() {
            let flushed = async {
                self.flush_jobs(&source, &mut jobs, &mut totals, &mut unsent, lost).await?;
                self.flush_rejected(ingest_id, &mut rejected).await?;
                if let Some(m) = &mapping {
                    let client = self.db.get().await.context("connect to Postgres")?;
                    ingests::set_mapping(&**client, ingest_id, m).await?;
                }
                anyhow::Ok(())
            };
            fail = flushed.await.err();
        }
        if let Err(e) = parser.await {
            fail.get_or_insert(anyhow::anyhow!("export parser thread panicked: {e}"));
        }
        if fail.is_none() && !unsent.is_empty() {
            let (job_id, error) = &unsent[0];
            fail = Some(anyhow::anyhow!(
                "{} jobs could not be queued for scoring (they stay owed and are queued on retry); first: job {job_id}: {error}",
                unsent.len()
            ));
        }
        match fail {
            Some(e) => Err((format, totals, e)),
            None => {
                // A file that gave no job for a file-level reason fails with that reason.
                let nothing = totals.counts.parsed + totals.counts.duplicates == 0;
                let not_export = not_export.or_else(|| (nothing && !warnings.is_empty()).then(|| warnings.join("; ")));
                Ok(Ran { format, totals, not_export, warnings })
            }
        }
    }

    async fn flush_rejected(&self, ingest_id: i64, rejected: &mut Vec<RejectedRow>) -> anyhow::Result<()> {
        if rejected.is_empty() {
            return Ok(());
        }
        let client = self.db.get().await.context("connect to Postgres")?;
        ingests::record_rejections(&**client, ingest_id, rejected).await?;
        rejected.clear();
        Ok(())
    }

    /// Upserts a batch, queues the jobs whose scoring is owed, and records what was queued.
    async fn flush_jobs(
        &self,
        source: &Source<'_>,
        batch: &mut Vec<(u64, Box<Job>)>,
        totals: &mut Totals,
        unsent: &mut Vec<(String, String)>,
        lost: &AtomicBool,
    ) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        if lost.load(Ordering::SeqCst) {
            anyhow::bail!("ingest {} was taken over by another invocation", source.ingest_id);
        }
        let client = self.db.get().await.context("connect to Postgres")?;
        let sourced: Vec<SourcedJob> = batch.iter().map(|(row, job)| SourcedJob { row: *row, job }).collect();
        let upserted = jobs::upsert(&**client, source, &sourced).await?;
        batch.clear();
        let changed = upserted.iter().filter(|u| u.changed).count() as u64;
        totals.stored += changed;
        totals.unchanged += upserted.len() as u64 - changed;

        let owed: Vec<_> = upserted.into_iter().filter(|u| u.owed).collect();
        if owed.is_empty() {
            return Ok(());
        }
        let bodies: Vec<String> =
            owed.iter().map(|u| JobMessage::new(&u.job_id, source.ingest_id, &u.content_hash).to_body()).collect();
        let report = send_all(&self.queue, &bodies, self.config.backoff).await;
        let keys: Vec<(&str, String)> = report
            .sent
            .iter()
            .map(|&i| (owed[i].job_id.as_str(), jobs::scoring_key(&owed[i].content_hash, source.profile_version)))
            .collect();
        let sent: Vec<(&str, &str)> = keys.iter().map(|(id, key)| (*id, key.as_str())).collect();
        jobs::mark_enqueued(&**client, &sent).await?;
        totals.enqueued += sent.len() as u64;
        for (i, error) in report.failed {
            warn!(job_id = %owed[i].job_id, error = %error, "job could not be queued");
            unsent.push((owed[i].job_id.clone(), error));
        }
        Ok(())
    }
}

/// The blocking half: parse the stream and hand items over until the writer stops listening.
fn parse_into(reader: impl std::io::Read, options: &ReadOptions, overrides: Arc<Overrides>, tx: mpsc::Sender<Parsed>) {
    let mut export = match Export::open_mapped(reader, options, Limits::default(), overrides) {
        Ok(export) => export,
        Err(e) => {
            let _ = tx.blocking_send(Parsed::Failed(e, Counts::default(), None));
            return;
        }
    };
    while let Some(item) = export.next_item() {
        let message = match item {
            Ok(item) => Parsed::Item(item),
            Err(e) => {
                let explained = Some(Box::new(export.explanation()));
                let _ = tx.blocking_send(Parsed::Failed(e, export.counts(), explained));
                return;
            }
        };
        if tx.blocking_send(message).is_err() {
            return;
        }
    }
    let _ = tx.blocking_send(Parsed::Done(export.counts(), export.format(), Box::new(export.explanation())));
}
