//! One module per subcommand.

pub mod audit;
pub mod audit_table;
pub mod local;
pub mod migrate;
pub mod parse;
pub mod profile;
pub mod rescore;
pub mod score;
pub mod table;
pub mod telegram;

/// Runs a command's async body on a two-worker runtime; an error is printed as
/// `upflow <command>: <error with its causes>` and exits 1.
pub fn block_on(
    command: &str,
    body: impl std::future::Future<Output = anyhow::Result<std::process::ExitCode>>,
) -> std::process::ExitCode {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    match runtime.block_on(body) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("upflow {command}: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
