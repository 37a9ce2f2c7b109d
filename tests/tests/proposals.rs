//! Proposal drafts (issue 11) through the api router against real Postgres: offline and with
//! the real Cerebras client against the fake server (strict schema, the profile's case studies
//! only, re-asked once, every call's tokens counted), stored per job and profile version and
//! handed out again until a redo, the page's link and button, `/stats`, and the errors.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::propose::{Drafter, Proposer};
use upflow::scoring::cerebras::CerebrasScorer;
use upflow_tests::api::{get, post, profile, seed_evaluated, serve, state, ApiServer};
use upflow_tests::db::TestDb;
use upflow_tests::fake_cerebras::{self, FakeCerebras, FakeCerebrasConfig, Fault};

/// A seeded database and the api over it with `drafter` and `profile`.
async fn server(profile: LoadedProfile, drafter: Drafter) -> (TestDb, ApiServer, Vec<String>) {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let ids = seed_evaluated(&pool, &profile).await;
    let mut app = state(pool.clone(), profile.clone(), None);
    app.proposer = Proposer { db: pool, profile: Arc::new(profile), drafter };
    (db, serve(app).await, ids)
}

async fn cerebras(config: FakeCerebrasConfig) -> (FakeCerebras, Drafter) {
    let fake = fake_cerebras::start(config).await;
    let http = reqwest::Client::new();
    let drafter = Drafter::Cerebras(Arc::new(CerebrasScorer::new(fake.client_config(), http)));
    (fake, drafter)
}

async fn set_questions(db: &TestDb, job: &str, questions: &[&str]) {
    let questions: Vec<String> = questions.iter().map(|q| q.to_string()).collect();
    db.client()
        .await
        .execute("UPDATE jobs SET screening_questions = $2 WHERE job_id = $1", &[&job, &questions])
        .await
        .unwrap();
}

