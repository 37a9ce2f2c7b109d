//! Test support for the end-to-end tests: a database of its own per test, a bucket and queues of
//! their own on the local S3/SQS server, and the real fixtures.
//!
//! The services come from `scripts/services.sh` through `UPFLOW_TEST_DATABASE_URL`,
//! `UPFLOW_TEST_PGBOUNCER_URL` and `AWS_ENDPOINT_URL`; a test fails with a clear message when
//! they are missing (run the tests with `scripts/test.sh`).

pub mod api;
pub mod aws;
pub mod browser;
pub mod db;
pub mod fake_cerebras;
pub mod fake_telegram;
pub mod fixtures;
pub mod pg_instance;
pub mod seed;

/// A name unique to this process and call, for databases, buckets and queues.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{}-{n}", std::process::id(), rand::random::<u32>() % 100_000)
}

/// A required test environment variable.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests through scripts/test.sh, which starts the local services")
    })
}
