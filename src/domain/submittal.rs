//! The submittal: a shortlisted candidate presented to the client, ready to send. It is blind by
//! default (first name and last initial; never an e-mail address, a phone number, a street
//! address or a link), and it names the **bill rate** the agency offers: never the pay rate, the
//! markup or the margin, which are the agency's own. The type has no field for them.

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use crate::pdf::Block;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmittedSkill {
    pub name: String,
    pub years: Option<i32>,
    /// The résumé line that shows it, scrubbed of contact details.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Submittal {
    pub agency: String,
    pub client: String,
    pub job_title: String,
    pub prepared_on: NaiveDate,
    /// "Jordan T." when blind, else the full name.
    pub candidate: String,
    pub blind: bool,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub it_experience_months: Option<i32>,
    pub healthcare_experience_months: Option<i32>,
    pub matched_skills: Vec<SubmittedSkill>,
    /// The role's skills the candidate does not hold yet.
    pub to_learn: Vec<String>,
    /// Why this person is ready to move into healthcare, in plain words.
    pub crossover: Vec<String>,
    /// Certifications before the start, then those the role's employer would sponsor.
    pub ramp_up_steps: Vec<String>,
    pub after_placement: Vec<String>,
    pub months_to_productive: Option<i32>,
    pub available_from: Option<NaiveDate>,
    /// The hourly bill rate the agency offers the client for this candidate.
    pub bill_rate_cents: Option<i64>,
}

/// First name and last initial: "Jordan Lee Taylor" → "Jordan T.". A single name stays as it is.
pub fn blind_name(full_name: &str) -> String {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    match words.as_slice() {
        [] => "Candidate".to_owned(),
        [only] => (*only).to_owned(),
        [first, .., last] => format!(
            "{first} {}.",
            last.chars().next().map(char::to_uppercase).into_iter().flatten().collect::<String>()
        ),
    }
}

fn contact_details() -> &'static Regex {
    static CONTACT: OnceLock<Regex> = OnceLock::new();
    CONTACT.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)[\w.+-]+@[\w-]+(\.[\w-]+)+",                                // e-mail
            r"|\b(https?://|www\.)\S+|\b[\w-]+\.(com|org|net|io|me|dev)/\S*", // links
            r"|\blinkedin\.com\S*|\bgithub\.com\S*",
            r"|(\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b", // phone (North American)
            r"|\+\d[\d\s().-]{6,18}\d|\b\d{3}[.-]\d{4}\b",             // international, local
            r"|\b\d{1,6}\s+(\w+\s+){0,3}(street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|parkway|pkwy)\b\.?", // street
        ))
        .expect("the contact pattern compiles")
    })
}

