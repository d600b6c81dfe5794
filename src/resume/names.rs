//! Finds the candidate's name among a résumé's first lines. A name is a short line (or the
//! first part of one, before "," "|" "·" …) of two to four person-name words near the top. Many
//! lines up there look the same at a glance — "CORE SKILLS", "Salt Lake City, UT", "Lakeshore
//! Regional Health", "Network Administrator" — so each kind is ruled out by its own words, and a
//! line that the e-mail address agrees with ("dana.reyes@…" and "Dana Reyes") is preferred. No
//! name is better than a wrong one: the caller falls back to the file name.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::extract::is_section_heading;
use super::skills::SkillMatcher;

/// How many of the first non-empty lines may hold the name on position alone.
const TOP_LINES: usize = 6;

/// How many lines may hold a name the e-mail address agrees with: two-column PDFs put the
/// sidebar (contact, skills, certifications) before the name, 15–25 lines down.
const AGREEING_LINES: usize = 40;

/// US state and territory codes, for "Tulsa, OK" and "Albuquerque NM".
pub const STATE_CODES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME",
    "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
    "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR",
];

/// US state names, lower case.
const STATE_NAMES: &[&str] = &[
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "new hampshire",
    "new jersey",
    "new mexico",
    "new york",
    "north carolina",
    "north dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "rhode island",
    "south carolina",
    "south dakota",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "washington",
    "west virginia",
    "wisconsin",
    "wyoming",
    "puerto rico",
];

/// State names that are also common surnames: a name may end with them ("Denzel Washington");
/// only "…, Washington" after a comma is a place.
const STATE_SURNAMES: &[&str] = &["washington"];

/// Words that make a line a place even without a state: "Salt Lake City", "Orange County".
const PLACE_WORDS: &[&str] = &["city", "county", "township", "parish", "borough"];

/// Words of section headings, in any case. Any one of them rules a line out: nobody's name
/// contains "Skills", but "CORE SKILLS", "Contact Information" and "Key Qualifications" are
/// not all in the extractor's heading table.
const HEADING_WORDS: &[&str] = &[
    "skills",
    "skill",
    "experience",
    "summary",
    "profile",
    "education",
    "certifications",
    "certification",
    "certificates",
    "contact",
    "objective",
    "competencies",
    "expertise",
    "qualifications",
    "references",
    "toolbox",
    "technologies",
    "credentials",
    "licenses",
    "licensure",
    "employment",
    "history",
    "projects",
    "publications",
    "awards",
    "interests",
    "languages",
    "highlights",
    "overview",
    "achievements",
    "accomplishments",
    "training",
    "tools",
    "information",
    "details",
    "volunteer",
    "volunteering",
    "resume",
    "résumé",
    "curriculum",
    "vitae",
];

/// Words of employers and other organisations.
const ORGANISATION_WORDS: &[&str] = &[
    "hospital",
    "hospitals",
    "health",
    "healthcare",
    "medical",
    "medicine",
    "center",
    "centre",
    "clinic",
    "clinics",
    "pediatrics",
    "physicians",
    "dentistry",
    "pharmacy",
    "laboratories",
    "labs",
    "inc",
    "llc",
    "llp",
    "ltd",
    "plc",
    "gmbh",
    "corp",
    "corporation",
    "co",
    "company",
    "university",
    "college",
    "school",
    "academy",
    "institute",
    "systems",
    "system",
    "group",
    "partners",
    "associates",
    "solutions",
    "services",
    "technologies",
    "consulting",
    "enterprises",
    "holdings",
    "international",
    "global",
    "foundation",
    "bank",
    "agency",
    "department",
    "government",
    "federal",
    "cooperative",
    "logistics",
    "network",
    "networks",
    "software",
    "telecom",
];

/// Words of job titles and roles.
const TITLE_WORDS: &[&str] = &[
    "analyst",
    "engineer",
    "administrator",
    "admin",
    "developer",
    "programmer",
    "manager",
    "specialist",
    "technician",
    "technologist",
    "tech",
    "nurse",
    "coordinator",
    "consultant",
    "director",
    "architect",
    "officer",
    "assistant",
    "associate",
    "intern",
    "supervisor",
    "representative",
    "scientist",
    "designer",
    "writer",
    "trainer",
    "educator",
    "informaticist",
    "pharmacist",
    "therapist",
    "clerk",
    "scribe",
    "paramedic",
    "physician",
    "executive",
    "president",
    "founder",
    "student",
    "graduate",
    "lead",
    "senior",
    "junior",
    "principal",
    "chief",
    "support",
    "desk",
    "operator",
    "auditor",
    "accountant",
    "coder",
    "biller",
    "recruiter",
    "instructor",
    "teacher",
    "professor",
];

