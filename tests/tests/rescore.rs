//! Editing the profile against real Postgres and the local SQS: the rankings keep every job by
//! its latest evaluation (marked stale when it was made under an earlier profile) until the job
//! is scored again, and `upflow rescore`'s library counts, prices and queues exactly the jobs
//! owed scoring under the current profile.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use upflow::evaluate::estimate::Pricing;
use upflow::evaluate::{rescore, Evaluator};
use upflow::evaluation::prompt;
use upflow::profile::filters::failed_filter;
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::queue::sender::Backoff;
use upflow::queue::sqs::SqsQueue;
use upflow::read::{rankings, stats, RankingItem, RankingQuery};
use upflow::scoring::{rules::RulesScorer, Scorer};
use upflow::store::{jobs, Db};
use upflow_tests::api::{evaluate, profile, serve, state};
use upflow_tests::aws::LocalAws;
use upflow_tests::db::TestDb;
use upflow_tests::fixtures;
use upflow_tests::seed::{sqs_event, store_export};

/// Every ranked job (all relevance), as `profile` ranks them.
async fn ranked(db: &Db, profile: &LoadedProfile) -> Vec<RankingItem> {
    let mut query = RankingQuery::new(&profile.version);
    (query.limit, query.relevant, query.thresholds) = (200, None, Some(profile.profile.priority));
    let page = rankings(&**db.get().await.unwrap(), &query).await.unwrap();
    assert!(page.next_cursor.is_none());
    page.items
}

async fn get(url: &str) -> Value {
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.json().await.unwrap()
}

fn priority_under(profile: &LoadedProfile, total: f64) -> &'static str {
    profile.profile.priority_of(total).as_str()
}

#[tokio::test]
async fn after_a_profile_change_the_rankings_keep_every_job_until_it_is_scored_again() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let old = profile();
    let ids = store_export(&pool, "f.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    evaluate(&pool, &old, &ids).await;
    let before = ranked(&pool, &old).await;
    assert!(before.len() > 5 && before.iter().all(|i| !i.stale && i.profile_version == old.version));

    // The edit lowers the High threshold to the median total: jobs stored as Medium or Low
    // are High under the new profile.
    let mut totals: Vec<f64> = before.iter().map(|i| i.total).collect();
    totals.sort_by(|a, b| b.total_cmp(a));
    let high = totals[totals.len() / 2];
    let toml = DEFAULT_TOML
        .replace("min_fixed_budget = 500", "")
        .replace("high = 80", &format!("high = {high:.3}"))
        .replace("medium = 50", &format!("medium = {:.3}", high / 2.0));
    let new = LoadedProfile::from_toml(&toml, "edited").unwrap();
    assert_ne!(new.version, old.version);
    assert!(before.iter().any(|i| i.total >= high && i.priority != "High"), "the edit changes priorities");

    // Nothing is scored under the new profile yet: the rankings still hold every job, by its
    // old evaluation, marked stale, with the new profile's priorities.
    let after = ranked(&pool, &new).await;
    let ids_of = |items: &[RankingItem]| items.iter().map(|i| i.job_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids_of(&after), ids_of(&before));
    for i in &after {
        assert!(i.stale && i.profile_version == old.version, "{} {}", i.job_id, i.profile_version);
        assert_eq!(i.priority, priority_under(&new, i.total), "{}", i.job_id);
    }

    // The api says so too, and filters by the new profile's priorities.
    let server = serve(state(pool.clone(), new.clone(), None)).await;
    let base = &server.base_url;
    let all = get(&format!("{base}/rankings?relevant=all&limit=200")).await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), before.len());
    assert!(items.iter().all(|i| i["stale"] == true && i["profile_version"] == old.version.as_str()));
    let high_jobs = get(&format!("{base}/rankings?relevant=all&limit=200&priority=High")).await;
    let high_jobs = high_jobs["items"].as_array().unwrap();
    assert_eq!(high_jobs.len(), totals.iter().filter(|t| **t >= high).count());
    assert!(high_jobs.iter().all(|i| i["priority"] == "High" && i["total"].as_f64().unwrap() >= high));
    let stats_json = get(&format!("{base}/stats")).await;
    let s = &stats_json["stats"];
    assert_eq!((s["pending"].as_u64(), s["evaluated"].as_u64()), (Some(ids.len() as u64), Some(0)));
    assert_eq!(s["stale_in_rankings"].as_u64(), Some(before.len() as u64));
    let page = reqwest::get(format!("{base}/")).await.unwrap().text().await.unwrap();
    let relevant = after.iter().filter(|i| i.relevant).count();
    assert_eq!(page.matches(r#"<span class="badge stale""#).count(), relevant.min(20), "{page}");

    // One job scored again under the new profile replaces its old entry: listed once, fresh.
    let again = &before[before.len() - 1].job_id;
    evaluate(&pool, &new, std::slice::from_ref(again)).await;
    let rescored = ranked(&pool, &new).await;
    let listed: Vec<&RankingItem> = rescored.iter().filter(|i| &i.job_id == again).collect();
    assert_eq!(listed.len(), 1, "{again} once");
    assert!(!listed[0].stale && listed[0].profile_version == new.version);
    assert_eq!(rescored.len(), before.len(), "no job twice, none lost");
    let mut unique = ids_of(&rescored);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), rescored.len());
    assert_eq!(rescored.iter().filter(|i| i.stale).count(), before.len() - 1);
    let s = stats(&**pool.get().await.unwrap(), &new.version, 1).await.unwrap();
    assert_eq!((s.stale_in_rankings, s.evaluated), (before.len() as i64 - 1, 1));
    // The old evaluation is kept (the job's detail lists both).
    let client = db.client().await;
    let n: i64 = client.query_one("SELECT count(*) FROM evaluations WHERE job_id = $1", &[again]).await.unwrap().get(0);
    assert_eq!(n, 2);
}

