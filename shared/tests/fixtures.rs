//! The real Apify exports in `tests/fixtures/apify/`, read as JSON and as Apify's
//! slash-flattened CSV rendering of the same records.

mod support;

use serde_json::Value;
use support::{fixture, fixture_path, parse_bytes, to_flat_csv, FIXTURES};
use upflow::ingest::ExportItem;
use upflow::{Job, JobType};

fn jobs(items: Vec<ExportItem>) -> Vec<Job> {
    items
        .into_iter()
        .map(|i| match i {
            ExportItem::Job { job, .. } => *job,
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

#[test]
fn every_fixture_row_maps_to_a_job_with_the_fields_its_source_has() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let records: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        let (items, counts) = parse_bytes(name, &bytes).unwrap();
        assert_eq!(counts.rows as usize, records.len(), "{name}");
        assert_eq!((counts.rejected, counts.duplicates), (0, 0), "{name}");
        let jobs = jobs(items);
        for (job, record) in jobs.iter().zip(&records) {
            let id = record["id"].as_str().unwrap();
            assert_eq!(job.job_id, id);
            assert_eq!(job.title, record["title"].as_str().unwrap().trim());
            assert_eq!(job.url.as_deref(), record["url"].as_str());
            assert!(job.url.as_deref().unwrap().contains(&format!("~02{id}")));
            assert_eq!(job.raw, *record, "the original record is kept as it was");
            assert_eq!(job.description.as_deref(), record["description"].as_str().map(str::trim));
            assert!(job.posted_at.is_some(), "{name} {id}: posted_at");
            match job.job_type {
                JobType::Fixed => {
                    assert!(job.fixed_budget.is_some() || budget_unknown(record), "{id}")
                }
                JobType::Hourly => {
                    assert_eq!(job.hourly_min.is_some(), !budget_unknown(record), "{id}");
                    if let (Some(min), Some(max)) = (job.hourly_min, job.hourly_max) {
                        assert!(min <= max);
                    }
                }
                JobType::Unknown => panic!("{id}: the source states the job type"),
            }
        }
    }
}

/// The source itself does not know the budget ("N/A", or null amounts).
fn budget_unknown(record: &Value) -> bool {
    record["budget"] == "N/A"
        || (record.get("fixed").is_some()
            && record["fixed"]["budget"]["amount"].is_null()
            && record["hourly"]["min"].is_null())
}

#[test]
fn flat_camel_case_actor_values() {
    let (items, _) = parse_bytes(FIXTURES[0], &fixture(FIXTURES[0])).unwrap();
    let jobs = jobs(items);
    let first = &jobs[0];
    assert_eq!(first.job_type, JobType::Fixed);
    assert_eq!(first.fixed_budget, Some(100.0));
    assert_eq!(first.currency.as_deref(), Some("USD"));
    assert_eq!(first.client.country.as_deref(), Some("Vietnam"));
    assert_eq!(first.client.payment_verified, Some(true));
    assert_eq!(first.client.hire_rate, Some(98.0));
    assert_eq!(first.client.total_spent, Some(5054.0));
    assert_eq!(first.proposals.map(|p| (p.min, p.max)), Some((2, Some(2))));
    assert_eq!(first.skills, ["Microsoft Excel", "Data Mining"]);
    assert_eq!(first.posted_at.unwrap().to_rfc3339(), "2026-05-24T06:33:57.153+00:00");
    // "$5,000.00", client in "IND", hire rate above 100 kept as the source says.
    assert_eq!(jobs[1].fixed_budget, Some(5000.0));
    assert_eq!(jobs[1].client.country.as_deref(), Some("India"));
    assert_eq!(jobs[1].client.hire_rate, Some(110.0));
    // Hourly "30 - 50" with a screening question and a fractional average rate.
    assert_eq!((jobs[2].hourly_min, jobs[2].hourly_max), (Some(30.0), Some(50.0)));
    assert_eq!(jobs[2].client.rating, Some(4.45));
    assert_eq!(jobs[2].screening_questions.len(), 3);
    assert!(jobs[2].screening_questions[2].starts_with("Have you worked with NDI"));
    assert!(jobs[2].screening_questions[0].starts_with("Describe one Electron project"));
    // "N/A" hourly budget: hourly, amount unknown.
    let na = jobs.iter().find(|j| j.raw.to_value()["budget"] == "N/A").unwrap();
    assert_eq!((na.job_type, na.hourly_min, na.fixed_budget), (JobType::Hourly, None, None));
    assert!(jobs
        .iter()
        .any(|j| j.client.country.as_deref() == Some("United States") && j.raw.to_value()["clientLocation"] == "USA"));
}

#[test]
fn upwork_api_shaped_actor_values() {
    let (items, _) = parse_bytes(FIXTURES[1], &fixture(FIXTURES[1])).unwrap();
    let jobs = jobs(items);
    let first = &jobs[0];
    assert_eq!(first.job_type, JobType::Fixed);
    assert_eq!(first.fixed_budget, Some(1000.0));
    assert_eq!(first.duration.as_deref(), Some("Less than 1 month"));
    assert_eq!(first.posted_at.unwrap().to_rfc3339(), "2026-02-04T23:15:26.182+00:00");
    // Every row of this export is FIXED; the amount is a string like "1000.0" in a nested object.
    for job in &jobs {
        let amount = job.raw.to_value()["fixed"]["budget"]["amount"].as_str().map(|s| s.parse::<f64>().unwrap());
        assert_eq!((job.job_type, job.fixed_budget), (JobType::Fixed, amount), "{}", job.job_id);
        assert_eq!((job.hourly_min, job.hourly_max), (None, None));
    }
}

#[test]
fn apify_csv_rendering_of_each_fixture_gives_the_same_jobs() {
    for name in FIXTURES {
        let records: Vec<Value> = serde_json::from_slice(&fixture(name)).unwrap();
        let csv = to_flat_csv(&records, true, "\r\n");
        let csv_name = name.replace(".json", ".csv");
        let (from_csv, counts) = parse_bytes(&csv_name, &csv).unwrap();
        assert_eq!(counts.rejected, 0, "{name}");
        let (from_json, _) = parse_bytes(name, &fixture(name)).unwrap();
        let (from_csv, from_json) = (jobs(from_csv), jobs(from_json));
        assert_eq!(from_csv.len(), records.len());
        for (c, j) in from_csv.iter().zip(&from_json) {
            let (mut c, mut j) = (c.clone(), j.clone());
            // CSV cells are text: the raw record is the same tree with string leaves.
            assert_eq!(c.raw.to_value()["title"], j.raw.to_value()["title"]);
            c.raw = Default::default();
            j.raw = Default::default();
            assert_eq!(c, j);
        }
    }
    assert!(fixture_path(FIXTURES[0]).exists());
}
