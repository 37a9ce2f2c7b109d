//! `upflow profile tune [--write PATH]`: criterion weights suggested by the decisions stored in
//! `DATABASE_URL` (see [`upflow::profile::tune`]) for the profile of `PROFILE_PATH` (else the
//! default). Prints the evidence (how many decisions of each kind, the model's coefficients and
//! how often it is right on them), the current and the suggested weights, and what the
//! suggestion would change in the ranking of the stored jobs; writes the tuned profile only
//! with `--write` (as TOML, without the original's comments).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use upflow::config::DatabaseConfig;
use upflow::profile::tune::{self, Example};
use upflow::profile::{LoadedProfile, Priority, Profile, CRITERIA};
use upflow::read::decisions::{scored_jobs, ScoredJob};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Suggest criterion weights from your decisions (applied, not for me, ...) and show what
    /// they would change; writes nothing unless --write.
    Tune {
        /// Write the tuned profile to this TOML file (comments of the original are not kept).
        #[arg(long)]
        write: Option<PathBuf>,
    },
}

pub fn run(args: &Args) -> ExitCode {
    match &args.command {
        Command::Tune { write } => super::block_on("profile tune", tune_profile(write.clone())),
    }
}

async fn tune_profile(write: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let loaded = LoadedProfile::from_env()?;
    let pool = DatabaseConfig::from_env()?.pool()?;
    let client = pool.get().await.map_err(|e| anyhow::anyhow!("connect to Postgres: {e}"))?;
    let jobs = scored_jobs(&**client).await?;
    let current: [f64; 5] = CRITERIA.map(|k| loaded.profile.criteria.get(k).weight);
    let examples: Vec<Example> = jobs
        .iter()
        .filter(|j| j.went_for || j.not_for_me)
        .map(|j| Example { scores: j.scores, went_for: j.went_for })
        .collect();
    println!("profile: {} (version {}), {} scored jobs", loaded.profile.name, loaded.version, jobs.len());
    let s = match tune::suggest(&examples, current) {
        Ok(s) => s,
        Err(why) => {
            println!("no suggestion: {why}");
            return Ok(ExitCode::SUCCESS);
        }
    };
    println!(
        "evidence: {} jobs applied to (or further), {} not for me; a logistic regression of one against the other \
         on the five scores classifies {:.0}% of them right",
        s.went_for,
        s.not_for_me,
        100.0 * s.accuracy
    );
    println!("\n{:<15} {:>11} {:>11} {:>10}", "criterion", "coefficient", "weight now", "suggested");
    for (i, k) in CRITERIA.iter().enumerate() {
        println!("{:<15} {:>+11.2} {:>11} {:>10}", k.label(), s.coefficients[i], current[i], s.weights[i]);
    }
    println!(
        "(the learned weights count {:.0}% in the suggestion, the current ones the rest: {} decisions against a prior of {})",
        100.0 * s.evidence_share,
        examples.len(),
        tune::PRIOR
    );
    let suggested = s.weights.map(f64::from);
    print_changes(&jobs, &current, &suggested, &loaded.profile);
    match write {
        None => println!("\nnothing written: run again with --write PATH to save the tuned profile"),
        Some(path) => {
            let mut tuned = loaded.profile.clone();
            for (i, k) in CRITERIA.iter().enumerate() {
                tuned.criteria.get_mut(*k).weight = suggested[i];
            }
            let text = toml::to_string_pretty(&tuned).context("write the profile as TOML")?;
            let check = LoadedProfile::from_toml(&text, "the tuned profile")?;
            std::fs::write(&path, text).with_context(|| format!("write {}", path.display()))?;
            println!("\nwrote {} (version {}); point PROFILE_PATH at it to use it", path.display(), check.version);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the suggested weights change on the stored jobs: the top 20, the High band, and where
/// the decided jobs land.
fn print_changes(jobs: &[ScoredJob], current: &[f64; 5], suggested: &[f64; 5], profile: &Profile) {
    let t = profile.priority;
    let ranked = |w: &[f64; 5]| {
        let mut order: Vec<(f64, &str)> = jobs.iter().map(|j| (tune::total(&j.scores, w), j.job_id.as_str())).collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(a.1)));
        order.into_iter().take(20).map(|(_, id)| id).collect::<Vec<_>>()
    };
    let (before, after) = (ranked(current), ranked(suggested));
    let stay = after.iter().filter(|id| before.contains(id)).count();
    let high = |w: &[f64; 5], keep: &dyn Fn(&ScoredJob) -> bool| {
        jobs.iter().filter(|j| keep(j) && profile.priority_of(tune::total(&j.scores, w)) == Priority::High).count()
    };
    let all = |_: &ScoredJob| true;
    let went = |j: &ScoredJob| j.went_for;
    let nope = |j: &ScoredJob| j.not_for_me;
    let moved = jobs
        .iter()
        .filter(|j| {
            let band = |w: &[f64; 5]| profile.priority_of(tune::total(&j.scores, w));
            band(current) != band(suggested)
        })
        .count();
    println!("\non the {} stored jobs, with the suggested weights:", jobs.len());
    println!("  top 20: {stay} stay, {} new", after.len() - stay);
    println!("  High (>= {}): {} jobs now, {} after", t.high, high(current, &all), high(suggested, &all));
    println!("  of the jobs you went for, High: {} now, {} after", high(current, &went), high(suggested, &went));
    println!("  of the jobs not for you, High: {} now, {} after", high(current, &nope), high(suggested, &nope));
    println!("  jobs that change priority band: {moved}");
}
