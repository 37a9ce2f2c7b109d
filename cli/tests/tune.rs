//! `upflow profile tune` on seeded evaluated jobs: with too few decisions it suggests nothing;
//! with decisions that follow technical fit, it gives technical fit more weight, shows what
//! that changes, writes nothing without `--write`, and with it a profile that loads.

use std::process::Command;

use upflow::decision::{Choice, Decision, Source};
use upflow::profile::LoadedProfile;
use upflow_tests::api::{profile, seed_evaluated};
use upflow_tests::db::TestDb;

fn upflow(db: &TestDb, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upflow"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env_remove("PROFILE_PATH")
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn decisions_that_follow_technical_fit_move_weight_to_it() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let p = profile();
    seed_evaluated(&pool, &p).await;
    let (code, out, err) = tokio::task::block_in_place(|| upflow(&db, &["profile", "tune"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no suggestion: too few decisions"), "{out}");

    // Go for every job whose technical fit is 7 or more, pass on the others.
    let client = pool.get().await.unwrap();
    let rows = client
        .query_typed(
            "SELECT job_id, (assessment->'scores'->'technical_fit'->>'score')::float8 FROM evaluations
             WHERE is_latest AND status = 'scored'",
            &[],
        )
        .await
        .unwrap();
    let (mut went, mut passed) = (0, 0);
    for r in &rows {
        let (id, fit): (String, f64) = (r.get(0), r.get(1));
        let decision = if fit >= 7.0 { Decision::Applied } else { Decision::NotForMe };
        if decision == Decision::Applied {
            went += 1;
        } else {
            passed += 1;
        }
        let choice = Choice::new(decision, None).unwrap();
        upflow::store::decisions::record(&**client, &id, choice, Source::Api).await.unwrap().unwrap();
    }
    drop(client);
    assert!(went >= 5 && passed >= 5, "the seed has both kinds: {went} / {passed}");

    let (code, out, err) = tokio::task::block_in_place(|| upflow(&db, &["profile", "tune"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("evidence: {went} jobs applied to (or further), {passed} not for me")), "{out}");
    assert!(out.contains("nothing written"), "{out}");
    let fit_line = out.lines().find(|l| l.starts_with("Technical fit")).unwrap();
    let suggested: u32 = fit_line.split_whitespace().last().unwrap().parse().unwrap();
    assert!(suggested > 30, "technical fit gains weight: {fit_line}");
    assert!(out.contains("top 20:") && out.contains("of the jobs not for you, High:"), "{out}");

    let path = std::env::temp_dir().join(format!("upflow-tuned-{}.toml", std::process::id()));
    let path_text = path.to_str().unwrap();
    let (code, out, err) = tokio::task::block_in_place(|| upflow(&db, &["profile", "tune", "--write", path_text]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("wrote {path_text}")), "{out}");
    let tuned = LoadedProfile::from_path(path_text).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(tuned.profile.criteria.technical_fit.weight, f64::from(suggested));
    assert_ne!(tuned.version, p.version);
    assert_eq!(tuned.profile.name, p.profile.name);
}
