//! Issue 9, any export: every field a real export holds reaches the job, whichever scraper
//! wrote it. Raw Upwork marketplace items (deeply nested), RSS-derived and pandas CSVs, headers
//! in another language (inferred from values), the override file, `--explain`'s account of
//! every column, and one file-level message for a file without ids or URLs (also through the
//! splitter into `ingests`).

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::json;
use tokio_postgres::types::Type;
use upflow::ingest::{Explanation, Export, ExportItem, Limits, Overrides, ReadOptions};
use upflow::queue::sqs::SqsQueue;
use upflow::split::{IngestStatus, Splitter, SplitterConfig};
use upflow::{Job, JobType};
use upflow_tests::aws::{s3_put_event, LocalAws};
use upflow_tests::db::TestDb;

fn options(name: &str) -> ReadOptions {
    ReadOptions {
        name: name.to_string(),
        format: None,
        reference_time: Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap(),
    }
}

/// Reads a whole export with `overrides`: its jobs, its explanation and its warnings.
fn read(name: &str, bytes: &[u8], overrides: Overrides) -> (Vec<Job>, Explanation, Vec<String>) {
    let mut export = Export::open_mapped(bytes, &options(name), Limits::default(), Arc::new(overrides)).unwrap();
    let mut jobs = Vec::new();
    for item in export.by_ref() {
        if let ExportItem::Job { job, .. } = item.unwrap() {
            jobs.push(*job);
        }
    }
    (jobs, export.explanation(), export.warnings())
}

fn marketplace_item(n: u64) -> serde_json::Value {
    json!({
        "title": "Senior Rust engineer &amp; data pipelines - Upwork",
        "description": "<p>Build an <b>ETL</b> in Rust.</p><ul><li>Kafka</li></ul>",
        "jobTile": {"job": {
            "id": format!("{n}"),
            "ciphertext": format!("~02{n}"),
            "jobType": "HOURLY",
            "hourlyBudgetMin": "30.0",
            "hourlyBudgetMax": "60.0",
            "contractorTier": "EXPERT",
            "publishTime": "2026-05-20T10:00:00.000Z",
            "totalApplicants": 12,
            "hourlyEngagementDuration": {"label": "1 to 3 months", "weeks": 12},
            "fixedPriceAmount": {"amount": "0.0", "isoCurrencyCode": "USD"},
            "fixedPriceEngagementDuration": null
        }},
        "upworkHistoryData": {"client": {
            "paymentVerificationStatus": "VERIFIED",
            "country": "DEU",
            "totalReviews": 14,
            "totalFeedback": 4.8,
            "totalSpent": {"amount": "12500.5", "isoCurrencyCode": "USD"},
            "hasFinancialPrivacy": false
        }},
        "ontologySkills": [{"uid": "101", "prefLabel": "Rust"}, {"uid": "102", "prefLabel": "ETL"}]
    })
}

