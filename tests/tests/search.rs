//! Text search in the rankings (`q`) against real Postgres: words of the title, skills and
//! description (stemmed, web search syntax), the default view's relevance, jobs whose text
//! changes, and the same answer, in rank order and across pages, whether the matches are
//! common (found walking the ranking) or rare (found through the text index).

use tokio_postgres::types::{Json, Type};
use upflow::evaluation::Assessment;
use upflow::read::cursor::Cursor;
use upflow::read::rankings::{rankings, RankingQuery, TEXT_WALK};
use upflow::store::Db;
use upflow_tests::db::TestDb;

/// Jobs seeded: more than one ranking walk passes, so rare matches lie beyond it.
const N: i64 = TEXT_WALK + 500;

/// Job `g` (1 = best ranked): title, skills and relevance follow `g`, so every expected answer
/// below is computed here, not by the database.
fn title(g: i64) -> String {
    match g {
        1401 => "Voice agents for dental clinics".into(),
        g if g % 2 == 0 => format!("Build a RAG pipeline over contracts #{g}"),
        g => format!("Python scraper for listings #{g}"),
    }
}

fn skills(g: i64) -> Vec<&'static str> {
    let mut s = vec!["Python"];
    if g % 100 == 0 {
        s.push("Kubernetes");
    }
    if g % 350 == 0 {
        s.push("COBOL");
    }
    s
}

fn relevant(g: i64) -> bool {
    g % 7 != 0
}

fn job_id(g: i64) -> String {
    format!("9{g:018}")
}

async fn seeded() -> (TestDb, Db) {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let client = pool.get().await.unwrap();
    let ids: Vec<String> = (1..=N).map(job_id).collect();
    let titles: Vec<String> = (1..=N).map(title).collect();
    // Skills as one comma-separated text per job (a text[][] would need equal lengths).
    let skills: Vec<String> = (1..=N).map(|g| skills(g).join(",")).collect();
    let relevant: Vec<bool> = (1..=N).map(relevant).collect();
    client
        .execute_typed(
            "INSERT INTO jobs (job_id, url, title, description, job_type, skills, posted_at, raw, content_hash)
             SELECT id, 'https://www.upwork.com/jobs/~02' || id, t, 'We need an engineer to design and ship it.',
                    'fixed', string_to_array(s, ','), now() - make_interval(mins => o::int), '{}', md5(id)
             FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(id, t, s, o)",
            &[(&ids, Type::TEXT_ARRAY), (&titles, Type::TEXT_ARRAY), (&skills, Type::TEXT_ARRAY)],
        )
        .await
        .unwrap();
    // Totals fall with g; the words are copied from the job as the store does.
    client
        .execute_typed(
            "INSERT INTO evaluations (job_id, profile_version, content_hash, status, scorer, relevant, total,
                                      priority, assessment, prompt_tokens, completion_tokens, latency_ms,
                                      cost_usd, posted_at, search)
             SELECT j.job_id, 'v1', j.content_hash, 'scored', 'rules', u.r, 100 - u.o * 0.05, 'Medium', $3,
                    0, 0, 1, 0, j.posted_at, j.search
             FROM unnest($1::text[], $2::bool[]) WITH ORDINALITY AS u(id, r, o) JOIN jobs j ON j.job_id = u.id",
            &[(&ids, Type::TEXT_ARRAY), (&relevant, Type::BOOL_ARRAY), (&Json(Assessment::example()), Type::JSONB)],
        )
        .await
        .unwrap();
    client.batch_execute("ANALYZE jobs; ANALYZE evaluations").await.unwrap();
    drop(client);
    (db, pool)
}

fn query(q: &str, limit: u32, all: bool) -> RankingQuery {
    RankingQuery { q: Some(q.into()), limit, relevant: if all { None } else { Some(true) }, ..RankingQuery::new("v1") }
}

/// Every page of `query`, followed by its cursors: the job numbers in order, and the ranks.
async fn all_pages(pool: &Db, mut query: RankingQuery) -> (Vec<i64>, Vec<u32>) {
    let client = pool.get().await.unwrap();
    let (mut gs, mut ranks) = (Vec::new(), Vec::new());
    loop {
        let page = rankings(&**client, &query).await.unwrap();
        for item in &page.items {
            gs.push(item.job_id[1..].parse::<i64>().unwrap());
            ranks.push(item.rank);
        }
        match page.next_cursor {
            Some(c) => query.cursor = Some(Cursor::decode(&c).unwrap()),
            None => return (gs, ranks),
        }
    }
}