#[tokio::test]
async fn an_offline_draft_is_stored_handed_out_again_and_redone_only_when_asked() {
    let p = profile();
    let (db, server, ids) = server(p.clone(), Drafter::Offline).await;
    let base = &server.base_url;
    let job = &ids[0];
    set_questions(&db, job, &["Describe a similar project you have built.", "Can you work weekends?"]).await;

    let (status, first) = post(&format!("{base}/jobs/{job}/proposal"), json!({})).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!((first["drafter"].as_str(), first["reused"].as_bool()), (Some("rules"), Some(false)));
    assert_eq!(first["profile_version"].as_str(), Some(p.profile.proposal_version().as_str()));
    let steps = first["draft"]["approach"].as_array().unwrap().len();
    assert!((3..=5).contains(&steps), "{first}");
    let answers = first["draft"]["screening_answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[1]["answer"], upflow::proposal::offline::GAP, "nothing in the profile answers it");
    let letter = first["cover_letter"].as_str().unwrap();
    assert!(letter.starts_with(first["draft"]["opening"].as_str().unwrap()), "{letter}");
    assert_eq!((first["calls"].as_i64(), first["cost_usd"].as_f64()), (Some(1), Some(0.0)));

    // Asked again: the same draft, no new call. GET reads it too.
    let (status, again) = post(&format!("{base}/jobs/{job}/proposal"), json!({})).await;
    assert_eq!((status, again["reused"].as_bool(), again["calls"].as_i64()), (200, Some(true), Some(1)));
    assert_eq!(again["draft"], first["draft"]);
    let (status, read) = get(&format!("{base}/jobs/{job}/proposal")).await;
    assert_eq!((status, &read["draft"]), (200, &first["draft"]));

    // A redo makes a new one and counts the call; a changed job gets a new draft unasked.
    let (status, redone) = post(&format!("{base}/jobs/{job}/proposal?redo=true"), Value::Null).await;
    assert_eq!((status, redone["calls"].as_i64()), (201, Some(2)));
    set_questions(&db, job, &["Describe a similar project you have built."]).await;
    let (status, changed) = post(&format!("{base}/jobs/{job}/proposal"), json!({})).await;
    assert_eq!((status, changed["calls"].as_i64()), (201, Some(3)), "{changed}");
    assert_eq!(changed["draft"]["screening_answers"].as_array().unwrap().len(), 1);
    assert_eq!(db.scalar("SELECT count(*) FROM proposals").await, 1, "one row per job and version");

    // Unknown jobs and missing drafts are 404; a bad redo is 400.
    assert_eq!(post(&format!("{base}/jobs/nope/proposal"), json!({})).await.0, 404);
    let (status, missing) = get(&format!("{base}/jobs/{}/proposal", ids[1])).await;
    assert!(status == 404 && missing["error"].as_str().unwrap().contains("POST to make one"), "{missing}");
    assert_eq!(post(&format!("{base}/jobs/{job}/proposal?redo=maybe"), json!({})).await.0, 400);

    // /stats counts the drafts and the calls.
    let (_, stats) = get(&format!("{base}/stats")).await;
    let proposals = &stats["proposals"];
    assert_eq!((proposals["drafts"].as_i64(), proposals["calls"].as_i64()), (Some(1), Some(3)), "{proposals}");
    assert_eq!(proposals["drafters"], json!([["rules", null, 1]]));
}

#[tokio::test]
async fn a_profile_without_a_proposal_section_gets_a_409_that_says_what_is_missing() {
    let start = DEFAULT_TOML.find("[proposal]").unwrap();
    let bare = LoadedProfile::from_toml(&DEFAULT_TOML[..start].replace("min_fixed_budget = 500", ""), "bare").unwrap();
    let (_db, server, ids) = server(bare, Drafter::Offline).await;
    let (status, error) = post(&format!("{}/jobs/{}/proposal", server.base_url, ids[0]), json!({})).await;
    assert_eq!(status, 409);
    assert!(error["error"].as_str().unwrap().contains("[proposal] section"), "{error}");
}

#[tokio::test]
async fn cerebras_drafts_with_the_strict_schema_and_every_call_is_counted() {
    let p = profile();
    let (fake, drafter) = cerebras(FakeCerebrasConfig::default()).await;
    let (db, server, ids) = server(p.clone(), drafter).await;
    let base = &server.base_url;
    let job = &ids[0];
    set_questions(&db, job, &["What is your experience with RAG?", "Your rate?"]).await;

    // The first answer breaks the draft's rules (one step): asked once more, both calls paid.
    fake.push_faults(vec![Fault::InvalidScores]);
    let (status, body) = post(&format!("{base}/jobs/{job}/proposal"), json!({})).await;
    assert_eq!(status, 201, "{body}");
    let stats = fake.stats();
    assert_eq!(stats.requests, 2);
    assert_eq!((body["drafter"].as_str(), body["model"].as_str()), (Some("cerebras"), Some("gpt-oss-120b")));
    assert_eq!(body["prompt_tokens"].as_u64(), Some(stats.prompt_tokens), "the re-asked call counts too");
    assert_eq!(body["completion_tokens"].as_u64(), Some(stats.completion_tokens));
    let cost = (stats.prompt_tokens as f64 * 0.35 + stats.completion_tokens as f64 * 0.75) / 1e6;
    assert!((body["cost_usd"].as_f64().unwrap() - cost).abs() < 1e-12, "{body}");

    // What was sent: the proposal schema, strict, its case study an enum of the profile's titles;
    // the screening questions numbered; the freelancer's bio in the system message.
    let request = fake.requests().pop().unwrap();
    let format = &request["response_format"]["json_schema"];
    assert_eq!((format["name"].as_str(), format["strict"].as_bool()), (Some("proposal_draft"), Some(true)));
    let titles: Vec<&str> =
        p.profile.proposal.as_ref().unwrap().case_studies.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(format["schema"]["properties"]["case_study"]["anyOf"][0]["properties"]["title"]["enum"], json!(titles));
    let user = request["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains(
        "Answer these 2 screening questions, in order:\n1. What is your experience with RAG?\n2. Your rate?"
    ));
    assert!(request["messages"][0]["content"].as_str().unwrap().contains("I design and ship production AI systems"));
    let answers: Vec<&str> =
        body["draft"]["screening_answers"].as_array().unwrap().iter().map(|a| a["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["Fake answer to: What is your experience with RAG?", "Fake answer to: Your rate?"]);
    assert_eq!(body["draft"]["case_study"]["title"].as_str(), Some(titles[0]));

    // Handed out again without a call.
    let (status, _) = post(&format!("{base}/jobs/{job}/proposal"), json!({})).await;
    assert_eq!((status, fake.stats().requests), (200, 2));

    // A key Cerebras refuses is a 502 that says so, and stores nothing new.
    fake.push_faults(vec![Fault::Status(401, "wrong_api_key")]);
    let (status, error) = post(&format!("{base}/jobs/{job}/proposal?redo=1"), json!({})).await;
    assert_eq!(status, 502, "{error}");
    assert!(error["error"].as_str().unwrap().contains("CEREBRAS_API_KEY"), "{error}");
    let calls: i32 = db.client().await.query_one("SELECT calls FROM proposals", &[]).await.unwrap().get(0);
    assert_eq!(calls, 1);
}

#[tokio::test]
async fn a_wait_beyond_the_request_is_a_503_with_retry_after() {
    // One request a day: the second draft would wait for the next day.
    let config = FakeCerebrasConfig { rpd: Some(1), day_length: Some(Duration::from_secs(3600)), ..Default::default() };
    let (fake, drafter) = cerebras(config).await;
    let (_db, server, ids) = server(profile(), drafter).await;
    let base = &server.base_url;
    assert_eq!(post(&format!("{base}/jobs/{}/proposal", ids[0]), json!({})).await.0, 201);
    let response = reqwest::Client::new().post(format!("{base}/jobs/{}/proposal", ids[1])).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 60 && retry <= 3600, "{retry}");
    assert!(fake.stats().requests <= 2);
}

#[tokio::test]
async fn the_page_links_each_job_to_its_draft_and_drafts_only_on_the_button() {
    let (db, server, ids) = server(profile(), Drafter::Offline).await;
    let base = &server.base_url;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    let link = format!("/proposal/{}", ids.iter().find(|id| page.contains(&format!("/proposal/{id}\""))).unwrap());
    assert!(page.contains("Your decisions against the scores (0 jobs decided)"), "{page}");
    assert!(page.contains("Alert threshold: 80 (the profile"));
    let job = link.trim_start_matches("/proposal/").to_string();

    let view = client.get(format!("{base}{link}")).send().await.unwrap();
    assert_eq!(view.status(), 200);
    let html = view.text().await.unwrap();
    assert!(html.contains("No draft of this job yet."), "{html}");
    assert_eq!(db.scalar("SELECT count(*) FROM proposals").await, 0, "opening the page drafts nothing");

    let drafted = client.post(format!("{base}{link}")).form(&[("x", "")]).send().await.unwrap();
    assert_eq!(drafted.status(), 303);
    assert_eq!(drafted.headers()["location"], link.as_str());
    let html = client.get(format!("{base}{link}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Cover letter") && html.contains("How I would go about it:"), "{html}");
    assert!(html.contains(r#"name="redo" value="true""#));
    let redone = client.post(format!("{base}{link}")).form(&[("redo", "true")]).send().await.unwrap();
    assert_eq!(redone.status(), 303);
    let calls: i32 =
        db.client().await.query_one("SELECT calls FROM proposals WHERE job_id = $1", &[&job]).await.unwrap().get(0);
    assert_eq!(calls, 2);
    let missing = client.get(format!("{base}/proposal/nope")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("<h2>404 Not Found</h2>"));
}

#[tokio::test]
async fn the_alert_threshold_follows_decisions_only_when_opted_in() {
    let (db, server, _, _) = upflow_tests::api::seeded_server().await;
    let base = &server.base_url;
    let (_, page) = get(&format!("{base}/rankings?limit=200&relevant=all")).await;
    let items = page["items"].as_array().unwrap();
    // Go for the five best under 75, pass on the five worst: the threshold should come down.
    let under: Vec<&Value> = items.iter().filter(|i| i["total"].as_f64().unwrap() < 75.0).collect();
    assert!(under.len() >= 10, "{} jobs under 75", under.len());
    let went = &under[..5];
    let passed = &under[under.len() - 5..];
    assert!(passed[0]["total"].as_f64() < went[4]["total"].as_f64(), "the two kinds do not overlap");
    for (item, decision) in went.iter().map(|i| (i, "applied")).chain(passed.iter().map(|i| (i, "not_for_me"))) {
        let id = item["job_id"].as_str().unwrap();
        assert_eq!(post(&format!("{base}/jobs/{id}/decisions"), json!({"decision": decision})).await.0, 201);
    }
    let (_, stats) = get(&format!("{base}/stats")).await;
    let t = &stats["alert_threshold"];
    assert_eq!((t["follow_decisions"].as_bool(), t["value"].as_f64()), (Some(false), Some(80.0)), "{t}");
    assert_eq!((t["went_for"].as_u64(), t["not_for_me"].as_u64()), (Some(0), Some(0)), "not read unless opted in");

    // The same database under a profile that opts in.
    let opted = upflow::profile::LoadedProfile::from_toml(
        &DEFAULT_TOML
            .replace("min_fixed_budget = 500", "")
            .replace("# follow_decisions = true", "follow_decisions = true"),
        "opted",
    )
    .unwrap();
    let pool = db.migrated_pool().await;
    let t = upflow::read::alert_threshold(&**pool.get().await.unwrap(), opted.profile.alerts).await.unwrap();
    assert_eq!((t.went_for, t.not_for_me, t.misjudged), (5, 5, Some(0)), "{t:?}");
    let lowest_gone_for = went[4]["total"].as_f64().unwrap();
    assert_eq!(t.learned, Some(lowest_gone_for), "the separating total nearest 80");
    assert!(t.value < 80.0);
    let expected = ((80.0 + (lowest_gone_for - 80.0) * 10.0 / 60.0) * 10.0_f64).round() / 10.0;
    assert_eq!(t.value, expected);
}
