//! Postgres: the connection pool, migrations, and the tables' queries.
//!
//! Every query goes through `query_typed`/`execute_typed`-style unnamed statements or the simple
//! protocol, so the store works behind a transaction-mode pooler (PgBouncer, Supavisor), where
//! named prepared statements break.

pub mod connect;
pub mod evaluations;
pub mod ingests;
pub mod jobs;
pub mod migrate;
pub mod tls;

pub use connect::{connect, Db, DbError};
