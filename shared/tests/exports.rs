//! Reading exports of every shape: CSV quirks, JSON framing, other actors' field sets, bad rows
//! and files that are not exports at all.

mod support;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;
use support::{parse_bytes, to_flat_csv};
use upflow::ingest::{read_all_with_limits, ExportError, ExportItem, Limits, ReadOptions};
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
    assert_eq!(j.raw.to_value()["Job ID"], "~021111111111111111111", "raw keeps the header names");
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

/// Parses with a record cap of `cap` bytes instead of the default 10 MB.
fn parse_capped(name: &str, bytes: &[u8], cap: usize) -> (Vec<ExportItem>, upflow::ingest::Counts) {
    let options = ReadOptions {
        name: name.to_string(),
        format: None,
        reference_time: Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap(),
    };
    read_all_with_limits(bytes, &options, Limits { max_record_bytes: cap }).unwrap()
}

/// (row, job id) of every job.
fn job_rows(items: &[ExportItem]) -> Vec<(u64, String)> {
    items
        .iter()
        .filter_map(|i| match i {
            ExportItem::Job { row, job } => Some((*row, job.job_id.clone())),
            _ => None,
        })
        .collect()
}

fn ids(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|(r, id)| (*r, id.to_string())).collect()
}

#[test]
fn csv_rows_over_the_cap_are_rejected_and_every_other_row_is_read() {
    let mut csv = String::from("id,title,description\n1,One,a\n2,Two,b\n");
    // Row 3: a whole row over the cap (one long quoted cell).
    csv.push_str(&format!("3,Three,\"{}\"\n", "x".repeat(3000)));
    csv.push_str("4,Four,d\n");
    // Row 5: a quoted cell of many lines, far over the cap (and the reader's buffer): the row is
    // cut off at the cap, and the lines left of its cell are skipped by the resync rule.
    let lines: Vec<String> = (0..2000).map(|i| format!("line {i} of a very long \"\"quoted\"\" text")).collect();
    csv.push_str(&format!("5,Five,\"{}\"\n", lines.join("\n")));
    csv.push_str("6,Six,f\n7,Seven,g\n");

    let (items, counts) = parse_capped("x.csv", csv.as_bytes(), 1024);
    assert_eq!(job_rows(&items), ids(&[(1, "1"), (2, "2"), (4, "4"), (6, "6"), (7, "7")]));
    let rejected = rejections(&items);
    assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [3, 5], "{rejected:?}");
    assert!(rejected[0].1.starts_with("record is over 1 KB ("), "{}", rejected[0].1);
    assert!(rejected[0].1.contains("it starts `3,Three,xxx"), "{}", rejected[0].1);
    assert!(rejected[1].1.starts_with("record is over 1 KB ("), "{}", rejected[1].1);
    assert!(
        rejected[1].1.contains("it starts `5,Five,line 0 of a very long \"quoted\" text line 1"),
        "{}",
        rejected[1].1
    );
    assert!(rejected[1].1.contains("the row was cut off there"), "{}", rejected[1].1);
    assert!(rejected[1].1.contains("more records ("), "the lines left of the cell are skipped: {}", rejected[1].1);
    assert_eq!((counts.rows, counts.parsed, counts.rejected), (7, 5, 2));
}

#[test]
fn an_unterminated_csv_quote_costs_the_cap_not_the_rest_of_the_file() {
    let mut csv = String::from("id,title,description\n1,One,a\n2,\"Broken title,b\n");
    for i in 3..=2000 {
        csv.push_str(&format!("{i},Title {i},desc {i}\n"));
    }
    let (items, counts) = parse_capped("x.csv", csv.as_bytes(), 1024);
    let rejected = rejections(&items);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].0, 2);
    assert!(rejected[0].1.starts_with("record is over 1 KB ("), "{}", rejected[0].1);
    assert!(rejected[0].1.contains("it starts `2,Broken title,b 3,Title 3,desc 3"), "{}", rejected[0].1);
    let jobs = job_rows(&items);
    assert_eq!(jobs[0], (1, "1".to_string()));
    // After the broken row, reading resumes at a line start: every row from there on is read,
    // in order and whole; what is lost is what the broken row swallowed up to the cap (plus the
    // CSV reader's 8 KB buffer), not the rest of the file.
    let first: u64 = jobs[1].1.parse().unwrap();
    let resumed: Vec<String> = jobs[1..].iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(resumed, (first..=2000).map(|i| i.to_string()).collect::<Vec<_>>());
    let lost_bytes: usize = (3..first).map(|i| format!("{i},Title {i},desc {i}\n").len()).sum();
    assert!(lost_bytes <= 1024 + 8 * 1024 + 64, "{lost_bytes} bytes of rows lost");
    assert_eq!(counts.rejected, 1);
    assert!(rejected[0].1.ends_with("reading resumes at the next line, a whole row (3 cells)"), "{}", rejected[0].1);
    let titles: Vec<&str> = items.iter().filter_map(ExportItem::job).map(|j| j.title.as_str()).collect();
    assert_eq!(titles.last(), Some(&"Title 2000"));

    // When no line after it holds a whole row, the rejection says the rest was skipped.
    let mut csv = String::from("id,title\n1,One\n2,\"Broken\n");
    for i in 3..=2000 {
        csv.push_str(&format!("{i},Title {i},extra cell\n"));
    }
    let (items, _) = parse_capped("x.csv", csv.as_bytes(), 1024);
    assert_eq!(job_rows(&items), ids(&[(1, "1")]));
    let rejected = rejections(&items);
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].1.contains("holds no line with a whole row (2 cells)"), "{}", rejected[0].1);
}

