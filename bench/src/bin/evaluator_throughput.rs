//! The evaluator against a rate-limited fake Cerebras:
//! `evaluator_throughput [JOBS] [RPM] [LATENCY_MS] [PACER_RPM]` (defaults 500, 120, 300, RPM).
//! PACER_RPM above RPM simulates a misconfigured limit: the server's 429s must keep us in line. Stores JOBS jobs (the real fixtures' records, re-numbered), runs
//! them through `Evaluator::evaluate_batch` in SQS-sized batches with the real Cerebras client,
//! the pacer configured with the account's RPM, and prints achieved throughput against the
//! limit, 429s, and jobs lost. Needs `DATABASE_URL` (an empty database).

use std::time::{Duration, Instant};

use upflow::evaluate::{Evaluator, Message};
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::queue::JobMessage;
use upflow::scoring::cerebras::{CerebrasConfig, CerebrasScorer};
use upflow::scoring::Scorer;
use upflow_tests::fake_cerebras::{self, FakeCerebrasConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let arg = |i: usize, default: u64| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (jobs, rpm, latency_ms) = (arg(1, 500) as usize, arg(2, 120) as u32, arg(3, 300));
    let pacer_rpm = arg(4, u64::from(rpm)) as u32;
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: "csk-bench".into(),
        rpm: Some(rpm),
        tpm: None,
        latency: Duration::from_millis(latency_ms),
        ..Default::default()
    })
    .await;

    let db = upflow::config::DatabaseConfig::from_env()?.pool()?;
    upflow::store::migrate::migrate(&mut db.get().await?).await?;
    let records: Vec<serde_json::Value> =
        serde_json::from_slice(&upflow_tests::fixtures::bytes(upflow_tests::fixtures::SCRAPER))?;
    let many: Vec<serde_json::Value> = (0..jobs)
        .map(|i| {
            let mut r = records[i % records.len()].clone();
            r["id"] = format!("9{:018}", i).into();
            r["url"] = serde_json::Value::Null;
            r
        })
        .collect();
    let ids = upflow_tests::seed::store_export(&db, "bench.json", &serde_json::to_vec(&many)?).await;

    // No hard filter, so every job reaches the LLM.
    let profile = LoadedProfile::from_toml(&DEFAULT_TOML.replace("min_fixed_budget = 500", ""), "bench")?;
    let scorer = CerebrasScorer::new(
        CerebrasConfig {
            api_key: "csk-bench".into(),
            base_url: fake.base_url.clone(),
            model: "gpt-oss-120b".into(),
            max_completion_tokens: 2048,
            reasoning_effort: Some("low".into()),
            rpm: pacer_rpm,
            tpm: 10_000_000,
            instances: 1,
            description_chars: 4000,
            request_timeout: Duration::from_secs(30),
            price_per_mtok: Some((0.35, 0.75)),
            max_attempts: 4,
        },
        reqwest::Client::new(),
    );
    let evaluator =
        Evaluator { concurrency: 4, ..Evaluator::new(db.clone(), Scorer::Cerebras(Box::new(scorer)), profile) };

    let started = Instant::now();
    let mut failed_total = 0;
    let mut pending: Vec<String> = ids.clone();
    let mut rounds = 0;
    // SQS batches of 10, one invocation after another (one instance); failures come back.
    while !pending.is_empty() && rounds < 20 {
        rounds += 1;
        let mut again = Vec::new();
        for chunk in pending.chunks(10) {
            let messages: Vec<Message> =
                chunk.iter().map(|id| Message::new(id.clone(), JobMessage::new(id, 1, "h").to_body())).collect();
            let report =
                evaluator.evaluate_batch(messages, tokio::time::Instant::now() + Duration::from_secs(60)).await;
            failed_total += report.failed.len();
            again.extend(report.failed);
        }
        pending = again;
    }
    let secs = started.elapsed().as_secs_f64();
    let stats = fake.stats();
    let client = db.get().await?;
    let stored: i64 = client.query_one("SELECT count(*) FROM evaluations", &[]).await?.get(0);
    let row = client
        .query_one(
            "SELECT avg(prompt_tokens)::float8, avg(completion_tokens)::float8, sum(cost_usd) FROM evaluations",
            &[],
        )
        .await?;
    let achieved = stats.ok as f64 / secs * 60.0;
    println!(
        "jobs {jobs}, limit {rpm} requests/min, latency {latency_ms} ms, pacer configured for {pacer_rpm} requests/min"
    );
    println!(
        "time {secs:.1} s; requests {} ({} ok, {} answered 429 = {:.2}%); achieved {achieved:.1} requests/min = {:.1}% of the limit",
        stats.requests,
        stats.ok,
        stats.rate_limited,
        100.0 * stats.rate_limited as f64 / stats.requests.max(1) as f64,
        100.0 * achieved / f64::from(rpm)
    );
    println!(
        "evaluations stored {stored} of {jobs} (lost {}); job failures retried {failed_total}; still failing {}",
        jobs as i64 - stored,
        pending.len()
    );
    println!(
        "fake server's token counts (characters / 4): {:.0} prompt + {:.0} completion per job; cost at $0.35/$0.75 per M: ${:.4} for {stored} jobs",
        row.get::<_, Option<f64>>(0).unwrap_or(0.0),
        row.get::<_, Option<f64>>(1).unwrap_or(0.0),
        row.get::<_, Option<f64>>(2).unwrap_or(0.0)
    );
    Ok(())
}
