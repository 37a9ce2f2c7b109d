//! Lambda entry point: the pool, HTTP clients and pacer are built once per container.

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    lambda_runtime::tracing::init_default_subscriber();
    let evaluator = upflow::evaluate::Evaluator::from_env().await.map_err(|e| format!("{e:#}"))?;
    upflow::telemetry::initialised(started);
    let evaluator = &evaluator;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        let deadline = evaluator::work_deadline(event.context.deadline);
        Ok::<_, Error>(evaluator::handle(event.payload, deadline, evaluator).await)
    }))
    .await
}
