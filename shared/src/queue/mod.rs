//! The jobs queue: the message the splitter sends and the evaluator reads, and a batch sender
//! that retries what failed and reports, never hides, what still fails.

pub mod message;
pub mod sender;
pub mod sqs;

pub use message::JobMessage;
pub use sender::{send_all, BatchSink, EntryFailure, SendReport};
