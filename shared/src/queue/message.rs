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
}

impl JobMessage {
    pub fn new(job_id: impl Into<String>, ingest_id: i64, content_hash: impl Into<String>) -> Self {
        JobMessage { v: SCHEMA_VERSION, job_id: job_id.into(), ingest_id, content_hash: content_hash.into() }
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
        assert_eq!(JobMessage::from_body(&m.to_body()), Ok(m));
        assert!(JobMessage::from_body(r#"{"v":2,"job_id":"1","ingest_id":1,"content_hash":"x"}"#)
            .unwrap_err()
            .contains("version 2"));
        assert!(JobMessage::from_body("not json").is_err());
    }
}
