//! The search language recruiters type into `q`, parsed once and written out for either engine.
//!
//! ```text
//! epic cadence              both words (AND is implied)
//! "epic cadence"            the words next to each other, in this order
//! epic OR cerner            either
//! epic -cerner              epic, not cerner (also: epic NOT cerner, epic AND NOT cerner)
//! (epic OR cerner) hl7      grouping
//! cadenc*                   a word starting with "cadenc"
//! ```
//! Operators are upper-case; lower-case "and", "or" and "not" are searched for as words. Every
//! word goes through the same tokenizer as the documents, so "HL7-v2" is the phrase "hl7 v2".

use std::fmt::Write;

use super::tokens::tokens;

pub const MAX_TERMS: usize = 20;
pub const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Atom(Atom),
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

/// One word, or a phrase of several in a row; the last may be a prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Atom {
    pub words: Vec<String>,
    pub prefix: bool,
}

/// Where an atom must occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Anywhere,
    Profile,
    Resume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Fts5,
    TsQuery,
}

/// How a query is evaluated: engine matches (each written in the engine's own language, never
/// containing a negation, which FTS5 cannot express on its own) combined in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Match(String),
    And(Vec<Plan>),
    Or(Vec<Plan>),
    Not(Box<Plan>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lexeme {
    Open,
    Close,
    Minus,
    And,
    Or,
    Not,
    Phrase(String),
    Word(String),
}

fn lex(text: &str) -> Result<Vec<Lexeme>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Lexeme::Open);
                i += 1;
            }
            ')' => {
                out.push(Lexeme::Close);
                i += 1;
            }
            '"' => {
                let Some(end) = chars[i + 1..].iter().position(|&c| c == '"') else {
                    return Err(SyntaxError("a quoted phrase is not closed: add the closing \"".into()));
                };
                out.push(Lexeme::Phrase(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '-' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => {
                out.push(Lexeme::Minus);
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '"') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                out.push(match word.as_str() {
                    "AND" => Lexeme::And,
                    "OR" => Lexeme::Or,
                    "NOT" => Lexeme::Not,
                    _ => Lexeme::Word(word),
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    lexemes: Vec<Lexeme>,
    at: usize,
    depth: usize,
    terms: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.at)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let lexeme = self.lexemes.get(self.at).cloned();
        self.at += 1;
        lexeme
    }

    /// `and ("OR" and)*`. `None` is a part that held no searchable word ("&", "--").
    fn or(&mut self) -> Result<Option<Query>, SyntaxError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Lexeme::Or) {
            self.next();
            parts.push(self.and()?);
        }
        Ok(combine(parts.into_iter().flatten().collect(), Query::Or))
    }

    fn and(&mut self) -> Result<Option<Query>, SyntaxError> {
        let mut parts = vec![self.unary("OR")?];
        loop {
            match self.peek() {
                None | Some(Lexeme::Or | Lexeme::Close) => break,
                Some(Lexeme::And) => {
                    self.next();
                    parts.push(self.unary("AND")?);
                }
                Some(_) => parts.push(self.unary("AND")?),
            }
        }
        Ok(combine(parts.into_iter().flatten().collect(), Query::And))
    }

    fn unary(&mut self, after: &str) -> Result<Option<Query>, SyntaxError> {
        match self.next() {
            Some(Lexeme::Not | Lexeme::Minus) => Ok(self.unary("NOT")?.map(|q| Query::Not(Box::new(q)))),
            Some(Lexeme::Open) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(SyntaxError(format!("brackets may be nested at most {MAX_DEPTH} deep")));
                }
                if self.peek() == Some(&Lexeme::Close) {
                    return Err(SyntaxError("a pair of brackets holds nothing".into()));
                }
                let inner = self.or()?;
                if self.next() != Some(Lexeme::Close) {
                    return Err(SyntaxError("a bracket is not closed: add the closing )".into()));
                }
                self.depth -= 1;
                Ok(inner)
            }
            Some(Lexeme::Phrase(text)) => self.atom(&text, false),
            Some(Lexeme::Word(word)) => match word.strip_suffix('*') {
                Some(stem) => self.atom(stem, true),
                None => self.atom(&word, false),
            },
            Some(Lexeme::Close) => Err(SyntaxError("a closing ) has no opening (".into())),
            Some(Lexeme::And | Lexeme::Or) | None => {
                let what = if after == "NOT" { "NOT (or -)" } else { after };
                let place = if self.at == 1 { "at the start" } else { "here" };
                Err(SyntaxError(format!(
                    "{what} needs a word or phrase after it ({place}); write operators in capitals only to mean them"
                )))
            }
        }
    }

    fn atom(&mut self, text: &str, prefix: bool) -> Result<Option<Query>, SyntaxError> {
        let words = tokens(text);
        if words.is_empty() {
            return Ok(None);
        }
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(SyntaxError(format!("a search may hold at most {MAX_TERMS} words and phrases")));
        }
        Ok(Some(Query::Atom(Atom { words, prefix })))
    }
}

