//! The Telegram client against the fake Bot API: sending, rate limits within a deadline,
//! retries, Telegram's refusals, and a token that never shows.

use std::time::{Duration, Instant};

use serde_json::json;
use upflow::evaluation::Assessment;
use upflow::job::{Client, Job, JobType, Proposals};
use upflow::profile::Priority;
use upflow::telegram::html::{bold, escape, pack, MAX_MESSAGE};
use upflow::telegram::{format_alert, TelegramClient, TelegramError};
use upflow_tests::fake_telegram;

const TOKEN: &str = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

fn job(n: usize, title: &str) -> Job {
    Job {
        job_id: format!("~01{n:04}"),
        url: Some(format!("https://www.upwork.com/jobs/~01{n:04}")),
        title: title.into(),
        description: None,
        job_type: JobType::Hourly,
        fixed_budget: None,
        hourly_min: Some(30.0),
        hourly_max: Some(50.0),
        currency: Some("USD".into()),
        experience_level: None,
        duration: None,
        workload: None,
        skills: vec![],
        category: None,
        posted_at: None,
        proposals: Some(Proposals { min: 50, max: None }),
        client: Client { country: Some("Côte d'Ivoire".into()), payment_verified: Some(false), ..Client::default() },
        screening_questions: vec![],
        external_urls: vec![],
        search_keyword: None,
        raw: Default::default(),
    }
}

#[tokio::test]
async fn messages_are_sent_as_html_without_previews() {
    let fake = fake_telegram::start(TOKEN).await;
    let client = fake.client();
    let text = format!("{} {}", bold("New job:"), escape("a<b & c > d"));
    let buttons = json!({"inline_keyboard": [[{"text": "Open", "url": "https://example.com"}]]});
    let first = client.send_message("4242", &text, Some(buttons.clone()), None).await.unwrap();
    let second = client.send_message("4242", "plain", None, None).await.unwrap();
    assert_eq!((first, second), (1, 2));
    let calls = fake.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].0, "sendMessage");
    assert_eq!(
        calls[0].1,
        json!({
            "chat_id": "4242",
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
            "reply_markup": buttons,
        })
    );
    assert_eq!(fake.sent_texts(), vec![text, "plain".to_string()]);
    let me = client.call("getMe", &json!({}), None).await.unwrap();
    assert_eq!(me["is_bot"], true);
}

#[tokio::test]
async fn a_429_is_waited_out() {
    let fake = fake_telegram::start(TOKEN).await;
    fake.fail_next_with_429(1, 1);
    let started = Instant::now();
    let deadline = Some(Instant::now() + Duration::from_secs(30));
    let id = fake.client().send_message("1", "after the wait", None, deadline).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited retry_after");
    assert_eq!(id, 1);
    assert_eq!(fake.calls().len(), 2);
    assert_eq!(fake.sent_texts(), vec!["after the wait".to_string()]);
}

#[tokio::test]
async fn a_429_that_would_pass_the_deadline_returns_at_once() {
    let fake = fake_telegram::start(TOKEN).await;
    fake.fail_next_with_429(1, 30);
    let started = Instant::now();
    let deadline = Some(Instant::now() + Duration::from_secs(5));
    let e = fake.client().send_message("1", "too late", None, deadline).await.unwrap_err();
    assert_eq!(e, TelegramError::RateLimited { retry_after: 30 });
    assert!(started.elapsed() < Duration::from_secs(1), "no sleeping");
    assert_eq!(fake.calls().len(), 1);
    assert!(fake.sent_texts().is_empty());
}

#[tokio::test]
async fn a_429_is_retried_three_times_at_most() {
    let fake = fake_telegram::start(TOKEN).await;
    fake.fail_next_with_429(4, 0);
    let client = fake.client();
    let e = client.send_message("1", "x", None, None).await.unwrap_err();
    assert_eq!(e, TelegramError::RateLimited { retry_after: 0 });
    assert_eq!(fake.calls().len(), 4);
    assert_eq!(client.send_message("1", "x", None, None).await, Ok(1));
}

#[tokio::test]
async fn server_errors_are_retried_twice() {
    let fake = fake_telegram::start(TOKEN).await;
    let client = fake.client();
    fake.fail_next_with(2, 502, "Bad Gateway");
    assert_eq!(client.send_message("1", "third time", None, None).await, Ok(1));
    assert_eq!(fake.calls().len(), 3);
    fake.fail_next_with(3, 500, "Internal Server Error");
    let e = client.send_message("1", "x", None, None).await.unwrap_err();
    assert_eq!(e, TelegramError::Api { code: 500, description: "Internal Server Error".into() });
    assert_eq!(fake.calls().len(), 6);
}

