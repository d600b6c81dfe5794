//! Finds taxonomy skills in text, by canonical name or alias, as whole words. Words that are
//! also ordinary English ("Cadence", "Excel") count only when capitalised, short acronyms
//! ("AD") only in capitals.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::domain::taxonomy::{Entry, Taxonomy};

pub struct SkillMatcher {
    automaton: AhoCorasick,
    /// For each pattern: the taxonomy entry and how the alias must be cased in the text.
    patterns: Vec<(usize, Casing)>,
    taxonomy: &'static Taxonomy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Casing {
    Any,
    Capitalised,
    Exact,
}

/// A skill found in one line, with the byte range it covers.
#[derive(Debug, Clone)]
pub struct Hit<'t> {
    pub entry: &'t Entry,
    pub at: std::ops::Range<usize>,
}

fn casing(alias: &str) -> Casing {
    let letters_only = alias.chars().all(|c| c.is_ascii_alphabetic());
    if letters_only && alias.len() <= 3 && alias.chars().all(|c| c.is_ascii_uppercase()) {
        Casing::Exact
    } else if letters_only && alias.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
        Casing::Capitalised
    } else {
        Casing::Any
    }
}

/// Collapses runs of white space so that "Epic  Cadence" reads as "Epic Cadence".
pub fn clean_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl SkillMatcher {
    pub fn new(taxonomy: &'static Taxonomy) -> SkillMatcher {
        let mut words = Vec::new();
        let mut patterns = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, entry) in taxonomy.entries.iter().enumerate() {
            for written in std::iter::once(&entry.name).chain(&entry.aliases) {
                let written = clean_line(written);
                if seen.insert(written.to_ascii_lowercase()) {
                    words.push(written.to_ascii_lowercase());
                    patterns.push((i, casing(&written)));
                }
            }
        }
        let automaton =
            AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&words).expect("skill patterns build");
        SkillMatcher { automaton, patterns, taxonomy }
    }

    pub fn shipped() -> &'static SkillMatcher {
        static MATCHER: std::sync::OnceLock<SkillMatcher> = std::sync::OnceLock::new();
        MATCHER.get_or_init(|| SkillMatcher::new(Taxonomy::shipped()))
    }

    /// The skills named in an already cleaned line.
    pub fn find<'m>(&'m self, line: &str) -> Vec<Hit<'m>> {
        let lower = line.to_ascii_lowercase();
        let bytes = line.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric();
        let mut hits = Vec::new();
        for m in self.automaton.find_iter(&lower) {
            let (start, end) = (m.start(), m.end());
            let before_ok = start == 0 || !word(bytes[start - 1]);
            let after_ok = end == bytes.len() || !word(bytes[end]) || !word(bytes[end - 1]);
            if !before_ok || !after_ok {
                continue;
            }
            let (entry, casing) = self.patterns[m.pattern().as_usize()];
            let text = &line[start..end];
            let cased = match casing {
                Casing::Any => true,
                Casing::Capitalised => text.chars().next().is_some_and(|c| c.is_uppercase()),
                Casing::Exact => text.chars().all(|c| !c.is_ascii_lowercase()),
            };
            if cased {
                hits.push(Hit { entry: &self.taxonomy.entries[entry], at: start..end });
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        SkillMatcher::shipped().find(&clean_line(line)).iter().map(|h| h.entry.name.clone()).collect()
    }

    #[test]
    fn aliases_resolve_to_canonical_skills() {
        assert_eq!(names("Built HL7 2.x interfaces"), ["HL7 v2"]);
        assert!(names("Epic Cadence and Prelude build").contains(&"Epic Cadence".to_owned()));
    }

    #[test]
    fn ordinary_words_and_parts_of_words_are_not_skills() {
        assert!(names("kept a steady cadence of releases").is_empty());
        assert!(names("ad hoc reports").is_empty());
        assert!(names("hospitality").is_empty());
    }
}
