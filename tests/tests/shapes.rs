//! Exports of every shape met in the wild (`tests/fixtures/shapes`, see its README): each is
//! read with the library, and for each canonical field the fixture holds, the number of jobs
//! that got it must equal the number of records that hold it (per-field coverage), with the
//! values checked against the fixture's own records.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use upflow::ingest::{read_all, ExportItem, ReadOptions};
use upflow::{Job, JobType};
use upflow_tests::fixtures;

/// The fixtures' exports were taken on 2024-06-07 at 00:00 UTC ("2 hours ago" counts from it).
fn reference() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 7, 0, 0, 0).unwrap()
}

/// The fixture's jobs, in file order; no row may be rejected or a duplicate.
fn jobs(name: &str) -> Vec<Job> {
    let options = ReadOptions { name: name.into(), format: None, reference_time: reference() };
    let (items, counts) = read_all(&fixtures::shape(name)[..], &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    let odd: Vec<&ExportItem> = items.iter().filter(|i| i.job().is_none()).collect();
    assert!(odd.is_empty(), "{name}: rows that are not jobs: {odd:?}");
    assert_eq!(counts.rejected + counts.duplicates, 0);
    items.iter().filter_map(ExportItem::job).cloned().collect()
}

/// The records of a JSON fixture.
fn json_records(name: &str) -> Vec<Value> {
    serde_json::from_slice(&fixtures::shape(name)).unwrap()
}

/// The rows of a CSV fixture, by header.
fn csv_records(name: &str) -> Vec<HashMap<String, String>> {
    let bytes = fixtures::shape(name);
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().map(str::to_string).zip(r.unwrap().iter().map(str::to_string)).collect())
        .collect()
}

/// Whether the job has a value for `field` (a canonical field, named as the `jobs` columns are).
fn has(job: &Job, field: &str) -> bool {
    let c = &job.client;
    match field {
        "job_id" => !job.job_id.is_empty(),
        "url" => job.url.is_some(),
        "title" => !job.title.is_empty(),
        "description" => job.description.is_some(),
        "job_type" => job.job_type != JobType::Unknown,
        "fixed_budget" => job.fixed_budget.is_some(),
        "hourly_min" => job.hourly_min.is_some(),
        "hourly_max" => job.hourly_max.is_some(),
        "experience_level" => job.experience_level.is_some(),
        "duration" => job.duration.is_some(),
        "workload" => job.workload.is_some(),
        "skills" => !job.skills.is_empty(),
        "category" => job.category.is_some(),
        "posted_at" => job.posted_at.is_some(),
        "proposals" => job.proposals.is_some(),
        "client_country" => c.country.is_some(),
        "client_payment_verified" => c.payment_verified.is_some(),
        "client_rating" => c.rating.is_some(),
        "client_reviews" => c.reviews.is_some(),
        "client_total_spent" => c.total_spent.is_some(),
        "search_keyword" => job.search_keyword.is_some(),
        other => panic!("unknown field {other}"),
    }
}

/// Asserts per-field coverage: for each `(field, records holding it)`, that many jobs have it.
/// All fields are compared at once, so a failure lists every field that falls short.
fn assert_coverage(name: &str, jobs: &[Job], expected: &[(&str, usize)]) {
    let got: Vec<(&str, usize)> =
        expected.iter().map(|(field, _)| (*field, jobs.iter().filter(|j| has(j, field)).count())).collect();
    assert_eq!(got, expected, "{name}: jobs that got each field (left) vs records that hold it (right)");
}