#[test]
fn a_raw_marketplace_item_fills_every_field_it_holds() {
    let bytes = serde_json::to_vec(&json!([marketplace_item(1950000000000000001)])).unwrap();
    let (jobs, explained, warnings) = read("marketplace.json", &bytes, Overrides::default());
    let [job] = &jobs[..] else { panic!("{jobs:?}") };
    assert_eq!(job.job_id, "1950000000000000001");
    assert_eq!(job.url.as_deref(), Some("https://www.upwork.com/jobs/~021950000000000000001"));
    assert_eq!(job.title, "Senior Rust engineer & data pipelines");
    assert_eq!(job.description.as_deref(), Some("Build an ETL in Rust.\n\n- Kafka"));
    assert_eq!((job.job_type, job.hourly_min, job.hourly_max), (JobType::Hourly, Some(30.0), Some(60.0)));
    assert_eq!(job.fixed_budget, None, "the zeroed fixed price of an hourly job is no value");
    assert_eq!(job.currency.as_deref(), Some("USD"));
    assert_eq!(job.experience_level.as_deref(), Some("Expert"));
    assert_eq!(job.posted_at, Some(Utc.with_ymd_and_hms(2026, 5, 20, 10, 0, 0).unwrap()));
    assert_eq!(job.proposals.map(|p| p.min), Some(12));
    assert_eq!(job.duration.as_deref(), Some("1 to 3 months"));
    let c = &job.client;
    assert_eq!(c.country.as_deref(), Some("Germany"));
    assert_eq!(c.payment_verified, Some(true));
    assert_eq!(c.reviews, Some(14));
    assert_eq!(c.rating, Some(4.8));
    assert_eq!(c.total_spent, Some(12500.5));
    assert_eq!(job.skills, ["Rust", "ETL"]);
    assert!(warnings.is_empty(), "{warnings:?}");

    let used = |column: &str| explained.column(column).unwrap_or_else(|| panic!("{column}: {explained}")).describe();
    assert_eq!(used("upworkHistoryData/client/country"), "client_country (alias `client/country`, as a path suffix)");
    assert_eq!(used("jobTile/job/publishTime"), "posted_at (alias `publishTime`, as a leaf name)");
    assert_eq!(used("ontologySkills/*/prefLabel"), "skills (alias `ontologySkills/*/prefLabel`)");
    assert_eq!(used("ontologySkills/*/uid"), "not used");
    assert_eq!(used("jobTile/job/hourlyEngagementDuration/weeks"), "not used");
    for field in ["job_id", "url", "hourly_min", "experience_level", "client_total_spent", "skills"] {
        assert_eq!(explained.filled(field), Some(1), "{field}");
    }
    assert_eq!(explained.filled("fixed_budget"), Some(0));
}

#[test]
fn a_fixed_job_with_hourly_zeros_keeps_only_its_price() {
    let mut item = marketplace_item(1950000000000000002);
    let job = &mut item["jobTile"]["job"];
    job["jobType"] = json!("FIXED");
    job["hourlyBudgetMin"] = json!(0);
    job["hourlyBudgetMax"] = json!("0.0");
    job["fixedPriceAmount"]["amount"] = json!("750.0");
    let bytes = serde_json::to_vec(&json!([item])).unwrap();
    let (jobs, _, _) = read("marketplace.json", &bytes, Overrides::default());
    assert_eq!((jobs[0].job_type, jobs[0].fixed_budget), (JobType::Fixed, Some(750.0)));
    assert_eq!((jobs[0].hourly_min, jobs[0].hourly_max), (None, None));
}

#[test]
fn rss_and_pandas_csvs_map_their_own_names_and_packed_terms() {
    let csv = "Unnamed: 0,title,link,hourly_range_min,hourly_range_max,is_hourly,published_date,terms\n\
               0,Scrape shops - Upwork,https://www.upwork.com/jobs/Scrape_%7E021111111111111111111,15,35,True,2026-05-20 10:00:00,\n\
               1,Logo design,https://www.upwork.com/jobs/~022222222222222222222,0,0,False,2026-05-21 11:00:00,Fixed-price - Intermediate - Est. Budget: $500\n\
               2,Data pipeline,https://www.upwork.com/jobs/~023333333333333333333,,,,2026-05-22 12:00:00,\"Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week\"\n";
    let (jobs, explained, _) = read("rss.csv", csv.as_bytes(), Overrides::default());
    let [a, b, c] = &jobs[..] else { panic!("{jobs:?}") };
    assert_eq!(a.title, "Scrape shops");
    assert_eq!(a.url.as_deref(), Some("https://www.upwork.com/jobs/Scrape_~021111111111111111111"));
    assert_eq!((a.job_type, a.hourly_min, a.hourly_max), (JobType::Hourly, Some(15.0), Some(35.0)));
    assert!(a.posted_at.is_some());
    assert_eq!((b.job_type, b.fixed_budget, b.hourly_min), (JobType::Fixed, Some(500.0), None));
    assert_eq!(b.experience_level.as_deref(), Some("Intermediate"));
    assert_eq!((c.job_type, c.hourly_min, c.hourly_max), (JobType::Hourly, Some(10.0), Some(30.0)));
    assert_eq!(c.experience_level.as_deref(), Some("Expert"));
    assert_eq!(c.duration.as_deref(), Some("1 to 3 months"));
    assert_eq!(c.workload.as_deref(), Some("30+ hrs/week"));
    assert_eq!(explained.column("Unnamed: 0").unwrap().describe(), "not used (an unnamed index column)");
    assert!(!a.raw.to_value().as_object().unwrap().is_empty());
}

