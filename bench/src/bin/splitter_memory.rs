//! The splitter's peak memory and wall time on a large export, end to end:
//! `splitter_memory FILE` uploads FILE to the local S3 server, runs the splitter service on it
//! (streaming from S3, upserting into Postgres, queueing to SQS) and prints the peak RSS of this
//! process. Needs `DATABASE_URL` (an empty database is best) and `AWS_ENDPOINT_URL`.
//!
//! `--queue sqs` sends to a real (local) SQS queue; the default `--queue count` counts the
//! messages instead, because the local SQS server takes about 25 ms per `SendMessageBatch`
//! (100,000 jobs would take over 40 minutes there) and the queue adds nothing to the
//! splitter's memory beyond one 10-entry request.

use std::time::Instant;

use aws_sdk_s3::primitives::ByteStream;
use std::sync::atomic::{AtomicU64, Ordering};

use upflow::queue::sender::{BatchSink, EntryFailure};
use upflow::queue::sqs::SqsQueue;
use upflow::split::{Splitter, SplitterConfig};

/// mimalloc, set up not to cost memory (`upflow::alloc`): the parse path allocates and frees a
/// dozen small strings per job (bench/README.md, issue 9).
#[global_allocator]
static ALLOCATOR: upflow::alloc::Allocator = upflow::alloc::Allocator;

/// A queue that counts what it is given.
#[derive(Default)]
struct Counting(AtomicU64);

impl BatchSink for Counting {
    async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
        self.0.fetch_add(bodies.len() as u64, Ordering::Relaxed);
        Ok(Vec::new())
    }
}

enum Queue {
    Sqs(SqsQueue),
    Count(Counting),
}

impl BatchSink for Queue {
    async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
        match self {
            Queue::Sqs(q) => q.send_batch(bodies).await,
            Queue::Count(q) => q.send_batch(bodies).await,
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: splitter_memory FILE"))?;
    let aws = upflow::aws::sdk_config().await;
    let s3 = upflow::aws::s3_client(&aws);
    let sqs = upflow::aws::sqs_client(&aws);
    let stamp = chrono::Utc::now().timestamp_millis();
    let bucket = format!("upflow-bench-{stamp}");
    s3.create_bucket().bucket(&bucket).send().await?;
    let queue_url =
        sqs.create_queue().queue_name(format!("upflow-bench-{stamp}")).send().await?.queue_url.unwrap_or_default();
    let key = "uploads/bench export.csv";
    s3.put_object().bucket(&bucket).key(key).body(ByteStream::from_path(&path).await?).send().await?;

    let db = upflow::config::DatabaseConfig::from_env()?.pool()?;
    upflow::store::migrate::migrate(&mut db.get().await?).await?;
    let before = upflow_bench::rss_mib();
    let queue = if std::env::args().any(|a| a == "sqs") {
        Queue::Sqs(SqsQueue { client: sqs, url: queue_url })
    } else {
        Queue::Count(Counting::default())
    };
    let splitter = Splitter {
        profile_version: upflow::profile::LoadedProfile::default_profile().version,
        db,
        s3,
        queue,
        config: SplitterConfig::default(),
    };
    let started = Instant::now();
    let report = splitter.ingest_object(&bucket, key).await?;
    let secs = started.elapsed().as_secs_f64();
    let t = report.totals;
    println!(
        "rows {}, stored {}, enqueued {}, rejected {}, status {:?}",
        t.counts.rows, t.stored, t.enqueued, t.counts.rejected, report.status
    );
    println!(
        "splitter: {secs:.1} s ({:.0} rows/s), RSS before {before:.1} MiB, peak RSS {:.1} MiB",
        t.counts.rows as f64 / secs,
        upflow_bench::peak_rss_mib()
    );
    Ok(())
}
