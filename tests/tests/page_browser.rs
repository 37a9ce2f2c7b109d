//! The rankings page (`GET /`) in a real headless browser: Debian's Chromium driven through
//! chromedriver (WebDriver). The page loads and shows the seeded jobs in the JSON API's order,
//! the filter form narrows them to what the API returns for the same filters, and a `<script>`
//! injected through a job's title is shown as text and never runs.
//!
//! Needs `scripts/browser.sh` (run by `scripts/test.sh`); fails, not skips, without Chromium.
//! Screenshots go to `$CARGO_TARGET_TMPDIR/page.png` and `page-filtered.png`.

use std::path::PathBuf;
use std::time::Instant;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use upflow_tests::api::{evaluate, profile, seed_evaluated, serve, state};
use upflow_tests::browser::{wait_until, Browser, WAIT};
use upflow_tests::db::TestDb;
use upflow_tests::seed::store_export;

const HOSTILE_ID: &str = "7100000000000000001";
const HOSTILE_TITLE: &str =
    r#"<script>document.title='pwned';window.pwned=1</script><img src=x onerror="window.pwned=2">Hostile job"#;
const HOSTILE_DESCRIPTION: &str = "<script>window.pwned=3</script> Build a RAG chatbot with LangChain and pgvector \
     over our PDFs, a FastAPI service and a small React front end. <img src=x onerror=\"window.pwned=4\">";
/// The minimum score typed into the form: in the middle of the seeded ranking.
const MIN_SCORE: f64 = 70.0;

/// One job row as the browser shows it.
#[derive(Debug)]
struct Row {
    id: String,
    score: f64,
    priority: String,
    title: String,
}

/// The rows of the page now shown, top to bottom.
async fn rows(client: &Client) -> Vec<Row> {
    let mut rows = Vec::new();
    for tr in client.find_all(Locator::Css("tr.job")).await.unwrap() {
        let id = tr.attr("data-job-id").await.unwrap().expect("data-job-id");
        let score_text = tr.find(Locator::Css("td.score")).await.unwrap().text().await.unwrap();
        let score = score_text.trim().parse().unwrap_or_else(|_| panic!("score of {id}: {score_text:?}"));
        let priority = tr.find(Locator::Css("td.priority")).await.unwrap().text().await.unwrap();
        let title = tr.find(Locator::Css("td.title > a, td.title > .t")).await.unwrap().text().await.unwrap();
        rows.push(Row { id, score, priority: priority.trim().to_string(), title });
    }
    rows
}

fn ids(rows: &[Row]) -> Vec<&str> {
    rows.iter().map(|r| r.id.as_str()).collect()
}

/// The job ids `GET /rankings?{query}` returns, in order.
async fn api_ids(base: &str, query: &str) -> Vec<String> {
    let r = reqwest::get(format!("{base}/rankings?{query}")).await.unwrap();
    assert_eq!(r.status(), 200, "/rankings?{query}");
    let body: Value = r.json().await.unwrap();
    body["items"].as_array().unwrap().iter().map(|i| i["job_id"].as_str().unwrap().to_string()).collect()
}

/// Waits until the rankings page (its filter form) is shown.
async fn wait_for_page(client: &Client) {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("form.filters button[type=submit]"))
        .await
        .unwrap_or_else(|e| panic!("the page's filter form did not appear: {e}"));
}

async fn save_screenshot(client: &Client, name: &str) -> PathBuf {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a screenshot is a PNG");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
    path
}