fn combine(mut parts: Vec<Query>, join: fn(Vec<Query>) -> Query) -> Option<Query> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(join(parts)),
    }
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, SyntaxError> {
        let lexemes = lex(text)?;
        if lexemes.first() == Some(&Lexeme::And) || lexemes.first() == Some(&Lexeme::Or) {
            let op = if lexemes[0] == Lexeme::And { "AND" } else { "OR" };
            return Err(SyntaxError(format!("{op} needs a word or phrase before it")));
        }
        let mut parser = Parser { lexemes, at: 0, depth: 0, terms: 0 };
        let query = parser.or()?;
        // The parser stops early only at a `)` it did not open.
        if parser.next().is_some() {
            return Err(SyntaxError("a closing ) has no opening (".into()));
        }
        query.ok_or_else(|| SyntaxError("holds no word to search for".into()))
    }

    fn is_positive(&self) -> bool {
        match self {
            Query::Atom(_) => true,
            Query::And(parts) | Query::Or(parts) => parts.iter().all(Query::is_positive),
            Query::Not(_) => false,
        }
    }

    /// The words and phrases a match is credited for (those not under a NOT), once each.
    pub fn ranked_atoms(&self) -> Vec<Atom> {
        fn walk(q: &Query, out: &mut Vec<Atom>) {
            match q {
                Query::Atom(a) if !out.contains(a) => out.push(a.clone()),
                Query::Atom(_) | Query::Not(_) => {}
                Query::And(parts) | Query::Or(parts) => parts.iter().for_each(|p| walk(p, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Positive parts go to the engine whole; negations and the parts holding them are
    /// combined around them.
    pub fn plan(&self, dialect: Dialect) -> Plan {
        if self.is_positive() {
            return Plan::Match(self.render(dialect));
        }
        let split = |parts: &[Query], engine_join: fn(Vec<Query>) -> Query| -> Vec<Plan> {
            let (positive, other): (Vec<&Query>, Vec<&Query>) = parts.iter().partition(|p| p.is_positive());
            let mut plans: Vec<Plan> = Vec::new();
            if let Some(q) = combine(positive.into_iter().cloned().collect(), engine_join) {
                plans.push(Plan::Match(q.render(dialect)));
            }
            plans.extend(other.into_iter().map(|q| q.plan(dialect)));
            plans
        };
        match self {
            Query::Atom(_) => unreachable!("an atom is positive"),
            Query::And(parts) => Plan::And(split(parts, Query::And)),
            Query::Or(parts) => Plan::Or(split(parts, Query::Or)),
            Query::Not(inner) => Plan::Not(Box::new(inner.plan(dialect))),
        }
    }

    /// A negation-free query in the engine's language.
    fn render(&self, dialect: Dialect) -> String {
        let (and, or) = match dialect {
            Dialect::Fts5 => (" AND ", " OR "),
            Dialect::TsQuery => (" & ", " | "),
        };
        let group = |parts: &[Query], op: &str| {
            format!("({})", parts.iter().map(|p| p.render(dialect)).collect::<Vec<_>>().join(op))
        };
        match self {
            Query::Atom(atom) => atom.render(dialect, Field::Anywhere),
            Query::And(parts) => group(parts, and),
            Query::Or(parts) => group(parts, or),
            Query::Not(_) => unreachable!("only negation-free queries are rendered"),
        }
    }
}

impl Atom {
    /// The atom in the engine's language, restricted to one field or not. Words are made of
    /// letters and digits only, so quoting them cannot be broken out of.
    pub fn render(&self, dialect: Dialect, field: Field) -> String {
        match dialect {
            Dialect::Fts5 => {
                let mut out = String::new();
                match field {
                    Field::Anywhere => {}
                    Field::Profile => out.push_str("{profile} : "),
                    Field::Resume => out.push_str("{resume} : "),
                }
                let _ = write!(out, "\"{}\"", self.words.join(" "));
                if self.prefix {
                    out.push_str(" *");
                }
                out
            }
            Dialect::TsQuery => {
                let weight = match field {
                    Field::Anywhere => "",
                    Field::Profile => "A",
                    Field::Resume => "D",
                };
                let last = self.words.len() - 1;
                let words: Vec<String> = self
                    .words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let star = if self.prefix && i == last { "*" } else { "" };
                        if star.is_empty() && weight.is_empty() {
                            format!("'{w}'")
                        } else {
                            format!("'{w}':{star}{weight}")
                        }
                    })
                    .collect();
                if words.len() == 1 {
                    words.into_iter().next().unwrap_or_default()
                } else {
                    format!("({})", words.join(" <-> "))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(q: &str) -> Plan {
        Query::parse(q).unwrap().plan(Dialect::Fts5)
    }

    fn ts(q: &str) -> Plan {
        Query::parse(q).unwrap().plan(Dialect::TsQuery)
    }

    fn m(s: &str) -> Plan {
        Plan::Match(s.into())
    }

    fn error(q: &str) -> String {
        Query::parse(q).unwrap_err().0
    }

    #[test]
    fn words_are_all_required() {
        assert_eq!(fts("Epic cadence"), m("(\"epic\" AND \"cadence\")"));
        assert_eq!(ts("Epic AND cadence"), m("('epic' & 'cadence')"));
    }

    #[test]
    fn phrases_keep_their_order() {
        assert_eq!(fts("\"Epic Cadence\""), m("\"epic cadence\""));
        assert_eq!(ts("\"Epic Cadence\""), m("('epic' <-> 'cadence')"));
        assert_eq!(ts("HL7-v2"), m("('hl7' <-> 'v2')"), "one typed word may be several");
    }

    #[test]
    fn or_binds_looser_than_and() {
        assert_eq!(fts("epic cadence OR cerner"), m("((\"epic\" AND \"cadence\") OR \"cerner\")"));
        assert_eq!(ts("epic (cadence OR cerner)"), m("('epic' & ('cadence' | 'cerner'))"));
    }

    #[test]
    fn negations_are_combined_outside_the_engine() {
        let expected = Plan::And(vec![m("(\"epic\" AND \"hl7\")"), Plan::Not(Box::new(m("\"cerner\"")))]);
        assert_eq!(fts("epic -cerner hl7"), expected);
        assert_eq!(fts("epic NOT cerner hl7"), expected);
        assert_eq!(fts("epic AND NOT cerner AND hl7"), expected);
        assert_eq!(ts("NOT cerner"), Plan::Not(Box::new(m("'cerner'"))));
        assert_eq!(ts("epic OR -cerner"), Plan::Or(vec![m("'epic'"), Plan::Not(Box::new(m("'cerner'")))]));
    }

    #[test]
    fn a_trailing_star_is_a_prefix() {
        assert_eq!(fts("cadenc*"), m("\"cadenc\" *"));
        assert_eq!(ts("cadenc*"), m("'cadenc':*"));
        assert_eq!(ts("\"epic cad\"*"), m("('epic' <-> 'cad')"), "a star after a phrase is just punctuation");
    }

    #[test]
    fn atoms_can_be_held_to_one_field() {
        let atom = Atom { words: vec!["epic".into(), "cad".into()], prefix: true };
        assert_eq!(atom.render(Dialect::Fts5, Field::Profile), "{profile} : \"epic cad\" *");
        assert_eq!(atom.render(Dialect::TsQuery, Field::Profile), "('epic':A <-> 'cad':*A)");
        assert_eq!(atom.render(Dialect::TsQuery, Field::Resume), "('epic':D <-> 'cad':*D)");
    }

    #[test]
    fn lower_case_operators_and_hyphens_inside_words_are_words() {
        assert_eq!(ts("cut and paste"), m("('cut' & 'and' & 'paste')"));
        assert_eq!(ts("epic - cerner"), m("('epic' & 'cerner')"), "a lone hyphen is punctuation");
        assert_eq!(ts("co-op"), m("('co' <-> 'op')"));
    }

    #[test]
    fn words_without_letters_are_skipped() {
        assert_eq!(ts("epic & cerner"), m("('epic' & 'cerner')"));
        assert_eq!(ts("epic OR ..."), m("'epic'"));
    }

    #[test]
    fn ranked_atoms_leave_out_negated_ones() {
        let atoms = Query::parse("epic (epic OR \"hl7 v2\") -cerner").unwrap().ranked_atoms();
        let words: Vec<Vec<String>> = atoms.into_iter().map(|a| a.words).collect();
        assert_eq!(words, [vec!["epic".to_string()], vec!["hl7".into(), "v2".into()]]);
    }

    #[test]
    fn malformed_searches_say_what_to_fix() {
        assert!(error("\"epic cadence").contains("not closed"));
        assert!(error("(epic").contains("not closed"));
        assert!(error("epic)").contains("no opening"));
        assert!(error("AND epic").contains("AND needs a word or phrase before it"));
        assert!(error("epic OR").contains("OR needs a word"));
        assert!(error("epic NOT").contains("NOT (or -) needs"));
        assert!(error("()").contains("holds nothing"));
        assert!(error("& ...").contains("no word"));
        assert!(error(&"(".repeat(9)).contains("nested"));
        assert!(error(&"w ".repeat(MAX_TERMS + 1)).contains("at most"));
    }
}