/// A CSV whose headers are German: `Link` and `Budget` are aliases, the rest is inferred.
const GERMAN: &str = "Titel,Link,Budget,Land,Veröffentlicht,Interne Nummer\n\
    Rust-Entwickler für Datenpipeline gesucht,https://www.upwork.com/jobs/~021111111111111111111,$500,Germany,2026-05-20,17\n\
    WordPress Seite reparieren,https://www.upwork.com/jobs/~022222222222222222222,$80,AUT,2026-05-21,18\n\
    Logo für ein Café entwerfen,https://www.upwork.com/jobs/~023333333333333333333,$150,CH,2026-05-22,19\n";

#[test]
fn german_headers_are_inferred_from_their_values() {
    let (jobs, explained, _) = read("export.csv", GERMAN.as_bytes(), Overrides::default());
    let titles: Vec<_> = jobs.iter().map(|j| j.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Rust-Entwickler für Datenpipeline gesucht", "WordPress Seite reparieren", "Logo für ein Café entwerfen"]
    );
    let countries: Vec<_> = jobs.iter().map(|j| j.client.country.as_deref()).collect();
    assert_eq!(countries, [Some("Germany"), Some("Austria"), Some("Switzerland")]);
    assert_eq!(jobs[1].posted_at, Some(Utc.with_ymd_and_hms(2026, 5, 21, 0, 0, 0).unwrap()));
    assert_eq!(jobs[0].fixed_budget, Some(500.0));
    assert_eq!(jobs[0].job_id, "1111111111111111111");
    assert_eq!(
        explained.column("Land").unwrap().describe(),
        "client_country (inferred from values: 3/3 looked like countries)"
    );
    assert_eq!(
        explained.column("Titel").unwrap().describe(),
        "title (inferred from values: 3/3 looked like short text)"
    );
    assert_eq!(
        explained.column("Veröffentlicht").unwrap().describe(),
        "posted_at (inferred from values: 3/3 looked like dates)"
    );
    assert_eq!(explained.column("Interne Nummer").unwrap().describe(), "not used", "numbers alone name nothing");
    assert_eq!(explained.column("Link").unwrap().describe(), "url (alias `link`)");
}

