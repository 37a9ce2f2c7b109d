//! The Telegram bot end to end: Telegram update JSON handled by `Bot::handle_update` against a
//! real Postgres (read through pgbouncer in transaction mode) seeded with evaluated fixture jobs
//! (rules scorer), and the fake Bot API server, which checks every text as Telegram parses
//! HTML style and refuses texts over 4096 units.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use upflow::bot::{Bot, BotConfig, BotError};
use upflow::evaluate::Evaluator;
use upflow::profile::LoadedProfile;
use upflow::read::{rankings, RankingQuery};
use upflow::scoring::rules::RulesScorer;
use upflow::scoring::Scorer;
use upflow::store::Db;
use upflow::telegram::html::{check as validate, plain_text, utf16_len, MAX_MESSAGE};
use upflow_tests::db::TestDb;
use upflow_tests::fake_telegram::{self, FakeTelegram};
use upflow_tests::fixtures;
use upflow_tests::seed::store_export;

const TOKEN: &str = "110201543:bot-test-token";
const SECRET: &str = "webhook_secret-1";
const CHAT: i64 = 424_242;
const FOREIGN: i64 = 999_999;
/// An allowed supergroup, and one that is not.
const GROUP: i64 = -100_555;
const FOREIGN_GROUP: i64 = -100_777;

/// Titles Telegram's parser chokes on unless every reserved character is escaped.
const HOSTILE: [&str; 2] = ["*_[]()~>#+-=|{}.!", "<script>alert(1)</script>"];

struct Setup {
    _db: TestDb,
    pool: Db,
    fake: FakeTelegram,
    bot: Bot,
    next_update: std::cell::Cell<i64>,
}

impl Setup {
    /// A fresh update id.
    fn id(&self) -> i64 {
        let id = self.next_update.get();
        self.next_update.set(id + 1);
        id
    }

    /// Sends `text` from `chat` as a new update; returns the update.
    async fn say(&self, chat: i64, text: &str) -> Value {
        let update = message(self.id(), chat, text);
        self.bot.handle_update(&update).await.unwrap_or_else(|e| panic!("{text}: {e}"));
        update
    }

    /// Presses a button with `data` on message `message_id` in `chat`.
    async fn press(&self, chat: i64, message_id: i64, data: &str) -> Result<(), BotError> {
        self.bot.handle_update(&callback(self.id(), chat, message_id, data)).await
    }

    /// The calls made since `from`, as (method, body), without `getMe` (the bot asks who it is
    /// once, for the first group message that names a bot, mentions someone or replies).
    fn calls_since(&self, from: usize) -> Vec<(String, Value)> {
        self.fake.calls().split_off(from).into_iter().filter(|(m, _)| m != "getMe").collect()
    }

    /// Sends `text` in the group `chat` as a new update (a command or a mention gets its
    /// entity, as Telegram marks them).
    async fn say_in_group(&self, chat: i64, text: &str) -> Value {
        let update = group_message(self.id(), chat, text);
        self.bot.handle_update(&update).await.unwrap_or_else(|e| panic!("{text}: {e}"));
        update
    }

    /// The plain texts of the messages sent since `from`, each checked as Telegram would.
    fn sent_since(&self, from: usize) -> Vec<String> {
        self.calls_since(from)
            .iter()
            .filter(|(m, _)| m == "sendMessage" || m == "editMessageText")
            .map(|(_, body)| checked(body["text"].as_str().expect("a text")))
            .collect()
    }
}

/// The text as the reader sees it, after checking it is valid Telegram HTML within the limit.
fn checked(text: &str) -> String {
    assert_eq!(validate(text), Ok(()), "{text}");
    assert!(utf16_len(text) <= MAX_MESSAGE, "{} units", utf16_len(text));
    plain_text(text).unwrap()
}

