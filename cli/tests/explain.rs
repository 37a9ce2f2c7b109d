//! `upflow parse FILE --explain`: every column with the field it went to and why, per field how
//! many jobs got it; the mapping file from `MAPPING_PATH` or beside `PROFILE_PATH`; the
//! file-level warning for a file without ids or URLs.

use std::process::Command;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("upflow-explain-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn upflow(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_upflow"));
    command.args(args).env_remove("MAPPING_PATH").env_remove("PROFILE_PATH");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

const CSV: &str = "Unnamed: 0,Titel,Link,Land,Notiz\n\
    0,Rust-Entwickler gesucht jetzt,https://www.upwork.com/jobs/~021111111111111111111,Germany,a\n\
    1,WordPress Seite reparieren,https://www.upwork.com/jobs/~022222222222222222222,France,b\n";

#[test]
fn explain_names_each_columns_field_and_counts_the_jobs_per_field() {
    let dir = temp_dir("plain");
    let path = dir.join("export.csv");
    std::fs::write(&path, CSV).unwrap();
    let (code, stdout, stderr) = upflow(&["parse", "--explain", path.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{stderr}");
    let line = |column: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{column} ")))
            .unwrap_or_else(|| panic!("{column}: {stdout}"))
            .split("-> ")
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(line("Unnamed: 0"), "not used (an unnamed index column)");
    assert_eq!(line("Titel"), "title (inferred from values: 2/2 looked like short text)");
    assert_eq!(line("Link"), "url (alias `link`)");
    assert_eq!(line("Land"), "client_country (inferred from values: 2/2 looked like countries)");
    assert_eq!(line("Notiz"), "not used");
    assert!(stdout.contains("fields (of 2 jobs):"), "{stdout}");
    let count = |field: &str| stdout.lines().find(|l| l.split_whitespace().next() == Some(field)).unwrap().to_string();
    assert!(count("client_country").ends_with(" 2"), "{stdout}");
    assert!(count("posted_at").ends_with(" 0"), "{stdout}");
    assert!(!stdout.contains("\"job_id\""), "no jobs are printed: {stdout}");
}

#[test]
fn the_mapping_file_beside_the_profile_or_at_mapping_path_applies() {
    let dir = temp_dir("beside");
    let path = dir.join("export.csv");
    std::fs::write(&path, CSV).unwrap();
    std::fs::write(dir.join("mapping.toml"), "[columns]\n\"Notiz\" = \"description\"\n").unwrap();
    let profile = dir.join("profile.toml").display().to_string();
    let (code, stdout, stderr) = upflow(&["parse", path.to_str().unwrap()], &[("PROFILE_PATH", &profile)]);
    assert_eq!(code, 0, "{stderr}");
    let job: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(job["description"], "a");

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[columns]\n\"Notiz\" = \"notes\"\n").unwrap();
    let (code, _, stderr) = upflow(&["parse", path.to_str().unwrap()], &[("MAPPING_PATH", bad.to_str().unwrap())]);
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown field \"notes\"") && stderr.contains("valid fields are job_id, url"), "{stderr}");
}

#[test]
fn a_file_without_ids_or_urls_gets_one_warning() {
    let dir = temp_dir("noid");
    let path = dir.join("export.csv");
    let mut csv = String::from("title,budget\n");
    for i in 0..100 {
        csv.push_str(&format!("Job {i} here,$10\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let (code, _, stderr) = upflow(&["parse", path.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{stderr}");
    let warnings: Vec<_> = stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("100 rows have neither a job id nor a URL"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("row ")).count(), 20, "{stderr}");
    assert!(stderr.contains("… and 80 more rows: missing both job id and url"), "{stderr}");
}
