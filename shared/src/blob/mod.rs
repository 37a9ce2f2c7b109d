//! Exports in S3: object keys as S3 events carry them, and streaming reads.

pub mod key;
pub mod s3;

pub use key::decode_event_key;
