//! Reads a résumé's text into structured data with a healthcare-IT lens: contact details,
//! skills through the taxonomy (with years where the work history shows them), jobs with their
//! dates and whether each is IT and/or healthcare, IT and healthcare months (overlaps counted
//! once), certifications, education and crossover signals. Every item carries the line it came
//! from. Pure: text in, [`Extraction`] out.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::dates::{self, Span, YearMonth};
use super::names;
use super::skills::{clean_line, SkillMatcher};
use crate::domain::candidate::{mentions_healthcare_training, SignalKind};
use crate::domain::skills::Category;

/// Bumped whenever the rules change, so stored extractions can be re-run.
pub const EXTRACTOR_VERSION: &str = "2";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// 1-based line number in the extracted text.
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub value: String,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillFound {
    pub name: String,
    pub category: Category,
    /// Whole years, from the jobs that mention the skill or a "5 years of …" phrase.
    pub years: Option<i32>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub heading: String,
    pub start: String,
    pub end: String,
    pub current: bool,
    pub months: i32,
    pub it: bool,
    pub healthcare: bool,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalFound {
    pub kind: SignalKind,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    pub extractor_version: String,
    pub name: Option<Field>,
    pub email: Option<Field>,
    pub phone: Option<Field>,
    pub location: Option<Field>,
    pub skills: Vec<SkillFound>,
    /// Broader skills the found ones imply ("Epic Cadence" → "Epic"), not themselves written.
    pub implied_skills: Vec<String>,
    pub jobs: Vec<Job>,
    pub it_experience_months: i32,
    pub healthcare_experience_months: i32,
    pub certifications: Vec<Field>,
    pub education: Vec<Field>,
    pub crossover_signals: Vec<SignalFound>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Top,
    Summary,
    Experience,
    Education,
    Skills,
    Certifications,
    Volunteer,
    Other,
}

fn heading(line: &str) -> Option<Section> {
    let words: String =
        line.chars().map(|c| if c.is_alphabetic() || c == '&' { c.to_ascii_lowercase() } else { ' ' }).collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    // A heading is short, starts with a capital and is no sentence: "education." that ends a
    // wrapped bullet is not the Education section.
    let capitalised = line.chars().find(|c| c.is_alphabetic()).is_some_and(|c| c.is_uppercase());
    if words.is_empty()
        || words.split(' ').count() > 5
        || line.len() > 60
        || !capitalised
        || line.trim_end().ends_with(['.', ',', ';'])
    {
        return None;
    }
    let table: &[(&[&str], Section)] = &[
        (
            &[
                "experience",
                "work experience",
                "professional experience",
                "employment history",
                "work history",
                "employment",
                "career history",
                "relevant experience",
                "it experience",
                "healthcare experience",
                "professional history",
                "experience highlights",
                "technical experience",
                "clinical experience",
            ],
            Section::Experience,
        ),
        (&["education", "education & training", "education and training", "academic background"], Section::Education),
        (
            &[
                "skills",
                "technical skills",
                "core competencies",
                "technologies",
                "tools",
                "skills & tools",
                "key skills",
                "areas of expertise",
                "expertise",
                "technical proficiencies",
                "competencies",
                "skills summary",
                "technical summary",
                "tools & technologies",
                "tools and technologies",
            ],
            Section::Skills,
        ),
        (
            &[
                "certifications",
                "certification",
                "licenses",
                "certifications & licenses",
                "licenses & certifications",
                "credentials",
                "certifications and licenses",
                "licenses and certifications",
                "certificates",
                "professional development",
                "training",
                "certifications & training",
            ],
            Section::Certifications,
        ),
        (
            &["volunteer", "volunteering", "volunteer experience", "community service", "volunteer work", "service"],
            Section::Volunteer,
        ),
        (
            &["summary", "profile", "professional summary", "objective", "about", "about me", "career objective"],
            Section::Summary,
        ),
        (&["projects", "publications", "awards", "interests", "references", "languages", "activities"], Section::Other),
    ];
    table.iter().find(|(names, _)| names.contains(&words.as_str())).map(|(_, s)| *s)
}

/// Whether `line` is a section heading the extractor knows ("Work History", "SKILLS").
pub(super) fn is_section_heading(line: &str) -> bool {
    heading(line).is_some()
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("extractor pattern"))
}

fn contains_any(haystack: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| word_in(haystack, n))
}

