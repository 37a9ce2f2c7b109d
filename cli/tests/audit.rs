//! `upflow audit` after `upflow local-run` of the sample (real splitter and evaluator handlers,
//! the local S3/SQS server, Postgres): balanced with the sample's figures and exit 0, the same
//! for the sample's key, exit 1 naming the gap once a counter is off, exit 2 for no such ingest.

use std::process::Command;

use upflow_tests::db::TestDb;

const SAMPLE: &str = "apify-upwork-jobs_2026-11-20_08-30-00-000.csv";

fn upflow(db: &TestDb, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upflow"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env_remove("CEREBRAS_API_KEY")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .env_remove("JOBS_DLQ_URL")
        .env_remove("PROFILE_PATH")
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn contains_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_balances_after_a_local_run_and_names_an_injected_gap() {
    let db = TestDb::new().await;
    let (bucket, queue) = (upflow_tests::unique_name("upflow-audit"), upflow_tests::unique_name("upflow-audit"));
    let sample = format!("{}/../samples/{SAMPLE}", env!("CARGO_MANIFEST_DIR"));
    let (code, _, stderr) =
        tokio::task::block_in_place(|| upflow(&db, &["local-run", &sample, "--bucket", &bucket, "--queue", &queue]));
    assert_eq!(code, 0, "{stderr}");
    let client = db.client().await;
    let counts = client
        .query_typed(
            "SELECT count(*) FILTER (WHERE status = 'scored'), count(*) FILTER (WHERE status = 'skipped')
             FROM evaluations",
            &[],
        )
        .await
        .unwrap();
    let (scored, skipped): (i64, i64) = (counts[0].get(0), counts[0].get(1));
    assert_eq!(scored + skipped, 30);

    // The sample: 33 rows, 30 jobs, 2 rejected, 1 duplicate; every job evaluated.
    let expected_jobs =
        format!("✓ stored 30 = scored {scored} + skipped {skipped} + pending 0 + retrying 0 + in the DLQ 0");
    let (code, stdout, stderr) = tokio::task::block_in_place(|| upflow(&db, &["audit"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    contains_all(
        &stdout,
        &[
            "audit of every ingest (1, 0 running)",
            "✓ rows read 33 = stored 30 + rejected 2 + duplicates 1",
            &expected_jobs,
            "\nbalanced\n",
        ],
    );
    let (code, stdout, _) = tokio::task::block_in_place(|| upflow(&db, &["audit", &format!("uploads/{SAMPLE}")]));
    assert_eq!(code, 0, "{stdout}");
    contains_all(&stdout, &[&format!("audit of ingest 1: s3://{bucket}/uploads/{SAMPLE} (succeeded"), &expected_jobs]);

    // The DLQ's depth against the dead-lettered jobs.
    let dlq_url = {
        let aws = upflow_tests::aws::LocalAws::new().await;
        aws.sqs.get_queue_url().queue_name(format!("{queue}-dlq")).send().await.unwrap().queue_url.unwrap()
    };
    let (code, stdout, _) = tokio::task::block_in_place(|| upflow(&db, &["audit", "--dlq-url", &dlq_url]));
    assert_eq!(code, 0, "{stdout}");
    contains_all(&stdout, &["✓ DLQ: about 0 messages = 0 jobs recorded dead-lettered"]);

    // A counter off: exit 1, the figure and the ingest named.
    client.batch_execute("UPDATE ingests SET duplicates = duplicates + 2").await.unwrap();
    let (code, stdout, _) = tokio::task::block_in_place(|| upflow(&db, &["audit", "1"]));
    assert_eq!(code, 1, "{stdout}");
    contains_all(
        &stdout,
        &[
            "✗ rows read 33 ≠ stored 30 + rejected 2 + duplicates 3 = 35 (off by -2)",
            "✗ rows: 33 read but stored 30 + rejected 2 + duplicates 3 = 35: 2 rows more accounted for than read",
            &format!("ingest 1 (uploads/{SAMPLE}, succeeded)"),
            "NOT balanced",
        ],
    );

    let (code, _, stderr) = tokio::task::block_in_place(|| upflow(&db, &["audit", "999"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("upflow audit: no ingest 999"), "{stderr}");
    let (code, stdout, _) = tokio::task::block_in_place(|| upflow(&db, &["audit", "--help"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("0 when both equations balance, 1 when not"), "{stdout}");
}