fn count<T>(records: &[T], holds: impl Fn(&T) -> bool) -> usize {
    records.iter().filter(|r| holds(r)).count()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn number(s: &str) -> f64 {
    s.parse().unwrap()
}

/// a. Raw Upwork marketplace search items: everything but title and description is nested
/// (`jobTile/job/…`, `upworkHistoryData/client/…`, `ontologySkills/N/prefLabel`).
#[test]
fn upwork_search_items() {
    let name = "upwork_search_items.json";
    let records = json_records(name);
    let jobs = jobs(name);
    assert_eq!(jobs.len(), records.len());
    let job = |r: &Value| r["jobTile"]["job"].clone();
    let hourly = count(&records, |r| job(r)["jobType"] == "HOURLY");
    let fixed = count(&records, |r| job(r)["jobType"] == "FIXED");
    let n = records.len();
    assert_coverage(
        name,
        &jobs,
        &[
            ("job_id", n),
            ("url", n),
            ("title", n),
            ("description", n),
            ("job_type", n),
            ("hourly_min", hourly),
            ("hourly_max", hourly),
            ("fixed_budget", fixed),
            ("experience_level", n),
            ("duration", count(&records, |r| job(r)["hourlyEngagementDuration"]["label"].is_string())),
            ("posted_at", n),
            ("proposals", n),
            ("skills", n),
            ("client_country", n),
            ("client_payment_verified", n),
            ("client_reviews", n),
            ("client_rating", n),
            ("client_total_spent", n),
        ],
    );
    for (j, r) in jobs.iter().zip(&records) {
        let (t, c) = (job(r), &r["upworkHistoryData"]["client"]);
        assert_eq!(j.job_id, t["ciphertext"].as_str().unwrap());
        if t["jobType"] == "HOURLY" {
            assert_eq!(j.job_type, JobType::Hourly);
            assert_eq!(j.hourly_min, Some(number(t["hourlyBudgetMin"].as_str().unwrap())));
            assert_eq!(j.hourly_max, Some(number(t["hourlyBudgetMax"].as_str().unwrap())));
            assert_eq!(j.fixed_budget, None);
            assert_eq!(j.duration.as_deref(), t["hourlyEngagementDuration"]["label"].as_str());
        } else {
            assert_eq!(j.job_type, JobType::Fixed);
            assert_eq!(j.fixed_budget, Some(number(t["fixedPriceAmount"]["amount"].as_str().unwrap())));
            assert_eq!((j.hourly_min, j.hourly_max), (None, None));
        }
        let tier = match t["contractorTier"].as_str().unwrap() {
            "ENTRY_LEVEL" => "Entry",
            "INTERMEDIATE" => "Intermediate",
            _ => "Expert",
        };
        assert_eq!(j.experience_level.as_deref(), Some(tier));
        assert_eq!(j.posted_at, Some(at(t["publishTime"].as_str().unwrap())));
        assert_eq!(j.proposals.map(|p| p.min), t["totalApplicants"].as_u64().map(|n| n as u32));
        let skills: Vec<&str> =
            r["ontologySkills"].as_array().unwrap().iter().map(|s| s["prefLabel"].as_str().unwrap()).collect();
        assert_eq!(j.skills, skills);
        assert_eq!(j.client.country.as_deref(), c["country"].as_str());
        assert_eq!(j.client.payment_verified, Some(c["paymentVerificationStatus"] == "VERIFIED"));
        assert_eq!(j.client.reviews, c["totalReviews"].as_u64().map(|n| n as u32));
        assert_eq!(j.client.rating, c["totalFeedback"].as_f64());
        assert_eq!(j.client.total_spent, Some(number(c["totalSpent"]["amount"].as_str().unwrap())));
    }
}

/// b. A CSV made from Upwork's RSS feed: separate hourly range columns and an `is_hourly` flag,
/// US dates without a zone, `%7E` for `~` in links, ` - Upwork` titles, HTML descriptions.
#[test]
fn rss_feed_csv() {
    let name = "rss_feed.csv";
    let records = csv_records(name);
    let jobs = jobs(name);
    assert_eq!(jobs.len(), records.len());
    let n = records.len();
    let hourly = count(&records, |r| r["is_hourly"] == "True");
    assert_coverage(
        name,
        &jobs,
        &[
            ("job_id", n),
            ("url", n),
            ("title", n),
            ("description", n),
            ("job_type", n),
            ("hourly_min", hourly),
            ("hourly_max", hourly),
            ("fixed_budget", count(&records, |r| !r["budget"].is_empty())),
            ("posted_at", n),
            ("client_country", n),
            ("category", n),
            ("skills", n),
        ],
    );
    for (j, r) in jobs.iter().zip(&records) {
        let link = &r["link"];
        let tail = &link[link.find("%7E").unwrap() + 3..];
        assert_eq!(j.job_id, format!("~{}", &tail[..tail.find('?').unwrap()]), "the id behind %7E in {link}");
        assert_eq!(j.title, r["title"].strip_suffix(" - Upwork").unwrap());
        let description = j.description.as_deref().unwrap();
        assert!(!description.contains("<br") && !description.contains("&quot;"), "{description}");
        assert!(description.contains("examples of similar work & your availability"), "{description}");
        if r["is_hourly"] == "True" {
            assert_eq!(j.job_type, JobType::Hourly);
            assert_eq!(j.hourly_min, Some(number(&r["hourly_range_min"])));
            assert_eq!(j.hourly_max, Some(number(&r["hourly_range_max"])));
            assert_eq!(j.fixed_budget, None);
        } else {
            assert_eq!(j.job_type, JobType::Fixed);
            assert_eq!(j.fixed_budget, Some(number(&r["budget"])));
            assert_eq!(j.hourly_min, None);
        }
        // "6/6/2024 4:58am": month first, no zone (UTC, as the feed's own "Posted On" says).
        let (day, time) = r["published_date"].split_once(' ').unwrap();
        let parsed =
            chrono::NaiveDateTime::parse_from_str(&format!("{day} {}", time.to_uppercase()), "%m/%d/%Y %I:%M%p")
                .unwrap()
                .and_utc();
        assert_eq!(j.posted_at, Some(parsed));
        assert_eq!(j.client.country.as_deref(), Some(r["country"].as_str()));
        let skills: Vec<&str> = r["skills"].split(", ").collect();
        assert_eq!(j.skills, skills);
    }
}

/// c. A pandas `to_csv`: an unnamed index column, skills as a Python list, ISO-3 countries, and
/// `0` where a job of the other type has no value (a fixed job's hourly rate).
#[test]
fn pandas_csv() {
    let name = "pandas_export.csv";
    let records = csv_records(name);
    let jobs = jobs(name);
    assert_eq!(jobs.len(), records.len());
    let n = records.len();
    let hourly = count(&records, |r| r["job_type"] == "Hourly");
    assert_coverage(
        name,
        &jobs,
        &[
            ("job_id", n),
            ("url", n),
            ("title", n),
            ("job_type", n),
            ("hourly_min", hourly),
            ("hourly_max", hourly),
            ("fixed_budget", n - hourly),
            ("skills", n),
            ("client_country", n),
            ("posted_at", n),
            ("proposals", n),
        ],
    );
    let countries = HashMap::from([
        ("CYP", "Cyprus"),
        ("USA", "United States"),
        ("DEU", "Germany"),
        ("FIN", "Finland"),
        ("GBR", "United Kingdom"),
        ("NLD", "Netherlands"),
        ("AUS", "Australia"),
        ("CAN", "Canada"),
        ("IRL", "Ireland"),
    ]);
    for (j, r) in jobs.iter().zip(&records) {
        assert_eq!(j.job_id, r["url"].rsplit_once("~02").unwrap().1, "the index column is not the id");
        let skills: Vec<String> =
            r["skills"].trim_matches(['[', ']']).split(", ").map(|s| s.trim_matches('\'').to_string()).collect();
        assert_eq!(j.skills, skills);
        assert_eq!(j.client.country.as_deref(), Some(countries[r["client_country"].as_str()]));
        if r["job_type"] == "Hourly" {
            assert_eq!((j.hourly_min, j.hourly_max), (Some(number(&r["hourly_min"])), Some(number(&r["hourly_max"]))));
            assert_eq!(j.fixed_budget, None, "0.0 is the placeholder of an hourly job's price");
        } else {
            assert_eq!(j.fixed_budget, Some(number(&r["fixed_price"])));
            assert_eq!((j.hourly_min, j.hourly_max), (None, None), "0.0 is the placeholder of a fixed job's rate");
        }
        let posted = chrono::NaiveDateTime::parse_from_str(&r["posted"], "%Y-%m-%d %H:%M:%S").unwrap().and_utc();
        assert_eq!(j.posted_at, Some(posted));
    }
}

/// d. Packed strings: type, rate, level, duration and workload in one `job_info` cell, and the client's
/// spend as the tile shows it (`$300K+\nspent`).
#[test]
fn packed_strings_csv() {
    let name = "packed_strings.csv";
    let records = csv_records(name);
    let jobs = jobs(name);
    assert_eq!(jobs.len(), records.len());
    let n = records.len();
    let hourly = count(&records, |r| r["job_info"].starts_with("Hourly"));
    assert_coverage(
        name,
        &jobs,
        &[
            ("job_id", n),
            ("title", n),
            ("description", n),
            ("job_type", n),
            ("hourly_min", hourly),
            ("hourly_max", hourly),
            ("fixed_budget", n - hourly),
            ("experience_level", n),
            ("duration", hourly),
            ("workload", count(&records, |r| r["job_info"].contains("hrs/week"))),
            ("client_total_spent", n),
            ("client_country", n),
            ("posted_at", n),
        ],
    );
    for (j, r) in jobs.iter().zip(&records) {
        let info = &r["job_info"];
        let level = ["Expert", "Intermediate", "Entry"].into_iter().find(|l| info.contains(l)).unwrap();
        assert_eq!(j.experience_level.as_deref(), Some(level), "{info}");
        if let Some(rest) = info.strip_prefix("Hourly: $") {
            let (min, rest) = rest.split_once(" - $").unwrap();
            let max = rest.split_once(' ').unwrap().0;
            assert_eq!(j.job_type, JobType::Hourly);
            assert_eq!((j.hourly_min, j.hourly_max), (Some(number(min)), Some(number(max))), "{info}");
            let months = info.split("Est. time: ").nth(1).unwrap().split(',').next().unwrap();
            assert_eq!(j.duration.as_deref(), Some(months), "{info}");
            let workload = info.split("Est. time: ").nth(1).unwrap().split_once(", ").map(|(_, w)| w);
            assert_eq!(j.workload.as_deref(), workload, "{info}");
        } else {
            let budget = info.rsplit_once('$').unwrap().1.replace(',', "");
            assert_eq!((j.job_type, j.fixed_budget), (JobType::Fixed, Some(number(&budget))), "{info}");
        }
        let spent = r["client_spent"].split('\n').next().unwrap();
        let expected = match spent {
            "$300K+" => 300_000.0,
            "$1M+" => 1_000_000.0,
            s if s.ends_with("K+") => number(&s[1..s.len() - 2]) * 1000.0,
            s => number(&s[1..]),
        };
        assert_eq!(j.client.total_spent, Some(expected), "{spent}");
    }
    assert_eq!(count(&jobs, |j| j.client.total_spent == Some(300_000.0)), 3);
}

/// e. An envelope: `[{"keyword": …, "jobs": […]}, …]`, every job keeps its search keyword.
#[test]
fn keyword_envelope() {
    let name = "keyword_envelope.json";
    let groups = json_records(name);
    let jobs = jobs(name);
    let records: Vec<(&str, &Value)> = groups
        .iter()
        .flat_map(|g| {
            let keyword = g["keyword"].as_str().unwrap();
            g["jobs"].as_array().unwrap().iter().map(move |j| (keyword, j))
        })
        .collect();
    assert_eq!(jobs.len(), records.len());
    let n = records.len();
    assert_coverage(
        name,
        &jobs,
        &[
            ("job_id", n),
            ("url", n),
            ("title", n),
            ("description", n),
            ("job_type", n),
            ("skills", n),
            ("client_country", n),
            ("posted_at", n),
            ("search_keyword", n),
        ],
    );
    for (j, (keyword, r)) in jobs.iter().zip(&records) {
        assert_eq!((j.job_id.as_str(), j.title.as_str()), (r["id"].as_str().unwrap(), r["title"].as_str().unwrap()));
        assert_eq!(j.search_keyword.as_deref(), Some(*keyword), "{}", j.title);
        assert_eq!(j.raw, **r, "raw is the job's own record, not its group");
    }
    let per_keyword = |k: &str| count(&jobs, |j| j.search_keyword.as_deref() == Some(k));
    assert_eq!((per_keyword("rust developer"), per_keyword("etl"), per_keyword("web scraping")), (5, 4, 3));
}

/// e, stored: the keyword lands in `jobs.search_keyword`, and a later rendering without one
/// does not erase it.
#[tokio::test]
async fn envelope_keywords_are_stored() {
    use upflow::store::{ingests, jobs as store};
    let db = upflow_tests::db::TestDb::new().await;
    let pool = db.migrated_pool().await;
    let client = pool.get().await.unwrap();
    let envelope = jobs("keyword_envelope.json");
    let mut plain = envelope[0].clone();
    plain.search_keyword = None;
    for (n, batch) in [envelope.clone(), vec![plain]].iter().enumerate() {
        let key = format!("k{n}");
        let ingests::Claim::Started(id) = ingests::claim(&**client, "b", &key, "e").await.unwrap() else { panic!() };
        let source = store::Source { ingest_id: id, bucket: "b", key: &key, profile_version: "p" };
        let sourced: Vec<_> =
            batch.iter().enumerate().map(|(i, job)| store::SourcedJob { row: i as u64 + 1, job }).collect();
        store::upsert(&**client, &source, &sourced).await.unwrap();
    }
    let rows = db
        .client()
        .await
        .query_typed("SELECT search_keyword, count(*) FROM jobs GROUP BY 1 ORDER BY 1", &[])
        .await
        .unwrap();
    let stored: Vec<(Option<String>, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        stored,
        [(Some("etl".to_string()), 4), (Some("rust developer".into()), 5), (Some("web scraping".into()), 3)]
    );
    let (job, _) = store::load(&**client, &envelope[0].job_id).await.unwrap().unwrap();
    assert_eq!(job.search_keyword.as_deref(), Some("rust developer"));
}

/// f. German headers (`Titel`, `Land`, `Veröffentlicht`, `Beschreibung`): the fields are told by
/// their values.
#[test]
fn german_headers_csv() {
    let name = "german_headers.csv";
    let records = csv_records(name);
    let jobs = jobs(name);
    assert_eq!(jobs.len(), records.len());
    let n = records.len();
    let hourly = count(&records, |r| r["Budget"].contains(" - "));
    assert_coverage(
        name,
        &jobs,
        &[
            ("job_id", n),
            ("url", n),
            ("title", n),
            ("description", n),
            ("job_type", n),
            ("hourly_min", hourly),
            ("fixed_budget", n - hourly),
            ("client_country", n),
            ("posted_at", n),
        ],
    );
    for (j, r) in jobs.iter().zip(&records) {
        assert_eq!(j.title, r["Titel"]);
        assert_eq!(j.url.as_deref(), Some(r["Link"].as_str()));
        assert_eq!(j.client.country.as_deref(), Some(r["Land"].as_str()));
        assert_eq!(j.description.as_deref(), Some(r["Beschreibung"].as_str()));
        let posted = chrono::NaiveDateTime::parse_from_str(&r["Veröffentlicht"], "%d.%m.%Y %H:%M").unwrap().and_utc();
        assert_eq!(j.posted_at, Some(posted), "{}", r["Veröffentlicht"]);
    }
}

/// f, as JSON and JSON Lines: the German records with the same keys get the same fields, told
/// by their values as the CSV's columns are.
#[test]
fn german_keys_in_json_and_json_lines_are_inferred_as_in_csv() {
    let records = csv_records("german_headers.csv");
    let csv = jobs("german_headers.csv");
    let objects: Vec<Value> = records
        .iter()
        .map(|r| Value::Object(r.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()))
        .collect();
    let array = serde_json::to_vec(&objects).unwrap();
    let lines: Vec<u8> = objects.iter().flat_map(|o| format!("{o}\n").into_bytes()).collect();
    let fields = |j: &Job| {
        (
            j.job_id.clone(),
            j.url.clone(),
            j.title.clone(),
            j.description.clone(),
            j.job_type,
            j.fixed_budget,
            j.hourly_min,
            j.client.country.clone(),
            j.posted_at,
        )
    };
    for (name, bytes) in [("german.json", array), ("german.jsonl", lines)] {
        let options = ReadOptions { name: name.into(), format: None, reference_time: reference() };
        let (items, counts) = read_all(&bytes[..], &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((counts.rejected, counts.duplicates), (0, 0), "{name}");
        let got: Vec<_> = items.iter().filter_map(ExportItem::job).map(fields).collect();
        assert_eq!(got, csv.iter().map(fields).collect::<Vec<_>>(), "{name}");
    }
}