#[tokio::test]
async fn whichever_profile_scored_a_job_last_is_what_the_rankings_show() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let a = profile();
    let b = LoadedProfile::from_toml(
        &DEFAULT_TOML.replace("min_fixed_budget = 500", "").replace("high = 80", "high = 81"),
        "b",
    )
    .unwrap();
    let ids = store_export(&pool, "f.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    let job = &ids[..1];
    evaluate(&pool, &a, job).await;
    evaluate(&pool, &b, job).await;
    // Its content changes and the old profile scores it again (say, an instance not yet updated).
    db.client().await.execute("UPDATE jobs SET content_hash = 'changed' WHERE job_id = $1", &[&job[0]]).await.unwrap();
    evaluate(&pool, &a, job).await;
    let latest: Vec<(String, bool)> = db
        .client()
        .await
        .query("SELECT profile_version, is_latest FROM evaluations WHERE job_id = $1 ORDER BY is_latest", &[&job[0]])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(latest, vec![(b.version.clone(), false), (a.version.clone(), true)]);
    let shown: Vec<_> = ranked(&pool, &b).await.into_iter().filter(|i| i.job_id == job[0]).collect();
    assert_eq!(shown.len(), 1);
    assert!(shown[0].stale && shown[0].profile_version == a.version);
}