fn message(update_id: i64, chat: i64, text: &str) -> Value {
    let command_len = text.split_whitespace().next().filter(|w| w.starts_with('/')).map(|w| w.encode_utf16().count());
    let mut m = json!({
        "message_id": update_id,
        "date": 1_779_604_437,
        "chat": {"id": chat, "type": "private", "first_name": "Test"},
        "from": {"id": chat, "is_bot": false, "first_name": "Test", "language_code": "en"},
        "text": text,
    });
    if let Some(len) = command_len {
        m["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
    }
    json!({"update_id": update_id, "message": m})
}

/// `text` in the supergroup `chat`, from a user, with a `mention` entity for each `@name` word.
fn group_message(update_id: i64, chat: i64, text: &str) -> Value {
    let mut update = message(update_id, chat, text);
    let m = &mut update["message"];
    m["chat"] = json!({"id": chat, "type": "supergroup", "title": "A group"});
    m["from"]["id"] = json!(CHAT);
    let mut entities = m.get("entities").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut offset = 0;
    for word in text.split(' ') {
        if word.starts_with('@') {
            entities.push(json!({"type": "mention", "offset": offset, "length": word.encode_utf16().count()}));
        }
        offset += word.encode_utf16().count() + 1;
    }
    m["entities"] = json!(entities);
    update
}

fn callback(update_id: i64, chat: i64, message_id: i64, data: &str) -> Value {
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("cq-{update_id}"),
            "from": {"id": chat, "is_bot": false, "first_name": "Test"},
            "message": {
                "message_id": message_id,
                "date": 1_779_604_437,
                "chat": {"id": chat, "type": "private"},
                "text": "a page"
            },
            "chat_instance": "-5",
            "data": data
        }
    })
}

/// A small export in the scraper actor's shape: the hostile titles, on jobs the rules scorer
/// finds relevant and ranks high.
fn hostile_export() -> Vec<u8> {
    let jobs: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, title)| {
            json!({
                "id": format!("99000000000000000{i}"),
                "url": format!("https://www.upwork.com/jobs/~0299000000000000000{i}"),
                "title": title,
                "description": "Build a RAG pipeline with an LLM agent in Python and FastAPI, pgvector search, \
                                OpenAI API, structured outputs, deployed on AWS Lambda. <b>Clear</b> milestones.",
                "budget": "$8,000.00",
                "clientLocation": title,
                "clientRating": 4.9,
                "clientHireRatePercent": 80,
                "clientTotalSpent": 150000,
                "proposals": 3,
                "paymentVerified": true,
                "absoluteDate": chrono::Utc::now().to_rfc3339(),
                "jobType": "Fixed",
                "experienceLevel": "Expert",
                "tags": ["Python", "LLM", "RAG", title]
            })
        })
        .collect();
    serde_json::to_vec(&jobs).unwrap()
}

async fn evaluate_all(pool: &Db, profile: &LoadedProfile, ids: &[String]) {
    let evaluator =
        Evaluator { concurrency: 4, ..Evaluator::new(pool.clone(), Scorer::Rules(RulesScorer), profile.clone()) };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    for id in ids {
        evaluator.evaluate(id, deadline).await.unwrap_or_else(|e| panic!("evaluate {id}: {e}"));
    }
}

/// Both fixture exports stored and scored with the rules scorer under the default profile.
async fn setup() -> Setup {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let profile = LoadedProfile::default_profile();
    for name in [fixtures::SCRAPER, fixtures::API_ACTOR] {
        let ids = store_export(&pool, name, &fixtures::bytes(name)).await;
        evaluate_all(&pool, &profile, &ids).await;
    }
    let fake = fake_telegram::start(TOKEN).await;
    // The bot reads through pgbouncer in transaction mode, as behind Supabase's pooler.
    let bot = Bot::new(
        upflow::store::connect(&db.pgbouncer_url(), None).unwrap(),
        fake.client(),
        profile,
        BotConfig { webhook_secret: SECRET.into(), allowed_chat_ids: vec![CHAT, GROUP] },
    );
    Setup { _db: db, pool, fake, bot, next_update: std::cell::Cell::new(1000) }
}

/// The ids of the best `n` relevant jobs, as `GET /rankings` orders them.
async fn best_ids(s: &Setup, n: u32) -> Vec<String> {
    let client = s.pool.get().await.unwrap();
    let mut q = RankingQuery::new(s.bot.profile.version.clone());
    q.limit = n;
    rankings(&**client, &q).await.unwrap().items.into_iter().map(|i| i.job_id).collect()
}

/// Where each id appears in `text` (all must).
fn positions(text: &str, ids: &[String]) -> Vec<usize> {
    ids.iter().map(|id| text.find(&format!("/job {id}")).unwrap_or_else(|| panic!("{id} in {text}"))).collect()
}

