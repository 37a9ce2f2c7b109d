//! `upflow score FILE` against a real Postgres and the fake Cerebras server: it stores, scores
//! and ranks; a second run on the same file makes no LLM call.

use std::process::Command;

use upflow_tests::db::TestDb;
use upflow_tests::fake_cerebras::{self, FakeCerebrasConfig};

fn sample() -> String {
    format!("{}/../samples/apify-upwork-jobs_2026-11-20_08-30-00-000.csv", env!("CARGO_MANIFEST_DIR"))
}

fn score(db: &TestDb, envs: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upflow"))
        .args(["score", &sample(), "--top", "5"])
        .env("DATABASE_URL", db.url())
        .env_remove("CEREBRAS_API_KEY")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn scores_with_cerebras_once_and_ranks() {
    let db = TestDb::new().await;
    let fake = fake_cerebras::start(FakeCerebrasConfig { api_key: "csk-cli".into(), ..Default::default() }).await;
    // The fake has no limits; the default (free tier) pacing would only slow the test down.
    let envs = [
        ("CEREBRAS_API_KEY", "csk-cli"),
        ("CEREBRAS_BASE_URL", fake.base_url.as_str()),
        ("CEREBRAS_RPM", "6000"),
        ("CEREBRAS_TPM", "100000000"),
    ];
    let (code, stdout, stderr) = tokio::task::block_in_place(|| score(&db, &envs));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("scorer: cerebras scorer, model gpt-oss-120b"), "{stderr}");
    assert!(stderr.contains("row 31: missing title") && stderr.contains("rejected 2, duplicates 1"), "{stderr}");
    // 30 jobs: the default profile's $500 filter skips the small fixed-price ones.
    let calls = fake.stats().requests;
    assert!(
        stderr.contains(&format!("jobs 30: scored {calls}, already scored 0, skipped by filters {}", 30 - calls)),
        "{stderr}"
    );
    let lines: Vec<&str> = stdout.trim_end().lines().collect();
    assert_eq!(lines.len(), 6, "header and the top 5:\n{stdout}");
    let totals: Vec<f64> = lines[1..].iter().map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "best first: {totals:?}");

    let (code, _, stderr) = tokio::task::block_in_place(|| score(&db, &envs));
    assert_eq!(code, 0);
    assert_eq!(fake.stats().requests, calls, "the second run makes no LLM call");
    assert!(stderr.contains("scored 0, already scored 30"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_key_the_rules_scorer_runs_and_says_so() {
    let db = TestDb::new().await;
    let (code, stdout, stderr) = tokio::task::block_in_place(|| score(&db, &[]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("scorer: rules scorer (offline"), "{stderr}");
    assert!(stdout.contains("RAG Pipeline over 40k PDF Contracts"), "a strong fit ranks in the top 5:\n{stdout}");
    let client = db.client().await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM evaluations WHERE scorer IN ('rules', 'filter')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 30);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mapping_override_file_applies_to_score_as_to_the_splitter() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(upflow_tests::unique_name("score-mapping"));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("mapping.toml");
    std::fs::write(&bad, "[columns]\n\"title\" = \"headline\"\n").unwrap();
    let (code, _, stderr) = tokio::task::block_in_place(|| score(&db, &[("MAPPING_PATH", bad.to_str().unwrap())]));
    assert_ne!(code, 0, "a bad override file is not ignored");
    assert!(stderr.contains("unknown field \"headline\""), "{stderr}");
    // The file's title column ignored: nothing maps to a title, which the file is refused for.
    std::fs::write(&bad, "[columns]\n\"title\" = \"ignore\"\n").unwrap();
    let (code, _, stderr) = tokio::task::block_in_place(|| score(&db, &[("MAPPING_PATH", bad.to_str().unwrap())]));
    assert_ne!(code, 0);
    assert!(stderr.contains("no column maps to a job title"), "{stderr}");
    let n: i64 = db.client().await.query_one("SELECT count(*) FROM jobs", &[]).await.unwrap().get(0);
    assert_eq!(n, 0);
}
