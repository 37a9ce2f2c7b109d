//! `upflow telegram set-webhook --url URL`: points Telegram at the bot's webhook, with the
//! secret it must send back (`TELEGRAM_WEBHOOK_SECRET`) and the updates the bot handles
//! (`message`, `callback_query`); then prints Telegram's answer and the webhook as Telegram now
//! has it. `upflow telegram info`: prints `getWebhookInfo` as JSON.
//!
//! Both use `TELEGRAM_BOT_TOKEN` and `TELEGRAM_API_BASE_URL`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use upflow::telegram::{TelegramClient, TelegramError};

/// How long one command may wait for Telegram (429s included).
const DEADLINE: Duration = Duration::from_secs(60);

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TelegramCommand,
}

#[derive(clap::Subcommand)]
pub enum TelegramCommand {
    /// Set the bot's webhook to URL (the api's /telegram/webhook), with TELEGRAM_WEBHOOK_SECRET.
    SetWebhook {
        /// The public HTTPS address of POST /telegram/webhook.
        #[arg(long)]
        url: String,
    },
    /// Print Telegram's getWebhookInfo as JSON.
    Info,
}

pub fn run(args: &Args) -> ExitCode {
    let Some(client) = upflow::bot::telegram_client_from_env() else {
        eprintln!("upflow telegram: TELEGRAM_BOT_TOKEN is not set");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let outcome = match &args.command {
        TelegramCommand::SetWebhook { url } => {
            let secret = match upflow::config::required("TELEGRAM_WEBHOOK_SECRET") {
                Ok(s) => s.trim().to_string(),
                Err(e) => {
                    eprintln!("upflow telegram set-webhook: {e} (the bot checks every update against it)");
                    return ExitCode::from(2);
                }
            };
            if let Err(reason) = upflow::bot::validate_secret(&secret) {
                eprintln!("upflow telegram set-webhook: TELEGRAM_WEBHOOK_SECRET {reason}");
                return ExitCode::from(2);
            }
            runtime.block_on(async {
                let answer = set_webhook(&client, url, &secret).await?;
                println!("setWebhook: {answer}");
                info(&client).await
            })
        }
        TelegramCommand::Info => runtime.block_on(info(&client)),
    };
    match outcome {
        Ok(info) => {
            println!("{}", serde_json::to_string_pretty(&info).expect("JSON"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("upflow telegram: {e}");
            ExitCode::from(1)
        }
    }
}

/// The `setWebhook` call's parameters.
pub fn set_webhook_body(url: &str, secret: &str) -> Value {
    json!({
        "url": url.trim(),
        "secret_token": secret,
        "allowed_updates": ["message", "callback_query"],
        "drop_pending_updates": false,
    })
}

/// Calls `setWebhook`; returns Telegram's `result` (`true`).
pub async fn set_webhook(client: &TelegramClient, url: &str, secret: &str) -> Result<Value, TelegramError> {
    client.call("setWebhook", &set_webhook_body(url, secret), Some(Instant::now() + DEADLINE)).await
}

/// Calls `getWebhookInfo`.
pub async fn info(client: &TelegramClient) -> Result<Value, TelegramError> {
    client.call("getWebhookInfo", &json!({}), Some(Instant::now() + DEADLINE)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use upflow_tests::fake_telegram;

    #[tokio::test]
    async fn set_webhook_sends_the_secret_and_the_updates_the_bot_handles() {
        let fake = fake_telegram::start("123:abc").await;
        let client = fake.client();
        let answer = set_webhook(&client, " https://api.example.test/telegram/webhook ", "s3cret").await.unwrap();
        assert_eq!(answer, json!(true));
        let calls = fake.calls();
        assert_eq!(calls[0].0, "setWebhook");
        assert_eq!(
            calls[0].1,
            json!({
                "url": "https://api.example.test/telegram/webhook",
                "secret_token": "s3cret",
                "allowed_updates": ["message", "callback_query"],
                "drop_pending_updates": false
            })
        );
        assert_eq!(fake.webhook_url().as_deref(), Some("https://api.example.test/telegram/webhook"));
        let shown = info(&client).await.unwrap();
        assert_eq!(shown["url"], "https://api.example.test/telegram/webhook");
        assert_eq!(shown["allowed_updates"], json!(["message", "callback_query"]));
    }

    #[tokio::test]
    async fn telegrams_refusal_is_an_error() {
        let fake = fake_telegram::start("123:abc").await;
        fake.fail_next_with(1, 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook");
        let e = set_webhook(&fake.client(), "http://x", "s").await.unwrap_err();
        assert!(e.to_string().contains("HTTPS url must be provided"), "{e}");
    }
}
