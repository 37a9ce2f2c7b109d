//! Cerebras error bodies are top-level JSON (`{"message","type","param","code"}`), not OpenAI's
//! `{"error": {...}}`; both are read, so a proxy speaking OpenAI's shape works too.

use serde::Deserialize;

/// An error reply, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub message: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub param: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

impl ApiError {
    /// Reads an error body; falls back to the raw text (cut short) as the message.
    pub fn parse(body: &str) -> ApiError {
        #[derive(Deserialize)]
        struct Wrapped {
            error: ApiError,
        }
        if let Ok(e) = serde_json::from_str::<ApiError>(body) {
            if !e.message.is_empty() || e.code.is_some() {
                return e;
            }
        }
        if let Ok(w) = serde_json::from_str::<Wrapped>(body) {
            return w.error;
        }
        ApiError { message: body.chars().take(300).collect(), ..ApiError::default() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.message.is_empty() { "(no message)" } else { &self.message })?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        if let Some(param) = &self.param {
            write!(f, " (param {param})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cerebras_and_openai_shapes() {
        let e = ApiError::parse(
            r#"{"message":"Tokens per minute limit exceeded","type":"too_many_requests_error","param":"quota","code":"token_quota_exceeded"}"#,
        );
        assert_eq!(e.code.as_deref(), Some("token_quota_exceeded"));
        assert_eq!(e.to_string(), "Tokens per minute limit exceeded [token_quota_exceeded] (param quota)");
        let o = ApiError::parse(r#"{"error":{"message":"bad","type":"invalid_request_error","code":"x"}}"#);
        assert_eq!((o.message.as_str(), o.code.as_deref()), ("bad", Some("x")));
        let raw = ApiError::parse("<html>502 Bad Gateway</html>");
        assert_eq!(raw.message, "<html>502 Bad Gateway</html>");
    }
}
