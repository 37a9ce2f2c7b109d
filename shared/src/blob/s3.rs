//! Streaming reads of export objects.

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::io::AsyncRead;

/// What we need to know about an object before reading it.
#[derive(Debug, Clone)]
pub struct ObjectInfo {
    pub etag: String,
    pub size: Option<i64>,
    pub last_modified: Option<DateTime<Utc>>,
}

/// Opens `bucket/key` for reading as a byte stream; nothing is buffered beyond the SDK's chunks.
pub async fn open(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
) -> anyhow::Result<(ObjectInfo, impl AsyncRead + Send + Unpin + 'static)> {
    let out = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{}", aws_sdk_s3::error::DisplayErrorContext(e)))
        .with_context(|| format!("GetObject s3://{bucket}/{key}"))?;
    let info = ObjectInfo {
        etag: out.e_tag.clone().unwrap_or_default().trim_matches('"').to_string(),
        size: out.content_length,
        last_modified: out.last_modified.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos())),
    };
    Ok((info, out.body.into_async_read()))
}