/// Lower-case particles that belong inside a name ("Maria de la Cruz"); they do not count as
/// name words and stay lower case when an ALL-CAPS name is normalised.
const PARTICLES: &[&str] =
    &["de", "da", "das", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "ter", "y"];

/// Credentials written after a name without a comma ("Dana Reyes RN"); dropped.
const CREDENTIALS: &[&str] = &[
    "rn", "bsn", "msn", "dnp", "lpn", "lvn", "cna", "cma", "md", "do", "phd", "pharmd", "mba", "mha", "mph", "pmp",
    "cpa", "rhit", "rhia", "ccs", "crcr", "cppm", "cphims", "cahims", "chts", "cpht", "emt", "ms", "bs", "ma", "ba",
];

/// The candidate's name and the index (into `lines`) of the line it was read from. `email` is
/// the address found on the résumé, if any.
///
/// In order: a name in the first lines that the e-mail address agrees with; else the first name
/// in the first lines; else a name further down that the e-mail address agrees with (the
/// sidebar-first layouts). A lone line further down is not trusted on its own.
pub fn find(lines: &[&str], email: Option<&str>) -> Option<(usize, String)> {
    let local = email.and_then(|e| e.split('@').next()).unwrap_or_default();
    let names: Vec<(usize, String)> = lines
        .iter()
        .take(AGREEING_LINES)
        .enumerate()
        .filter_map(|(i, line)| person_name(line).map(|name| (i, name)))
        .collect();
    let agreeing = |(_, name): &&(usize, String)| agrees_with_email(name, local);
    let top = || names.iter().filter(|(i, _)| *i < TOP_LINES);
    top().find(agreeing).or_else(|| top().next()).or_else(|| names.iter().find(agreeing)).cloned()
}

/// The person's name written at the start of `line`, normalised, or `None` when the line is
/// anything else.
pub fn person_name(line: &str) -> Option<String> {
    let line = line.trim();
    if !line.chars().next().is_some_and(char::is_alphabetic) {
        // Bullets and list items ("– Google Cloud") are never the name line.
        return None;
    }
    let without_nicknames = drop_nicknames(line);
    let (candidate, after) = first_part(&without_nicknames);
    let words = drop_credentials(candidate.split_whitespace().collect());
    let candidate = words.join(" ");
    if !shaped_like_a_name(&words)
        || is_heading(&candidate)
        || is_place(&words, after)
        || names_an_organisation(&words)
        || names_a_job(&words)
        || is_only_skills(&candidate)
    {
        return None;
    }
    Some(if is_all_caps(&candidate) { title_case(&words) } else { candidate })
}

/// Removes nicknames in quotes or brackets: `KATHLEEN "KATIE" BRENNAN` → `KATHLEEN BRENNAN`.
fn drop_nicknames(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut closing: Option<char> = None;
    for c in line.chars() {
        match closing {
            Some(end) if c == end => closing = None,
            Some(_) => {}
            None => match c {
                '"' => closing = Some('"'),
                '“' => closing = Some('”'),
                '(' => closing = Some(')'),
                '[' => closing = Some(']'),
                _ => out.push(c),
            },
        }
    }
    out
}

/// The line up to its first separator, and what follows that separator. Hyphens inside words
/// ("Chen-Marsh") do not separate; a spaced hyphen does.
fn first_part(line: &str) -> (&str, &str) {
    let separators = [',', '|', '•', '·', '—', '–', '\t', '/', ';', ':', '→'];
    let at = [line.find(separators), line.find(" - ")].into_iter().flatten().min();
    match at {
        Some(i) => (&line[..i], &line[i..]),
        None => (line, ""),
    }
}

/// Drops credentials written after the name without a comma.
fn drop_credentials(mut words: Vec<&str>) -> Vec<&str> {
    while words.len() > 2 && words.last().is_some_and(|w| CREDENTIALS.contains(&bare(w).as_str())) {
        words.pop();
    }
    words
}

/// A word lower case, without surrounding punctuation: "Inc." → "inc".
fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// Two to four capitalised name words (particles and initials allowed), nothing else: no digits,
/// no addresses, no lower-case words.
fn shaped_like_a_name(words: &[&str]) -> bool {
    let counted = words.iter().skip(1).filter(|w| !PARTICLES.contains(&w.to_lowercase().as_str())).count() + 1;
    (2..=4).contains(&counted)
        && words.len() <= 6
        && words.first().is_some_and(|w| is_name_word(w))
        && words.iter().all(|w| is_name_word(w) || PARTICLES.contains(w))
}

