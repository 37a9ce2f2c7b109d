//! `upflow local-run` against the local S3/SQS server and Postgres: the sample export goes
//! through the real splitter and evaluator handlers, and a second run scores nothing twice.

use std::process::Command;

use upflow_tests::db::TestDb;

fn local_run(db: &TestDb, bucket: &str, queue: &str) -> (i32, String, String) {
    let sample = format!("{}/../samples/apify-upwork-jobs_2026-11-20_08-30-00-000.csv", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_upflow"))
        .args(["local-run", &sample, "--bucket", bucket, "--queue", queue])
        .env("DATABASE_URL", db.url())
        .env_remove("CEREBRAS_API_KEY")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sample_runs_end_to_end_and_twice_scores_nothing_twice() {
    let db = TestDb::new().await;
    let (bucket, queue) = (upflow_tests::unique_name("upflow-local"), upflow_tests::unique_name("upflow-local"));
    let (code, stdout, stderr) = tokio::task::block_in_place(|| local_run(&db, &bucket, &queue));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("scorer: rules scorer"), "{stderr}");
    assert!(
        stderr.contains("row 31: missing title") && stderr.contains("row 32: missing both job id and url"),
        "{stderr}"
    );
    let summary = stderr.lines().find(|l| l.starts_with("summary:")).expect(&stderr);
    assert!(summary.contains("rows read 33, jobs stored 30"), "{summary}");
    assert!(summary.contains("rejected 2, duplicates 1, queued 30"), "{summary}");
    let client = db.client().await;
    let (scored, skipped): (i64, i64) = {
        let r = client
            .query_one("SELECT count(*) FILTER (WHERE status = 'scored'), count(*) FILTER (WHERE status = 'skipped') FROM evaluations", &[])
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(scored + skipped, 30);
    assert!(summary.contains(&format!("scored {scored}, skipped by filters {skipped}")), "{summary}");
    assert!(summary.contains("in the DLQ 0"), "{summary}");
    assert!(
        stdout.contains("Top jobs")
            && stdout.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).count() == 10,
        "{stdout}"
    );

    let (code, _, stderr) = tokio::task::block_in_place(|| local_run(&db, &bucket, &queue));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("ingested before"), "{stderr}");
    let summary = stderr.lines().find(|l| l.starts_with("summary:")).expect(&stderr);
    assert!(summary.contains("queued 0, scored 0, skipped by filters 0"), "{summary}");
    let total: i64 = client.query_one("SELECT count(*) FROM evaluations", &[]).await.unwrap().get(0);
    assert_eq!(total, 30);
}
