//! template.yaml against the code: the S3 notifications that start the splitter must cover
//! every file suffix the reader knows, in the cases S3 compares (its suffix filters are
//! case-sensitive), and nothing else. Read as text: no AWS, no services.

use std::collections::BTreeSet;

use upflow::ingest::format::{trigger_suffixes, Format};

const TEMPLATE: &str = include_str!("../../template.yaml");

/// One S3 event of the splitter: its name, prefix and suffix.
#[derive(Debug)]
struct S3Event {
    name: String,
    prefix: Option<String>,
    suffix: Option<String>,
}

/// The `Events:` of `SplitterFunction`, read by indentation.
fn splitter_events(template: &str) -> Vec<S3Event> {
    let lines: Vec<&str> = template.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let start =
        lines.iter().position(|l| l.trim_end() == "  SplitterFunction:").expect("SplitterFunction in the template");
    let function_indent = indent(lines[start]);
    let body: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || indent(l) > function_indent)
        .copied()
        .collect();
    let events_at = body.iter().position(|l| l.trim() == "Events:").expect("Events");
    let events_indent = indent(body[events_at]);
    let mut events: Vec<S3Event> = Vec::new();
    let mut rule: Option<String> = None;
    for line in &body[events_at + 1..] {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent(line) <= events_indent {
            break;
        }
        if indent(line) == events_indent + 2 {
            events.push(S3Event { name: t.trim_end_matches(':').to_string(), prefix: None, suffix: None });
            continue;
        }
        let event = events.last_mut().expect("an event before its properties");
        if let Some(name) = t.strip_prefix("- Name:") {
            rule = Some(name.trim().to_string());
        } else if let Some(value) = t.strip_prefix("Value:") {
            let value = value.trim().trim_matches('"').trim_matches('\'').to_string();
            match rule.take().as_deref() {
                Some("prefix") => event.prefix = Some(value),
                Some("suffix") => event.suffix = Some(value),
                other => panic!("{}: a filter value without a known rule name: {other:?}", event.name),
            }
        }
    }
    events
}

#[test]
fn the_s3_triggers_cover_exactly_what_the_reader_reads() {
    let events = splitter_events(TEMPLATE);
    assert!(!events.is_empty(), "no S3 events found for the splitter");
    for e in &events {
        assert_eq!(e.prefix.as_deref(), Some("uploads/"), "{e:?}");
    }
    let in_template: Vec<String> = events.iter().map(|e| e.suffix.clone().unwrap_or_default()).collect();
    let unique: BTreeSet<&String> = in_template.iter().collect();
    assert_eq!(unique.len(), in_template.len(), "a suffix is listed twice: {in_template:?}");
    let expected: BTreeSet<String> = trigger_suffixes().into_iter().collect();
    let listed: BTreeSet<String> = in_template.into_iter().collect();
    let missing: Vec<_> = expected.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "template.yaml's splitter S3 suffixes disagree with the reader: missing {missing:?}, not read {extra:?}"
    );
}

#[test]
fn every_trigger_suffix_is_one_the_reader_reads() {
    let suffixes = trigger_suffixes();
    for cased in [".csv", ".CSV", ".json", ".JSON", ".jsonl", ".JSONL", ".ndjson", ".NDJSON"] {
        assert!(suffixes.iter().any(|s| s == cased), "{cased} missing from {suffixes:?}");
    }
    for suffix in &suffixes {
        assert!(Format::from_suffix(&format!("uploads/export{suffix}")).is_some(), "{suffix}");
    }
}

#[test]
fn the_parser_sees_a_missing_suffix() {
    let without_upper_csv = TEMPLATE.replacen("Value: .CSV\n", "Value: .txt\n", 1);
    assert_ne!(without_upper_csv, TEMPLATE, "the template has a .CSV trigger");
    let suffixes: BTreeSet<String> = splitter_events(&without_upper_csv).into_iter().filter_map(|e| e.suffix).collect();
    assert!(!suffixes.contains(".CSV") && suffixes.contains(".txt"), "{suffixes:?}");
}