/// The 88 fixture jobs scored by the rules scorer, plus a hostile job made the best there is.
async fn seed(db: &TestDb) -> upflow::store::Db {
    let pool = db.migrated_pool().await;
    let p = profile();
    seed_evaluated(&pool, &p).await;
    let hostile = json!([{
        "id": HOSTILE_ID,
        "title": HOSTILE_TITLE,
        "description": HOSTILE_DESCRIPTION,
        "budget": "$6,000.00",
        "jobType": "Fixed",
        "paymentVerified": true,
        "clientRating": 4.9,
        "clientTotalSpent": 120000,
        "proposals": 3,
    }]);
    let ids = store_export(&pool, "hostile.json", &serde_json::to_vec(&hostile).unwrap()).await;
    assert_eq!(ids, [HOSTILE_ID]);
    evaluate(&pool, &p, &ids).await;
    // First on the first page, whatever the rules made of it.
    let updated = db
        .client()
        .await
        .execute(
            "UPDATE evaluations SET total = 99, priority = 'High', relevant = true WHERE job_id = $1 AND status = 'scored'",
            &[&HOSTILE_ID],
        )
        .await
        .unwrap();
    assert_eq!(updated, 1, "the hostile job was scored");
    pool
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_in_chromium_shows_the_ranking_filters_it_and_runs_no_injected_script() {
    let started = Instant::now();
    let db = TestDb::new().await;
    // Seeding and starting the browser are independent: do both at once.
    let (pool, browser) = tokio::join!(seed(&db), Browser::start());
    let server = serve(state(pool, profile(), None)).await;
    let base = &server.base_url;
    let client = &browser.client;
    eprintln!("seeded and browser started in {:?}", started.elapsed());

    // --- The page loads and shows the jobs in the API's order. ---
    client.goto(&format!("{base}/")).await.unwrap();
    wait_for_page(client).await;
    let shown = rows(client).await;
    let expected = api_ids(base, "").await;
    assert_eq!(expected.len(), 20, "the default page is full: the filter below can narrow it");
    assert_eq!(ids(&shown), expected, "the page's rows are GET /rankings' jobs, in its order");
    assert!(
        shown.windows(2).all(|w| w[0].score >= w[1].score),
        "scores descend: {:?}",
        shown.iter().map(|r| r.score).collect::<Vec<_>>()
    );
    let count = client.find(Locator::Css("p.count")).await.unwrap().text().await.unwrap();
    assert_eq!(count, "Jobs 1–20, best first");
    // The inline stylesheet applies: its hash matches the Content-Security-Policy.
    let weight = client.find(Locator::Css("td.score")).await.unwrap().css_value("font-weight").await.unwrap();
    assert_eq!(weight, "700", "the page's stylesheet was blocked (CSP hash?)");

    // --- The hostile title is text; nothing in it ran. ---
    let hostile = &shown[0];
    assert_eq!((hostile.id.as_str(), hostile.score), (HOSTILE_ID, 99.0));
    assert!(hostile.title.contains("<script>document.title='pwned'"), "shown as text: {:?}", hostile.title);
    assert!(hostile.title.contains(r#"<img src=x onerror="window.pwned=2">Hostile job"#), "{:?}", hostile.title);
    let title = client.title().await.unwrap();
    assert_ne!(title, "pwned");
    assert!(title.starts_with("upflow · rankings"), "{title}");
    let pwned = client.execute("return typeof window.pwned", vec![]).await.unwrap();
    assert_eq!(pwned, json!("undefined"), "an injected script or handler ran");
    assert!(client.find_all(Locator::Css("script")).await.unwrap().is_empty(), "a <script> element in the DOM");
    assert!(client.find_all(Locator::Css("img")).await.unwrap().is_empty(), "an <img> element in the DOM");
    // The reasons open (a <details>, no script needed) and the hostile text stays text there too.
    let summary = client.find(Locator::Css(&format!(r#"tr[data-job-id="{HOSTILE_ID}"] summary"#))).await.unwrap();
    summary.click().await.unwrap();
    let open = client.execute("return document.querySelector('tr.job details').open", vec![]).await.unwrap();
    assert_eq!(open, json!(true), "the first row's reasons open on a click");
    assert!(client.find_all(Locator::Css("script, img")).await.unwrap().is_empty());
    assert!(!client.source().await.unwrap().to_ascii_lowercase().contains("<script"));
    save_screenshot(client, "page.png").await;

    // --- The filter form narrows the rows to what the API returns for the same filters. ---
    let high_query = format!("min_score={MIN_SCORE}&priority=High");
    let high = api_ids(base, &high_query).await;
    let use_priority = !high.is_empty() && high.len() < shown.len();
    let min_score = client.find(Locator::Css("input[name=min_score]")).await.unwrap();
    min_score.clear().await.unwrap();
    min_score.send_keys(&MIN_SCORE.to_string()).await.unwrap();
    if use_priority {
        let select = client.find(Locator::Css("select[name=priority]")).await.unwrap();
        select.select_by_value("High").await.unwrap();
    } else {
        client.find(Locator::Css("input[name=q]")).await.unwrap().send_keys("RAG").await.unwrap();
    }
    client.find(Locator::Css("form.filters button[type=submit]")).await.unwrap().click().await.unwrap();
    let url = wait_until("the filtered page's URL", WAIT, || async {
        let url = client.current_url().await.ok()?;
        url.query_pairs().any(|(k, _)| k == "min_score").then_some(url)
    })
    .await;
    wait_for_page(client).await;
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let pair = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(pair("min_score"), Some("70"), "{url}");
    if use_priority {
        assert_eq!(pair("priority"), Some("High"), "{url}");
    } else {
        assert_eq!(pair("q"), Some("RAG"), "{url}");
    }

    let filtered = rows(client).await;
    let api_filtered = api_ids(base, url.query().unwrap()).await;
    assert_eq!(ids(&filtered), api_filtered, "the filtered rows are what GET /rankings returns for {url}");
    assert!(!filtered.is_empty() && filtered.len() < shown.len(), "{} rows of {}", filtered.len(), shown.len());
    assert!(filtered.iter().all(|r| r.score >= MIN_SCORE), "{filtered:?}");
    assert!(filtered.windows(2).all(|w| w[0].score >= w[1].score));
    if use_priority {
        assert!(filtered.iter().all(|r| r.priority == "High"), "{filtered:?}");
    }
    // The form shows the filters it was sent with.
    let min_value = client.find(Locator::Css("input[name=min_score]")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(min_value.as_deref(), Some("70"));
    if use_priority {
        let value = client.find(Locator::Css("select[name=priority]")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(value.as_deref(), Some("High"));
    }
    assert_eq!(client.execute("return typeof window.pwned", vec![]).await.unwrap(), json!("undefined"));
    save_screenshot(client, "page-filtered.png").await;
    eprintln!(
        "{} rows, {} after {}; whole test {:?}",
        shown.len(),
        filtered.len(),
        url.query().unwrap_or(""),
        started.elapsed()
    );

    browser.close().await;
}
