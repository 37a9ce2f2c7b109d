//! The ranked table printed in the terminal.

use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

/// One ranked line.
pub struct Ranked {
    pub total: f64,
    pub priority: String,
    pub title: String,
    pub budget: String,
    pub client: String,
    pub proposals: String,
    pub relevant: bool,
}

/// The best `limit` scored jobs among `ids` under `version`, best first, then newest.
pub async fn ranked(
    client: &impl GenericClient,
    ids: &[String],
    version: &str,
    limit: usize,
) -> anyhow::Result<Vec<Ranked>> {
    let rows = client
        .query_typed(
            "SELECT e.total, e.priority, j.title, j.job_type, j.fixed_budget, j.hourly_min, j.hourly_max,
                    j.client_payment_verified, j.client_rating, j.client_total_spent, j.proposals_min,
                    j.proposals_max, e.relevant
             FROM evaluations e JOIN jobs j USING (job_id)
             WHERE e.job_id = ANY($1) AND e.profile_version = $2 AND e.status = 'scored'
             ORDER BY e.total DESC, j.posted_at DESC NULLS LAST, j.job_id
             LIMIT $3",
            &[(&ids, Type::TEXT_ARRAY), (&version, Type::TEXT), (&(limit as i64), Type::INT8)],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let money = upflow::profile::filters::money;
            let budget = match r.get::<_, &str>(3) {
                "hourly" => match (r.get::<_, Option<f64>>(5), r.get::<_, Option<f64>>(6)) {
                    (Some(lo), Some(hi)) if lo != hi => format!("{}-{}/h", money(lo), money(hi)),
                    (Some(v), _) | (_, Some(v)) => format!("{}/h", money(v)),
                    _ => "hourly".into(),
                },
                _ => r.get::<_, Option<f64>>(4).map(money).unwrap_or_else(|| "-".into()),
            };
            let mut client = Vec::new();
            match r.get::<_, Option<bool>>(7) {
                Some(true) => client.push("verified".to_string()),
                Some(false) => client.push("unverified".to_string()),
                None => {}
            }
            if let Some(rating) = r.get::<_, Option<f64>>(8) {
                client.push(format!("{rating:.1}*"));
            }
            if let Some(spent) = r.get::<_, Option<f64>>(9) {
                client.push(format!("{} spent", money(spent)));
            }
            let proposals = match (r.get::<_, Option<i32>>(10), r.get::<_, Option<i32>>(11)) {
                (Some(lo), Some(hi)) if lo != hi => format!("{lo}-{hi}"),
                (Some(lo), Some(_)) => lo.to_string(),
                (Some(lo), None) => format!("{lo}+"),
                _ => "-".into(),
            };
            Ranked {
                total: r.get(0),
                priority: r.get(1),
                title: r.get(2),
                budget,
                client: client.join(", "),
                proposals,
                relevant: r.get::<_, Option<bool>>(12).unwrap_or(true),
            }
        })
        .collect())
}

/// Estimated cost of the evaluations of `ids` under `version` (`None` when a price is unknown).
pub async fn cost(client: &impl GenericClient, ids: &[String], version: &str) -> anyhow::Result<Option<f64>> {
    let row = client
        .query_typed(
            "SELECT sum(cost_usd), count(*) FILTER (WHERE cost_usd IS NULL) FROM evaluations
             WHERE job_id = ANY($1) AND profile_version = $2",
            &[(&ids, Type::TEXT_ARRAY), (&version, Type::TEXT)],
        )
        .await?;
    let (sum, unknown): (Option<f64>, i64) = (row[0].get(0), row[0].get(1));
    Ok(if unknown > 0 { None } else { Some(sum.unwrap_or(0.0)) })
}

/// `s` on one line, padded or cut (with `…`) to `width` characters.
pub fn cut(s: &str, width: usize) -> String {
    let flat = upflow::display::one_line(s);
    let n = flat.chars().count();
    if n <= width {
        format!("{flat}{}", " ".repeat(width - n))
    } else {
        format!("{}…", flat.chars().take(width - 1).collect::<String>())
    }
}

/// Renders the table.
pub fn render(rows: &[Ranked]) -> String {
    let mut out = format!(
        "{:>3}  {:>5}  {:<6}  {}  {}  {}  {}\n",
        "#",
        "score",
        "prio",
        cut("title", 52),
        cut("budget", 14),
        cut("client", 30),
        "proposals"
    );
    for (i, r) in rows.iter().enumerate() {
        let title = if r.relevant { r.title.clone() } else { format!("(off-profile) {}", r.title) };
        out.push_str(&format!(
            "{:>3}  {:>5.1}  {:<6}  {}  {}  {}  {}\n",
            i + 1,
            r.total,
            r.priority,
            cut(&title, 52),
            cut(&r.budget, 14),
            cut(&r.client, 30),
            r.proposals
        ));
    }
    if rows.is_empty() {
        out.push_str("(no scored jobs)\n");
    }
    out
}