#[tokio::test]
async fn start_help_and_unknown_text_get_the_help() {
    let s = setup().await;
    for text in ["/start", "/help", "/help@upflow_test_bot", "hello there", "/unknown 1"] {
        let before = s.fake.calls().len();
        s.say(CHAT, text).await;
        let calls = s.calls_since(before);
        assert_eq!(calls.len(), 1, "{text}: {calls:?}");
        assert_eq!(calls[0].0, "sendMessage");
        assert_eq!(calls[0].1["chat_id"], json!(CHAT.to_string()));
        assert_eq!(calls[0].1["parse_mode"], "HTML");
        let plain = checked(calls[0].1["text"].as_str().unwrap());
        assert!(plain.contains("/top [n] [min_score]") && plain.contains("/job <id>"), "{plain}");
    }
    assert!(s.bot.secret_ok(Some(SECRET)) && !s.bot.secret_ok(Some("wrong")) && !s.bot.secret_ok(None));
}

#[tokio::test]
async fn top_pages_follow_the_ranking_and_buttons_edit_the_message() {
    let s = setup().await;
    let best = best_ids(&s, 10).await;
    assert_eq!(best.len(), 10, "the fixtures give at least two pages");

    s.say(CHAT, "/top").await;
    let calls = s.fake.calls();
    assert_eq!(calls.len(), 1);
    let (method, body) = &calls[0];
    assert_eq!(method, "sendMessage");
    let first = checked(body["text"].as_str().unwrap());
    assert!(first.starts_with("🏆 Top jobs 1–5\n\n1. "), "{first}");
    let at = positions(&first, &best[..5]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "best first: {at:?}");
    assert!(!first.contains(&format!("/job {}", best[5])));
    assert_eq!(body["reply_markup"], json!({"inline_keyboard": [[{"text": "Next ▶", "callback_data": "top:5:5:"}]]}));
    assert!(body["text"].as_str().unwrap().contains("<a href=\"https://www.upwork.com/jobs/"), "titles link to Upwork");
    let message_id = 1; // the fake numbers messages from 1

    let before = s.fake.calls().len();
    s.press(CHAT, message_id, "top:5:5:").await.unwrap();
    let calls = s.calls_since(before);
    let methods: Vec<&str> = calls.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(methods, ["answerCallbackQuery", "editMessageText"]);
    assert_eq!(calls[0].1["callback_query_id"], json!(format!("cq-{}", s.next_update.get() - 1)));
    assert_eq!((calls[1].1["chat_id"].clone(), calls[1].1["message_id"].clone()), (json!(CHAT.to_string()), json!(1)));
    let second = checked(calls[1].1["text"].as_str().unwrap());
    assert_ne!(second, first);
    assert!(second.starts_with("🏆 Top jobs 6–10\n\n6. "), "{second}");
    positions(&second, &best[5..10]);
    let buttons = calls[1].1["reply_markup"]["inline_keyboard"][0].as_array().unwrap().clone();
    assert_eq!(buttons[0], json!({"text": "◀ Prev", "callback_data": "top:0:5:"}));

    // Back to the first page: the same text as first sent.
    let before = s.fake.calls().len();
    s.press(CHAT, message_id, "top:0:5:").await.unwrap();
    assert_eq!(s.sent_since(before), vec![first]);

    // /top with a count and a minimum score.
    let before = s.fake.calls().len();
    s.say(CHAT, "/top@upflow_test_bot 3 40").await;
    let calls = s.calls_since(before);
    let page = checked(calls[0].1["text"].as_str().unwrap());
    assert!(page.starts_with("🏆 Top jobs 1–3 · score ≥ 40\n\n"), "{page}");
    positions(&page, &best[..3]);
    assert_eq!(calls[0].1["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "top:3:3:40");
    s.say(CHAT, "/top 5 100").await;
    let last = s.fake.sent_texts().pop().unwrap();
    assert_eq!(checked(&last), "No jobs scored 100 or more yet.");
}

#[tokio::test]
async fn message_is_not_modified_is_no_error_and_odd_buttons_are_still_answered() {
    let s = setup().await;
    s.say(CHAT, "/top").await;
    let before = s.fake.calls().len();
    // The page the message already shows: Telegram refuses the edit as "not modified".
    s.press(CHAT, 1, "top:0:5:").await.expect("not modified is success");
    let calls = s.calls_since(before);
    assert_eq!(calls.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(), ["answerCallbackQuery", "editMessageText"]);
    assert_eq!(s.sent_since(before).len(), 1, "the edit was tried");

    // A button the bot does not know: answered with a notice, nothing edited.
    let before = s.fake.calls().len();
    s.press(CHAT, 1, "something:else").await.unwrap();
    let calls = s.calls_since(before);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "answerCallbackQuery");
    assert!(calls[0].1["text"].as_str().unwrap().contains("/top"));
}

#[tokio::test]
async fn a_repeated_update_is_ignored() {
    let s = setup().await;
    let update = s.say(CHAT, "/stats").await;
    assert_eq!(s.fake.calls().len(), 1);
    s.bot.handle_update(&update).await.unwrap();
    s.bot.handle_update(&update).await.unwrap();
    assert_eq!(s.fake.calls().len(), 1, "no second reply");
    let press = callback(77, CHAT, 1, "top:0:5:");
    s.bot.handle_update(&press).await.unwrap();
    let after_first = s.fake.calls().len();
    s.bot.handle_update(&press).await.unwrap();
    assert_eq!(s.fake.calls().len(), after_first);

    // Now and then (an update id divisible by 100), ids older than a week are forgotten.
    let client = s.pool.get().await.unwrap();
    client
        .batch_execute(
            "INSERT INTO telegram_updates VALUES (5, now() - interval '8 days'), (6, now() - interval '6 days')",
        )
        .await
        .unwrap();
    drop(client);
    s.bot.handle_update(&message(2000, CHAT, "/help")).await.unwrap();
    let client = s.pool.get().await.unwrap();
    let kept: Vec<i64> = client
        .query_typed("SELECT update_id FROM telegram_updates WHERE update_id < 10 ORDER BY 1", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kept, vec![6]);
}

#[tokio::test]
async fn a_foreign_chat_gets_one_refusal_and_no_data() {
    let s = setup().await;
    let titles: Vec<String> = {
        let client = s.pool.get().await.unwrap();
        client.query_typed("SELECT title FROM jobs", &[]).await.unwrap().iter().map(|r| r.get(0)).collect()
    };
    let before = s.fake.calls().len();
    for text in ["/top", "/job 2058436318428575090", "/stats", "/new", "hello"] {
        s.say(FOREIGN, text).await;
    }
    let calls = s.calls_since(before);
    assert_eq!(calls.len(), 1, "one refusal for five messages: {calls:?}");
    assert_eq!(calls[0].0, "sendMessage");
    assert_eq!(calls[0].1["chat_id"], json!(FOREIGN.to_string()));
    assert!(calls[0].1.get("reply_markup").is_none());
    let plain = checked(calls[0].1["text"].as_str().unwrap());
    assert!(plain.contains("private") && plain.len() < 120, "{plain}");
    assert!(!plain.contains("2058436318428575090") && !plain.contains("/100"));
    assert!(titles.iter().all(|t| !plain.contains(t.as_str())));
    // A button pressed in a foreign chat: only the acknowledgement, with the refusal.
    let before = s.fake.calls().len();
    s.press(FOREIGN, 1, "top:5:5:").await.unwrap();
    let calls = s.calls_since(before);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "answerCallbackQuery");
    assert!(calls[0].1["text"].as_str().unwrap().contains("private"));
    let chats: i64 =
        s.pool.get().await.unwrap().query_typed("SELECT count(*) FROM telegram_chats", &[]).await.unwrap()[0].get(0);
    assert_eq!(chats, 0, "a foreign /new leaves no state");
}

