//! upflow: turns Apify exports of Upwork jobs into a ranked shortlist.
//!
//! The domain is pure ([`job`], [`normalise`], [`ingest`]); I/O sits behind small adapters
//! ([`store`] for Postgres, [`queue`] for SQS, [`blob`] for S3); [`split`] is the splitter
//! function's service, which the Lambda binary only wires to its event.

#[cfg(feature = "allocator")]
pub mod alloc;
pub mod aws;
pub mod blob;
pub mod bot;
pub mod config;
pub mod decision;
pub mod display;
pub mod evaluate;
pub mod evaluation;
pub mod ingest;
pub mod job;
pub mod normalise;
pub mod profile;
pub mod proposal;
pub mod propose;
pub mod queue;
pub mod read;
pub mod scoring;
pub mod split;
pub mod store;
pub mod telegram;
pub mod telemetry;
pub mod web;

pub use job::{Client, Job, JobType, Proposals};