/// The text without contact details and, when blind, without the candidate's other names.
pub fn scrub(text: &str, hidden_names: &[String]) -> String {
    let mut out = contact_details().replace_all(text, "").into_owned();
    for name in hidden_names.iter().filter(|n| n.chars().count() >= 2) {
        let pattern = format!(r"(?i)\b{}\b", regex::escape(name));
        if let Ok(re) = Regex::new(&pattern) {
            out = re.replace_all(&out, "").into_owned();
        }
    }
    // What is left of each `|`-separated field, without the separators the removals orphaned.
    out.split('|')
        .map(|field| {
            let words = field.split_whitespace().collect::<Vec<_>>().join(" ");
            words.trim_matches(|c: char| ",;-–•·*".contains(c) || c.is_whitespace()).to_owned()
        })
        .filter(|field| !field.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The names a blind submittal hides: every name but the first.
pub fn hidden_names(full_name: &str) -> Vec<String> {
    full_name.split_whitespace().skip(1).map(str::to_owned).collect()
}

/// A location without a street address: "Tulsa, OK" stays; anything with a number goes.
pub fn public_location(location: Option<&str>) -> Option<String> {
    location.filter(|l| !l.chars().any(|c| c.is_ascii_digit())).map(str::to_owned)
}

fn money(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

fn span(months: i32) -> String {
    match months {
        m if m <= 0 => "none yet".to_owned(),
        m if m < 12 => format!("{m} month{}", if m == 1 { "" } else { "s" }),
        m if m % 12 == 0 => format!("{} year{}", m / 12, if m == 12 { "" } else { "s" }),
        m => format!("{:.1} years", f64::from(m) / 12.0),
    }
}

impl Submittal {
    /// The submittal as a document to render.
    pub fn blocks(&self) -> Vec<Block> {
        let mut blocks = vec![
            Block::Title(format!("Candidate submittal: {}", self.candidate)),
            Block::Paragraph(format!(
                "For {}, {}. Presented by {} on {}.",
                self.client,
                self.job_title,
                self.agency,
                self.prepared_on.format("%B %-d, %Y")
            )),
        ];
        if let Some(headline) = &self.headline {
            blocks.push(Block::Paragraph(headline.clone()));
        }
        blocks.push(Block::Heading("At a glance".into()));
        let mut glance = Vec::new();
        if let Some(location) = &self.location {
            glance.push(format!("Location: {location}"));
        }
        glance.push(format!("IT experience: {}", self.it_experience_months.map_or("not stated".into(), span)));
        glance.push(format!(
            "Healthcare experience: {}",
            self.healthcare_experience_months.map_or("not stated".into(), span)
        ));
        glance.push(format!(
            "Available: {}",
            self.available_from.map_or("now".into(), |d| d.format("%B %-d, %Y").to_string())
        ));
        if let Some(rate) = self.bill_rate_cents {
            glance.push(format!("Bill rate: {} an hour", money(rate)));
        }
        blocks.extend(glance.into_iter().map(Block::Bullet));
        if !self.matched_skills.is_empty() {
            blocks.push(Block::Heading("Skills for this role".into()));
            for skill in &self.matched_skills {
                let years = match skill.years {
                    Some(y) if y > 0 => format!(", {y} year{}", if y == 1 { "" } else { "s" }),
                    _ => String::new(),
                };
                let evidence = skill.evidence.as_ref().map(|e| format!(" (\u{201c}{e}\u{201d})")).unwrap_or_default();
                blocks.push(Block::Bullet(format!("{}{years}{evidence}", skill.name)));
            }
        }
        if !self.crossover.is_empty() || !self.ramp_up_steps.is_empty() || !self.to_learn.is_empty() {
            blocks.push(Block::Heading("Moving into healthcare".into()));
            for line in &self.crossover {
                blocks.push(Block::Bullet(line.clone()));
            }
            if !self.to_learn.is_empty() {
                blocks.push(Block::Bullet(format!("Still to learn: {}.", self.to_learn.join(", "))));
            }
            if !self.ramp_up_steps.is_empty() {
                blocks.push(Block::Bullet(format!("Before starting: {}.", self.ramp_up_steps.join(", "))));
            }
            if !self.after_placement.is_empty() {
                blocks.push(Block::Bullet(format!(
                    "Once placed, with the employer's sponsorship or the experience it asks for: {}.",
                    self.after_placement.join(", ")
                )));
            }
            if let Some(months) = self.months_to_productive {
                blocks.push(Block::Bullet(format!(
                    "About {months} month{} to productive.",
                    if months == 1 { "" } else { "s" }
                )));
            }
        }
        blocks.push(Block::Note(if self.blind {
            "Presented without contact details; the agency introduces the candidate on request.".into()
        } else {
            "Contact details are held by the agency, which arranges every introduction.".into()
        }));
        blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blind_names_keep_the_first_name_and_the_last_initial() {
        assert_eq!(blind_name("Jordan Lee Taylor"), "Jordan T.");
        assert_eq!(blind_name("  dana   reyes "), "dana R.");
        assert_eq!(blind_name("Cher"), "Cher");
        assert_eq!(blind_name(""), "Candidate");
    }

    #[test]
    fn contact_details_and_hidden_names_are_scrubbed() {
        let line =
            "Dana Reyes | dana.reyes@example.org | (918) 555-0100 | linkedin.com/in/dana | 1200 N Main St, Tulsa";
        assert_eq!(scrub(line, &hidden_names("Dana Reyes")), "Dana | Tulsa");
        assert_eq!(
            scrub("Epic Cadence build for 3 clinics, 2019-2023", &[]),
            "Epic Cadence build for 3 clinics, 2019-2023"
        );
        assert_eq!(scrub("Visit https://dana.dev/portfolio or www.example.com", &[]), "Visit or");
        assert_eq!(scrub("Call +44 20 7946 0958 or 555-0100; +1 (918) 555 0100", &[]), "Call or");
    }

    #[test]
    fn a_location_with_a_street_number_is_left_out() {
        assert_eq!(public_location(Some("Tulsa, OK")), Some("Tulsa, OK".into()));
        assert_eq!(public_location(Some("1200 N Main St, Tulsa, OK 74103")), None);
    }
}
