//! The naive-SQL baseline for the match benchmark: the same question as
//! `GET /api/v1/job-orders/{id}/matches` answered the straightforward way, by joins, filters,
//! aggregates and a sort in SQL on every request, with no precomputation. It talks to the SQLite
//! file directly (no HTTP, no JSON), which only flatters the baseline.
//!
//! ```sh
//! cargo run --release --example naive_match -- --database /tmp/bench/bh.db --job-order 1 --requests 20
//! ```
//! Prints p50/p90/p99/max in milliseconds and the top ids, so the ranking can be compared.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable};

#[derive(QueryableByName)]
struct Need {
    #[diesel(sql_type = BigInt)]
    skill_id: i64,
    #[diesel(sql_type = Integer)]
    weight: i32,
    #[diesel(sql_type = Integer)]
    min_years: i32,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    required: bool,
}

#[derive(QueryableByName)]
struct Job {
    #[diesel(sql_type = BigInt)]
    agency_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    budget: Option<i64>,
}

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

#[derive(QueryableByName)]
struct Rate {
    #[diesel(sql_type = BigInt)]
    rate: i64,
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = Nullable<BigInt>)]
    status: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    no_rate: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    over_budget: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    missing: Option<i64>,
}

fn main() {
    let (mut database, mut job_order, mut requests) = (String::new(), 1i64, 20usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().expect("a value after the option");
        match arg.as_str() {
            "--database" => database = value,
            "--job-order" => job_order = value.parse().expect("a job order id"),
            "--requests" => requests = value.parse().expect("a number of requests"),
            other => panic!("unknown option {other}"),
        }
    }
    let mut conn = SqliteConnection::establish(&database).expect("the database opens");
    let job: Job = diesel::sql_query(
        "SELECT j.agency_id, COALESCE(j.max_rate_cents, c.max_rate_cents) AS budget
         FROM job_orders j JOIN clients c ON c.id = j.client_id WHERE j.id = ?",
    )
    .bind::<BigInt, _>(job_order)
    .get_result(&mut conn)
    .expect("the job order exists");
    let needs: Vec<Need> = diesel::sql_query(
        "SELECT skill_id, weight, min_years, required FROM job_order_skills WHERE job_order_id = ? ORDER BY position",
    )
    .bind::<BigInt, _>(job_order)
    .load(&mut conn)
    .expect("needs load");
    let values = needs
        .iter()
        .map(|n| {
            let worth = f64::from(n.weight.max(1)) * if n.required { 1.0 } else { 1.0 / 3.0 };
            format!("({}, {worth}, {}, {})", n.skill_id, n.min_years, i32::from(n.required))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let required: Vec<String> = needs.iter().filter(|n| n.required).map(|n| n.skill_id.to_string()).collect();
    let budget = job.budget.unwrap_or(i64::MAX);
    let rank_sql = format!(
        "WITH needs(skill_id, worth, min_years, required) AS (VALUES {values})
         SELECT c.id,
           50.0 * SUM(CASE
               WHEN cs.skill_id IS NULL THEN 0
               WHEN n.min_years <= 0 OR cs.years >= n.min_years THEN n.worth
               WHEN cs.years IS NULL THEN n.worth * 0.5
               ELSE n.worth * (0.5 + 0.5 * MAX(cs.years, 0) / n.min_years) END) / (SELECT SUM(worth) FROM needs)
           + 20.0 * MIN(COALESCE(c.it_experience_months, 0) / 120.0, 1.0)
           + 15.0 * MIN(1.0,
               (CASE WHEN c.crossover_signals LIKE '%healthcare_training%' THEN 0.35 ELSE 0 END)
             + (CASE WHEN c.crossover_signals LIKE '%healthcare_certification%' THEN 0.3 ELSE 0 END)
             + (CASE WHEN c.crossover_signals LIKE '%clinical_background%' THEN 0.3 ELSE 0 END)
             + (CASE WHEN c.crossover_signals LIKE '%clinical_volunteering%' THEN 0.2 ELSE 0 END)
             + (CASE WHEN c.crossover_signals LIKE '%lower_rate_ok%' THEN 0.2 ELSE 0 END))
           + 15.0 * MIN(1.0, MAX(0.0, ({budget} - COALESCE(c.min_rate_cents, c.desired_rate_cents)) * 5.0 / {budget}))
           AS score
         FROM candidates c
         CROSS JOIN needs n
         LEFT JOIN candidate_skills cs ON cs.candidate_id = c.id AND cs.skill_id = n.skill_id
         WHERE c.agency_id = ? AND c.status = 'active'
           AND COALESCE(c.min_rate_cents, c.desired_rate_cents) <= {budget}
         GROUP BY c.id
         HAVING SUM(CASE WHEN cs.skill_id IS NOT NULL AND n.required = 1 THEN 1 ELSE 0 END) > 0
         ORDER BY score DESC, c.id DESC
         LIMIT 20"
    );
    let market_sql = format!(
        "SELECT c.desired_rate_cents AS rate FROM candidates c
         WHERE c.agency_id = ? AND c.status <> 'archived' AND c.healthcare_experience_months >= 24
           AND c.desired_rate_cents IS NOT NULL
           AND (SELECT COUNT(*) FROM candidate_skills cs WHERE cs.candidate_id = c.id AND cs.skill_id IN ({})) = {}
         ORDER BY rate",
        if required.is_empty() { "NULL".to_owned() } else { required.join(",") },
        required.len()
    );
    let counts_sql = format!(
        "SELECT
           SUM(CASE WHEN status <> 'active' THEN 1 ELSE 0 END) AS status,
           SUM(CASE WHEN status = 'active' AND COALESCE(min_rate_cents, desired_rate_cents) IS NULL THEN 1 ELSE 0 END) AS no_rate,
           SUM(CASE WHEN status = 'active' AND COALESCE(min_rate_cents, desired_rate_cents) > {budget} THEN 1 ELSE 0 END) AS over_budget,
           SUM(CASE WHEN status = 'active' AND COALESCE(min_rate_cents, desired_rate_cents) <= {budget}
                     AND NOT EXISTS (SELECT 1 FROM candidate_skills cs WHERE cs.candidate_id = c.id AND cs.skill_id IN ({}))
               THEN 1 ELSE 0 END) AS missing
         FROM candidates c WHERE agency_id = ?",
        if required.is_empty() { "NULL".to_owned() } else { required.join(",") }
    );
    let mut times = Vec::with_capacity(requests);
    let mut top = Vec::new();
    let mut market = None;
    for _ in 0..requests {
        let started = Instant::now();
        let ranked: Vec<Ranked> =
            diesel::sql_query(&rank_sql).bind::<BigInt, _>(job.agency_id).load(&mut conn).expect("ranking runs");
        let rates: Vec<Rate> =
            diesel::sql_query(&market_sql).bind::<BigInt, _>(job.agency_id).load(&mut conn).expect("market runs");
        let counts: Counts =
            diesel::sql_query(&counts_sql).bind::<BigInt, _>(job.agency_id).get_result(&mut conn).expect("counts run");
        times.push(started.elapsed());
        top = ranked.iter().take(5).map(|r| format!("{}:{:.1}", r.id, r.score)).collect();
        market = rates.get(rates.len() / 2).map(|r| (r.rate, rates.len()));
        let _ = (counts.status, counts.no_rate, counts.over_budget, counts.missing);
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "naive SQL: {} requests  p50 {:.1} ms  p90 {:.1} ms  p99 {:.1} ms  max {:.1} ms  market {:?}  top {}",
        times.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(0.99)),
        ms(*times.last().unwrap()),
        market,
        top.join(" ")
    );
}