/// "Dana", "O'Neil", "Chen-Marsh", "J.", "MUÑOZ": starts with a capital; letters, with single
/// apostrophes, hyphens or a final full stop between them.
fn is_name_word(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let Some(first) = chars.first() else { return false };
    if !first.is_uppercase() {
        return false;
    }
    let marks = ['\'', '’', '-'];
    chars.iter().enumerate().all(|(i, c)| {
        let last = i + 1 == chars.len();
        c.is_alphabetic()
            || (marks.contains(c) && !last && chars.get(i + 1).is_some_and(|n| n.is_alphabetic()))
            || (*c == '.' && last && chars.iter().filter(|c| c.is_alphabetic()).count() <= 2)
    })
}

/// A section heading in any case, including ones the extractor's table does not know.
fn is_heading(candidate: &str) -> bool {
    is_section_heading(candidate) || candidate.split_whitespace().any(|w| HEADING_WORDS.contains(&bare(w).as_str()))
}

/// A place: "Salt Lake City" (from "Salt Lake City, UT"), "Albuquerque NM", "Orange County",
/// "Santa Fe New Mexico". `after` is the rest of the line from the separator on. "Jane Doe, MD"
/// reads as a place too (MD, MA and PA are states as well as credentials): no name is the safer
/// mistake than "Silver Spring" for one.
fn is_place(words: &[&str], after: &str) -> bool {
    let lower: Vec<String> = words.iter().map(|w| bare(w)).collect();
    let joined = lower.join(" ");
    let state_after_comma = after.strip_prefix(',').is_some_and(|rest| {
        let rest = rest.trim_start();
        let code = rest.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or_default();
        let rest = rest.to_lowercase();
        STATE_CODES.contains(&code) || STATE_NAMES.iter().any(|s| rest.starts_with(s))
    });
    let ends_with_code = words.last().is_some_and(|w| STATE_CODES.contains(w));
    let ends_with_state = STATE_NAMES.iter().any(|s| {
        let multi_word = s.contains(' ');
        (joined == *s || joined.ends_with(&format!(" {s}"))) && (multi_word || !STATE_SURNAMES.contains(s))
    });
    state_after_comma
        || ends_with_code
        || ends_with_state
        || STATE_NAMES.contains(&joined.as_str())
        || lower.iter().any(|w| PLACE_WORDS.contains(&w.as_str()))
}

/// An employer or other organisation: "Lakeshore Regional Health System", "Acme Logistics Inc".
fn names_an_organisation(words: &[&str]) -> bool {
    words.iter().any(|w| ORGANISATION_WORDS.contains(&bare(w).as_str()))
}

/// A job title or role: "Network Administrator", "SYSTEMS ADMINISTRATOR".
fn names_a_job(words: &[&str]) -> bool {
    words.iter().any(|w| TITLE_WORDS.contains(&bare(w).as_str()))
}

/// A line that is nothing but skills, as sidebars list them: "Google Cloud", "Power BI". A
/// name that contains a skill ("Carla Jenkins-Ruiz") is still a name.
fn is_only_skills(candidate: &str) -> bool {
    let hits = SkillMatcher::shipped().find(candidate);
    let mut covered = vec![false; candidate.len()];
    for hit in &hits {
        covered[hit.at.clone()].iter_mut().for_each(|c| *c = true);
    }
    !hits.is_empty() && candidate.char_indices().all(|(i, c)| !c.is_alphabetic() || covered[i])
}

/// Letters in capitals only: "DANA REYES", "JOSÉ MUÑOZ".
fn is_all_caps(candidate: &str) -> bool {
    candidate.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !candidate.chars().any(char::is_lowercase)
}

/// "DANA REYES" → "Dana Reyes", "MARY-KATE O'NEIL" → "Mary-Kate O'Neil", "MARIA DE LA CRUZ" →
/// "Maria de la Cruz", "MCDONALD" → "McDonald".
fn title_case(words: &[&str]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let lower = word.to_lowercase();
            if i > 0 && PARTICLES.contains(&lower.as_str()) {
                return lower;
            }
            let mut out = String::with_capacity(word.len());
            let mut start = true;
            for c in lower.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = ['\'', '’', '-'].contains(&c);
            }
            capitalise_mc(out)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Mcdonald" → "McDonald": the Scottish and Irish prefix keeps its capital after it. ("Mac" is
