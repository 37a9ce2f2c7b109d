//! What the functions say about themselves, beyond their work.

use std::time::Instant;

/// Logs the end of a function's start-up (`init_ms`: from the top of `main` until it is ready
/// to take its first event: logging, configuration, the database pool and migrations, the AWS
/// and HTTP clients). Lambda's REPORT line gives the real Init Duration in AWS; the local
/// Runtime Interface Emulator does not measure it, and this line is how `scripts/sam-local.sh`
/// reads it there.
pub fn initialised(started: Instant) {
    let init_ms = (started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
    tracing::info!(init_ms, "initialised");
}
