//! `bridgehire generate <count> --user <email>`: fills an agency with realistic synthetic
//! candidates, for benchmarks and demos. Skills are drawn from the shipped taxonomy with a long
//! tail (a few skills common, most rare); rates follow experience; each archetype the matching
//! question cares about is present: experienced healthcare-IT people, IT people ready to cross
//! over (with training, volunteering, a lower rate), clinicians who moved into IT, IT people
//! without any healthcare tie, and juniors. Most candidates get a short text résumé, so search
//! has text to look through. The same seed gives the same data.

use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Settings;
use crate::db::models::candidates::{self, Resolved};
use crate::db::models::resumes::{self, NewResume, Parsed};
use crate::db::models::skills::SkillRef;
use crate::db::schema::skills;
use crate::db::{self, search, write_tx, DbConnection};
use crate::domain::candidate::{CandidateDraft, Signal, SignalKind, SkillClaim, Status};
use crate::domain::skills::Level;

const FIRST: &[&str] = &[
    "Ava", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Imani", "Jonas", "Keiko", "Luis", "Maya", "Nate",
    "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Abbott", "Bauer", "Chen", "Diaz", "Eze", "Fischer", "Gupta", "Haddad", "Ibarra", "Jensen", "Kowalski", "Lopez",
    "Mensah", "Nguyen", "Okafor", "Patel", "Quist", "Reyes", "Singh", "Tanaka", "Usman", "Vargas", "Walsh", "Young",
];
const CITIES: &[&str] = &[
    "Tulsa, OK",
    "Omaha, NE",
    "Boise, ID",
    "Fargo, ND",
    "Des Moines, IA",
    "Little Rock, AR",
    "Spokane, WA",
    "Lubbock, TX",
    "Madison, WI",
    "Chattanooga, TN",
    "Billings, MT",
    "Albany, NY",
];
const HEALTH_EMPLOYERS: &[&str] = &[
    "St. Brigid Medical Center",
    "Valley Health System",
    "Prairie Rural Clinic",
    "Northside Family Practice",
    "Mercy Regional Hospital",
    "Lakeshore Children's Hospital",
    "Summit Orthopedic Clinic",
    "Heartland Health Plan",
];
const IT_EMPLOYERS: &[&str] = &[
    "Acme Logistics",
    "Bluewave Software",
    "Granite Bank",
    "Copperline Telecom",
    "Northwind Retail",
    "Orbit Insurance",
    "Redfield Manufacturing",
    "Tallgrass Energy",
];

#[derive(Clone, Copy)]
enum Archetype {
    ExperiencedHealthIt,
    CrossoverIt,
    ClinicianToIt,
    PureIt,
    Junior,
}

/// The shipped skills of one category, most common first, with cumulative weights for a
/// long-tailed draw.
struct Pool {
    skills: Vec<SkillRef>,
    cumulative: Vec<f64>,
}

impl Pool {
    fn new(skills: Vec<SkillRef>) -> Pool {
        let mut total = 0.0;
        let cumulative = (0..skills.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 1.0).powf(0.9);
                total
            })
            .collect();
        Pool { skills, cumulative }
    }

    fn draw(&self, rng: &mut StdRng) -> &SkillRef {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.gen_range(0.0..total);
        let i = self.cumulative.partition_point(|c| *c < x).min(self.skills.len() - 1);
        &self.skills[i]
    }
}

struct Taxonomy {
    health_it: Pool,
    clinical: Pool,
    general_it: Pool,
    certification: Pool,
}

