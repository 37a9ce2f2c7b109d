//! Entry point: under Lambda (`AWS_LAMBDA_RUNTIME_API` set) the router is served by
//! `lambda_http`; elsewhere it listens on `PORT` (default 3000), so the API and the page run
//! locally.

use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    let lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    if lambda {
        lambda_http::tracing::init_default_subscriber();
    } else {
        tracing_subscriber_init();
    }
    let state = api::AppState::from_env().await.map_err(|e| format!("{e:#}"))?;
    let app = api::router(state);
    upflow::telemetry::initialised(started);
    if lambda {
        return lambda_http::run(app).await;
    }
    let port: u16 = upflow::config::number("PORT", 3000u16)?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "serving the api and the page on http://{addr}/");
    eprintln!("upflow api listening on http://{addr}/");
    axum::serve(listener, app).await?;
    Ok(())
}

fn tracing_subscriber_init() {
    lambda_http::tracing::init_default_subscriber();
}