#[test]
fn the_override_file_wins_over_aliases_and_inference() {
    let dir = std::env::temp_dir().join(format!("upflow-mapping-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mapping.toml");
    std::fs::write(
        &path,
        "[columns]\n\"Budget\" = \"ignore\"\n\"Interne Nummer\" = \"proposals\"\n\"Land\" = \"category\"\n",
    )
    .unwrap();
    let overrides = Overrides::load(&path).unwrap();
    let (jobs, explained, _) = read("export.csv", GERMAN.as_bytes(), overrides);
    assert_eq!(jobs[0].fixed_budget, None, "Budget is ignored");
    assert_eq!(jobs[0].proposals.map(|p| p.min), Some(17));
    assert_eq!((jobs[0].category.as_deref(), jobs[0].client.country.as_deref()), (Some("Germany"), None));
    assert_eq!(explained.column("Interne Nummer").unwrap().describe(), "proposals (override file)");
    assert_eq!(explained.column("Budget").unwrap().describe(), "not used (ignored by the override file)");

    std::fs::write(&path, "[columns]\n\"Land\" = \"country\"\n").unwrap();
    let err = Overrides::load(&path).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("unknown field \"country\"") && err.contains("client_country"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explain_lists_every_column_and_counts_each_field() {
    let csv = ",title,url,budget,Mystery\n\
               0,A job,https://www.upwork.com/jobs/~021111111111111111111,$10,x\n\
               1,B job,https://www.upwork.com/jobs/~022222222222222222222,,y\n";
    let (_, explained, _) = read("pandas.csv", csv.as_bytes(), Overrides::default());
    let text = explained.to_string();
    let columns: Vec<_> = explained.columns.iter().map(|c| c.column.as_str()).collect();
    assert_eq!(columns, ["", "title", "url", "budget", "Mystery"]);
    assert!(text.contains("Mystery") && text.contains("-> not used"), "{text}");
    assert!(text.contains("-> title (alias `title`)"), "{text}");
    assert_eq!((explained.jobs, explained.filled("fixed_budget"), explained.filled("url")), (2, Some(1), Some(2)));
    assert!(text.contains("fields (of 2 jobs):"), "{text}");
}

fn no_id_csv(rows: usize) -> String {
    let mut csv = String::from("title,budget\n");
    for i in 0..rows {
        csv.push_str(&format!("Job number {i},$100\n"));
    }
    csv
}

#[test]
fn a_file_without_ids_or_urls_says_so_once() {
    let (jobs, explained, warnings) = read("no-ids.csv", no_id_csv(300).as_bytes(), Overrides::default());
    assert!(jobs.is_empty());
    let [warning] = &warnings[..] else { panic!("{warnings:?}") };
    assert!(warning.starts_with("300 rows have neither a job id nor a URL"), "{warning}");
    assert!(warning.contains("no column maps to a job id or URL (columns: `title`, `budget`)"), "{warning}");
    assert_eq!(explained.warnings, warnings);
}

#[tokio::test]
async fn the_splitter_keeps_the_mapping_and_fails_a_file_without_ids_once() {
    let db = TestDb::new().await;
    let aws = LocalAws::new().await;
    let bucket = aws.bucket().await;
    let queue_url = aws.queue().await;
    let splitter = Splitter {
        db: db.migrated_pool().await,
        profile_version: "profile-a".into(),
        s3: aws.s3.clone(),
        queue: SqsQueue { client: aws.sqs.clone(), url: queue_url.clone() },
        config: SplitterConfig::default(),
    };
    let ingest = |key: &'static str, body: Vec<u8>| {
        let (aws, bucket, splitter) = (&aws, &bucket, &splitter);
        async move {
            aws.put(bucket, key, body).await;
            splitter::handle(s3_put_event(bucket, key), splitter).await.unwrap().remove(0)
        }
    };
    let client = db.client().await;
    let mapping = |id: i64| {
        let client = &client;
        async move {
            let rows = client
                .query_typed("SELECT mapping, error FROM ingests WHERE id = $1", &[(&id, Type::INT8)])
                .await
                .unwrap();
            let mapping: Option<serde_json::Value> = rows[0].get(0);
            let error: Option<String> = rows[0].get(1);
            (mapping.unwrap(), error)
        }
    };

    let report = ingest("uploads/german.csv", GERMAN.as_bytes().to_vec()).await;
    assert_eq!((report.status, report.totals.stored), (IngestStatus::Succeeded, 3));
    let (stored, error) = mapping(report.ingest_id).await;
    assert_eq!(error, None);
    let land = stored["columns"].as_array().unwrap().iter().find(|c| c["column"] == "Land").unwrap();
    assert_eq!(
        (&land["field"], &land["by"], &land["matched"]),
        (&json!("client_country"), &json!("inferred"), &json!(3))
    );
    assert_eq!(stored["jobs"], 3);

    let report = ingest("uploads/no-ids.csv", no_id_csv(50).into_bytes()).await;
    assert_eq!((report.status, report.totals.counts.rejected), (IngestStatus::Failed, 50));
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let (stored, error) = mapping(report.ingest_id).await;
    let error = error.unwrap();
    assert!(error.starts_with("50 rows have neither a job id nor a URL"), "{error}");
    assert_eq!(stored["warnings"], json!([error]));
}
