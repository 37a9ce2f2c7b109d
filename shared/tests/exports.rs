//! Reading exports of every shape: CSV quirks, JSON framing, other actors' field sets, bad rows
//! and files that are not exports at all.

mod support;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;
use support::{parse_bytes, to_flat_csv};
use upflow::ingest::{ExportError, ExportItem};
use upflow::{Job, JobType};

fn only_jobs(name: &str, bytes: &[u8]) -> Vec<Job> {
    let (items, counts) = parse_bytes(name, bytes).unwrap();
    assert_eq!(counts.rejected, 0, "{items:?}");
    items.iter().filter_map(ExportItem::job).cloned().collect()
}

fn rejections(items: &[ExportItem]) -> Vec<(u64, String)> {
    items
        .iter()
        .filter_map(|i| match i {
            ExportItem::Rejected { row, reason, .. } => Some((*row, reason.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn human_headers_bom_crlf_and_multi_line_cells() {
    let csv = "\u{feff}Job ID,Title,Link,Budget,Posted Time,Skills,Proposals,Client Location,Short Description\r\n\
               ~021111111111111111111,\"Build a RAG bot, fast\",https://www.upwork.com/jobs/~021111111111111111111,\"$1,500.00\",2 hours ago,\"Python, LangChain; RAG\",10 to 15,USA,\"Line one\r\nline two with \"\"quotes\"\"\r\nsee https://example.com/spec.\"\r\n";
    let jobs = only_jobs("export.csv", csv.as_bytes());
    assert_eq!(jobs.len(), 1);
    let j = &jobs[0];
    assert_eq!(j.job_id, "1111111111111111111");
    assert_eq!(j.title, "Build a RAG bot, fast");
    assert_eq!(j.fixed_budget, Some(1500.0));
    assert_eq!(j.job_type, JobType::Fixed);
    assert_eq!(j.skills, ["Python", "LangChain", "RAG"]);
    assert_eq!(j.proposals.map(|p| (p.min, p.max)), Some((10, Some(15))));
    assert_eq!(j.client.country.as_deref(), Some("United States"));
    assert_eq!(j.description.as_deref(), Some("Line one\r\nline two with \"quotes\"\r\nsee https://example.com/spec."));
    assert_eq!(j.external_urls, ["https://example.com/spec"]);
    let reference = Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap();
    assert_eq!(j.posted_at, Some(reference - Duration::hours(2)));
    assert_eq!(j.raw["Job ID"], "~021111111111111111111", "raw keeps the header names");
}

#[test]
fn lf_and_crlf_and_any_column_order_read_alike() {
    let records = vec![
        json!({"title": "A", "url": "https://www.upwork.com/jobs/~02123", "tags": ["x", "y", "z"], "budget": "$10"}),
    ];
    let crlf = to_flat_csv(&records, false, "\r\n");
    let lf = to_flat_csv(&records, true, "\n");
    let reordered = b"budget,tags/2,tags/0,url,title,tags/1\n$10,z,x,https://www.upwork.com/jobs/~02123,A,y\n";
    let a = only_jobs("a.csv", &crlf);
    let b = only_jobs("b.csv", &lf);
    let c = only_jobs("c.csv", reordered);
    assert_eq!(a[0].skills, ["x", "y", "z"]);
    assert_eq!(c[0].skills, ["x", "y", "z"], "array order comes from the index, not the column order");
    for j in [&b[0], &c[0]] {
        assert_eq!((&j.job_id, &j.title, j.fixed_budget), (&a[0].job_id, &a[0].title, a[0].fixed_budget));
    }
}

#[test]
fn rows_missing_required_fields_are_rejected_with_row_and_reason() {
    let csv = "id,title,url\n1,First,\n2,,https://www.upwork.com/jobs/~022\n,Third,\n,Fourth,https://example.com/job/4\n5,Fifth,https://www.upwork.com/jobs/~025\n";
    let (items, counts) = parse_bytes("x.csv", csv.as_bytes()).unwrap();
    assert_eq!(rejections(&items), vec![(2, "missing title".into()), (3, "missing both job id and url".into())]);
    assert_eq!((counts.rows, counts.parsed, counts.rejected), (5, 3, 2));
    let jobs: Vec<&Job> = items.iter().filter_map(ExportItem::job).collect();
    // An id without a URL gets Upwork's URL; a URL without Upwork's ciphertext gets a stable id.
    assert_eq!(jobs[0].url.as_deref(), Some("https://www.upwork.com/jobs/~021"));
    assert!(jobs[1].job_id.starts_with("url-"));
    // The rejected row keeps what it had.
    let ExportItem::Rejected { raw, .. } = &items[1] else { panic!() };
    assert_eq!(raw.as_ref().unwrap()["id"], "2");
}

#[test]
fn duplicates_in_a_file_are_counted_once() {
    let csv = "id,title\n7,A\n8,B\n7,A again\n";
    let (items, counts) = parse_bytes("d.csv", csv.as_bytes()).unwrap();
    assert_eq!((counts.parsed, counts.duplicates), (2, 1));
    assert!(matches!(&items[2], ExportItem::Duplicate { row: 3, job_id, first_row: 1 } if job_id == "7"));
}

#[test]
fn a_row_longer_than_the_header_is_rejected() {
    let (items, _) = parse_bytes("x.csv", b"id,title\n1,A,extra\n2,B\n").unwrap();
    assert_eq!(rejections(&items), vec![(1, "row has 3 cells but the header has 2".into())]);
}

#[test]
fn json_lines_with_a_bad_line_reject_only_that_line() {
    let jsonl = b"{\"id\":\"1\",\"title\":\"A\"}\n\n{\"id\":\"2\",\"title\":\n{\"id\":\"3\",\"title\":\"C\"}\n[1]\n";
    let (items, counts) = parse_bytes("x.jsonl", jsonl).unwrap();
    let rejected = rejections(&items);
    assert_eq!(rejected.len(), 2);
    assert_eq!(rejected[0].0, 3, "row numbers are line numbers in JSON Lines");
    assert!(rejected[0].1.starts_with("invalid JSON"), "{}", rejected[0].1);
    assert_eq!(rejected[1], (5, "record is not a JSON object".into()));
    assert_eq!(counts.parsed, 2);
}

#[test]
fn json_array_resyncs_after_a_bad_element_and_reports_truncation() {
    let json =
        br#"[{"id":"1","title":"A, [tricky] {text} \"quoted\""}, {"id": 2, "title": }, {"id":"3","title":"C"},]"#;
    let (items, counts) = parse_bytes("x.json", json).unwrap();
    assert_eq!(counts.parsed, 2);
    assert_eq!(rejections(&items)[0].0, 2);
    let ExportItem::Job { job, .. } = &items[0] else { panic!() };
    assert_eq!(job.title, "A, [tricky] {text} \"quoted\"");

    let truncated = br#"[{"id":"1","title":"A"},{"id":"2","title":"B"#;
    let (items, counts) = parse_bytes("x.json", truncated).unwrap();
    assert_eq!(counts.parsed, 1);
    assert!(rejections(&items)[0].1.contains("ends inside this record"));
}

#[test]
fn other_actors_field_sets_map_by_the_table() {
    let records = json!([
        // snake_case with buyer{...} and hourly_budget{min,max}
        {"uid": "~02999", "title": "Snake", "url": "https://www.upwork.com/jobs/~02999",
         "buyer": {"payment_verified": "yes", "country": "GB", "total_spent": "$50K+"},
         "hourly_budget": {"min": 40, "max": 70}, "published_at": "2026-05-20T10:00:00Z"},
        // hourly_rate_from/to, fixed_budget, client{...}, skills[{name}]
        {"jobId": "555", "title": "Client obj", "fixed_budget": "750", "hourly_rate_from": null,
         "client": {"payment_verified": false, "rating": "4.9", "total_spent": 1200, "hire_rate": "75%"},
         "skills": [{"name": "Rust"}, {"name": "AWS Lambda"}]},
        // budget{fixedBudget, hourlyRate{min,max}}, client{countryCode, paymentMethodVerified, stats{...}}
        {"id": "777", "title": "Stats", "budget": {"fixedBudget": null, "hourlyRate": {"min": 25, "max": 45}},
         "client": {"countryCode": "DEU", "paymentMethodVerified": true,
                    "stats": {"totalSpent": 98000.5, "totalHires": 31, "hireRate": 0.8}},
         "skills": ["Go", "Kubernetes"]},
        // flat strings
        {"id": "888", "title": "Flat", "contractType": "Hourly: $60.00 - $120.00", "proposals": "50+",
         "clientTotalSpent": "$1.2M", "relativeDate": "Posted 13 hours ago"}
    ]);
    let bytes = serde_json::to_vec(&records).unwrap();
    let jobs = only_jobs("others.json", &bytes);
    let [snake, client, stats, flat] = &jobs[..] else { panic!("{jobs:?}") };

    assert_eq!(snake.job_id, "999");
    assert_eq!((snake.job_type, snake.hourly_min, snake.hourly_max), (JobType::Hourly, Some(40.0), Some(70.0)));
    assert_eq!(snake.client.payment_verified, Some(true));
    assert_eq!(snake.client.country.as_deref(), Some("United Kingdom"));
    assert_eq!(snake.client.total_spent, Some(50_000.0));
    assert!(snake.posted_at.is_some());

    assert_eq!((client.job_type, client.fixed_budget), (JobType::Fixed, Some(750.0)));
    assert_eq!(client.client.payment_verified, Some(false));
    assert_eq!(client.client.rating, Some(4.9));
    assert_eq!(client.client.hire_rate, Some(75.0));
    assert_eq!(client.skills, ["Rust", "AWS Lambda"]);
    assert_eq!(client.url.as_deref(), Some("https://www.upwork.com/jobs/~02555"));

    assert_eq!((stats.hourly_min, stats.hourly_max), (Some(25.0), Some(45.0)));
    assert_eq!(stats.client.country.as_deref(), Some("Germany"));
    assert_eq!((stats.client.total_spent, stats.client.hires), (Some(98000.5), Some(31)));
    assert_eq!(stats.skills, ["Go", "Kubernetes"]);

    assert_eq!((flat.job_type, flat.hourly_min, flat.hourly_max), (JobType::Hourly, Some(60.0), Some(120.0)));
    assert_eq!(flat.proposals.map(|p| (p.min, p.max)), Some((50, None)));
    assert_eq!(flat.client.total_spent, Some(1_200_000.0));
    let reference = Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap();
    assert_eq!(flat.posted_at, Some(reference - Duration::hours(13)));
}

#[test]
fn files_that_are_not_exports_fail_whole_with_what_was_seen() {
    let err = parse_bytes("x.csv", b"name,email,phone\nAda,ada@example.com,1\n").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ExportError::NotAnExport { .. }));
    assert!(message.contains("no column maps to a job title"), "{message}");
    assert!(message.contains("`name`, `email`, `phone`"), "{message}");

    for (name, bytes) in [
        ("x.csv", &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..]),
        ("x.json", b"<!doctype html><html><body>Sign in</body></html>"),
        ("x.csv", b""),
    ] {
        let err = parse_bytes(name, bytes).unwrap_err();
        assert!(matches!(err, ExportError::NotAnExport { .. }), "{name}: {err}");
    }
    let err = parse_bytes("x.json", br#"[{"name": "Ada", "email": "a@b"}]"#).unwrap_err();
    assert!(err.to_string().contains("`name`, `email`"), "{err}");
}