/// `needle` in `haystack` (both lower case) as a whole word or phrase.
fn word_in(haystack: &str, needle: &str) -> bool {
    let bytes = haystack.as_bytes();
    haystack.match_indices(needle).any(|(i, _)| {
        let before = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let end = i + needle.len();
        let after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        before && after
    })
}

const IT_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "programmer",
    "administrator",
    "admin",
    "sysadmin",
    "architect",
    "it",
    "i.t.",
    "information technology",
    "information systems",
    "help desk",
    "helpdesk",
    "service desk",
    "desktop support",
    "technical support",
    "tech support",
    "it support",
    "systems",
    "network",
    "networking",
    "database",
    "dba",
    "devops",
    "software",
    "informatics",
    "informaticist",
    "epic",
    "cerner",
    "meditech",
    "hl7",
    "interface",
    "interfaces",
    "integration",
    "data",
    "cloud",
    "security",
    "cybersecurity",
    "web",
    "application",
    "applications",
    "business analyst",
    "edi",
    "noc",
    "soc",
    "ehr",
    "emr",
    "clinical systems",
    "infrastructure",
    "sre",
    "qa",
    "test",
    "computer",
    "technology",
    "tech",
    "full stack",
    "full-stack",
    "front-end",
    "back-end",
    "backend",
    "frontend",
    "bi",
    "reporting",
    "report writer",
    "implementation",
    "go-live",
    "super user",
    "super-user",
    "superuser",
];

const NOT_IT_TITLES: &[&str] = &[
    "pharmacy technician",
    "emergency medical technician",
    "financial analyst",
    "billing specialist",
    "nurse",
    "registered nurse",
    "medical assistant",
    "cashier",
    "teacher",
    "sales associate",
    "receptionist",
];

const HEALTHCARE_WORDS: &[&str] = &[
    "hospital",
    "hospitals",
    "clinic",
    "clinics",
    "clinical",
    "medical",
    "medicine",
    "health",
    "healthcare",
    "health care",
    "physician",
    "physicians",
    "pediatric",
    "pediatrics",
    "cardiology",
    "oncology",
    "orthopedic",
    "orthopedics",
    "surgical",
    "surgery",
    "surgeons",
    "nursing",
    "nurse",
    "rn",
    "lpn",
    "cna",
    "pharmacy",
    "pharmacist",
    "pharmaceutical",
    "laboratory",
    "laboratories",
    "diagnostic",
    "diagnostics",
    "labs",
    "radiology",
    "imaging",
    "rehab",
    "rehabilitation",
    "hospice",
    "care center",
    "senior living",
    "dental",
    "dentistry",
    "orthodontics",
    "orthodontic",
    "optometry",
    "chiropractic",
    "physical therapy",
    "urgent care",
    "emergency department",
    "ems",
    "paramedic",
    "emt",
    "medical assistant",
    "family practice",
    "family medicine",
    "health plan",
    "health system",
    "medicaid",
    "medicare",
    "blue cross",
    "blue shield",
    "patient",
    "patients",
    "behavioral health",
    "mental health",
    "long-term care",
    "home health",
    "dialysis",
    "infirmary",
    "med center",
    "healthplan",
    "health network",
    "primary care",
    "internal medicine",
    "dermatology",
    "ob/gyn",
    "women's health",
];

const CLINICAL_TITLES: &[&str] = &[
    "nurse",
    "rn",
    "lpn",
    "lvn",
    "cna",
    "medical assistant",
    "cma",
    "paramedic",
    "emt",
    "pharmacy technician",
    "pharmacy tech",
    "pharmacist",
    "practice manager",
    "office manager",
    "medical receptionist",
    "unit clerk",
    "unit secretary",
    "patient care technician",
    "phlebotomist",
    "radiologic technologist",
    "respiratory therapist",
    "medical coder",
    "medical biller",
    "health information technician",
    "caregiver",
    "physician assistant",
    "nursing assistant",
    "clinical coordinator",
    "charge nurse",
    "scribe",
];

/// Whether a job is IT work, judged from its heading lines (title and employer).
fn is_it(context: &str) -> bool {
    if contains_any(context, NOT_IT_TITLES)
        && !contains_any(context, &["informatics", "informaticist", "super user", "super-user", "epic", "it"])
    {
        return false;
    }
    contains_any(context, IT_WORDS)
}

fn is_healthcare(context: &str) -> bool {
    contains_any(context, HEALTHCARE_WORDS)
}

struct Line {
    number: usize,
    text: String,
    section: Section,
}

