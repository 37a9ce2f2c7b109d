//! `upflow migrate`: applies the embedded schema migrations to `DATABASE_URL`.

use std::process::ExitCode;

use upflow::config::DatabaseConfig;
use upflow::store::migrate::migrate;

pub fn run() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(apply()) {
        Ok(applied) if applied.is_empty() => {
            eprintln!("database schema is up to date");
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            eprintln!("applied migrations {applied:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("upflow migrate: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn apply() -> anyhow::Result<Vec<i32>> {
    let pool = DatabaseConfig::from_env()?.pool()?;
    let mut client = pool.get().await.map_err(|e| anyhow::anyhow!("connect to Postgres: {e}"))?;
    migrate(&mut client).await
}
