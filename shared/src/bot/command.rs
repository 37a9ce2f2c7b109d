//! What a message asks for ([`Command::parse`]) and what a `/top` page button carries
//! ([`TopRequest`], encoded in its `callback_data`).

/// Jobs on a `/top` page when the command does not say.
pub const DEFAULT_TOP: u32 = 5;
/// The most jobs a `/top` page may ask for.
pub const MAX_TOP: u32 = 20;
/// The furthest a page may start (paging walks the ranking from its start).
pub const MAX_OFFSET: u32 = 2000;
/// Telegram's limit on `callback_data`, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;

/// A command to the bot. Anything that is not one of these is [`Command::Help`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Start,
    Help,
    /// `/top [n] [min_score]`: `n` clamped to 1..=20, `min_score` to 0..=100.
    Top(TopRequest),
    /// `/job <id>`.
    Job(String),
    Stats,
    New,
}

/// A page of the ranking: `n` jobs from `offset` (0-based), at or above `min_score`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopRequest {
    pub offset: u32,
    pub n: u32,
    pub min_score: Option<f64>,
}

impl Command {
    /// Reads a message's text. The command word may carry the bot's name (`/top@upflow_bot`) and
    /// any case; arguments are separated by whitespace. Bad or extra arguments give the help.
    pub fn parse(text: &str) -> Command {
        let mut words = text.split_whitespace();
        let Some(word) = words.next().and_then(|w| w.strip_prefix('/')) else { return Command::Help };
        let name = word.split('@').next().unwrap_or("").to_ascii_lowercase();
        let args: Vec<&str> = words.collect();
        match (name.as_str(), args.as_slice()) {
            ("start", _) => Command::Start,
            ("stats", _) => Command::Stats,
            ("new", _) => Command::New,
            ("job", [id]) => Command::Job((*id).to_string()),
            ("top", args) if args.len() <= 2 => {
                let n = match args.first() {
                    Some(n) => match n.parse::<i64>() {
                        Ok(n) => n.clamp(1, i64::from(MAX_TOP)) as u32,
                        Err(_) => return Command::Help,
                    },
                    None => DEFAULT_TOP,
                };
                let min_score = match args.get(1) {
                    Some(m) => match parse_score(m) {
                        Some(m) => Some(m),
                        None => return Command::Help,
                    },
                    None => None,
                };
                Command::Top(TopRequest { offset: 0, n, min_score })
            }
            _ => Command::Help,
        }
    }
}

/// A score 0-100 (clamped), at most one decimal kept; `None` when not a number.
fn parse_score(text: &str) -> Option<f64> {
    let x: f64 = text.trim().parse().ok().filter(|x: &f64| x.is_finite())?;
    Some((x.clamp(0.0, 100.0) * 10.0).round() / 10.0)
}

impl TopRequest {
    /// As `callback_data`: `top:<offset>:<n>:<min_score or empty>`, at most 25 bytes.
    pub fn encode(&self) -> String {
        let min = self.min_score.map(|m| format!("{}", (m * 10.0).round() / 10.0)).unwrap_or_default();
        format!("top:{}:{}:{min}", self.offset, self.n)
    }

    /// Reads `callback_data` made by [`TopRequest::encode`]; `None` for anything else or out of
    /// range.
    pub fn decode(data: &str) -> Option<TopRequest> {
        let mut parts = data.strip_prefix("top:")?.split(':');
        let offset: u32 = parts.next()?.parse().ok().filter(|o| *o <= MAX_OFFSET)?;
        let n: u32 = parts.next()?.parse().ok().filter(|n| (1..=MAX_TOP).contains(n))?;
        let min_score = match parts.next()? {
            "" => None,
            m => Some(parse_score(m).filter(|x| m.parse::<f64>().ok() == Some(*x))?),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(TopRequest { offset, n, min_score })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(n: u32, min_score: Option<f64>) -> Command {
        Command::Top(TopRequest { offset: 0, n, min_score })
    }

    #[test]
    fn commands_are_recognised() {
        assert_eq!(Command::parse("/start"), Command::Start);
        assert_eq!(Command::parse("/start deep-link-payload"), Command::Start);
        assert_eq!(Command::parse("/help"), Command::Help);
        assert_eq!(Command::parse("/stats"), Command::Stats);
        assert_eq!(Command::parse("  /new  "), Command::New);
        assert_eq!(Command::parse("/job 2058436318428575090"), Command::Job("2058436318428575090".into()));
        assert_eq!(Command::parse("/job@upflow_bot ~01abc"), Command::Job("~01abc".into()));
        assert_eq!(Command::parse("/STATS@Upflow_Bot"), Command::Stats);
    }

    #[test]
    fn top_takes_a_count_and_a_minimum_score() {
        assert_eq!(Command::parse("/top"), top(5, None));
        assert_eq!(Command::parse("/top@upflow_bot"), top(5, None));
        assert_eq!(Command::parse("/top 10"), top(10, None));
        assert_eq!(Command::parse("/top@upflow_bot 10 70"), top(10, Some(70.0)));
        assert_eq!(Command::parse("/top 3 72.46"), top(3, Some(72.5)));
        assert_eq!(Command::parse("/top 0"), top(1, None));
        assert_eq!(Command::parse("/top -4"), top(1, None));
        assert_eq!(Command::parse("/top 500 150"), top(20, Some(100.0)));
        assert_eq!(Command::parse("/top 99999999999999999999"), Command::Help);
    }

    #[test]
    fn anything_else_is_help() {
        for text in [
            "",
            "hello",
            "top 5",
            "/",
            "/unknown",
            "/job",
            "/job a b",
            "/top five",
            "/top 5 lots",
            "/top 5 NaN",
            "/top 5 inf",
            "/top 1 2 3",
            "/jobs 1",
        ] {
            assert_eq!(Command::parse(text), Command::Help, "{text:?}");
        }
    }

    #[test]
    fn callback_data_round_trips_and_fits() {
        for r in [
            TopRequest { offset: 0, n: 5, min_score: None },
            TopRequest { offset: 35, n: 20, min_score: Some(72.5) },
            TopRequest { offset: MAX_OFFSET, n: MAX_TOP, min_score: Some(100.0) },
        ] {
            let data = r.encode();
            assert!(data.len() <= MAX_CALLBACK_DATA, "{data}");
            assert_eq!(TopRequest::decode(&data), Some(r), "{data}");
        }
        assert_eq!(TopRequest { offset: 5, n: 5, min_score: None }.encode(), "top:5:5:");
        assert_eq!(TopRequest { offset: 5, n: 5, min_score: Some(70.0) }.encode(), "top:5:5:70");
    }

    #[test]
    fn foreign_callback_data_is_refused() {
        for data in [
            "",
            "top",
            "top:",
            "top:0:5",
            "top:0:0:",
            "top:0:21:",
            "top:-1:5:",
            "top:999999:5:",
            "top:0:5:abc",
            "top:0:5:101",
            "top:0:5:NaN",
            "top:0:5::",
            "job:1",
        ] {
            assert_eq!(TopRequest::decode(data), None, "{data:?}");
        }
    }
}
