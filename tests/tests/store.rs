//! The Postgres adapter against a real server: migrations under concurrency, TLS modes, a
//! transaction-mode pooler, and connections that break.

use upflow::store::{connect, migrate::migrate};
use upflow_tests::db::TestDb;

async fn ssl_in_use(url: &str, ca: Option<&str>) -> Result<bool, String> {
    let pool = connect(url, ca).map_err(|e| e.to_string())?;
    let client = pool.get().await.map_err(|e| format!("{e:?}"))?;
    let row = client
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.get(0))
}

#[tokio::test]
async fn migrations_are_idempotent_and_safe_when_instances_start_together() {
    let db = TestDb::new().await;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let pool = db.pool();
        tasks.push(tokio::spawn(async move { migrate(&mut pool.get().await.unwrap()).await.unwrap() }));
    }
    let mut applied = Vec::new();
    for t in tasks {
        applied.extend(t.await.unwrap());
    }
    applied.sort();
    let all: Vec<i32> = upflow::store::migrate::MIGRATIONS.iter().map(|m| m.0).collect();
    assert_eq!(applied, all, "exactly one instance applies each migration");
    let client = db.client().await;
    let n: i64 = client.query_one("SELECT count(*) FROM schema_migrations", &[]).await.unwrap().get(0);
    assert_eq!(n, all.len() as i64);
    assert!(migrate(&mut db.pool().get().await.unwrap()).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_database_one_migration_behind_gets_it_and_an_up_to_date_one_nothing() {
    let db = TestDb::new().await;
    let pool = db.pool();
    migrate(&mut pool.get().await.unwrap()).await.unwrap();
    // As a database migrated by the release before 0014 was: its column and its record absent.
    db.client()
        .await
        .batch_execute("ALTER TABLE jobs DROP COLUMN workload; DELETE FROM schema_migrations WHERE version = 14")
        .await
        .unwrap();
    assert_eq!(migrate(&mut pool.get().await.unwrap()).await.unwrap(), [14]);
    assert_eq!(db.scalar("SELECT count(*) FROM information_schema.columns WHERE column_name = 'workload'").await, 1);
    assert!(migrate(&mut pool.get().await.unwrap()).await.unwrap().is_empty());
}

#[tokio::test]
async fn tls_follows_sslmode_and_verifies_when_asked() {
    let db = TestDb::new().await;
    let admin = db.client().await;
    let on: String = admin.query_one("SHOW ssl", &[]).await.unwrap().get(0);
    assert_eq!(on, "on", "this test needs the local server's TLS (Debian enables it with the snakeoil certificate)");
    let cert: String = admin.query_one("SHOW ssl_cert_file", &[]).await.unwrap().get(0);
    let url = format!("postgresql://postgres@localhost:5432/{}", db.name);

    assert_eq!(ssl_in_use(&url, None).await, Ok(true), "prefer: encrypted when the server offers it");
    assert_eq!(ssl_in_use(&format!("{url}?sslmode=disable"), None).await, Ok(false));
    assert_eq!(ssl_in_use(&format!("{url}?sslmode=require"), None).await, Ok(true));
    let untrusted = ssl_in_use(&format!("{url}?sslmode=verify-full"), None).await.unwrap_err();
    assert!(untrusted.contains("UnknownIssuer"), "{untrusted}");
    assert_eq!(ssl_in_use(&format!("{url}?sslmode=verify-full"), Some(&cert)).await, Ok(true));
    // The certificate names localhost, not 127.0.0.1: full verification refuses, chain-only accepts.
    let ip = format!("postgresql://postgres@127.0.0.1:5432/{}", db.name);
    assert!(ssl_in_use(&format!("{ip}?sslmode=verify-full"), Some(&cert)).await.is_err());
    assert_eq!(ssl_in_use(&format!("{ip}?sslmode=verify-ca"), Some(&cert)).await, Ok(true));
}

#[tokio::test]
async fn a_broken_connection_is_replaced() {
    let db = TestDb::new().await;
    let pool = db.pool();
    let pid: i32 = {
        let client = pool.get().await.unwrap();
        client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0)
    };
    db.client().await.execute("SELECT pg_terminate_backend($1)", &[&pid]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let client = pool.get().await.unwrap();
    let new_pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    assert_ne!(pid, new_pid);
}

#[tokio::test]
async fn the_store_works_through_pgbouncer_in_transaction_mode() {
    use upflow::ingest::{read_all, ExportItem, ReadOptions};
    use upflow::store::{ingests, jobs};

    let db = TestDb::new().await;
    let pool = connect(&db.pgbouncer_url(), None).unwrap();
    migrate(&mut pool.get().await.unwrap()).await.unwrap();
    migrate(&mut pool.get().await.unwrap()).await.unwrap();

    let bytes = upflow_tests::fixtures::bytes(upflow_tests::fixtures::API_ACTOR);
    let options = ReadOptions { name: "x.json".into(), format: None, reference_time: chrono::Utc::now() };
    let (items, _) = read_all(&bytes[..], &options).unwrap();
    let all: Vec<_> = items.iter().filter_map(ExportItem::job).collect();

    // Many statements over several pooled connections, the same SQL text again and again: named
    // prepared statements would collide or vanish here.
    let mut tasks = Vec::new();
    for (n, chunk) in all.chunks(10).enumerate() {
        let pool = pool.clone();
        let chunk: Vec<upflow::Job> = chunk.iter().map(|j| (*j).clone()).collect();
        tasks.push(tokio::spawn(async move {
            let client = pool.get().await.unwrap();
            let key = format!("k{n}");
            let ingests::Claim::Started(id) = ingests::claim(&**client, "b", &key, "e").await.unwrap() else {
                panic!()
            };
            let source = jobs::Source { ingest_id: id, bucket: "b", key: &key, profile_version: "p" };
            for _ in 0..3 {
                let sourced: Vec<_> =
                    chunk.iter().enumerate().map(|(i, job)| jobs::SourcedJob { row: i as u64 + 1, job }).collect();
                let up = jobs::upsert(&**client, &source, &sourced).await.unwrap();
                let sent: Vec<(&str, &str)> = up.iter().map(|u| (u.job_id.as_str(), u.content_hash.as_str())).collect();
                jobs::mark_enqueued(&**client, &sent).await.unwrap();
            }
            ingests::finish(&**client, id, Some("json"), &Default::default(), None).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let n: i64 = db.client().await.query_one("SELECT count(*) FROM jobs", &[]).await.unwrap().get(0);
    assert_eq!(n, 69);
}