#[tokio::test]
async fn rescore_counts_prices_and_queues_exactly_the_jobs_owed_under_the_current_profile() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let ids = store_export(&pool, "f.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    evaluate(&pool, &profile(), &ids).await;
    // The current profile is the default (its budget filter skips the fixture's $100 job, the
    // first). Two jobs are already scored under it; one of them has changed since, so it is owed
    // again.
    let current = LoadedProfile::default_profile();
    evaluate(&pool, &current, &ids[1..3]).await;
    db.client().await.execute("UPDATE jobs SET content_hash = 'edited' WHERE job_id = $1", &[&ids[2]]).await.unwrap();
    let mut expected: Vec<String> = ids.iter().filter(|id| *id != &ids[1]).cloned().collect();
    expected.sort();

    let pricing = Pricing::Llm {
        model: "gpt-oss-120b".into(),
        description_chars: prompt::DEFAULT_DESCRIPTION_CHARS,
        max_completion_tokens: 2048,
        price_per_mtok: upflow::scoring::cerebras::list_price("gpt-oss-120b"),
    };
    let client = pool.get().await.unwrap();
    let plan = rescore::plan(&**client, &current, &pricing).await.unwrap();
    assert_eq!(plan.jobs.iter().map(|j| j.job_id.clone()).collect::<Vec<_>>(), expected);

    // The estimate, worked out job by job from the stored jobs and the real prompt.
    let system = u64::from(prompt::estimate_tokens(&prompt::system_message(&current.profile)));
    let (mut filtered, mut prompt_tokens, mut skipped_ids) = (0u64, 0u64, BTreeSet::new());
    for (id, owed) in expected.iter().zip(&plan.jobs) {
        let (job, hash) = jobs::load(&**client, id).await.unwrap().unwrap();
        assert_eq!(owed.content_hash, hash);
        if failed_filter(&job, &current.profile.filters).is_some() {
            filtered += 1;
            skipped_ids.insert(id.clone());
        } else {
            prompt_tokens += system
                + u64::from(prompt::estimate_tokens(&prompt::user_message(&job, prompt::DEFAULT_DESCRIPTION_CHARS)));
        }
    }
    let scored = expected.len() as u64 - filtered;
    assert!(filtered > 0 && scored > 0, "{filtered} filtered, {scored} scored");
    let e = &plan.estimate;
    assert_eq!(
        (e.jobs, e.filtered, e.prompt_tokens, e.completion_tokens),
        (expected.len() as u64, filtered, prompt_tokens, scored * 2048)
    );
    let cost = (prompt_tokens as f64 * 0.35 + (scored * 2048) as f64 * 0.75) / 1e6;
    assert!((e.cost_usd.unwrap() - cost).abs() < 1e-9, "{e:?} vs {cost}");
    let free = rescore::plan(&**client, &current, &Pricing::Rules).await.unwrap();
    assert_eq!((free.jobs.len(), free.estimate.cost_usd, free.estimate.prompt_tokens), (expected.len(), Some(0.0), 0));
    // /stats's pending is the same count.
    assert_eq!(stats(&**client, &current.version, 1).await.unwrap().pending, expected.len() as i64);

    // Queued: one message per owed job, the splitter's shape, recorded as queued.
    let aws = LocalAws::new().await;
    let queue = SqsQueue { client: aws.sqs.clone(), url: aws.queue().await };
    let backoff = Backoff { attempts: 3, base: Duration::from_millis(1), max: Duration::from_millis(5) };
    let done = rescore::enqueue(&**client, &queue, &plan, backoff).await.unwrap();
    assert_eq!((done.sent, done.failed.len()), (expected.len() as u64, 0));
    let messages = aws.drain(&queue.url).await;
    let mut queued: Vec<String> = messages.iter().map(|m| m.job_id.clone()).collect();
    queued.sort();
    assert_eq!(queued, expected, "exactly the owed jobs, each once");
    for m in &messages {
        let owed = plan.jobs.iter().find(|j| j.job_id == m.job_id).unwrap();
        assert_eq!((m.v, &m.content_hash, m.ingest_id), (1, &owed.content_hash, owed.ingest_id));
        assert!(m.ingest_id > 0);
    }
    let marked: i64 = db
        .client()
        .await
        .query_one("SELECT count(*) FROM jobs WHERE enqueued_hash = content_hash || ':' || $1", &[&current.version])
        .await
        .unwrap()
        .get(0);
    assert_eq!(marked, expected.len() as i64);

    // The evaluator scores what was queued: nothing is owed any more, nothing ranked is stale.
    let evaluator = Evaluator::new(pool.clone(), Scorer::Rules(RulesScorer), current.clone());
    let bodies: Vec<(String, String)> = messages.iter().map(|m| (format!("m-{}", m.job_id), m.to_body())).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    for batch in bodies.chunks(10) {
        assert!(evaluator::handle(sqs_event(batch), deadline, &evaluator).await.batch_item_failures.is_empty());
    }
    assert!(rescore::plan(&**client, &current, &pricing).await.unwrap().jobs.is_empty());
    let ranked_now = ranked(&pool, &current).await;
    assert!(!ranked_now.is_empty() && ranked_now.iter().all(|i| !i.stale));
    assert_eq!(stats(&**client, &current.version, 1).await.unwrap().stale_in_rankings, 0);
    // The jobs the current profile's filters skip have left the rankings.
    let shown: BTreeSet<String> = ranked_now.iter().map(|i| i.job_id.clone()).collect();
    assert!(shown.is_disjoint(&skipped_ids), "{skipped_ids:?}");
}

