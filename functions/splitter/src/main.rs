//! Lambda entry point: clients and the pool are built once per container, outside the handler.

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{service_fn, Error, LambdaEvent};

/// mimalloc, set up not to cost memory (`upflow::alloc`): the parse path allocates and frees a
/// dozen small strings per job (bench/README.md, issue 9).
#[global_allocator]
static ALLOCATOR: upflow::alloc::Allocator = upflow::alloc::Allocator;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    lambda_runtime::tracing::init_default_subscriber();
    let splitter = splitter::from_env().await?;
    upflow::telemetry::initialised(started);
    let splitter = &splitter;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<S3Event>| async move {
        splitter::handle(event.payload, splitter).await
    }))
    .await
}