fn load_taxonomy(conn: &mut DbConnection) -> anyhow::Result<Taxonomy> {
    let rows: Vec<(i64, String, String)> = skills::table
        .filter(skills::agency_id.is_null())
        .order(skills::id.asc())
        .select((skills::id, skills::name, skills::category))
        .load(conn)?;
    let pool = |category: &str| {
        Pool::new(
            rows.iter()
                .filter(|(_, _, c)| c == category)
                .map(|(id, name, category)| SkillRef { id: *id, name: name.clone(), category: category.clone() })
                .collect(),
        )
    };
    Ok(Taxonomy {
        health_it: pool("healthcare_it"),
        clinical: pool("clinical"),
        general_it: pool("general_it"),
        certification: pool("certification"),
    })
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

/// One synthetic candidate and the text of their résumé, if they have one.
fn candidate(rng: &mut StdRng, taxonomy: &Taxonomy, n: usize) -> (Resolved, Option<String>) {
    let archetype = match rng.gen_range(0..100) {
        0..=24 => Archetype::ExperiencedHealthIt,
        25..=59 => Archetype::CrossoverIt,
        60..=69 => Archetype::ClinicianToIt,
        70..=94 => Archetype::PureIt,
        _ => Archetype::Junior,
    };
    let (it_months, hc_months, counts, dollars) = match archetype {
        Archetype::ExperiencedHealthIt => {
            let it = rng.gen_range(48..240);
            (it, rng.gen_range(36..=it), (rng.gen_range(4..9), 0, rng.gen_range(2..6)), 75.0 + it as f64 * 0.3)
        }
        Archetype::CrossoverIt => {
            let it = rng.gen_range(24..180);
            (it, rng.gen_range(0..13), (rng.gen_range(0..3), 0, rng.gen_range(5..11)), 40.0 + it as f64 * 0.35)
        }
        Archetype::ClinicianToIt => {
            (rng.gen_range(0..37), rng.gen_range(36..240), (rng.gen_range(1..4), rng.gen_range(2..5), 1), 38.0)
        }
        Archetype::PureIt => {
            let it = rng.gen_range(12..240);
            (it, 0, (0, 0, rng.gen_range(4..11)), 45.0 + it as f64 * 0.4)
        }
        Archetype::Junior => (rng.gen_range(0..25), 0, (0, 0, rng.gen_range(1..4)), 24.0),
    };
    let mut skills: Vec<SkillRef> = Vec::new();
    let mut claims: Vec<SkillClaim> = Vec::new();
    for (pool, count) in
        [(&taxonomy.health_it, counts.0), (&taxonomy.clinical, counts.1), (&taxonomy.general_it, counts.2)]
    {
        for _ in 0..count {
            let skill = pool.draw(rng);
            if skills.iter().any(|s| s.id == skill.id) {
                continue;
            }
            let cap = if skill.category == "healthcare_it" { hc_months.max(it_months / 2) } else { it_months };
            let years = (cap > 12).then(|| rng.gen_range(1..=(cap / 12).max(1)));
            let level = years.map(|y| match y {
                0..=2 => Level::Beginner,
                3..=5 => Level::Intermediate,
                6..=9 => Level::Advanced,
                _ => Level::Expert,
            });
            claims.push(SkillClaim { name: skill.name.clone(), years, level });
            skills.push(skill.clone());
        }
    }
    let mut signals = Vec::new();
    let mut certifications = Vec::new();
    let signal = |kind, detail: &str| Signal { kind, detail: Some(detail.to_owned()) };
    match archetype {
        Archetype::CrossoverIt => {
            if rng.gen_bool(0.5) {
                signals.push(signal(SignalKind::HealthcareTraining, "CompTIA Healthcare IT Technician course"));
            }
            if rng.gen_bool(0.3) {
                signals.push(signal(SignalKind::ClinicalVolunteering, "Volunteers at a free clinic"));
            }
            if rng.gen_bool(0.4) {
                signals.push(signal(SignalKind::LowerRateOk, "Open to a lower rate for healthcare experience"));
            }
            if rng.gen_bool(0.2) {
                let cert = taxonomy.certification.draw(rng).name.clone();
                signals.push(signal(SignalKind::HealthcareCertification, &cert));
                certifications.push(cert);
            }
        }
        Archetype::ClinicianToIt => {
            signals.push(signal(SignalKind::ClinicalBackground, "Registered nurse"));
        }
        Archetype::ExperiencedHealthIt if rng.gen_bool(0.6) => {
            certifications.push(taxonomy.certification.draw(rng).name.clone());
        }
        _ => {}
    }
    let desired = (dollars * rng.gen_range(0.85..1.2)).round() as i64 * 100;
    let discount = if signals.iter().any(|s| s.kind == SignalKind::LowerRateOk) { 0.7 } else { 0.9 };
    let min = (desired as f64 * rng.gen_range(discount..1.0) / 100.0).round() as i64 * 100;
    let first = pick(rng, FIRST);
    let last = pick(rng, LAST);
    let full_name = format!("{first} {last}");
    let email = format!("{}.{}.{n}@example.org", first.to_lowercase(), last.to_lowercase());
    let location = pick(rng, CITIES).to_owned();
    let headline = match archetype {
        Archetype::ExperiencedHealthIt => format!("{} analyst", skills.first().map_or("Healthcare IT", |s| &s.name)),
        Archetype::CrossoverIt => "Systems administrator moving into healthcare IT".to_owned(),
        Archetype::ClinicianToIt => "Registered nurse and EHR super-user".to_owned(),
        Archetype::PureIt => format!("{} engineer", skills.first().map_or("IT", |s| &s.name)),
        Archetype::Junior => "Help desk technician".to_owned(),
    };
    let status = match rng.gen_range(0..100) {
        0..=84 => Status::Active,
        85..=94 => Status::Placed,
        _ => Status::Archived,
    };
    let resume = rng.gen_bool(0.8).then(|| {
        let employer = if hc_months > 0 { pick(rng, HEALTH_EMPLOYERS) } else { pick(rng, IT_EMPLOYERS) };
        let named: Vec<&str> = skills.iter().map(|s| s.name.as_str()).collect();
        let mut text = format!("{full_name}\n{location} | {email}\n\nSUMMARY\n{headline}.\n\nEXPERIENCE\n");
        text.push_str(&format!("{headline}, {employer}\n{} – Present\n", 2026 - (it_months.max(12) / 12) as i64));
        for group in named.chunks(3) {
            text.push_str(&format!("• Worked daily with {}\n", group.join(", ")));
        }
        for s in &signals {
            text.push_str(&format!("• {}\n", s.detail.as_deref().unwrap_or_default()));
        }
        text
    });
    let draft = CandidateDraft {
        full_name,
        email: Some(email),
        phone: Some(format!("+1 555 {:04}", n % 10_000)),
        location: Some(location),
        remote_ok: rng.gen_bool(0.5),
        status,
        headline: Some(headline),
        skills: claims,
        certifications,
        crossover_signals: signals,
        it_experience_months: Some(it_months),
        healthcare_experience_months: Some(hc_months),
        desired_rate_cents: Some(desired),
        min_rate_cents: Some(min.min(desired)),
        available_from: None,
        tags: Vec::new(),
        notes: None,
    };
    (Resolved { draft, skills }, resume)
}

/// Generates `count` candidates into the agency of the user with this e-mail address, in
/// transactions of 500, printing progress.
pub fn run(settings: Settings, count: usize, email: &str, seed: u64) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database, 1, settings.db_busy_timeout_ms)?;
    let mut conn = pool.get()?;
    let user = crate::import::active_user(&mut conn, email)?;
    let taxonomy = load_taxonomy(&mut conn)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let bar = indicatif::ProgressBar::new(count as u64);
    let started = std::time::Instant::now();
    let mut made = 0;
    while made < count {
        let size = (count - made).min(500);
        let (people, texts): (Vec<Resolved>, Vec<Option<String>>) =
            (made..made + size).map(|n| candidate(&mut rng, &taxonomy, n)).unzip();
        write_tx(&mut conn, |conn| -> anyhow::Result<()> {
            let ids = candidates::insert_many(conn, user.agency_id, &people)?;
            for (id, resume) in ids.iter().zip(&texts) {
                if let Some(text) = resume {
                    {
                        let sha256 = crate::resume::intake::sha256_hex(text.as_bytes());
                        let parsed = Parsed {
                            text: Some(text.clone()),
                            extraction: None,
                            extractor_version: None,
                            status: "parsed",
                            status_detail: None,
                        };
                        let resume = NewResume {
                            filename: "resume.txt",
                            format: "txt",
                            content_type: "text/plain; charset=utf-8",
                            bytes: text.as_bytes(),
                            sha256: &sha256,
                            uploaded_by: Some(user.id),
                            parsed,
                        };
                        let resume = resumes::insert(conn, user.agency_id, *id, &resume)?;
                        candidates::set_first_resume(conn, user.agency_id, *id, resume.id)?;
                    }
                }
                search::refresh(conn, user.agency_id, *id)?;
            }
            Ok(())
        })?;
        made += size;
        bar.set_position(made as u64);
    }
    bar.finish_and_clear();
    println!("generated {made} candidates in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
