//! Pure normalisers: each turns one field as some Apify actor exports it (a string from a CSV
//! cell or a JSON value rendered as text) into the canonical form of [`crate::job::Job`].
//!
//! None of them allocates unless it returns an owned `String`; regexes are compiled once.
//! Unknown or placeholder input (`N/A`, `null`, empty) always gives `None`, never a guess.

pub mod boolean;
pub mod country;
pub mod currency;
pub mod date;
pub mod html;
pub mod job_type;
pub mod money;
pub mod number;
pub mod packed;
pub mod proposals;
pub mod text;

pub use boolean::parse_bool;
pub use country::normalise_country;
pub use date::{export_time_from_name, parse_absolute, parse_relative, parse_timestamp};
pub use job_type::parse_job_type;
pub use money::{parse_amount, parse_budget, Budget};
pub use number::{parse_count, parse_number, parse_percent, parse_rating};
pub use proposals::parse_proposals;
pub use text::{clean, extract_urls, job_id_from_url, normalise_job_id, split_list, url_from_job_id};