fn expected(keep: impl Fn(i64) -> bool) -> Vec<i64> {
    (1..=N).filter(|&g| keep(g)).collect()
}

#[tokio::test]
async fn rare_and_common_matches_come_in_rank_order_across_pages() {
    let (_db, pool) = seeded().await;
    // Rare: one job in a hundred, most of them past the first walk; in small and large pages.
    let rare = expected(|g| g % 100 == 0);
    assert!(rare.iter().filter(|&&g| g > TEXT_WALK).count() >= 5, "the seed must put matches past the walk");
    for limit in [3, 4, 20, 200] {
        let (gs, ranks) = all_pages(&pool, query("kubernetes", limit, true)).await;
        assert_eq!(gs, rare, "limit {limit}");
        assert_eq!(ranks, (1..=rare.len() as u32).collect::<Vec<_>>(), "limit {limit}");
    }
    // Common: half the jobs, relevant ones only by default.
    let common = expected(|g| g % 2 == 0 && relevant(g) && g != 1401);
    let (gs, ranks) = all_pages(&pool, query("rag", 200, false)).await;
    assert_eq!(gs, common);
    assert_eq!(ranks.last().copied(), Some(common.len() as u32));
}

#[tokio::test]
async fn words_are_stemmed_and_searched_in_title_skills_and_description() {
    let (_db, pool) = seeded().await;
    let first = |q: &'static str, all: bool| {
        let pool = pool.clone();
        async move { all_pages(&pool, query(q, 200, all)).await.0 }
    };
    // "pipelines" finds "pipeline" in the titles; "clinic" finds "clinics".
    assert_eq!(first("pipelines", true).await, expected(|g| g % 2 == 0));
    assert_eq!(first("clinic", true).await, vec![1401]);
    // A skill alone, and the description's words (every job).
    assert_eq!(first("COBOL", true).await, expected(|g| g % 350 == 0));
    assert_eq!(first("engineers designing", true).await.len() as i64, N);
    // Web search syntax: a phrase keeps its order, `-` excludes, `or` widens.
    assert_eq!(first("\"rag pipeline\"", true).await, expected(|g| g % 2 == 0));
    assert!(first("\"pipeline rag\"", true).await.is_empty());
    assert_eq!(first("pipeline -kubernetes", true).await, expected(|g| g % 2 == 0 && g % 100 != 0));
    assert_eq!(first("voice or cobol", true).await, expected(|g| g == 1401 || g % 350 == 0));
    // Words nobody wrote.
    assert!(first("blockchain", true).await.is_empty());
}

#[tokio::test]
async fn the_default_view_searches_relevant_jobs_only() {
    let (_db, pool) = seeded().await;
    // Every COBOL job is off-profile (g % 350 == 0 is a multiple of 7).
    assert!(all_pages(&pool, query("cobol", 20, false)).await.0.is_empty());
    assert_eq!(all_pages(&pool, query("cobol", 20, true)).await.0, expected(|g| g % 350 == 0));
    // Filters combine with the words: a minimum score cuts the ranking's tail.
    let mut q = query("kubernetes", 20, true);
    q.min_score = Some(100.0 - 1000.0 * 0.05);
    assert_eq!(all_pages(&pool, q).await.0, expected(|g| g % 100 == 0 && g <= 1000));
}

#[tokio::test]
async fn a_query_without_words_filters_nothing() {
    let (_db, pool) = seeded().await;
    let everything = all_pages(&pool, RankingQuery { limit: 200, ..RankingQuery::new("v1") }).await.0;
    assert_eq!(everything, expected(relevant));
    for q in ["the", "  and or  ", "%%%", "-"] {
        assert_eq!(all_pages(&pool, query(q, 200, false)).await.0, everything, "q = {q:?}");
    }
}

#[tokio::test]
async fn a_job_whose_text_changes_is_found_by_its_new_words() {
    let (db, pool) = seeded().await;
    let client = db.client().await;
    client
        .execute_typed(
            "UPDATE jobs SET title = 'Elixir platform rewrite', skills = '{Elixir}' WHERE job_id = $1",
            &[(&job_id(3), Type::TEXT)],
        )
        .await
        .unwrap();
    assert_eq!(all_pages(&pool, query("elixir", 20, false)).await.0, vec![3]);
    assert_eq!(all_pages(&pool, query("scraper", 200, true)).await.0, expected(|g| g % 2 == 1 && g != 1401 && g != 3));
}