fn is_bullet(raw: &str) -> bool {
    let t = raw.trim_start();
    t.starts_with(['•', '-', '*', '·', '▪', '◦', '●', '–', '\u{f0b7}', '■', '►', '➢', '✓'])
}

fn months_of(spans: impl Iterator<Item = Span>) -> i32 {
    let mut covered = BTreeSet::new();
    for span in spans {
        covered.extend(span.start.0..=span.end.0);
    }
    covered.len() as i32
}

struct JobDraft {
    span: Span,
    heading: String,
    context: String,
    first_line: usize,
    evidence: Evidence,
    lines: std::ops::Range<usize>,
}

/// Reads `text`; `today` is the month "Present" means.
pub fn extract(text: &str, today: chrono::NaiveDate) -> Extraction {
    let today = YearMonth::from_date(today);
    let matcher = SkillMatcher::shipped();
    let mut section = Section::Top;
    let mut lines: Vec<Line> = Vec::new();
    let mut bullets: Vec<bool> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let cleaned = clean_line(raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'));
        if cleaned.is_empty() {
            continue;
        }
        if let Some(s) = heading(&cleaned) {
            section = s;
        }
        bullets.push(is_bullet(raw));
        lines.push(Line { number: i + 1, text: cleaned, section });
    }
    let evidence = |l: &Line| Evidence { line: l.number, text: l.text.clone() };
    let mut out = Extraction { extractor_version: EXTRACTOR_VERSION.to_owned(), ..Default::default() };

    contact(&lines, &mut out, &evidence);

    // Jobs: date ranges in the experience section (or anywhere outside education when the
    // résumé has no such heading).
    let has_experience = lines.iter().any(|l| l.section == Section::Experience);
    let mut drafts: Vec<JobDraft> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let eligible = if has_experience {
            line.section == Section::Experience
        } else {
            matches!(line.section, Section::Top | Section::Summary | Section::Other)
        };
        if !eligible || heading(&line.text).is_some() {
            continue;
        }
        let found = dates::ranges(&line.text, today);
        let Some(first) = found.first() else { continue };
        let mut head: Vec<String> = Vec::new();
        let previous_end = drafts.last().map(|d| d.first_line + 1).unwrap_or(0);
        let rest = format!("{} {}", &line.text[..first.at.start], &line.text[first.at.end..]);
        let rest = rest.trim_matches(|c: char| c.is_whitespace() || "|,–—-()".contains(c)).to_owned();
        // Title and employer sit on the date line or just above it; with a bare date line, also
        // just below it.
        let mut j = i;
        while j > previous_end && j + 2 > i && j > 0 {
            j -= 1;
            let l = &lines[j];
            if bullets[j]
                || l.section != line.section
                || heading(&l.text).is_some()
                || !dates::ranges(&l.text, today).is_empty()
            {
                break;
            }
            // Wrapped description lines are sentences or start in lower case: not a heading.
            let continuation = l.text.ends_with(['.', ';']) || l.text.chars().next().is_some_and(|c| c.is_lowercase());
            if l.text.split_whitespace().count() > 14 || continuation {
                break;
            }
            head.insert(0, l.text.clone());
        }
        if !rest.is_empty() {
            head.push(rest);
        }
        // The line below belongs to this job when it is a short heading-like line (the
        // employer under "date  title") and not the heading of the next job, which would sit
        // right above that job's own date line.
        if let Some(next) = lines.get(i + 1) {
            let next_job_heading = lines.get(i + 2).is_some_and(|after| !dates::ranges(&after.text, today).is_empty());
            let sentence =
                next.text.ends_with(['.', ';']) || next.text.chars().next().is_some_and(|c| c.is_lowercase());
            if !bullets[i + 1]
                && !sentence
                && !next_job_heading
                && heading(&next.text).is_none()
                && next.section == line.section
                && dates::ranges(&next.text, today).is_empty()
                && next.text.split_whitespace().count() <= 12
            {
                head.push(next.text.clone());
            }
        }
        let first_line = i.saturating_sub(head.len().min(2));
        if let Some(last) = drafts.last_mut() {
            last.lines.end = first_line.max(last.lines.start + 1);
        }
        let heading_text = head.join(" | ");
        drafts.push(JobDraft {
            span: first.span,
            context: heading_text.to_lowercase(),
            heading: heading_text,
            first_line,
            evidence: evidence(line),
            lines: first_line..lines.len(),
        });
    }
    // A job's lines end where its section ends.
    for d in &mut drafts {
        let section = lines[d.lines.start].section;
        if let Some(stop) = (d.lines.start..d.lines.end).find(|&k| lines[k].section != section && k > d.lines.start) {
            d.lines.end = stop;
        }
    }
    let jobs: Vec<(Job, std::ops::Range<usize>, Span)> = drafts
        .into_iter()
        .map(|d| {
            let job = Job {
                heading: d.heading.clone(),
                start: d.span.start.to_string(),
                end: if d.span.current { "present".into() } else { d.span.end.to_string() },
                current: d.span.current,
                months: d.span.months(),
                it: is_it(&d.context),
                healthcare: is_healthcare(&d.context),
                evidence: d.evidence,
            };
            (job, d.lines, d.span)
        })
        .collect();
    out.it_experience_months = months_of(jobs.iter().filter(|(j, ..)| j.it).map(|(_, _, s)| *s));
    out.healthcare_experience_months = months_of(jobs.iter().filter(|(j, ..)| j.healthcare).map(|(_, _, s)| *s));

    // Skills, with the jobs that mention them.
    let years_re = {
        static CELL: OnceLock<Regex> = OnceLock::new();
        re(&CELL, r"(?i)\b(\d{1,2})\+?\s*(?:years?|yrs?)\b")
    };
    let mut found: BTreeMap<String, (SkillFound, BTreeSet<usize>, Option<i32>)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let hits = matcher.find(&line.text);
        let stated_years = if hits.len() == 1 {
            years_re.captures(&line.text).and_then(|c| c[1].parse::<i32>().ok()).filter(|y| *y <= 60)
        } else {
            None
        };
        for hit in hits {
            let entry = hit.entry;
            let job_ids: Vec<usize> =
                jobs.iter().enumerate().filter(|(_, (_, r, _))| r.contains(&k)).map(|(n, _)| n).collect();
            let slot = found.entry(entry.name.clone()).or_insert_with(|| {
                order.push(entry.name.clone());
                (
                    SkillFound {
                        name: entry.name.clone(),
                        category: entry.category,
                        years: None,
                        evidence: evidence(line),
                    },
                    BTreeSet::new(),
                    None,
                )
            });
            slot.1.extend(job_ids);
            if stated_years.is_some() {
                slot.2 = stated_years;
            }
        }
    }
    let mut implied = BTreeSet::new();
    for name in &order {
        let (mut skill, job_ids, stated) = found.remove(name).expect("found skill");
        let job_months = months_of(job_ids.iter().map(|&n| jobs[n].2));
        skill.years = stated.or((job_months >= 6).then(|| (job_months + 6) / 12));
        if let Some(entry) = crate::domain::taxonomy::Taxonomy::shipped().lookup(&skill.name) {
            implied.extend(entry.implies.iter().cloned());
        }
        if skill.category == Category::Certification {
            out.certifications.push(Field { value: skill.name.clone(), evidence: skill.evidence.clone() });
        }
        out.skills.push(skill);
    }
    let written: BTreeSet<&str> = out.skills.iter().map(|s| s.name.as_str()).collect();
    out.implied_skills = implied.into_iter().filter(|n| !written.contains(n.as_str())).collect();

    for line in lines.iter().filter(|l| l.section == Section::Certifications && heading(&l.text).is_none()) {
        let value = line.text.trim_start_matches(|c: char| !c.is_alphanumeric()).to_owned();
        let known = out.certifications.iter().any(|c| c.evidence.line == line.number);
        if !value.is_empty() && !known {
            out.certifications.push(Field { value, evidence: evidence(line) });
        }
    }
    let degree = {
        static CELL: OnceLock<Regex> = OnceLock::new();
        re(
            &CELL,
            r"(?i)\b(b\.?s\.?|b\.?a\.?|m\.?s\.?|m\.?b\.?a\.?|a\.?a\.?s?\.?|ph\.?d\.?|bachelor|master|associate|diploma|degree|certificate|bsn|adn|msn)\b",
        )
    };
    for line in lines.iter().filter(|l| l.section == Section::Education && heading(&l.text).is_none()) {
        if degree.is_match(&line.text) {
            out.education.push(Field { value: line.text.clone(), evidence: evidence(line) });
        }
    }

    signals(&lines, &jobs.iter().map(|(j, ..)| j).collect::<Vec<_>>(), &mut out, &evidence);
    out.jobs = jobs.into_iter().map(|(j, ..)| j).collect();
    out
}

