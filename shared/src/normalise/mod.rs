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

/// Test inputs for checking a fast path against the general reader it shortcuts.
#[cfg(test)]
pub(crate) mod samples {
    /// Every cell of every CSV fixture and every string or number of every JSON fixture (each
    /// once, in file order), plus the pieces of each cell split at `,`, `;` and `|`.
    pub(crate) fn fixture_values() -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut add = |v: &str, out: &mut Vec<String>| {
            for piece in std::iter::once(v).chain(v.split([',', ';', '|'])) {
                if seen.insert(piece.to_owned()) {
                    out.push(piece.to_owned());
                }
            }
        };
        for path in crate::ingest::fixture_files(&["csv"]) {
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&path).unwrap();
            for record in reader.records() {
                for cell in record.unwrap().iter() {
                    add(cell, &mut out);
                }
            }
        }
        for path in crate::ingest::fixture_files(&["json"]) {
            let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let mut stack = vec![value];
            while let Some(v) = stack.pop() {
                match v {
                    serde_json::Value::String(s) => add(&s, &mut out),
                    serde_json::Value::Number(n) => add(&n.to_string(), &mut out),
                    serde_json::Value::Array(items) => stack.extend(items.into_iter().rev()),
                    serde_json::Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v).rev()),
                    _ => {}
                }
            }
        }
        assert!(out.len() > 500, "{}", out.len());
        out
    }

    /// Odd spellings of `v`: padded with spaces, tabs or a no-break space, in upper and lower
    /// case, and every prefix and suffix (at character boundaries) of a short one.
    pub(crate) fn variants(v: &str) -> Vec<String> {
        let mut out = vec![
            v.to_owned(),
            format!(" {v}"),
            format!("{v} "),
            format!("\t{v}\n"),
            format!("\u{a0}{v}"),
            format!("{v}\u{a0}"),
            v.to_uppercase(),
            v.to_lowercase(),
        ];
        if v.len() <= 80 {
            for (i, _) in v.char_indices().skip(1) {
                out.push(v[..i].to_owned());
                out.push(v[i..].to_owned());
            }
        }
        out
    }

    /// A xorshift stream, so generated inputs are the same on every run.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// One of `items`.
        pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    /// `count` strings of up to `max_len` pieces drawn from `alphabet`.
    pub(crate) fn random_texts(seed: u64, alphabet: &[&str], max_len: usize, count: usize) -> Vec<String> {
        let mut rng = Rng(seed);
        (0..count)
            .map(|_| {
                let len = (rng.next() % (max_len as u64 + 1)) as usize;
                (0..len).map(|_| rng.pick(alphabet)).collect()
            })
            .collect()
    }
}
