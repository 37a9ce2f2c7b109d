//! The queue message: small, versioned; the evaluator reads the job itself from Postgres.

use serde::{Deserialize, Serialize};

/// The current message schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// "Score this job": one per job that needs scoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobMessage {
    /// Schema version, so a later evaluator can read older messages.
    pub v: u32,
    pub job_id: String,
    /// The ingest that enqueued it.
    pub ingest_id: i64,
    /// The job content this message asks to score.
    pub content_hash: String,
    /// Not to be worked on before this time (Unix seconds): the provider's limits asked for a
    /// wait longer than SQS's 15-minute delay, so the message is passed on until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<i64>,
    /// How many times the job was put back to wait for the provider's limits (not failures).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deferrals: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl JobMessage {
    pub fn new(job_id: impl Into<String>, ingest_id: i64, content_hash: impl Into<String>) -> Self {
        JobMessage {
            v: SCHEMA_VERSION,
            job_id: job_id.into(),
            ingest_id,
            content_hash: content_hash.into(),
            not_before: None,
            deferrals: 0,
        }
    }

    pub fn to_body(&self) -> String {
        serde_json::to_string(self).expect("message serialises")
    }

    /// Parses a message body, refusing versions this code does not know.
    pub fn from_body(body: &str) -> Result<Self, String> {
        let message: JobMessage = serde_json::from_str(body).map_err(|e| format!("bad job message: {e}"))?;
        if message.v != SCHEMA_VERSION {
            return Err(format!("job message version {} is not supported (expected {SCHEMA_VERSION})", message.v));
        }
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_unknown_versions() {
        let m = JobMessage::new("123", 7, "abc");
        assert_eq!(m.to_body(), r#"{"v":1,"job_id":"123","ingest_id":7,"content_hash":"abc"}"#);
        assert_eq!(JobMessage::from_body(&m.to_body()), Ok(m.clone()));
        assert!(JobMessage::from_body(r#"{"v":2,"job_id":"1","ingest_id":1,"content_hash":"x"}"#)
            .unwrap_err()
            .contains("version 2"));
        assert!(JobMessage::from_body("not json").is_err());
        let deferred = JobMessage { not_before: Some(1_790_000_000), deferrals: 2, ..m };
        assert_eq!(JobMessage::from_body(&deferred.to_body()), Ok(deferred));
    }
}