fn contact(lines: &[Line], out: &mut Extraction, evidence: &dyn Fn(&Line) -> Evidence) {
    static EMAIL: OnceLock<Regex> = OnceLock::new();
    static PHONE: OnceLock<Regex> = OnceLock::new();
    static PLACE: OnceLock<Regex> = OnceLock::new();
    let email = re(&EMAIL, r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}");
    let phone = re(&PHONE, r"(?:\+?1[\s.\-]?)?\(?\b\d{3}\)?[\s.\-]?\d{3}[\s.\-]\d{4}\b");
    let place = re(&PLACE, r"\b([A-Z][A-Za-z.'\-]+(?: [A-Z][A-Za-z.'\-]+){0,3}),\s*([A-Z]{2})\b");
    for line in lines.iter().take(40) {
        if out.email.is_none() {
            if let Some(m) = email.find(&line.text) {
                out.email = Some(Field { value: m.as_str().to_owned(), evidence: evidence(line) });
            }
        }
        if out.phone.is_none() {
            if let Some(m) = phone.find(&line.text) {
                out.phone = Some(Field { value: m.as_str().trim().to_owned(), evidence: evidence(line) });
            }
        }
    }
    for line in lines.iter().take(12) {
        if out.location.is_none() && line.section == Section::Top {
            if let Some(c) = place.captures_iter(&line.text).find(|c| names::STATE_CODES.contains(&&c[2])) {
                out.location = Some(Field { value: format!("{}, {}", &c[1], &c[2]), evidence: evidence(line) });
            }
        }
    }
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    if let Some((i, value)) = names::find(&texts, out.email.as_ref().map(|e| e.value.as_str())) {
        out.name = Some(Field { value, evidence: evidence(&lines[i]) });
    }
}

