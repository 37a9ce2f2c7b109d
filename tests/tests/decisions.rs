//! Decisions on jobs (issue 11) through the api router against real Postgres: recorded as
//! events with the score they were made at, listed newest first, "not for me" leaving the
//! default rankings (and only until a later decision), bad bodies refused, unknown jobs 404.

use serde_json::{json, Value};
use upflow_tests::api::{get, post, seeded_server};

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["job_id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn not_for_me_leaves_the_rankings_until_decided_otherwise() {
    let (db, server, _, _) = seeded_server().await;
    let base = &server.base_url;

    let (_, page) = get(&format!("{base}/rankings?limit=200")).await;
    let before = ids(&page);
    let word =
        page["items"][0]["title"].as_str().unwrap().split_whitespace().find(|w| w.len() > 3).unwrap().to_string();
    let (top, second) = (before[0].clone(), before[1].clone());

    let (status, event) =
        post(&format!("{base}/jobs/{top}/decisions"), json!({"decision": "not_for_me", "reason": "budget"})).await;
    assert_eq!(status, 201, "{event}");
    assert_eq!((event["decision"].as_str(), event["reason"].as_str()), (Some("not_for_me"), Some("budget")));
    assert_eq!(event["source"], "api");
    let scored: f64 = db
        .client()
        .await
        .query_one("SELECT total FROM evaluations WHERE job_id = $1 AND is_latest", &[&top])
        .await
        .unwrap()
        .get(0);
    assert_eq!(event["total"].as_f64(), Some(scored), "the decision keeps the score it was made at");

    let (_, after) = get(&format!("{base}/rankings?limit=200")).await;
    let after = ids(&after);
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&top) && after[0] == second, "the next job moves up");
    let (_, with) = get(&format!("{base}/rankings?limit=200&not_for_me=include")).await;
    assert_eq!(ids(&with), before, "asked for, it is still there, in its place");
    // Text search leaves it out too.
    let (_, searched) = get(&format!("{base}/rankings?limit=200&q={word}")).await;
    assert!(!ids(&searched).contains(&top), "{word}");
    let (_, searched) = get(&format!("{base}/rankings?limit=200&q={word}&not_for_me=include")).await;
    assert!(ids(&searched).contains(&top), "{word}");

    // A later decision brings it back; both are kept, newest first.
    let (status, _) = post(&format!("{base}/jobs/{top}/decisions"), json!({"decision": "applied"})).await;
    assert_eq!(status, 201);
    let (_, back) = get(&format!("{base}/rankings?limit=200")).await;
    assert_eq!(ids(&back), before);
    let (status, list) = get(&format!("{base}/jobs/{top}/decisions")).await;
    assert_eq!(status, 200);
    let decisions: Vec<&str> =
        list["decisions"].as_array().unwrap().iter().map(|d| d["decision"].as_str().unwrap()).collect();
    assert_eq!(decisions, ["applied", "not_for_me"]);
    let latest: String =
        db.client().await.query_one("SELECT decision FROM jobs WHERE job_id = $1", &[&top]).await.unwrap().get(0);
    assert_eq!(latest, "applied");
}