/// left alone: "Mack" and "Macy" are names too.)
fn capitalise_mc(word: String) -> String {
    let mut chars = word.chars();
    match (chars.next(), chars.next(), chars.next(), chars.as_str().is_empty()) {
        (Some('M'), Some('c'), Some(third), false) if third.is_alphabetic() => {
            format!("Mc{}{}", third.to_uppercase(), chars.as_str())
        }
        _ => word,
    }
}

/// Whether the e-mail address's local part agrees with the name: "dana.reyes", "dreyes",
/// "reyes.d", "dana.r" and "dr" all agree with "Dana Reyes". Letters are compared without
/// accents ("jose.munoz" and "José Muñoz").
fn agrees_with_email(name: &str, local: &str) -> bool {
    let parts: Vec<String> =
        fold(name).split(|c: char| !c.is_ascii_alphabetic()).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    let tokens: Vec<&str> = local.split(|c: char| !c.is_ascii_alphabetic()).filter(|t| t.len() >= 2).collect();
    let initials: String = parts.iter().filter_map(|p| p.chars().next()).collect();
    tokens.iter().any(|t| {
        let t = t.to_ascii_lowercase();
        (initials.len() >= 2 && t == initials)
            || parts.iter().any(|p| p.len() >= 3 && (t.starts_with(p.as_str()) || t.ends_with(p.as_str())))
    })
}

