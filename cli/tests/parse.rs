//! `upflow parse` as a user runs it: JSON lines out, rejected rows and a summary on stderr, and
//! exit codes that tell a readable file from a non-export.

use std::process::Command;

fn upflow(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upflow")).args(args).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn temp_file(name: &str, content: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("upflow-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[test]
fn prints_jobs_rejections_and_the_summary() {
    let path = temp_file("e.csv", b"id,title,budget\n1,First,$500\n2,,$10\n1,First,$500\n3,Third,30 - 50\n");
    let (code, stdout, stderr) = upflow(&["parse", &path]);
    assert_eq!(code, 0, "{stderr}");
    let jobs: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(jobs.len(), 2);
    assert_eq!((jobs[0]["job_id"].as_str(), jobs[0]["fixed_budget"].as_f64()), (Some("1"), Some(500.0)));
    assert_eq!((jobs[1]["hourly_min"].as_f64(), jobs[1]["hourly_max"].as_f64()), (Some(30.0), Some(50.0)));
    assert_eq!(jobs[0]["raw"]["title"], "First");
    assert_eq!(stderr.lines().collect::<Vec<_>>(), ["row 2: missing title", "parsed 2, rejected 1, duplicates 1"]);
}

#[test]
fn format_can_be_forced_and_raw_left_out() {
    let path = temp_file("lines.txt", b"{\"id\":\"9\",\"title\":\"Nine\"}\n");
    let (code, stdout, _) = upflow(&["parse", "--format", "jsonl", "--no-raw", &path]);
    assert_eq!(code, 0);
    let job: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!((job["job_id"].as_str(), job["raw"].is_null()), (Some("9"), true));
}

#[test]
fn a_file_that_is_not_an_export_exits_2_and_names_the_columns() {
    let path = temp_file("contacts.csv", b"name,email\nAda,ada@example.com\n");
    let (code, stdout, stderr) = upflow(&["parse", &path]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no column maps to a job title") && stderr.contains("`name`, `email`"), "{stderr}");
    let (code, _, stderr) = upflow(&["parse", "/nonexistent/export.csv"]);
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn a_record_over_10_mb_is_rejected_and_the_rest_is_read() {
    let mut jsonl = b"{\"id\":\"1\",\"title\":\"One\"}\n{\"id\":\"2\",\"title\":\"Two\",\"description\":\"".to_vec();
    jsonl.resize(jsonl.len() + 11 * 1024 * 1024, b'x');
    jsonl.extend_from_slice(b"\"}\n{\"id\":\"3\",\"title\":\"Three\"}\n");
    let path = temp_file("big-line.jsonl", &jsonl);
    let (code, stdout, stderr) = upflow(&["parse", "--no-raw", &path]);
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["job_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["1", "3"]);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("row 2: record is over 10 MB (11534378 bytes; it starts `{\"id\":\"2\""),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "parsed 2, rejected 1, duplicates 0");
}
