//! `upflow profile tune`: criterion weights suggested by the freelancer's own decisions.
//!
//! The model is a logistic regression of "went for the job" (applied, interview, won or lost)
//! against "not for me", over the five criterion scores (0-10, scaled to 0-1), fitted by
//! gradient descent with a small L2 penalty, so it is deterministic and explainable: each
//! coefficient says how much a point on that criterion raises the odds that the freelancer goes
//! for a job. The suggested weights are the positive coefficients scaled to add up to 100,
//! blended with the current weights by how much evidence there is (`n / (n + PRIOR)` of the
//! suggestion), and rounded to whole numbers that still add up to 100. With too few decisions,
//! or decisions of one kind only, there is nothing to learn and no suggestion is made.

/// Decisions of each kind needed before a suggestion is made.
pub const MIN_EACH: usize = 5;

/// How many decisions count as much as the current weights in the blend.
pub const PRIOR: f64 = 50.0;

/// One decided job: its five criterion scores (0-10, in [`CRITERIA`](crate::profile::CRITERIA)
/// order) and whether the freelancer went for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Example {
    pub scores: [f64; 5],
    pub went_for: bool,
}

/// The fitted model and the weights it suggests.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Per criterion (in [`CRITERIA`](crate::profile::CRITERIA) order): the coefficient on the
    /// 0-1 scaled score.
    pub coefficients: [f64; 5],
    pub intercept: f64,
    /// Whole-number weights adding up to 100, in [`CRITERIA`](crate::profile::CRITERIA) order.
    pub weights: [u32; 5],
    /// The share of the suggestion in the blend with the current weights.
    pub evidence_share: f64,
    /// Of the examples, how many the model classifies right (at 0.5).
    pub accuracy: f64,
    pub went_for: usize,
    pub not_for_me: usize,
}

/// Why no suggestion is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoSuggestion {
    TooFew { went_for: usize, not_for_me: usize },
}

impl std::fmt::Display for NoSuggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoSuggestion::TooFew { went_for, not_for_me } => write!(
                f,
                "too few decisions to learn from: {went_for} applied (or further) and {not_for_me} not for me; \
                 at least {MIN_EACH} of each are needed"
            ),
        }
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Fits the model on `examples` and suggests weights from `current` (in
/// [`CRITERIA`](crate::profile::CRITERIA) order, adding up to 100).
pub fn suggest(examples: &[Example], current: [f64; 5]) -> Result<Suggestion, NoSuggestion> {
    let went_for = examples.iter().filter(|e| e.went_for).count();
    let not_for_me = examples.len() - went_for;
    if went_for < MIN_EACH || not_for_me < MIN_EACH {
        return Err(NoSuggestion::TooFew { went_for, not_for_me });
    }
    let (mut w, mut b) = ([0.0f64; 5], 0.0f64);
    let n = examples.len() as f64;
    const RATE: f64 = 0.5;
    const L2: f64 = 0.01;
    for _ in 0..3000 {
        let (mut gw, mut gb) = ([0.0f64; 5], 0.0f64);
        for e in examples {
            let x = e.scores.map(|s| s / 10.0);
            let p = sigmoid(b + (0..5).map(|i| w[i] * x[i]).sum::<f64>());
            let err = p - f64::from(u8::from(e.went_for));
            for i in 0..5 {
                gw[i] += err * x[i];
            }
            gb += err;
        }
        for i in 0..5 {
            w[i] -= RATE * (gw[i] / n + L2 * w[i]);
        }
        b -= RATE * gb / n;
    }
    let right = examples
        .iter()
        .filter(|e| {
            let p = sigmoid(b + (0..5).map(|i| w[i] * e.scores[i] / 10.0).sum::<f64>());
            (p >= 0.5) == e.went_for
        })
        .count();
    let positive: f64 = w.iter().map(|c| c.max(0.0)).sum();
    let share = n / (n + PRIOR);
    let blended: [f64; 5] = std::array::from_fn(|i| {
        let learned = if positive > 0.0 { 100.0 * w[i].max(0.0) / positive } else { current[i] };
        share * learned + (1.0 - share) * current[i]
    });
    Ok(Suggestion {
        coefficients: w,
        intercept: b,
        weights: whole_percent(blended),
        evidence_share: share,
        accuracy: right as f64 / n,
        went_for,
        not_for_me,
    })
}

/// Rounds shares to whole numbers that add up to 100 (largest remainders first).
fn whole_percent(shares: [f64; 5]) -> [u32; 5] {
    let total: f64 = shares.iter().sum();
    let exact = shares.map(|s| if total > 0.0 { 100.0 * s / total } else { 20.0 });
    let mut out = exact.map(|x| x.floor() as u32);
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let missing = 100 - out.iter().sum::<u32>();
    for &i in order.iter().take(missing as usize) {
        out[i] += 1;
    }
    out
}

/// The total (0-100) of five scores under whole-number `weights` adding up to 100.
pub fn total(scores: &[f64; 5], weights: &[f64; 5]) -> f64 {
    (0..5).map(|i| weights[i] * scores[i] / 10.0).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A freelancer who goes for jobs by technical fit (index 3) and budget (index 0) only; the
    /// other three scores are independent noise (a fixed xorshift sequence).
    fn decided_by_fit_and_budget() -> Vec<Example> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut score = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 11) as f64
        };
        (0..200)
            .map(|_| {
                let scores = [score(), score(), score(), score(), score()];
                Example { scores, went_for: scores[3] + scores[0] >= 10.0 }
            })
            .collect()
    }

    #[test]
    fn the_criteria_that_decide_get_the_weight() {
        let s = suggest(&decided_by_fit_and_budget(), [25.0, 15.0, 20.0, 30.0, 10.0]).unwrap();
        assert_eq!(s.weights.iter().sum::<u32>(), 100);
        assert!(s.coefficients[3] > 1.0 && s.coefficients[0] > 1.0, "{:?}", s.coefficients);
        assert!(s.weights[3] > 30 && s.weights[0] > 25, "{:?}", s.weights);
        assert!(s.weights[1] < 15 && s.weights[2] < 20 && s.weights[4] < 10, "{:?}", s.weights);
        assert!(s.accuracy > 0.85, "{}", s.accuracy);
        assert!((s.evidence_share - 200.0 / 250.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_or_one_sided_decisions_suggest_nothing() {
        let all_applied: Vec<Example> =
            (0..20).map(|i| Example { scores: [f64::from(i % 10); 5], went_for: true }).collect();
        assert_eq!(suggest(&all_applied, [20.0; 5]), Err(NoSuggestion::TooFew { went_for: 20, not_for_me: 0 }));
        assert!(suggest(&[], [20.0; 5]).is_err());
    }

    #[test]
    fn whole_percentages_add_up_to_100() {
        assert_eq!(whole_percent([1.0, 1.0, 1.0, 0.0, 0.0]).iter().sum::<u32>(), 100);
        assert_eq!(whole_percent([25.0, 15.0, 20.0, 30.0, 10.0]), [25, 15, 20, 30, 10]);
        assert_eq!(whole_percent([0.0; 5]), [20; 5]);
        assert_eq!(total(&[10.0; 5], &[25.0, 15.0, 20.0, 30.0, 10.0]), 100.0);
    }
}