/// Lower case, accents removed, and the letters that do not decompose spelled out: "Sørensen" →
/// "sorensen".
fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ø' => "o".to_owned(),
            'æ' => "ae".to_owned(),
            'œ' => "oe".to_owned(),
            'ß' => "ss".to_owned(),
            'ł' => "l".to_owned(),
            'đ' => "d".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(line: &str) -> Option<String> {
        person_name(line)
    }

    #[test]
    fn a_name_is_two_to_four_capitalised_words() {
        assert_eq!(name("Dana Reyes").as_deref(), Some("Dana Reyes"));
        assert_eq!(name("Marcus J. Feldman").as_deref(), Some("Marcus J. Feldman"));
        assert_eq!(name("Tomás Reyes-Whitfield").as_deref(), Some("Tomás Reyes-Whitfield"));
        assert_eq!(name("Patrick O'Sullivan · Worcester, MA · 508-555-0145").as_deref(), Some("Patrick O'Sullivan"));
        assert_eq!(name("Maria de la Cruz").as_deref(), Some("Maria de la Cruz"));
        assert_eq!(name("Dana"), None, "one word");
        assert_eq!(name("Dana Maria Luisa Reyes Ortega"), None, "five words");
        assert_eq!(name("dana reyes"), None);
        assert_eq!(name("– Google Cloud"), None, "a list item");
    }

    #[test]
    fn credentials_and_nicknames_are_not_part_of_the_name() {
        assert_eq!(name("KATHLEEN \"KATIE\" BRENNAN, RN, BSN").as_deref(), Some("Kathleen Brennan"));
        assert_eq!(name("Olivia Chen-Marsh MSN RN").as_deref(), Some("Olivia Chen-Marsh"));
        assert_eq!(name("Ahmed Khalil, PharmD — Pharmacy Informatics Analyst").as_deref(), Some("Ahmed Khalil"));
        assert_eq!(name("Robert (Bob) Lindqvist").as_deref(), Some("Robert Lindqvist"));
    }

    #[test]
    fn headings_are_no_names() {
        for line in [
            "CORE SKILLS",
            "Core Skills",
            "CONTACT",
            "Contact Information",
            "PROFESSIONAL SUMMARY",
            "Key Qualifications",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
        for line in ["Work Experience", "EDUCATION & TRAINING", "Technical Proficiencies", "Areas Of Expertise"] {
            assert_eq!(name(line), None, "{line}");
        }
    }

    #[test]
    fn places_are_no_names() {
        for line in [
            "Salt Lake City, UT",
            "Salt Lake City",
            "Oklahoma City, OK",
            "Little Rock, AR",
            "Little Rock, Arkansas",
            "Albuquerque NM",
            "Santa Fe New Mexico",
            "North Carolina",
            "Orange County",
            "St. Louis, MO 63101",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
        assert_eq!(name("Denzel Washington").as_deref(), Some("Denzel Washington"), "a surname, not a place");
        assert_eq!(name("Jane Doe, MD"), None, "MD is a state as well as a credential");
    }

    #[test]
    fn employers_are_no_names() {
        for line in [
            "Lakeshore Regional Health System",
            "Sacred Valley Medical Center — Spokane, WA",
            "Acme Logistics Inc.",
            "Brightwater Family Clinic",
            "Wasatch State University",
            "Northwind Consulting Group",
            "Harbor Point Hospital",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
    }

    #[test]
    fn job_titles_are_no_names() {
        for line in [
            "Network Administrator",
            "SYSTEMS ADMINISTRATOR | Windows · VMware",
            "Senior Application Analyst",
            "Java Developer",
            "Registered Nurse",
            "Desktop Support Technician",
            "Clinical Informatics Specialist",
            "IT Project Manager, PMP",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
    }

    #[test]
    fn contact_lines_and_skill_lists_are_no_names() {
        assert_eq!(name("dana.reyes@example.org"), None);
        assert_eq!(name("(918) 555-0100"), None);
        assert_eq!(name("Phone: (559) 555-0133"), None);
        assert_eq!(name("www.linkedin.com/in/danareyes"), None);
        assert_eq!(name("Power BI"), None);
        assert_eq!(name("Epic Radiant"), None);
        assert_eq!(name("Carla Jenkins-Ruiz").as_deref(), Some("Carla Jenkins-Ruiz"), "contains a skill");
    }

    #[test]
    fn all_caps_names_are_title_cased_and_mixed_case_is_kept() {
        assert_eq!(name("DANA REYES").as_deref(), Some("Dana Reyes"));
        assert_eq!(name("MARY-KATE O'NEIL").as_deref(), Some("Mary-Kate O'Neil"));
        assert_eq!(name("JOSE MUÑOZ").as_deref(), Some("Jose Muñoz"));
        assert_eq!(name("JOSÉ MUÑOZ").as_deref(), Some("José Muñoz"));
        assert_eq!(name("MARIA DE LA CRUZ").as_deref(), Some("Maria de la Cruz"));
        assert_eq!(name("ANGUS MCDONALD").as_deref(), Some("Angus McDonald"));
        assert_eq!(name("PRIYA RAMAN, CRCR").as_deref(), Some("Priya Raman"));
        assert_eq!(name("Angus McDonald").as_deref(), Some("Angus McDonald"));
        assert_eq!(name("Dana REYES").as_deref(), Some("Dana REYES"), "mixed case is written as meant");
        assert_eq!(name("Ana de la Cruz").as_deref(), Some("Ana de la Cruz"));
    }

    #[test]
    fn the_email_address_agrees_with_its_owner() {
        assert!(agrees_with_email("Dana Reyes", "dana.reyes"));
        assert!(agrees_with_email("Dana Reyes", "dreyes"));
        assert!(agrees_with_email("Dana Reyes", "dana.r"));
        assert!(agrees_with_email("Rachel Goldberg-Ayala", "rga.analytics"));
        assert!(agrees_with_email("José Muñoz", "jose.munoz"));
        assert!(agrees_with_email("Anika Sørensen", "anika.sorensen"));
        assert!(!agrees_with_email("Mateo Villanueva", "hr"));
        assert!(!agrees_with_email("Dana Reyes", ""));
    }

    #[test]
    fn a_name_the_email_agrees_with_is_preferred() {
        let lines = ["Northwind Traders", "Dana Reyes", "dana.reyes@example.org"];
        assert_eq!(find(&lines, Some("dana.reyes@example.org")), Some((1, "Dana Reyes".to_owned())));
        // Without an address, position alone decides, and an employer without an organisation
        // word reads as a name.
        assert_eq!(find(&lines, None), Some((0, "Northwind Traders".to_owned())));
    }

    #[test]
    fn a_sidebar_before_the_name_is_skipped_when_the_email_agrees() {
        let mut lines = vec!["CONTACT", "Salt Lake City, UT", "(801) 555-0148", "mateo.v@platform-mail.example"];
        lines.extend(["SKILLS", "– Kubernetes", "– Terraform", "EDUCATION", "B.S. Computer Science"]);
        lines.extend(["Wasatch State University, 2015", "Mateo Villanueva", "Staff DevOps Engineer"]);
        assert_eq!(find(&lines, Some("mateo.v@platform-mail.example")), Some((10, "Mateo Villanueva".to_owned())));
        assert_eq!(find(&lines, Some("jobs@platform-mail.example")), None, "too far down to trust on its own");
        assert_eq!(find(&lines, None), None);
    }
}
