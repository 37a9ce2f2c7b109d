//! Postgres: the connection pool, migrations, and the tables' queries.
//!
//! Every query goes through `query_typed`/`execute_typed`-style unnamed statements or the simple
//! protocol, so the store works behind a transaction-mode pooler (PgBouncer, Supavisor), where
//! named prepared statements break. The pool checks a connection before handing it out and
//! times out instead of hanging on a database that does not answer ([`connect`]).

pub mod alerts;
pub mod claims;
pub mod connect;
pub mod decisions;
pub mod evaluations;
pub mod failures;
pub mod ingests;
pub mod jobs;
pub mod migrate;
pub mod proposals;
pub mod tls;

pub use connect::{connect, connect_with, Db, DbError, PoolSettings};