#[tokio::test]
async fn a_foreign_chat_sending_three_messages_gets_one_refusal() {
    let s = setup().await;
    let other = FOREIGN + 1;
    for text in ["/start", "/top", "please?"] {
        s.say(FOREIGN, text).await;
    }
    s.say(other, "/help").await;
    let refusals: Vec<String> = s
        .calls_since(0)
        .iter()
        .map(|(m, body)| {
            assert_eq!(m, "sendMessage");
            body["chat_id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(refusals, [FOREIGN.to_string(), other.to_string()], "one refusal per chat");
    // Remembered in Postgres: a new process (a new Bot) does not refuse again.
    let again = Bot::new(s.bot.db.clone(), s.fake.client(), s.bot.profile.clone(), s.bot.config.clone());
    again.handle_update(&message(s.id(), FOREIGN, "/top")).await.unwrap();
    assert_eq!(s.calls_since(0).len(), 2);
    // The allowed chat is answered as ever.
    s.say(CHAT, "/help").await;
    assert_eq!(s.calls_since(0).len(), 3);
}

#[tokio::test]
async fn a_refusal_that_could_not_be_sent_is_sent_with_the_next_message() {
    let s = setup().await;
    s.fake.fail_next_with(3, 502, "Bad Gateway");
    let e = s.bot.handle_update(&message(s.id(), FOREIGN, "/top")).await.unwrap_err();
    assert!(matches!(e, BotError::Telegram(_)), "{e}");
    assert!(s.fake.sent_texts().is_empty());
    s.say(FOREIGN, "/top").await;
    s.say(FOREIGN, "/top").await;
    let sent = s.fake.sent_texts();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(checked(&sent[0]).contains("private"));
}

#[tokio::test]
async fn job_reports_known_and_unknown_ids() {
    let s = setup().await;
    let best = best_ids(&s, 1).await.remove(0);
    let before = s.fake.calls().len();
    s.say(CHAT, &format!("/job {best}")).await;
    let texts = s.sent_since(before);
    assert!(!texts.is_empty());
    let report = texts.join("\n\n");
    for part in [
        "Score ",
        "Scores\n• Budget ",
        "• Client ",
        "• Clarity ",
        "• Technical fit ",
        "• Competition ",
        "Suggested bid: ",
        "Open on Upwork",
        &format!("Job id: {best}"),
    ] {
        assert!(report.contains(part), "{part:?} in\n{report}");
    }
    let title: String = s
        .pool
        .get()
        .await
        .unwrap()
        .query_typed("SELECT title FROM jobs WHERE job_id = $1", &[(&best, tokio_postgres::types::Type::TEXT)])
        .await
        .unwrap()[0]
        .get(0);
    assert!(report.contains(title.split_whitespace().next().unwrap()), "{report}");

    // A skipped job says why.
    let skipped: String = s
        .pool
        .get()
        .await
        .unwrap()
        .query_typed("SELECT job_id FROM evaluations WHERE status = 'skipped' LIMIT 1", &[])
        .await
        .unwrap()[0]
        .get(0);
    let before = s.fake.calls().len();
    s.say(CHAT, &format!("/job {skipped}")).await;
    assert!(s.sent_since(before)[0].contains("Skipped by a filter: "), "skipped job");

    let before = s.fake.calls().len();
    s.say(CHAT, "/job 123_no*such(job)").await;
    assert_eq!(s.sent_since(before), vec!["No job with id 123_no*such(job).".to_string()]);
}

#[tokio::test]
async fn stats_count_what_is_stored() {
    let s = setup().await;
    let before = s.fake.calls().len();
    s.say(CHAT, "/stats").await;
    let stats = s.sent_since(before).join("\n\n");
    let jobs: i64 = s.pool.get().await.unwrap().query_typed("SELECT count(*) FROM jobs", &[]).await.unwrap()[0].get(0);
    for part in [
        format!("Jobs stored: {jobs}"),
        format!("Evaluated: {jobs} · pending 0"),
        "Skipped by filters: ".into(),
        "• rules: ".into(),
        "Recent imports".into(),
        format!("profile {}", s.bot.profile.version),
    ] {
        assert!(stats.contains(&part), "{part:?} in\n{stats}");
    }
}

#[tokio::test]
async fn new_shows_what_was_scored_since_the_last_new() {
    let s = setup().await;
    let before = s.fake.calls().len();
    s.say(CHAT, "/new").await;
    let first = s.sent_since(before).join("\n\n");
    let relevant: i64 = s
        .pool
        .get()
        .await
        .unwrap()
        .query_typed("SELECT count(*) FROM evaluations WHERE status = 'scored' AND relevant", &[])
        .await
        .unwrap()[0]
        .get(0);
    assert!(first.starts_with(&format!("🆕 {relevant} new jobs in the last 24 hours")), "{first}");
    positions(&first, &best_ids(&s, 5).await);

    let before = s.fake.calls().len();
    s.say(CHAT, "/new").await;
    let second = s.sent_since(before);
    assert_eq!(second.len(), 1);
    assert!(second[0].starts_with("Nothing new since your last /new ("), "{}", second[0]);

    // Another chat has its own mark.
    let before = s.fake.calls().len();
    s.say(-100_555, "/new@upflow_test_bot").await;
    assert!(s.sent_since(before)[0].starts_with("🆕 "));

    // A job scored now is the one new job.
    let ids = store_export(&s.pool, "hostile.json", &hostile_export()).await;
    evaluate_all(&s.pool, &s.bot.profile, &ids[..1]).await;
    let before = s.fake.calls().len();
    s.say(CHAT, "/new").await;
    let third = s.sent_since(before).join("\n\n");
    assert!(third.starts_with("🆕 1 new job since your last /new"), "{third}");
    assert!(third.contains(HOSTILE[0]) && third.contains(&format!("/job {}", ids[0])), "{third}");
}

#[tokio::test]
async fn hostile_titles_are_stored_and_rendered_validly() {
    let s = setup().await;
    let ids = store_export(&s.pool, "hostile.json", &hostile_export()).await;
    assert_eq!(ids.len(), 2);
    evaluate_all(&s.pool, &s.bot.profile, &ids).await;
    let stored: Vec<String> = {
        let client = s.pool.get().await.unwrap();
        let rows = client
            .query_typed(
                "SELECT title FROM jobs WHERE job_id = ANY($1) ORDER BY job_id",
                &[(&ids, tokio_postgres::types::Type::TEXT_ARRAY)],
            )
            .await
            .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    };
    assert_eq!(stored, HOSTILE);
    let top = best_ids(&s, 20).await;
    assert!(ids.iter().all(|id| top.contains(id)), "the hostile jobs rank: {top:?}");

    let before = s.fake.calls().len();
    s.say(CHAT, "/top 20").await;
    for id in &ids {
        s.say(CHAT, &format!("/job {id}")).await;
    }
    s.say(CHAT, "/new").await;
    s.press(CHAT, 1, "top:0:20:").await.unwrap();
    let calls = s.calls_since(before);
    let texts = s.sent_since(before);
    assert!(texts.len() >= 5, "{calls:?}");
    let all = texts.join("\n");
    for title in HOSTILE {
        assert!(all.matches(title).count() >= 3, "{title} shown in /top, /job and /new:\n{all}");
    }
    let raw: String = calls.iter().filter_map(|(_, b)| b["text"].as_str()).collect();
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped as sent");
    assert!(!raw.contains("<script>"), "never sent as a tag");
}

#[tokio::test]
async fn telegrams_429_is_waited_out() {
    let s = setup().await;
    s.fake.fail_next_with_429(1, 1);
    let started = Instant::now();
    s.say(CHAT, "/help").await;
    assert!(started.elapsed() >= Duration::from_secs(1), "retry_after honoured");
    let sends = s.fake.calls().iter().filter(|(m, _)| m == "sendMessage").count();
    assert_eq!(sends, 2, "refused once, then sent");
    assert_eq!(s.fake.sent_texts().len(), 1);

    // A wait past the deadline is not slept: the update fails (and the webhook logs it).
    s.fake.fail_next_with_429(1, 30);
    let started = Instant::now();
    let e = s.bot.handle_update(&message(s.id(), CHAT, "/help")).await.unwrap_err();
    assert!(matches!(e, BotError::Telegram(_)), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn groups_only_get_answers_to_commands_and_odd_updates_are_ignored() {
    let s = setup().await;
    let mut update = message(s.id(), GROUP, "just chatting");
    update["message"]["chat"]["type"] = json!("supergroup");
    s.bot.handle_update(&update).await.unwrap();
    let edited =
        json!({"update_id": s.id(), "edited_message": {"message_id": 1, "chat": {"id": CHAT, "type": "private"}}});
    s.bot.handle_update(&edited).await.unwrap();
    let sticker = json!({"update_id": s.id(), "message": {"message_id": 2, "chat": {"id": CHAT, "type": "private"}, "sticker": {}}});
    s.bot.handle_update(&sticker).await.unwrap();
    assert!(s.fake.calls().is_empty());
    assert!(matches!(s.bot.handle_update(&json!([1, 2])).await, Err(BotError::BadUpdate(_))));
}

#[tokio::test]
async fn a_group_message_not_for_the_bot_gets_nothing_allowed_or_not() {
    let s = setup().await;
    for chat in [GROUP, FOREIGN_GROUP] {
        for text in [
            "just chatting",
            "see /top later",
            "/top@some_other_bot",
            "/stats@some_other_bot please",
            "hey @someone_else, /top",
        ] {
            s.say_in_group(chat, text).await;
        }
        let mut sticker = group_message(s.id(), chat, "");
        sticker["message"].as_object_mut().unwrap().remove("text");
        sticker["message"]["sticker"] = json!({});
        s.bot.handle_update(&sticker).await.unwrap();
    }
    assert_eq!(s.calls_since(0), vec![], "nothing but, at most, getMe");
    let refused: i64 =
        s.pool.get().await.unwrap().query_typed("SELECT count(*) FROM telegram_refusals", &[]).await.unwrap()[0].get(0);
    assert_eq!(refused, 0, "a message that was not for the bot refuses no one");
}

#[tokio::test]
async fn a_group_gets_answers_to_what_is_addressed_to_the_bot() {
    let s = setup().await;
    for (text, expected) in [
        ("/help@upflow_test_bot", "/top"),
        ("/help@Upflow_Test_Bot", "/top"),
        ("/help", "/top"),
        ("@upflow_test_bot /top 3", "Top jobs 1–3"),
    ] {
        let before = s.fake.calls().len();
        s.say_in_group(GROUP, text).await;
        let sent = s.sent_since(before);
        assert_eq!(sent.len(), 1, "{text}: {sent:?}");
        assert!(sent[0].contains(expected), "{text}: {}", sent[0]);
        assert_eq!(s.calls_since(before)[0].1["chat_id"], json!(GROUP.to_string()));
    }
    // A reply to one of the bot's messages is for it too.
    let mut reply = group_message(s.id(), GROUP, "and the next ones?");
    reply["message"]["reply_to_message"] =
        json!({"message_id": 1, "from": {"id": fake_telegram::BOT_ID, "is_bot": true, "first_name": "upflow"}});
    let before = s.fake.calls().len();
    s.bot.handle_update(&reply).await.unwrap();
    assert_eq!(s.sent_since(before).len(), 1, "the help, in answer to a reply");
    // Telegram was asked who the bot is once.
    assert_eq!(s.fake.calls().iter().filter(|(m, _)| m == "getMe").count(), 1);

    // A foreign group addressing the bot: one refusal, once.
    let before = s.fake.calls().len();
    s.say_in_group(FOREIGN_GROUP, "/top@upflow_test_bot").await;
    s.say_in_group(FOREIGN_GROUP, "@upflow_test_bot /stats").await;
    s.say_in_group(FOREIGN_GROUP, "/new").await;
    let sent = s.sent_since(before);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("private"), "{}", sent[0]);
}

/// The decisions stored for `job_id`, oldest first, as `decision/reason/source`.
async fn decisions_of(s: &Setup, job_id: &str) -> Vec<String> {
    let client = s.pool.get().await.unwrap();
    client
        .query_typed(
            "SELECT decision || '/' || coalesce(reason, '-') || '/' || source FROM decisions WHERE job_id = $1 ORDER BY id",
            &[(&job_id, tokio_postgres::types::Type::TEXT)],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn decision_buttons_record_once_and_not_for_me_leaves_top() {
    let s = setup().await;
    let best = best_ids(&s, 2).await;
    let job = &best[0];

    // The /job report's last message carries the decision buttons, all within 64 bytes.
    let before = s.fake.calls().len();
    s.say(CHAT, &format!("/job {job}")).await;
    let calls = s.calls_since(before);
    let (_, last) = calls.last().unwrap();
    let keyboard = &last["reply_markup"]["inline_keyboard"];
    let data: Vec<&str> = keyboard
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|b| b["callback_data"].as_str().unwrap()))
        .collect();
    assert_eq!(data.len(), 6, "five decisions and Draft proposal: {keyboard}");
    assert_eq!(keyboard[2][0]["callback_data"], json!(format!("p:{job}")));
    assert!(data.iter().all(|d| d.len() <= 64 && d.ends_with(job.as_str())), "{data:?}");
    let not_for_me = keyboard[0][1]["callback_data"].as_str().unwrap();
    assert_eq!(keyboard[0][1]["text"], "Not for me");

    // "Not for me" asks why: the buttons become the reason chips, nothing is recorded yet.
    let before = s.fake.calls().len();
    s.press(CHAT, 7, not_for_me).await.unwrap();
    let calls = s.calls_since(before);
    let methods: Vec<&str> = calls.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(methods, ["answerCallbackQuery", "editMessageReplyMarkup"]);
    assert_eq!(calls[1].1["message_id"], 7);
    let chips = &calls[1].1["reply_markup"]["inline_keyboard"][0];
    assert_eq!(chips[0]["text"], "Budget");
    assert!(decisions_of(&s, job).await.is_empty());

    // A chip records it, once, even when Telegram delivers the update twice.
    let budget = callback(5000, CHAT, 7, chips[0]["callback_data"].as_str().unwrap());
    let before = s.fake.calls().len();
    s.bot.handle_update(&budget).await.unwrap();
    s.bot.handle_update(&budget).await.unwrap();
    assert_eq!(decisions_of(&s, job).await, ["not_for_me/budget/telegram"]);
    let calls = s.calls_since(before);
    assert_eq!(calls[0].1["text"], "Recorded: Not for me (Budget)");
    assert_eq!(calls[1].1["reply_markup"]["inline_keyboard"][0][1]["text"], "✓ Not for me · Budget");

    // The job has left /top.
    let before = s.fake.calls().len();
    s.say(CHAT, "/top 5").await;
    let top = &s.sent_since(before)[0];
    assert!(!top.contains(&format!("/job {job}")) && top.contains(&format!("/job {}", best[1])), "{top}");

    // A foreign chat's press is refused and records nothing.
    s.press(FOREIGN, 7, &format!("d:w:{job}")).await.unwrap();
    assert_eq!(decisions_of(&s, job).await, ["not_for_me/budget/telegram"]);
    // An unknown job is answered, not recorded.
    let before = s.fake.calls().len();
    s.press(CHAT, 7, "d:a:no-such-job").await.unwrap();
    assert_eq!(s.calls_since(before)[0].1["text"], "This job is no longer stored.");
}

#[tokio::test]
async fn the_draft_button_sends_the_draft_split_under_the_limit_once_per_press_and_offers_a_new_one() {
    let s = setup().await;
    let job = best_ids(&s, 1).await.remove(0);
    // Thirty long screening questions: the draft cannot fit one message.
    let questions: Vec<String> =
        (0..30).map(|i| format!("Question {i} <b>&</b>: {}?", "describe how you would handle it ".repeat(6))).collect();
    s.pool
        .get()
        .await
        .unwrap()
        .execute_typed(
            "UPDATE jobs SET screening_questions = $2 WHERE job_id = $1",
            &[(&job, tokio_postgres::types::Type::TEXT), (&questions, tokio_postgres::types::Type::TEXT_ARRAY)],
        )
        .await
        .unwrap();

    let press = callback(7000, CHAT, 9, &format!("p:{job}"));
    let before = s.fake.calls().len();
    s.bot.handle_update(&press).await.unwrap();
    s.bot.handle_update(&press).await.unwrap();
    let calls = s.calls_since(before);
    assert_eq!(calls[0].0, "answerCallbackQuery", "acknowledged before drafting");
    assert_eq!(calls[0].1["text"], "Drafting the proposal…");
    let sent: Vec<&Value> = calls.iter().filter(|(m, _)| m == "sendMessage").map(|(_, b)| b).collect();
    assert!(sent.len() >= 2, "{} messages", sent.len());
    assert_eq!(calls.len(), 1 + sent.len(), "a redelivered press sends nothing again");
    let texts: Vec<String> = sent.iter().map(|b| checked(b["text"].as_str().unwrap())).collect();
    assert!(texts[0].starts_with("✍️ Proposal draft · "), "{}", texts[0]);
    assert!(texts[0].contains("offline draft"), "{}", texts[0]);
    let all = texts.join("\n");
    for q in &questions {
        assert!(all.contains(q.as_str()), "{q} lost");
    }
    assert!(all.contains("Bid: "));
    for b in &sent[..sent.len() - 1] {
        assert!(b.get("reply_markup").is_none());
    }
    let last = sent.last().unwrap();
    assert_eq!(last["reply_markup"]["inline_keyboard"][0][0]["callback_data"], json!(format!("pr:{job}")));
    let pool = &s.pool;
    let stored = |sql: &'static str| async move { pool.get().await.unwrap().query_one(sql, &[]).await.unwrap() };
    assert_eq!(stored("SELECT count(*), sum(calls)::int8 FROM proposals").await.get::<_, i64>(1), 1);

    // Pressed again: the stored draft, no new one; "New draft" makes one.
    s.press(CHAT, 9, &format!("p:{job}")).await.unwrap();
    assert_eq!(stored("SELECT sum(calls)::int8 FROM proposals").await.get::<_, i64>(0), 1);
    let before = s.fake.calls().len();
    s.press(CHAT, 9, &format!("pr:{job}")).await.unwrap();
    assert_eq!(s.calls_since(before)[0].1["text"], "Drafting a new proposal…");
    assert_eq!(stored("SELECT sum(calls)::int8 FROM proposals").await.get::<_, i64>(0), 2);

    // A foreign chat is refused and nothing is drafted; an unknown job is said so.
    let before = s.fake.calls().len();
    s.press(FOREIGN, 9, &format!("pr:{job}")).await.unwrap();
    let calls = s.calls_since(before);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].1["text"], "Sorry, this bot is private.");
    assert_eq!(stored("SELECT sum(calls)::int8 FROM proposals").await.get::<_, i64>(0), 2);
    let before = s.fake.calls().len();
    s.press(CHAT, 9, "p:no-such-job").await.unwrap();
    assert_eq!(s.sent_since(before), ["This job is no longer stored."]);
}