#[test]
fn a_csv_header_that_never_ends_fails_the_file_with_the_reason() {
    let csv = format!("id,\"title\n{}", "1,a\n".repeat(5000));
    let options = ReadOptions {
        name: "x.csv".into(),
        format: None,
        reference_time: Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap(),
    };
    let err = read_all_with_limits(csv.as_bytes(), &options, Limits { max_record_bytes: 1024 }).unwrap_err();
    assert!(err.to_string().contains("the CSV header is over 1 KB"), "{err}");
}

#[test]
fn json_array_elements_over_the_cap_are_skipped_and_every_other_element_is_read() {
    let tricky = format!("{}\\\"]}}[{{,\\\\", "y".repeat(3000));
    let big_nested: Vec<serde_json::Value> = (0..400).map(|i| json!({"k": [i, "]", "{"]})).collect();
    let records = json!([
        {"id": "1", "title": "One"},
        {"id": "2", "title": "Two", "description": "x".repeat(5000)},
        {"id": "3", "title": "Three"},
        {"id": "4", "title": "Four", "nested": big_nested},
        {"id": "5", "title": "Five"}
    ]);
    let mut bytes = serde_json::to_vec_pretty(&records).unwrap();
    // An element whose string holds brackets, commas and escaped quotes, spliced in as row 6.
    let tail = format!(",{{\"id\":\"6\",\"title\":\"Six\",\"d\":\"{tricky}\"}},{{\"id\":\"7\",\"title\":\"Seven\"}}]");
    bytes.truncate(bytes.iter().rposition(|&b| b == b']').unwrap());
    bytes.extend_from_slice(tail.as_bytes());
    serde_json::from_slice::<serde_json::Value>(&bytes).expect("the test file is valid JSON");

    let (items, counts) = parse_capped("x.json", &bytes, 1024);
    assert_eq!(job_rows(&items), ids(&[(1, "1"), (3, "3"), (5, "5"), (7, "7")]));
    let rejected = rejections(&items);
    assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 4, 6], "{rejected:?}");
    for (_, reason) in &rejected {
        assert!(reason.starts_with("record is over 1 KB ("), "{reason}");
    }
    assert!(rejected[0].1.contains("it starts `{ \"id\": \"2\", \"title\": \"Two\""), "{}", rejected[0].1);
    assert_eq!(counts.rows, 7);

    // The file ends inside an oversized element: rejected, and the rows before it kept.
    let cut = format!("[{{\"id\":\"1\",\"title\":\"One\"}},{{\"id\":\"2\",\"title\":\"{}", "z".repeat(5000));
    let (items, _) = parse_capped("x.json", cut.as_bytes(), 1024);
    assert_eq!(job_rows(&items), ids(&[(1, "1")]));
    let rejected = rejections(&items);
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].1.contains("bytes read before giving up on it") && rejected[0].1.contains("the file ends"));
}

