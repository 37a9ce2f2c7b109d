//! What scoring a set of jobs would cost, before any call: the jobs a hard filter skips cost
//! nothing, each other job one scorer call whose prompt is estimated from the real prompt
//! ([`crate::evaluation::prompt`], the pacer's 4 characters a token) and whose completion is
//! counted at its cap (`max_completion_tokens`), so the figure is an upper bound. The offline
//! rules scorer costs $0.

use serde::Serialize;

use crate::bot::text::{count, dollars};
use crate::evaluation::prompt;
use crate::job::Job;
use crate::profile::filters::failed_filter;
use crate::profile::Profile;
use crate::scoring::cerebras::CerebrasConfig;

/// How the jobs would be scored, for the estimate.
#[derive(Debug, Clone, PartialEq)]
pub enum Pricing {
    /// The offline rules scorer: no tokens, no cost.
    Rules,
    /// An LLM on Cerebras.
    Llm {
        /// The model, for the message and its price.
        model: String,
        /// Characters of the description the prompt keeps (`PROMPT_DESCRIPTION_CHARS`).
        description_chars: usize,
        /// Each call's completion cap (`CEREBRAS_MAX_COMPLETION_TOKENS`).
        max_completion_tokens: u32,
        /// USD per million input and output tokens; `None` when unknown.
        price_per_mtok: Option<(f64, f64)>,
    },
}

impl Pricing {
    /// The pricing of the scorer the evaluator would build from `config` (`None`: rules).
    pub fn from_config(config: Option<&CerebrasConfig>) -> Pricing {
        match config {
            None => Pricing::Rules,
            Some(c) => Pricing::Llm {
                model: c.model.clone(),
                description_chars: c.description_chars,
                max_completion_tokens: c.max_completion_tokens,
                price_per_mtok: c.price_per_mtok,
            },
        }
    }

    /// From the environment, as the evaluator chooses its scorer (`CEREBRAS_API_KEY`, the
    /// model, `CEREBRAS_PRICE_*_PER_MTOK` or the model's list price).
    pub fn from_env() -> Result<Pricing, crate::config::ConfigError> {
        Ok(Pricing::from_config(CerebrasConfig::from_env()?.as_ref()))
    }
}

/// The estimate for a set of jobs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Estimate {
    /// Jobs counted.
    pub jobs: u64,
    /// Of those, the ones a hard filter skips: no scorer call, no cost.
    pub filtered: u64,
    /// Estimated prompt tokens of the scorer calls.
    pub prompt_tokens: u64,
    /// Completion tokens at most: each call's cap.
    pub completion_tokens: u64,
    /// At most this many USD; `None` when the model's price is unknown.
    pub cost_usd: Option<f64>,
}

impl Estimate {
    /// Jobs that reach the scorer.
    pub fn scored(&self) -> u64 {
        self.jobs - self.filtered
    }

    /// One sentence on what the scorer calls would take and cost.
    pub fn describe(&self, pricing: &Pricing) -> String {
        let n = |x: u64| count(i64::try_from(x).unwrap_or(i64::MAX));
        let calls = format!("{} scorer calls", n(self.scored()));
        let filtered = format!("{} skipped by hard filters (free)", n(self.filtered));
        match pricing {
            Pricing::Rules => format!("{calls} to the offline rules scorer, {filtered}: estimated cost $0"),
            Pricing::Llm { model, price_per_mtok, .. } => {
                let cost = match (self.cost_usd, price_per_mtok) {
                    (Some(c), Some((input, output))) => format!(
                        "estimated cost at most {} (at ${input}/${output} per million input/output tokens)",
                        dollars(c)
                    ),
                    _ => format!(
                        "cost unknown: no price for model {model} (set CEREBRAS_PRICE_INPUT_PER_MTOK and \
                         CEREBRAS_PRICE_OUTPUT_PER_MTOK)"
                    ),
                };
                format!(
                    "{calls} to Cerebras {model} (about {} prompt tokens, at most {} completion tokens), {filtered}: {cost}",
                    n(self.prompt_tokens),
                    n(self.completion_tokens)
                )
            }
        }
    }
}

/// Adds jobs to an estimate one at a time, so a scan over many jobs keeps none of them.
pub struct Estimator<'a> {
    profile: &'a Profile,
    pricing: &'a Pricing,
    /// The system message's tokens: the same in every call.
    system_tokens: u64,
    estimate: Estimate,
}

