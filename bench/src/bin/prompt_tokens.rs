//! Tokens per evaluation for the real fixture jobs, counted with the o200k tokenizer that
//! gpt-oss uses (its harmony format adds special tokens around messages, counted here as a
//! fixed overhead), and the cost per 1,000 jobs at the model's list price.
//!
//! Input = system message + user message + the response schema (Cerebras puts the schema into
//! the prompt for structured output). Output = the answer JSON; for its size we use the rules
//! scorer's answer for each job, which has the same shape and comparable text. Reasoning
//! tokens at `reasoning_effort: low` cannot be measured offline and are reported separately as
//! an allowance.
//!
//! The same for a proposal draft (issue 11): the proposal system message, the proposal schema
//! and the user message with the job's assessment; the answer's size from the offline draft
//! (same shape; a model writes longer sentences, so it is a floor).

use upflow::evaluation::{prompt, schema};
use upflow::ingest::{read_all, ExportItem, ReadOptions};
use upflow::profile::LoadedProfile;

/// Harmony's per-message framing (`<|start|>role<|message|>…<|end|>`), about 4 tokens a message.
const FRAMING: usize = 3 * 4 + 3;
/// Allowance for reasoning at low effort, tokens (an assumption, stated in the output).
const REASONING_ALLOWANCE: usize = 250;
const PRICE_IN: f64 = 0.35;
const PRICE_OUT: f64 = 0.75;

fn main() -> anyhow::Result<()> {
    let bpe = tiktoken_rs::o200k_base()?;
    let profile = LoadedProfile::default_profile();
    let system = bpe.encode_ordinary(&prompt::system_message(&profile.profile)).len();
    let schema_tokens = bpe.encode_ordinary(&serde_json::to_string(&schema::assessment_schema())?).len();
    println!("system message {system} tokens; response schema {schema_tokens} tokens; framing ~{FRAMING}");
    for name in [upflow_tests::fixtures::SCRAPER, upflow_tests::fixtures::API_ACTOR] {
        let bytes = upflow_tests::fixtures::bytes(name);
        let options = ReadOptions { name: name.into(), format: None, reference_time: chrono::Utc::now() };
        let (items, _) = read_all(&bytes[..], &options)?;
        let jobs: Vec<&upflow::Job> = items.iter().filter_map(ExportItem::job).collect();
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for job in &jobs {
            let user = bpe.encode_ordinary(&prompt::user_message(job, prompt::DEFAULT_DESCRIPTION_CHARS)).len();
            inputs.push(system + schema_tokens + FRAMING + user);
            let answer = upflow::scoring::rules::assess(job, &profile.profile, chrono::Utc::now());
            outputs.push(bpe.encode_ordinary(&serde_json::to_string(&answer)?).len());
        }
        let avg = |v: &[usize]| v.iter().sum::<usize>() as f64 / v.len() as f64;
        let (min_in, max_in) = (inputs.iter().min().unwrap(), inputs.iter().max().unwrap());
        let (ain, aout) = (avg(&inputs), avg(&outputs));
        let cost = |out: f64| (ain * PRICE_IN + out * PRICE_OUT) / 1e6 * 1000.0;
        println!(
            "{name}: {} jobs; input avg {ain:.0} tokens (min {min_in}, max {max_in}); answer avg {aout:.0} tokens; \
             cost per 1,000 jobs ${:.3} (answer only) / ${:.3} (with {REASONING_ALLOWANCE} reasoning tokens)",
            jobs.len(),
            cost(aout),
            cost(aout + REASONING_ALLOWANCE as f64)
        );
    }
    proposals(&bpe, &profile)?;
    Ok(())
}

/// Tokens and cost per proposal draft.
fn proposals(bpe: &tiktoken_rs::CoreBPE, profile: &LoadedProfile) -> anyhow::Result<()> {
    use upflow::proposal::{offline, prompt as draft_prompt, schema as draft_schema};
    let section = profile.profile.proposal.as_ref().expect("the default profile has a [proposal] section");
    let system = bpe.encode_ordinary(&draft_prompt::system_message(&profile.profile, section)).len();
    let schema_tokens = bpe.encode_ordinary(&serde_json::to_string(&draft_schema::draft_schema(section))?).len();
    println!("proposal: system message {system} tokens; response schema {schema_tokens} tokens");
    for name in [upflow_tests::fixtures::SCRAPER, upflow_tests::fixtures::API_ACTOR] {
        let bytes = upflow_tests::fixtures::bytes(name);
        let options = ReadOptions { name: name.into(), format: None, reference_time: chrono::Utc::now() };
        let (items, _) = read_all(&bytes[..], &options)?;
        let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
        for job in items.iter().filter_map(ExportItem::job) {
            let assessment = upflow::scoring::rules::assess(job, &profile.profile, chrono::Utc::now());
            let user = draft_prompt::user_message(job, Some(&assessment), prompt::DEFAULT_DESCRIPTION_CHARS);
            inputs.push(system + schema_tokens + FRAMING + bpe.encode_ordinary(&user).len());
            let draft = offline::draft(job, &assessment, section);
            outputs.push(bpe.encode_ordinary(&serde_json::to_string(&draft)?).len());
        }
        let avg = |v: &[usize]| v.iter().sum::<usize>() as f64 / v.len() as f64;
        let (ain, aout) = (avg(&inputs), avg(&outputs));
        let cost = |out: f64| (ain * PRICE_IN + out * PRICE_OUT) / 1e6 * 1000.0;
        println!(
            "proposal, {name}: {} jobs; input avg {ain:.0} tokens (min {}, max {}); answer avg {aout:.0} tokens \
             (max {}); cost per 1,000 drafts ${:.3} (answer only) / ${:.3} (with {REASONING_ALLOWANCE} reasoning tokens)",
            inputs.len(),
            inputs.iter().min().unwrap(),
            inputs.iter().max().unwrap(),
            outputs.iter().max().unwrap(),
            cost(aout),
            cost(aout + REASONING_ALLOWANCE as f64)
        );
    }
    Ok(())
}
