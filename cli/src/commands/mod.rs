//! One module per subcommand.

pub mod ingest;
pub mod local;
pub mod migrate;
pub mod parse;
pub mod score;
pub mod table;
pub mod telegram;
