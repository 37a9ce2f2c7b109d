//! The JSON schema of a [`Draft`](super::Draft), in Cerebras's strict subset (checked by
//! [`strict_violations`](crate::evaluation::schema::strict_violations)). The case study's title
//! is an `enum` of the profile's titles, so a model cannot cite work the freelancer never did.

use serde_json::{json, Value};

use crate::profile::ProposalProfile;

/// The schema's name in `response_format`.
pub const NAME: &str = "proposal_draft";

fn object(properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().expect("properties").keys().cloned().collect();
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// The schema for drafts under `profile`.
pub fn draft_schema(profile: &ProposalProfile) -> Value {
    let titles: Vec<&str> = profile.case_studies.iter().map(|c| c.title.as_str()).collect();
    let case_study = if titles.is_empty() {
        json!({"type": "null"})
    } else {
        json!({"anyOf": [
            object(json!({"title": {"type": "string", "enum": titles}, "why": {"type": "string"}})),
            {"type": "null"},
        ]})
    };
    object(json!({
        "opening": {"type": "string"},
        "case_study": case_study,
        "approach": strings(),
        "questions": strings(),
        "bid": object(json!({
            "amount": {"anyOf": [{"type": "number"}, {"type": "null"}]},
            "rate_type": {"type": "string", "enum": ["fixed", "hourly"]},
            "rationale": {"type": "string"},
        })),
        "screening_answers": {"type": "array", "items": object(json!({
            "question": {"type": "string"},
            "answer": {"type": "string"},
        }))},
    }))
}

/// The `response_format` request field.
pub fn response_format(profile: &ProposalProfile) -> Value {
    json!({"type": "json_schema", "json_schema": {"name": NAME, "strict": true, "schema": draft_schema(profile)}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::schema::strict_violations;
    use crate::profile::{CaseStudy, LoadedProfile};

    fn profile() -> ProposalProfile {
        LoadedProfile::default_profile().profile.proposal.unwrap()
    }

    #[test]
    fn the_schema_stays_inside_the_strict_subset_even_with_the_most_case_studies() {
        let mut p = profile();
        assert_eq!(strict_violations(&draft_schema(&p)), Vec::<String>::new());
        let long = CaseStudy { title: "t".repeat(80), outcome: "o".into(), stack: vec![], link: None };
        p.case_studies = vec![long; crate::profile::proposal::MAX_CASE_STUDIES];
        assert_eq!(strict_violations(&draft_schema(&p)), Vec::<String>::new());
        p.case_studies.clear();
        assert_eq!(draft_schema(&p)["properties"]["case_study"], json!({"type": "null"}));
    }

    #[test]
    fn the_schema_names_every_field_of_a_draft_and_only_the_profiles_case_studies() {
        let p = profile();
        let schema = draft_schema(&p);
        let draft =
            super::super::offline::draft(&crate::job::Job::example(), &crate::evaluation::Assessment::example(), &p);
        let example = serde_json::to_value(draft).unwrap();
        let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(&example), keys(&schema["properties"]));
        assert_eq!(keys(&example["bid"]), keys(&schema["properties"]["bid"]["properties"]));
        let titles = &schema["properties"]["case_study"]["anyOf"][0]["properties"]["title"]["enum"];
        let expected: Vec<&str> = p.case_studies.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, &json!(expected));
    }
}