#[tokio::test]
async fn telegram_refusals_are_api_errors_and_not_retried() {
    let fake = fake_telegram::start(TOKEN).await;
    let client = fake.client();
    let e = client.send_message("1", "1 < 2", None, None).await.unwrap_err();
    assert_eq!(
        e,
        TelegramError::Api {
            code: 400,
            description: "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2".into()
        }
    );
    let e = client.send_message("1", "<b>open bold", None, None).await.unwrap_err();
    assert!(e.to_string().contains("Can't find end tag corresponding to start tag \"b\""), "{e}");
    let long = escape(&"a".repeat(MAX_MESSAGE + 1));
    let e = client.send_message("1", &long, None, None).await.unwrap_err();
    assert_eq!(e, TelegramError::Api { code: 400, description: "Bad Request: message is too long".into() });
    let e = client.send_message("1", "", None, None).await.unwrap_err();
    assert!(e.to_string().contains("message text is empty"), "{e}");
    assert_eq!(fake.calls().len(), 4, "400s are not retried");
    assert!(fake.sent_texts().is_empty());
}

#[tokio::test]
async fn the_token_never_appears_in_errors() {
    let fake = fake_telegram::start(TOKEN).await;
    let wrong = TelegramClient::new(reqwest::Client::new(), &fake.base_url, "999:WRONG-secret");
    let e = wrong.send_message("1", "x", None, None).await.unwrap_err();
    assert_eq!(e, TelegramError::Api { code: 401, description: "Unauthorized".into() });
    assert!(!format!("{e} {e:?} {wrong:?}").contains("WRONG-secret"));

    // Nothing listens on this port: a connection error, retried, then reported without the URL.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let gone = TelegramClient::new(reqwest::Client::new(), format!("http://127.0.0.1:{port}"), TOKEN);
    let e = gone.send_message("1", "x", None, None).await.unwrap_err();
    assert!(matches!(e, TelegramError::Transport(_)), "{e:?}");
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains("AAHdq"), "{shown}");
}

#[tokio::test]
async fn alerts_and_packed_digests_are_accepted() {
    let fake = fake_telegram::start(TOKEN).await;
    let client = fake.client();
    let hostile = [
        "*_[]()~>#+-=|{}.!",
        "<script>alert(1)</script>",
        "C:\\path\\ `rm -rf` ||x|| [a](b)",
        &"Huge title. ".repeat(900),
    ];
    let mut alerts = Vec::new();
    for (n, title) in hostile.iter().enumerate() {
        let mut a = Assessment::example();
        a.red_flags = vec![title.to_string(); 3];
        a.summary = title.to_string();
        let alert = format_alert(&job(n, title), &a, 77.5, Priority::Medium);
        client.send_message("1", &alert, None, None).await.unwrap();
        alerts.push(alert);
    }
    let digests = pack(&alerts, MAX_MESSAGE);
    assert!(digests.len() < alerts.len());
    for digest in &digests {
        client.send_message("1", digest, None, None).await.unwrap();
    }
    assert_eq!(fake.sent_texts(), [alerts, digests].concat());
}

#[tokio::test]
async fn edits_callbacks_and_webhooks() {
    let fake = fake_telegram::start(TOKEN).await;
    let client = fake.client();
    let id = client.send_message("-1001", "first", None, None).await.unwrap();
    let e = client.edit_message_text("-1001", id, "first", None, None).await.unwrap_err();
    assert!(e.is_message_not_modified(), "{e}");
    client.edit_message_text("-1001", id, &bold("second"), None, None).await.unwrap();
    let e = client.edit_message_text("-1001", id + 1, "x", None, None).await.unwrap_err();
    assert!(e.to_string().contains("message to edit not found"), "{e}");
    client.answer_callback_query("cb-1", Some("Saved"), None).await.unwrap();

    let info = client.call("getWebhookInfo", &json!({}), None).await.unwrap();
    assert_eq!(info["url"], "");
    let set = json!({"url": "https://example.com/telegram", "secret_token": "s"});
    assert_eq!(client.call("setWebhook", &set, None).await, Ok(json!(true)));
    let info = client.call("getWebhookInfo", &json!({}), None).await.unwrap();
    assert_eq!(info["url"], "https://example.com/telegram");
    assert_eq!(fake.webhook_url().as_deref(), Some("https://example.com/telegram"));
}