#[tokio::test]
async fn bad_decisions_are_refused_and_unknown_jobs_are_404() {
    let (db, server, _, ids) = seeded_server().await;
    let base = &server.base_url;
    let job = &ids[0];
    for (body, parameter) in [
        (json!({"decision": "maybe"}), "decision"),
        (json!({"decision": "applied", "reason": "budget"}), "reason"),
        (json!({"decision": "not_for_me", "reason": "vibes"}), "reason"),
    ] {
        let (status, error) = post(&format!("{base}/jobs/{job}/decisions"), body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert!(error.to_string().contains(parameter), "{body}: {error}");
    }
    assert_eq!(db.scalar("SELECT count(*) FROM decisions").await, 0, "nothing recorded");
    let (status, _) = post(&format!("{base}/jobs/nope/decisions"), json!({"decision": "won"})).await;
    assert_eq!(status, 404);
    assert_eq!(get(&format!("{base}/jobs/nope/decisions")).await.0, 404);
    let (status, list) = get(&format!("{base}/jobs/{job}/decisions")).await;
    assert_eq!((status, list["decisions"].as_array().map(Vec::len)), (200, Some(0)));
}

#[tokio::test]
async fn stats_line_the_decisions_up_with_the_bands_and_criteria() {
    let (db, server, p, _) = seeded_server().await;
    let base = &server.base_url;
    let (_, stats) = get(&format!("{base}/stats")).await;
    assert_eq!(stats["decisions"]["decided"], 0);
    let jobs_in = |stats: &Value, band: &str| {
        stats["decisions"]["by_band"].as_array().unwrap().iter().find(|b| b["band"] == band).unwrap().clone()
    };
    let all_jobs: i64 = ["High", "Medium", "Low"].iter().map(|b| jobs_in(&stats, b)["jobs"].as_i64().unwrap()).sum();
    assert_eq!(all_jobs, db.scalar("SELECT count(*) FROM evaluations WHERE is_latest AND status = 'scored'").await);

    let (_, page) = get(&format!("{base}/rankings?limit=200&relevant=all")).await;
    let items = page["items"].as_array().unwrap();
    let (best, worst) = (&items[0], &items[items.len() - 1]);
    let band = |item: &Value| {
        let total = item["total"].as_f64().unwrap();
        let t = p.profile.priority;
        if total >= t.high {
            "High"
        } else if total >= t.medium {
            "Medium"
        } else {
            "Low"
        }
    };
    for decision in ["applied", "interview", "won"] {
        post(&format!("{base}/jobs/{}/decisions", best["job_id"].as_str().unwrap()), json!({"decision": decision}))
            .await;
    }
    post(
        &format!("{base}/jobs/{}/decisions", worst["job_id"].as_str().unwrap()),
        json!({"decision": "not_for_me", "reason": "skills"}),
    )
    .await;

    let (_, stats) = get(&format!("{base}/stats")).await;
    assert_eq!(stats["decisions"]["decided"], 2);
    let b = jobs_in(&stats, band(best));
    assert_eq!((b["applied"].as_i64(), b["interview"].as_i64(), b["won"].as_i64()), (Some(1), Some(1), Some(1)));
    let w = jobs_in(&stats, band(worst));
    assert!(w["not_for_me"] == 1, "{w}");
    let budget =
        stats["decisions"]["by_criterion"].as_array().unwrap().iter().find(|c| c["criterion"] == "budget").unwrap();
    assert_eq!(budget["mean_applied"], best["assessment"]["scores"]["budget"]["score"]);
    assert_eq!(budget["mean_not_for_me"], worst["assessment"]["scores"]["budget"]["score"]);
}

#[tokio::test]
async fn the_page_has_a_decision_form_per_row_that_records_and_comes_back() {
    let (db, server, _, _) = seeded_server().await;
    let base = &server.base_url;
    let html = reqwest::get(format!("{base}/?priority=High")).await.unwrap().text().await.unwrap();
    let (_, page) = get(&format!("{base}/rankings?priority=High&limit=200")).await;
    let first = page["items"][0]["job_id"].as_str().unwrap().to_string();
    assert!(html.contains(&format!(r#"<input type="hidden" name="job_id" value="{first}">"#)), "each row has its form");
    assert!(html.contains(r#"<form class="decide" method="post" action="/decide">"#));
    assert!(html.contains(r#"<button type="submit" name="decision" value="not_for_me">Not for me</button>"#));

    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form =
        [("job_id", first.as_str()), ("back", "/?priority=High"), ("reason", "client"), ("decision", "not_for_me")];
    let r = no_redirects.post(format!("{base}/decide")).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/?priority=High");
    let source: String = db
        .client()
        .await
        .query_one("SELECT decision || '/' || reason || '/' || source FROM decisions WHERE job_id = $1", &[&first])
        .await
        .unwrap()
        .get(0);
    assert_eq!(source, "not_for_me/client/page");
    let html = reqwest::get(format!("{base}/?priority=High")).await.unwrap().text().await.unwrap();
    assert!(!html.contains(&format!(r#"value="{first}""#)), "the job has left the page");

    // The reason select goes with every button: it counts only for "not for me". A foreign
    // `back` is not followed; an unknown job is a 404.
    let form = [("job_id", first.as_str()), ("back", "//evil.example/"), ("reason", "client"), ("decision", "won")];
    let r = no_redirects.post(format!("{base}/decide")).form(&form).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/"));
    let latest: String =
        db.client().await.query_one("SELECT decision FROM jobs WHERE job_id = $1", &[&first]).await.unwrap().get(0);
    assert_eq!(latest, "won");
    let r = no_redirects.post(format!("{base}/decide")).form(&[("job_id", "nope"), ("decision", "won")]).send().await;
    assert_eq!(r.unwrap().status().as_u16(), 404);
}
