//! A fresh Postgres database per test, dropped when the test ends.

use tokio_postgres::NoTls;
use upflow::store::{connect, Db};

/// A database of the test's own, on the server `UPFLOW_TEST_DATABASE_URL` points at.
pub struct TestDb {
    pub name: String,
    admin_url: String,
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b, Some(q))).unwrap_or((url, None));
    let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

async fn admin(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls).await.unwrap_or_else(|e| panic!("connect {url}: {e}"));
    tokio::spawn(conn);
    client
}

impl TestDb {
    /// Creates an empty database.
    pub async fn new() -> TestDb {
        let admin_url = crate::env("UPFLOW_TEST_DATABASE_URL");
        let name = crate::unique_name("upflow_t").replace('-', "_");
        admin(&admin_url).await.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        TestDb { name, admin_url }
    }

    /// Its URL on the direct server.
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }

    /// Its URL through pgbouncer (transaction pooling).
    pub fn pgbouncer_url(&self) -> String {
        with_database(&crate::env("UPFLOW_TEST_PGBOUNCER_URL"), &self.name)
    }

    /// A pool on it, as the functions build one.
    pub fn pool(&self) -> Db {
        connect(&self.url(), None).unwrap()
    }

    /// A plain client for assertions.
    pub async fn client(&self) -> tokio_postgres::Client {
        admin(&self.url()).await
    }

    /// The one `bigint` a query returns, for assertions: `count(*)` and the like.
    pub async fn scalar(&self, sql: &str) -> i64 {
        self.client().await.query_one(sql, &[]).await.unwrap().get(0)
    }

    /// A pool with the schema applied.
    pub async fn migrated_pool(&self) -> Db {
        let pool = self.pool();
        upflow::store::migrate::migrate(&mut pool.get().await.unwrap()).await.unwrap();
        pool
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async: use a runtime of its own on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&url, NoTls).await {
                    tokio::spawn(conn);
                    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            })
        })
        .join();
    }
}
