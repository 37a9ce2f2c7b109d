//! The JSON schema of an [`Assessment`](super::Assessment), in the subset Cerebras accepts with
//! `strict: true`: `additionalProperties: false` on every object, every property required,
//! nullable values as `anyOf` with `null`, no `pattern`/`format`/`minItems`, under 5,000
//! characters. Scores are integers 0-10 given as an `enum` (which strict mode accepts where
//! `minimum`/`maximum` are not), so a model cannot answer on a 0-100 scale; the range is
//! checked again after parsing.

use serde_json::{json, Value};

/// The schema's name in `response_format`.
pub const NAME: &str = "job_assessment";

fn object(properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().expect("properties").keys().cloned().collect();
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

/// The scores a criterion may get: the integers 0 to 10.
pub const SCORE_VALUES: [u8; 11] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

fn criterion() -> Value {
    object(json!({"score": {"type": "integer", "enum": SCORE_VALUES}, "reason": {"type": "string"}}))
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// The schema the scorer sends.
pub fn assessment_schema() -> Value {
    object(json!({
        "relevant": {"type": "boolean"},
        "irrelevant_reason": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "scores": object(json!({
            "budget": criterion(),
            "client": criterion(),
            "clarity": criterion(),
            "technical_fit": criterion(),
            "competition": criterion(),
        })),
        "tech_stack": strings(),
        "project_type": {"type": "string"},
        "complexity": {"type": "string", "enum": ["Low", "Medium", "High"]},
        "matched_expertise": strings(),
        "red_flags": strings(),
        "summary": {"type": "string"},
        "suggested_bid": object(json!({
            "amount": {"anyOf": [{"type": "number"}, {"type": "null"}]},
            "rate_type": {"type": "string", "enum": ["fixed", "hourly"]},
            "rationale": {"type": "string"},
        })),
    }))
}

/// The `response_format` request field.
pub fn response_format() -> Value {
    json!({"type": "json_schema", "json_schema": {"name": NAME, "strict": true, "schema": assessment_schema()}})
}

/// Checks a schema against Cerebras's strict subset; returns every violation found.
pub fn strict_violations(schema: &Value) -> Vec<String> {
    const FORBIDDEN: [&str; 9] =
        ["pattern", "format", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "$ref"];
    let mut out = Vec::new();
    let size = serde_json::to_string(schema).map(|s| s.len()).unwrap_or(usize::MAX);
    if size >= 5000 {
        out.push(format!("schema is {size} characters (limit 5,000)"));
    }
    fn walk(path: &str, v: &Value, out: &mut Vec<String>) {
        let Some(map) = v.as_object() else { return };
        for key in FORBIDDEN {
            if map.contains_key(key) {
                out.push(format!("{path}: uses `{key}`"));
            }
        }
        if let Some(types) = map.get("type").and_then(Value::as_array) {
            out.push(format!("{path}: type list {types:?}; use anyOf for nullable values"));
        }
        if map.get("type") == Some(&json!("object")) {
            if map.get("additionalProperties") != Some(&json!(false)) {
                out.push(format!("{path}: object without additionalProperties: false"));
            }
            let props: Vec<&String> =
                map.get("properties").and_then(Value::as_object).map(|p| p.keys().collect()).unwrap_or_default();
            let required: Vec<&str> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for p in &props {
                if !required.contains(&p.as_str()) {
                    out.push(format!("{path}.{p}: not required"));
                }
            }
        }
        for (key, child) in map {
            match child {
                Value::Object(_) => walk(&format!("{path}.{key}"), child, out),
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        walk(&format!("{path}.{key}[{i}]"), item, out);
                    }
                }
                _ => {}
            }
        }
    }
    walk("$", schema, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_stays_inside_the_strict_subset() {
        assert_eq!(strict_violations(&assessment_schema()), Vec::<String>::new());
        assert_eq!(response_format()["json_schema"]["strict"], true);
    }

    #[test]
    fn scores_are_integers_from_0_to_10_so_a_0_100_scale_cannot_be_answered() {
        let schema = assessment_schema();
        for key in crate::profile::CRITERIA {
            let score = &schema["properties"]["scores"]["properties"][key.as_str()]["properties"]["score"];
            assert_eq!(score["type"], "integer", "{}", key.as_str());
            let allowed: Vec<u64> = score["enum"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
            assert_eq!(allowed, (0..=10).collect::<Vec<u64>>(), "{}", key.as_str());
        }
    }

    #[test]
    fn the_checker_catches_each_violation() {
        let bad = json!({"type": "object", "properties": {
            "a": {"type": "string", "pattern": "x"},
            "b": {"type": ["string", "null"]},
            "c": {"type": "object", "properties": {}}
        }, "required": ["a"]});
        let v = strict_violations(&bad).join("\n");
        for expected in
            ["uses `pattern`", "type list", "$.properties.c: object without", "$.b: not required", "$: object without"]
        {
            assert!(v.contains(expected), "{expected} missing from:\n{v}");
        }
    }

    #[test]
    fn an_example_assessment_fits_the_schema_shape() {
        // Every key the schema requires is a field of Assessment, and vice versa.
        let example = serde_json::to_value(super::super::Assessment::example()).unwrap();
        let schema = assessment_schema();
        let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(&example), keys(&schema["properties"]));
        assert_eq!(keys(&example["scores"]), keys(&schema["properties"]["scores"]["properties"]));
        assert_eq!(keys(&example["suggested_bid"]), keys(&schema["properties"]["suggested_bid"]["properties"]));
    }
}
