//! One module per subcommand.

pub mod ingest;
pub mod migrate;
pub mod parse;