fn signals(lines: &[Line], jobs: &[&Job], out: &mut Extraction, evidence: &dyn Fn(&Line) -> Evidence) {
    static LOWER_RATE: OnceLock<Regex> = OnceLock::new();
    let lower_rate = re(
        &LOWER_RATE,
        r"(?i)(lower|reduced|entry[- ]level|discounted|below[- ]market)\s+(hourly\s+)?(rate|pay|salary|compensation|wage)|\binternship\b|willing to (accept|take|start)|open to (a\s+)?(lower|reduced|entry)",
    );
    let push = |kind: SignalKind, line: &Line, out: &mut Extraction| {
        if !out.crossover_signals.iter().any(|s| s.kind == kind) {
            out.crossover_signals.push(SignalFound { kind, evidence: evidence(line) });
        }
    };
    for line in lines {
        let lower = line.text.to_lowercase();
        if mentions_healthcare_training(&line.text) {
            push(SignalKind::HealthcareTraining, line, out);
        }
        if (word_in(&lower, "volunteer")
            || word_in(&lower, "volunteered")
            || word_in(&lower, "volunteering")
            || lower.contains("medical mission")
            || line.section == Section::Volunteer)
            && (is_healthcare(&lower) || lower.contains("mission"))
        {
            push(SignalKind::ClinicalVolunteering, line, out);
        }
        if lower_rate.is_match(&line.text) {
            push(SignalKind::LowerRateOk, line, out);
        }
    }
    let healthcare_cert = out.skills.iter().find(|s| {
        s.category == Category::Certification
            && crate::domain::taxonomy::Taxonomy::shipped().lookup(&s.name).is_some_and(|e| {
                e.closes.iter().any(|c| {
                    crate::domain::taxonomy::Taxonomy::shipped()
                        .lookup(c)
                        .is_some_and(|t| matches!(t.category, Category::HealthcareIt | Category::Clinical))
                })
            })
    });
    if let Some(cert) = healthcare_cert {
        if !out.crossover_signals.iter().any(|s| s.kind == SignalKind::HealthcareCertification) {
            out.crossover_signals
                .push(SignalFound { kind: SignalKind::HealthcareCertification, evidence: cert.evidence.clone() });
        }
    }
    if let Some(job) = jobs.iter().find(|j| contains_any(&j.heading.to_lowercase(), CLINICAL_TITLES)) {
        if !out.crossover_signals.iter().any(|s| s.kind == SignalKind::ClinicalBackground) {
            out.crossover_signals
                .push(SignalFound { kind: SignalKind::ClinicalBackground, evidence: job.evidence.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 15);

    fn read(text: &str) -> Extraction {
        extract(text, chrono::NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap())
    }

    const CROSSOVER: &str = "Dana Reyes
Tulsa, OK | dana.reyes@example.org | (918) 555-0100

SUMMARY
Network administrator completing the CompTIA Healthcare IT Technician course; open to a reduced rate to gain healthcare experience.

EXPERIENCE
Network Administrator, Acme Logistics
Jan 2019 – Present
• Cisco switching and routing; Active Directory and Group Policy for 400 users
Help Desk Technician — Riverside Medical Center
06/2016 - 12/2018
• Supported Epic Hyperspace workstations and HL7 2.x label printers

EDUCATION
B.S. Information Technology, Tulsa Community College, 2012 – 2016

VOLUNTEER
Free clinic volunteer, Tulsa Community Health, 2020 – 2022
";

    #[test]
    fn reads_contact_details() {
        let x = read(CROSSOVER);
        assert_eq!(x.name.unwrap().value, "Dana Reyes");
        assert_eq!(x.email.unwrap().value, "dana.reyes@example.org");
        assert_eq!(x.phone.unwrap().value, "(918) 555-0100");
        assert_eq!(x.location.unwrap().value, "Tulsa, OK");
    }

    #[test]
    fn counts_it_and_healthcare_months_from_the_work_history_only() {
        let x = read(CROSSOVER);
        assert_eq!(x.jobs.len(), 2, "{:#?}", x.jobs);
        // Jan 2019 – Nov 2026 = 95 months; Jun 2016 – Dec 2018 = 31 months.
        assert_eq!(x.it_experience_months, 95 + 31);
        assert_eq!(x.healthcare_experience_months, 31);
        assert!(x.jobs[1].healthcare && !x.jobs[0].healthcare);
    }

    #[test]
    fn finds_skills_with_evidence_and_years() {
        let x = read(CROSSOVER);
        let names: Vec<&str> = x.skills.iter().map(|s| s.name.as_str()).collect();
        assert!(names.contains(&"HL7 v2"), "{names:?}");
        assert!(names.contains(&"Active Directory"), "{names:?}");
        let hl7 = x.skills.iter().find(|s| s.name == "HL7 v2").unwrap();
        assert!(hl7.evidence.text.contains("HL7 2.x"));
        assert_eq!(hl7.years, Some(3));
    }

    #[test]
    fn finds_crossover_signals() {
        let x = read(CROSSOVER);
        let kinds: Vec<SignalKind> = x.crossover_signals.iter().map(|s| s.kind).collect();
        assert!(kinds.contains(&SignalKind::HealthcareTraining), "{kinds:?}");
        assert!(kinds.contains(&SignalKind::LowerRateOk), "{kinds:?}");
        assert!(kinds.contains(&SignalKind::ClinicalVolunteering), "{kinds:?}");
    }

    #[test]
    fn the_name_is_read_past_headings_places_and_employers() {
        let x = read("CORE SKILLS\nEpic Cadence · HL7 v2\nSalt Lake City, UT\nNorthstar Health IT Staffing, LLC\nDANA REYES, RN\nNetwork Administrator\ndana.reyes@example.org\n");
        let name = x.name.unwrap();
        assert_eq!(name.value, "Dana Reyes");
        assert_eq!((name.evidence.line, name.evidence.text.as_str()), (5, "DANA REYES, RN"));
    }

    #[test]
    fn a_name_below_a_sidebar_needs_the_email_to_agree() {
        let sidebar =
            "CONTACT\nOmaha, NE\n(402) 555-0155\nEMAIL\nCORE SKILLS\n– DICOM\n– Epic Radiant\nCREDENTIALS\n– CIIP\n";
        let agreeing = format!(
            "{}Rebecca Thornbury\nPACS Administrator\n",
            sidebar.replace("EMAIL", "rthornbury@imaging-it.example")
        );
        assert_eq!(read(&agreeing).name.unwrap().value, "Rebecca Thornbury");
        let unrelated =
            format!("{}Rebecca Thornbury\nPACS Administrator\n", sidebar.replace("EMAIL", "jobs@imaging-it.example"));
        assert_eq!(read(&unrelated).name, None, "no name rather than a guess");
    }

    #[test]
    fn no_line_that_qualifies_gives_no_name() {
        let x = read("SUMMARY\nSystems Administrator\nTucson, AZ\nPima Valley Medical Center\n");
        assert_eq!(x.name, None);
    }

    #[test]
    fn empty_text_reads_as_nothing() {
        let x = read("");
        assert!(x.name.is_none() && x.skills.is_empty() && x.jobs.is_empty());
    }
}