#[test]
fn json_lines_over_the_cap_are_skipped_to_the_next_newline() {
    let long = format!("{{\"id\":\"2\",\"title\":\"Two\",\"description\":\"{}\"}}", "x".repeat(5000));
    let no_newline = format!("{{\"id\":\"5\",\"title\":\"{}", "w".repeat(5000));
    let jsonl = format!(
        "{{\"id\":\"1\",\"title\":\"One\"}}\n{long}\n{{\"id\":\"3\",\"title\":\"Three\"}}\n{{\"id\":\"4\",\"title\":\"Four\"}}\n{no_newline}"
    );
    let (items, counts) = parse_capped("x.jsonl", jsonl.as_bytes(), 1024);
    assert_eq!(job_rows(&items), ids(&[(1, "1"), (3, "3"), (4, "4")]));
    let rejected = rejections(&items);
    assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5], "{rejected:?}");
    assert_eq!(rejected[0].1, format!("record is over 1 KB ({} bytes; it starts `{}…`)", long.len() + 1, &long[..160]));
    assert!(
        rejected[1].1.starts_with("record is over 1 KB (5019 bytes; it starts `{\"id\":\"5\""),
        "{}",
        rejected[1].1
    );
    assert_eq!((counts.rows, counts.parsed), (5, 3));
}

#[test]
fn the_upwork_id_in_the_url_wins_over_a_scrapers_own_id() {
    let csv = "id,title,url\n\
        42,Row id,https://www.upwork.com/jobs/Build-a-bot_~022058436318428575090/?referrer_url_path=/nx/search/jobs/\n\
        6f1c2a9e-8d1b-4c57-9a43-0b3c2e7f1d55,UUID id,https://www.upwork.com/freelance-jobs/apply/Title_~0140c7f1b2e3d4a5b6/\n\
        ~022019187901781624803,Ciphertext id,https://www.upwork.com/jobs/~022019187901781624803\n\
        2019083744679169965,Numeric id,https://www.upwork.com/jobs/Title_~022019083744679169965/\n\
        77,Id alone,\n\
        88,Id and another site,https://example.com/jobs/88\n";
    let jobs = only_jobs("ids.csv", csv.as_bytes());
    let got: Vec<(&str, &str)> = jobs.iter().map(|j| (j.title.as_str(), j.job_id.as_str())).collect();
    assert_eq!(
        got,
        [
            ("Row id", "2058436318428575090"),
            ("UUID id", "~0140c7f1b2e3d4a5b6"),
            ("Ciphertext id", "2019187901781624803"),
            ("Numeric id", "2019083744679169965"),
            ("Id alone", "77"),
            ("Id and another site", "88"),
        ]
    );
    // The scraper's id stays in the raw record.
    assert_eq!(jobs[0].raw.to_value()["id"], "42");

    // The same in JSON: one Upwork job exported by two scrapers with their own row ids is one job.
    let a = br#"[{"id": "row-1", "title": "T", "url": "https://www.upwork.com/jobs/~022058436318428575090"}]"#;
    let b = br#"{"id": 991, "title": "T", "link": "https://www.upwork.com/jobs/T_~022058436318428575090/"}"#;
    assert_eq!(only_jobs("a.json", a)[0].job_id, only_jobs("b.jsonl", b)[0].job_id);
}

#[test]
fn items_come_out_in_row_order_with_a_duplicate_on_the_very_next_row() {
    // The export reads one row ahead (to start loading the next id's entry in the
    // de-duplication set): every row still comes out once, in order, a duplicate right after
    // its first is found (numeric ids and ciphertexts both), and the end stays the end.
    let csv = "id,title\n2058436318428575090,A\n2058436318428575090,A again\n,No id\n~01abc,B\n~01abc,B again\n\
               9,C\n10,D\n9,C again\n";
    let options = ReadOptions {
        name: "ahead.csv".into(),
        format: None,
        reference_time: Utc.with_ymd_and_hms(2024, 6, 6, 12, 0, 0).unwrap(),
    };
    let mut export = upflow::ingest::Export::open(csv.as_bytes(), &options).unwrap();
    let mut seen = Vec::new();
    while let Some(item) = export.next_item() {
        seen.push(match item.unwrap() {
            ExportItem::Job { row, job } => format!("{row} job {}", job.job_id),
            ExportItem::Duplicate { row, job_id, first_row } => format!("{row} duplicate of {first_row} ({job_id})"),
            ExportItem::Rejected { row, .. } => format!("{row} rejected"),
        });
    }
    assert_eq!(
        seen,
        [
            "1 job 2058436318428575090",
            "2 duplicate of 1 (2058436318428575090)",
            "3 rejected",
            "4 job ~01abc",
            "5 duplicate of 4 (~01abc)",
            "6 job 9",
            "7 job 10",
            "8 duplicate of 6 (9)",
        ]
    );
    assert!(export.next_item().is_none() && export.next_item().is_none(), "the end stays the end");
    let counts = export.counts();
    assert_eq!((counts.rows, counts.parsed, counts.duplicates, counts.rejected), (8, 4, 3, 1));
}
