//! The api router served on a loopback port, and a database seeded with evaluated jobs.

use std::sync::Arc;
use std::time::Duration;

use upflow::evaluate::Evaluator;
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::scoring::{rules::RulesScorer, Scorer};
use upflow::store::Db;

/// A running api server; it stops when dropped.
pub struct ApiServer {
    pub base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `state` on 127.0.0.1 at a free port.
pub async fn serve(state: api::AppState) -> ApiServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let app = api::router(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    ApiServer { base_url, task }
}

/// The profile the seeded evaluations use: the default without the budget filter, so that
/// every fixture job is scored.
pub fn profile() -> LoadedProfile {
    LoadedProfile::from_toml(&DEFAULT_TOML.replace("min_fixed_budget = 500", ""), "api-tests").unwrap()
}

/// Stores both real fixtures (88 jobs) and scores them with the rules scorer; returns the ids.
pub async fn seed_evaluated(db: &Db, profile: &LoadedProfile) -> Vec<String> {
    let mut ids =
        crate::seed::store_export(db, "scraper.json", &crate::fixtures::bytes(crate::fixtures::SCRAPER)).await;
    ids.extend(crate::seed::store_export(db, "api.json", &crate::fixtures::bytes(crate::fixtures::API_ACTOR)).await);
    evaluate(db, profile, &ids).await;
    ids
}

/// Scores `ids` with the rules scorer.
pub async fn evaluate(db: &Db, profile: &LoadedProfile, ids: &[String]) {
    let evaluator =
        Evaluator { concurrency: 4, ..Evaluator::new(db.clone(), Scorer::Rules(RulesScorer), profile.clone()) };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    for id in ids {
        evaluator.evaluate(id, deadline).await.unwrap();
    }
}

/// App state over `db` with `profile`, an optional API token and no bot.
pub fn state(db: Db, profile: LoadedProfile, api_token: Option<&str>) -> api::AppState {
    let profile = Arc::new(profile);
    api::AppState {
        proposer: upflow::propose::Proposer {
            db: db.clone(),
            profile: profile.clone(),
            drafter: upflow::propose::Drafter::Offline,
        },
        db,
        profile,
        api_token: api_token.map(Arc::from),
        bot: None,
        scorer: api::state::ScorerInUse { scorer: "rules".into(), model: None },
    }
}

/// `GET url`: the status and the JSON body (`Null` when it is not JSON).
pub async fn get(url: &str) -> (u16, serde_json::Value) {
    let r = reqwest::get(url).await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
}

/// `POST url` with a JSON body: the status and the JSON body (`Null` when it is not JSON).
pub async fn post(url: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new().post(url).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
}

/// A database of its own seeded with evaluated jobs ([`seed_evaluated`]) and the api serving
/// it without a token: the database (keep it alive), the server, the profile and the seeded ids.
pub async fn seeded_server() -> (crate::db::TestDb, ApiServer, LoadedProfile, Vec<String>) {
    let db = crate::db::TestDb::new().await;
    let pool = db.migrated_pool().await;
    let p = profile();
    let ids = seed_evaluated(&pool, &p).await;
    let server = serve(state(pool, p.clone(), None)).await;
    (db, server, p, ids)
}
