//! A candidate as the search index holds it: two fields, the profile (name, headline, skills,
//! certifications, tags, notes, …) and the current résumé's text, as tokens, written out in the
//! form each engine stores.
//!
//! PostgreSQL keeps at most 256 positions per word and numbers positions up to 16,383. Both
//! limits are applied here, for both engines, so they agree: a document keeps its first
//! [`MAX_POSITIONS`] tokens, and a word's occurrences after its [`MAX_OCCURRENCES`]th stay in the
//! document only as gaps (they still count as words between others, so no false phrase forms).

use std::collections::BTreeMap;

use super::tokens::tokens;

pub const MAX_POSITIONS: usize = 16_000;
pub const MAX_OCCURRENCES: usize = 256;

/// What FTS5 stores in place of a dropped occurrence: a private-use character, which the
/// tokenizer never produces from a query, so it matches nothing but still holds its place.
const GAP: &str = "\u{e000}";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    profile: Vec<Option<String>>,
    resume: Vec<Option<String>>,
}

impl Document {
    pub fn new(profile: &str, resume: &str) -> Document {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut budget = MAX_POSITIONS;
        let mut field = |text: &str, budget: &mut usize| -> Vec<Option<String>> {
            let words: Vec<String> = tokens(text).into_iter().take(*budget).collect();
            *budget -= words.len();
            words
                .into_iter()
                .map(|word| {
                    let count = seen.entry(word.clone()).or_default();
                    *count += 1;
                    (*count <= MAX_OCCURRENCES).then_some(word)
                })
                .collect()
        };
        let profile = field(profile, &mut budget);
        // One position stays free between the fields, so no phrase spans them.
        budget = budget.saturating_sub(1);
        let resume = field(resume, &mut budget);
        Document { profile, resume }
    }

    /// The two FTS5 columns: tokens separated by single spaces.
    pub fn fts5_columns(&self) -> (String, String) {
        let join =
            |words: &[Option<String>]| words.iter().map(|w| w.as_deref().unwrap_or(GAP)).collect::<Vec<_>>().join(" ");
        (join(&self.profile), join(&self.resume))
    }

    /// A PostgreSQL `tsvector` literal: every word with its positions, profile positions
    /// weighted `A`, résumé positions left at the default weight `D`. Positions run on across
    /// the fields with one left free between them, as in FTS5's separate columns.
    pub fn tsvector_literal(&self) -> String {
        let mut positions: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let resume_start = self.profile.len() + 2;
        let profile = self.profile.iter().enumerate().map(|(i, w)| (w, format!("{}A", i + 1)));
        let resume = self.resume.iter().enumerate().map(|(i, w)| (w, (resume_start + i).to_string()));
        for (word, position) in profile.chain(resume) {
            if let Some(word) = word {
                positions.entry(word).or_default().push(position);
            }
        }
        positions.iter().map(|(word, at)| format!("'{word}':{}", at.join(","))).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_written_for_each_engine() {
        let doc = Document::new("Dana Reyes, Epic", "Epic Cadence analyst");
        assert_eq!(doc.fts5_columns(), ("dana reyes epic".into(), "epic cadence analyst".into()));
        assert_eq!(doc.tsvector_literal(), "'analyst':7 'cadence':6 'dana':1A 'epic':3A,5 'reyes':2A");
    }

    #[test]
    fn occurrences_past_the_limit_become_gaps() {
        let text = "epic ".repeat(MAX_OCCURRENCES + 2);
        let doc = Document::new("", &text);
        let (_, resume) = doc.fts5_columns();
        assert_eq!(resume.split(' ').filter(|w| *w == "epic").count(), MAX_OCCURRENCES);
        assert_eq!(resume.split(' ').filter(|w| *w == GAP).count(), 2);
        assert_eq!(doc.tsvector_literal().matches(',').count(), MAX_OCCURRENCES - 1);
    }

    #[test]
    fn a_document_keeps_at_most_the_position_limit() {
        let text = (0..MAX_POSITIONS + 50).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let doc = Document::new("dana reyes", &text);
        let (profile, resume) = doc.fts5_columns();
        assert_eq!(profile.split(' ').count() + 1 + resume.split(' ').count(), MAX_POSITIONS);
        assert!(doc.tsvector_literal().contains(&format!("':{MAX_POSITIONS}")));
    }

    #[test]
    fn an_empty_document_is_empty_for_both() {
        let doc = Document::new("", "");
        assert_eq!(doc.fts5_columns(), (String::new(), String::new()));
        assert_eq!(doc.tsvector_literal(), "");
    }
}
