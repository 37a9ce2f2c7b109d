//! The api router against real Postgres seeded with evaluated jobs: ordering, every filter,
//! cursor pagination with inserts between pages, 400s, 404, stats, health, auth on and off.

use serde_json::Value;
use upflow_tests::api::{evaluate, get, profile, seed_evaluated, seeded_server, serve, state};
use upflow_tests::db::TestDb;
use upflow_tests::seed::store_export;

fn key(item: &Value) -> (f64, String, String) {
    (
        item["total"].as_f64().unwrap(),
        item["posted_at"].as_str().unwrap_or("").to_string(),
        item["job_id"].as_str().unwrap().to_string(),
    )
}

fn sorted_best_first(items: &[Value]) -> bool {
    items.windows(2).all(|w| {
        let (a, b) = (key(&w[0]), key(&w[1]));
        a.0 > b.0 || (a.0 == b.0 && (a.1 > b.1 || (a.1 == b.1 && a.2 > b.2)))
    })
}

#[tokio::test]
async fn rankings_are_ordered_and_every_filter_narrows_them() {
    let (db, server, _, _) = seeded_server().await;
    let base = &server.base_url;

    let (status, all) = get(&format!("{base}/rankings?limit=200&relevant=all")).await;
    assert_eq!(status, 200);
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len() as i64, db.scalar("SELECT count(*) FROM evaluations WHERE status = 'scored'").await);
    assert!(sorted_best_first(items));
    assert_eq!(items[0]["rank"], 1);
    assert!(items[0]["assessment"]["scores"]["technical_fit"]["reason"].is_string());
    assert!(items[0]["url"].as_str().unwrap().contains("upwork.com/jobs/"));

    // Default: relevant only, 20 items.
    let (_, relevant) = get(&format!("{base}/rankings")).await;
    let r = relevant["items"].as_array().unwrap();
    assert_eq!(r.len(), 20);
    assert!(r.iter().all(|i| i["relevant"] == true));
    let (_, off) = get(&format!("{base}/rankings?relevant=false&limit=200")).await;
    assert!(off["items"].as_array().unwrap().iter().all(|i| i["relevant"] == false));
    assert!(r.len() + off["items"].as_array().unwrap().len() > 20, "relevant and off-profile jobs split the set");

    let (_, min) = get(&format!("{base}/rankings?min_score=70&relevant=all&limit=200")).await;
    let min = min["items"].as_array().unwrap();
    assert!(!min.is_empty() && min.iter().all(|i| i["total"].as_f64().unwrap() >= 70.0));
    assert_eq!(min.len() as i64, db.scalar("SELECT count(*) FROM evaluations WHERE total >= 70").await);

    let (_, high) = get(&format!("{base}/rankings?priority=High&relevant=all&limit=200")).await;
    let high = high["items"].as_array().unwrap();
    assert!(high.iter().all(|i| i["priority"] == "High"));
    assert_eq!(high.len() as i64, db.scalar("SELECT count(*) FROM evaluations WHERE priority = 'High'").await);

    let (_, since) = get(&format!("{base}/rankings?since=2026-05-24T00:00:00Z&relevant=all&limit=200")).await;
    let since = since["items"].as_array().unwrap();
    assert!(!since.is_empty() && since.iter().all(|i| i["posted_at"].as_str().unwrap() > "2026-05-24"));
    assert_eq!(
        since.len() as i64,
        db.scalar("SELECT count(*) FROM evaluations e JOIN jobs j USING (job_id) WHERE j.posted_at > '2026-05-24'")
            .await
    );

    // Words, through the store's copy of each job's text onto its evaluation.
    let (_, q) = get(&format!("{base}/rankings?q=RAG&relevant=all&limit=200")).await;
    let q = q["items"].as_array().unwrap();
    assert_eq!(
        q.len() as i64,
        db.scalar(
            "SELECT count(*) FROM evaluations e JOIN jobs j USING (job_id)
             WHERE e.is_latest AND j.search @@ websearch_to_tsquery('english', 'RAG')"
        )
        .await
    );
    assert!(!q.is_empty());
    // Punctuation is no word: it filters nothing (and LIKE's wildcards mean nothing).
    let (_, pct) = get(&format!("{base}/rankings?q=%25%25%25&relevant=all&limit=200")).await;
    let (_, all) = get(&format!("{base}/rankings?relevant=all&limit=200")).await;
    let ids = |v: &Value| v["items"].as_array().unwrap().iter().map(|i| i["job_id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&pct), ids(&all));
}

#[tokio::test]
async fn cursors_stay_stable_while_new_jobs_arrive() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let p = profile();
    seed_evaluated(&pool, &p).await;
    let server = serve(state(pool.clone(), p.clone(), None)).await;
    let base = &server.base_url;

    let (_, full) = get(&format!("{base}/rankings?limit=200&relevant=all")).await;
    let expected: Vec<String> =
        full["items"].as_array().unwrap().iter().map(|i| i["job_id"].as_str().unwrap().into()).collect();

    let (_, first) = get(&format!("{base}/rankings?limit=10&relevant=all")).await;
    let mut seen: Vec<String> =
        first["items"].as_array().unwrap().iter().map(|i| i["job_id"].as_str().unwrap().into()).collect();
    let mut cursor = first["next_cursor"].as_str().unwrap().to_string();

    // New, better jobs arrive between pages.
    let new = serde_json::json!([
        {"id": "7000000000000000001", "title": "Multi-agent RAG platform with LangChain, pgvector and FastAPI", "description": "Autonomous agents, embeddings, semantic search, Docker deployment, CI/CD, React TypeScript front end.", "budget": "$9,000.00", "jobType": "Fixed", "paymentVerified": true, "clientRating": 5, "clientTotalSpent": 200000, "proposals": 1},
    ]);
    let ids = store_export(&pool, "new.json", &serde_json::to_vec(&new).unwrap()).await;
    evaluate(&pool, &p, &ids).await;
    // Make it the best job there is: it lands before the cursor, where offset paging would
    // shift every later page by one.
    db.client()
        .await
        .execute("UPDATE evaluations SET total = 100, priority = 'High' WHERE job_id = $1", &[&ids[0]])
        .await
        .unwrap();

    loop {
        let (status, page) = get(&format!("{base}/rankings?limit=10&relevant=all&cursor={cursor}")).await;
        assert_eq!(status, 200);
        seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["job_id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, expected, "no job twice, none skipped, the newcomer does not shift the pages");
    let (_, now) = get(&format!("{base}/rankings?limit=1&relevant=all")).await;
    assert_eq!(now["items"][0]["job_id"], "7000000000000000001");
}

#[tokio::test]
async fn bad_parameters_unknown_jobs_stats_and_health() {
    let (_db, server, p, ids) = seeded_server().await;
    let base = &server.base_url;

    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("cursor=zzz", "cursor"),
        ("min_score=150", "min_score"),
        ("priority=urgent", "priority"),
        ("since=soon", "since"),
        ("relevant=perhaps", "relevant"),
    ] {
        let (status, body) = get(&format!("{base}/rankings?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
        assert!(body["error"].as_str().unwrap().contains(parameter));
    }

    let (status, body) = get(&format!("{base}/jobs/{}", ids[0])).await;
    assert_eq!(status, 200);
    assert_eq!(body["job"]["job_id"], ids[0].as_str());
    assert_eq!(body["evaluations"].as_array().unwrap().len(), 1);
    assert_eq!(body["evaluations"][0]["profile_version"], p.version.as_str());
    let (status, body) = get(&format!("{base}/jobs/does-not-exist")).await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("not found"));

    let (status, stats) = get(&format!("{base}/stats")).await;
    assert_eq!(status, 200);
    let s = &stats["stats"];
    assert_eq!(s["jobs_stored"], 88);
    assert_eq!(s["evaluated"], 88);
    assert_eq!(s["pending"], 0);
    let by = &s["by_priority"];
    assert_eq!(
        by["high"].as_i64().unwrap() + by["medium"].as_i64().unwrap() + by["low"].as_i64().unwrap(),
        s["scored"].as_i64().unwrap()
    );
    assert_eq!(s["recent_ingests"].as_array().unwrap().len(), 2);
    assert_eq!(stats["scorer_in_use"]["scorer"], "rules");

    let (status, health) = get(&format!("{base}/health")).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    // A database that does not answer: 503.
    let dead = upflow::store::connect("postgresql://postgres@127.0.0.1:1/nothing", None).unwrap();
    let dead_server = serve(state(dead, p, None)).await;
    let (status, _) = get(&format!("{}/health", dead_server.base_url)).await;
    assert_eq!(status, 503);
}

#[tokio::test]
async fn the_api_token_guards_everything_but_health_and_the_webhook() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let p = profile();
    seed_evaluated(&pool, &p).await;
    let server = serve(state(pool, p, Some("s3cret-token"))).await;
    let base = &server.base_url;
    let http = reqwest::Client::new();
    for path in ["/rankings", "/stats", "/jobs/x", "/"] {
        assert_eq!(http.get(format!("{base}{path}")).send().await.unwrap().status(), 401, "{path}");
        let wrong = http.get(format!("{base}{path}")).bearer_auth("s3cret-tokeN").send().await.unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
    }
    let ok = http.get(format!("{base}/rankings")).bearer_auth("s3cret-token").send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let page = http.get(format!("{base}/?token=s3cret-token")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(http.get(format!("{base}/health")).send().await.unwrap().status(), 200);
    // The webhook is not behind the token (it has its own secret); no bot configured here.
    assert_eq!(http.post(format!("{base}/telegram/webhook")).body("{}").send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_api_answers_through_pgbouncer_in_transaction_mode() {
    let db = TestDb::new().await;
    let direct = db.migrated_pool().await;
    let p = profile();
    let ids = seed_evaluated(&direct, &p).await;
    let ranked = |body: Value| -> Vec<(String, f64)> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["job_id"].to_string(), i["total"].as_f64().unwrap()))
            .collect()
    };
    let expected = ranked(get_json(&serve(state(direct, p.clone(), None)).await.base_url, "/rankings?limit=50").await);
    // Through the pooler, whose server connections each client's statements share in turn:
    // a named statement prepared on one is unknown on the next.
    let pooled = upflow::store::connect(&db.pgbouncer_url(), None).unwrap();
    let server = serve(state(pooled, p, None)).await;
    let base = server.base_url.clone();
    for _ in 0..3 {
        let mut paths: Vec<String> = ids.iter().take(12).map(|id| format!("/jobs/{id}")).collect();
        paths.extend(
            ["/rankings?limit=50", "/rankings?q=python", "/rankings?priority=High", "/stats", "/health"]
                .map(String::from),
        );
        let answers = futures::future::join_all(paths.iter().map(|path| {
            let base = base.clone();
            async move { (path.clone(), get(&format!("{base}{path}")).await) }
        }))
        .await;
        for (path, (status, body)) in answers {
            assert_eq!(status, 200, "{path}: {body}");
        }
        let page = reqwest::get(format!("{base}/")).await.unwrap();
        assert_eq!(page.status(), 200);
    }
    assert_eq!(ranked(get_json(&base, "/rankings?limit=50").await), expected, "the same rankings either way");
}

async fn get_json(base: &str, path: &str) -> Value {
    let (status, body) = get(&format!("{base}{path}")).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test]
async fn a_database_that_never_answers_gets_a_503_within_the_pools_timeouts() {
    // A server that accepts connections and never says a word (a frozen or blackholed host).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let _silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let settings = upflow::store::PoolSettings {
        connect_timeout: std::time::Duration::from_secs(1),
        wait_timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    let db = upflow::store::connect_with(&format!("postgresql://postgres@{addr}/nothing"), None, &settings).unwrap();
    let server = serve(state(db, profile(), None)).await;
    // Well inside the api's own request timeout: the pool's timeouts must answer first.
    let client = reqwest::Client::builder().timeout(api::routes::REQUEST_TIMEOUT / 2).build().unwrap();
    for path in ["/health", "/rankings", "/stats", "/jobs/x"] {
        let response = client.get(format!("{}{path}", server.base_url)).send().await.expect(path);
        assert_eq!(response.status(), 503, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("unavailable"), "{path}: {body}");
    }
}