#[tokio::test]
async fn writers_of_one_job_at_once_store_it_once_without_failing() {
    use upflow::evaluation::ScorerKind;
    use upflow::store::evaluations::{store, NewEvaluation, Outcome};

    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let ids = store_export(&pool, "f.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    let version = profile().version;
    for id in &ids {
        let writers = (0..6).map(|_| {
            let (pool, id, version) = (pool.clone(), id.clone(), version.clone());
            tokio::spawn(async move {
                let e = NewEvaluation {
                    job_id: &id,
                    profile_version: &version,
                    content_hash: "h",
                    scorer: ScorerKind::Filter,
                    model: None,
                    outcome: Outcome::Skipped { reason: "fixed budget $100 < $500" },
                    prompt_tokens: 0,
                    completion_tokens: 0,
                    latency_ms: 0,
                    cost_usd: Some(0.0),
                };
                store(&**pool.get().await.unwrap(), &e).await
            })
        });
        let results: Vec<bool> =
            futures::future::join_all(writers).await.into_iter().map(|r| r.unwrap().unwrap()).collect();
        assert_eq!(results.iter().filter(|stored| **stored).count(), 1, "{id}: {results:?}");
    }
    let latest: i64 =
        db.client().await.query_one("SELECT count(*) FROM evaluations WHERE is_latest", &[]).await.unwrap().get(0);
    assert_eq!(latest, ids.len() as i64);
}

#[tokio::test]
async fn upgrading_marks_each_jobs_most_recent_evaluation_as_its_latest() {
    use upflow::store::migrate::{migrate, MIGRATIONS};

    let db = TestDb::new().await;
    let client = db.client().await;
    // The schema as it was before migration 9, with evaluations under two profiles.
    client
        .batch_execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await
        .unwrap();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 < 9) {
        client.batch_execute(sql).await.unwrap();
        client
            .execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[version, name])
            .await
            .unwrap();
    }
    client
        .batch_execute(
            "INSERT INTO jobs (job_id, title, job_type, raw, content_hash)
                 SELECT 'j' || g, 'Job ' || g, 'fixed', '{}', 'h' FROM generate_series(1, 3) g;
             INSERT INTO evaluations (job_id, profile_version, content_hash, status, scorer, total, updated_at) VALUES
                 ('j1', 'old', 'h', 'scored', 'rules', 60, now() - interval '2 days'),
                 ('j1', 'new', 'h', 'scored', 'rules', 70, now() - interval '1 day'),
                 ('j2', 'new', 'h', 'scored', 'rules', 50, now() - interval '2 days'),
                 ('j2', 'old', 'h', 'skipped', 'filter', NULL, now() - interval '1 day'),
                 ('j3', 'old', 'h', 'scored', 'rules', 40, now() - interval '3 days')",
        )
        .await
        .unwrap();
    let applied = migrate(&mut db.pool().get().await.unwrap()).await.unwrap();
    assert_eq!(applied.first(), Some(&9), "{applied:?}");
    let latest: Vec<(String, String)> = client
        .query("SELECT job_id, profile_version FROM evaluations WHERE is_latest ORDER BY job_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected = [("j1", "new"), ("j2", "old"), ("j3", "old")];
    assert_eq!(latest, expected.map(|(j, v)| (j.to_string(), v.to_string())));
}