impl<'a> Estimator<'a> {
    /// An empty estimate for scoring under `profile` as `pricing` says.
    pub fn new(profile: &'a Profile, pricing: &'a Pricing) -> Estimator<'a> {
        let system_tokens = match pricing {
            Pricing::Rules => 0,
            Pricing::Llm { .. } => u64::from(prompt::estimate_tokens(&prompt::system_message(profile))),
        };
        Estimator { profile, pricing, system_tokens, estimate: Estimate::default() }
    }

    /// Counts `job`: skipped when a hard filter fails, else one scorer call.
    pub fn add(&mut self, job: &Job) {
        self.estimate.jobs += 1;
        if failed_filter(job, &self.profile.filters).is_some() {
            self.estimate.filtered += 1;
            return;
        }
        if let Pricing::Llm { description_chars, max_completion_tokens, .. } = self.pricing {
            let user = prompt::user_message(job, *description_chars);
            self.estimate.prompt_tokens += self.system_tokens + u64::from(prompt::estimate_tokens(&user));
            self.estimate.completion_tokens += u64::from(*max_completion_tokens);
        }
    }

    /// The estimate, priced.
    pub fn finish(self) -> Estimate {
        let mut e = self.estimate;
        e.cost_usd = match self.pricing {
            Pricing::Rules => Some(0.0),
            Pricing::Llm { price_per_mtok, .. } => price_per_mtok
                .map(|(input, output)| (e.prompt_tokens as f64 * input + e.completion_tokens as f64 * output) / 1e6),
        };
        e
    }
}

/// The estimate for scoring `jobs` under `profile` as `pricing` says.
pub fn estimate<'j>(jobs: impl IntoIterator<Item = &'j Job>, profile: &Profile, pricing: &Pricing) -> Estimate {
    let mut estimator = Estimator::new(profile, pricing);
    for job in jobs {
        estimator.add(job);
    }
    estimator.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{JobType, Proposals};
    use crate::profile::LoadedProfile;

    fn job(id: &str, budget: f64, description: &str) -> Job {
        Job {
            job_id: id.into(),
            url: None,
            title: "Build a RAG pipeline".into(),
            description: Some(description.into()),
            job_type: JobType::Fixed,
            fixed_budget: Some(budget),
            hourly_min: None,
            hourly_max: None,
            currency: Some("USD".into()),
            experience_level: None,
            duration: None,
            workload: None,
            skills: vec!["Python".into()],
            category: None,
            posted_at: None,
            proposals: Some(Proposals { min: 5, max: Some(10) }),
            client: Default::default(),
            screening_questions: vec![],
            external_urls: vec![],
            search_keyword: None,
            raw: serde_json::json!({}).into(),
        }
    }

    fn llm(price: Option<(f64, f64)>) -> Pricing {
        Pricing::Llm {
            model: "gpt-oss-120b".into(),
            description_chars: 100,
            max_completion_tokens: 2048,
            price_per_mtok: price,
        }
    }

    #[test]
    fn filtered_jobs_are_free_and_the_rest_cost_their_prompt_and_the_completion_cap() {
        let profile = LoadedProfile::default_profile().profile;
        let jobs = [job("1", 4000.0, &"x".repeat(1000)), job("2", 100.0, "cheap"), job("3", 900.0, "short")];
        assert!(failed_filter(&jobs[1], &profile.filters).is_some(), "the default profile skips a $100 job");
        let system = u64::from(prompt::estimate_tokens(&prompt::system_message(&profile)));
        let user = |j: &Job| u64::from(prompt::estimate_tokens(&prompt::user_message(j, 100)));
        let prompt_tokens = 2 * system + user(&jobs[0]) + user(&jobs[2]);

        let e = estimate(&jobs, &profile, &llm(Some((0.35, 0.75))));
        assert_eq!((e.jobs, e.filtered, e.scored()), (3, 1, 2));
        assert_eq!((e.prompt_tokens, e.completion_tokens), (prompt_tokens, 4096));
        let cost = (prompt_tokens as f64 * 0.35 + 4096.0 * 0.75) / 1e6;
        assert!((e.cost_usd.unwrap() - cost).abs() < 1e-12, "{e:?}");
        // The description is cut as the prompt cuts it: a longer one costs no more.
        let longer = estimate(&[job("1", 4000.0, &"x".repeat(5000))], &profile, &llm(Some((0.35, 0.75))));
        assert_eq!(longer.prompt_tokens, system + user(&jobs[0]));
        assert!(e.describe(&llm(Some((0.35, 0.75)))).contains("2 scorer calls to Cerebras gpt-oss-120b"));
    }

    #[test]
    fn the_rules_scorer_is_free_and_an_unknown_price_is_said() {
        let profile = LoadedProfile::default_profile().profile;
        let jobs = [job("1", 4000.0, "a"), job("2", 100.0, "b")];
        let e = estimate(&jobs, &profile, &Pricing::Rules);
        assert_eq!((e.jobs, e.filtered, e.prompt_tokens, e.completion_tokens, e.cost_usd), (2, 1, 0, 0, Some(0.0)));
        assert!(e.describe(&Pricing::Rules).ends_with("estimated cost $0"), "{}", e.describe(&Pricing::Rules));
        let unknown = estimate(&jobs, &profile, &llm(None));
        assert_eq!((unknown.completion_tokens, unknown.cost_usd), (2048, None));
        assert!(unknown.describe(&llm(None)).contains("cost unknown: no price for model gpt-oss-120b"));
        assert_eq!(Pricing::from_config(None), Pricing::Rules);
    }
}
