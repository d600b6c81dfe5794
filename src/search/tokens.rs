//! The one tokenizer both search engines see through. Text is split into lower-case
//! alphanumeric words with accents removed, here in Rust, for documents and queries alike; the
//! engines are then handed ready-made tokens (SQLite's FTS5 `ascii` tokenizer splits only on the
//! spaces put between them; PostgreSQL gets a `tsvector` literal). So "same data, same answers"
//! holds by construction rather than by hoping two tokenizers agree.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longer runs are not words anyone searches for (encoded blobs, hashes); they are dropped.
pub const MAX_TOKEN_CHARS: usize = 40;

/// Splits `text` into search tokens: lower case, accents folded ("José" → "jose"), broken at
/// anything that is not a letter or digit. A few programming names whose meaning lives in their
/// punctuation are kept as words: "C#" → "csharp", "F#" → "fsharp", "C++" → "cpp",
/// ".NET" → "dotnet".
pub fn tokens(text: &str) -> Vec<String> {
    let folded: Vec<char> = text.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        if !folded[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < folded.len() && folded[i].is_alphanumeric() {
            i += 1;
        }
        let mut word: String = folded[start..i].iter().collect();
        let dotted = start >= 1
            && folded[start - 1] == '.'
            && (start == 1 || !folded[start - 2].is_alphanumeric())
            && word == "net";
        if dotted {
            word = "dotnet".into();
        } else if i - start == 1 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            match folded.get(i..i + 2) {
                Some(['+', '+']) => {
                    word.push_str("pp");
                    i += 2;
                }
                _ if folded.get(i) == Some(&'#') => {
                    word.push_str("sharp");
                    i += 1;
                }
                _ => {}
            }
        }
        if word.chars().count() <= MAX_TOKEN_CHARS {
            out.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<String> {
        tokens(text)
    }

    #[test]
    fn words_are_lower_case_without_accents() {
        assert_eq!(t("José Núñez, RN-BC"), ["jose", "nunez", "rn", "bc"]);
        assert_eq!(t("Ｅｐｉｃ ﬁnance"), ["epic", "finance"]);
    }

    #[test]
    fn punctuation_separates_words() {
        assert_eq!(t("HL7 v2.5; Epic/Cadence — 5 yrs"), ["hl7", "v2", "5", "epic", "cadence", "5", "yrs"]);
        assert_eq!(t("O'Brien"), ["o", "brien"]);
    }

    #[test]
    fn programming_names_keep_their_punctuation() {
        assert_eq!(t("C#, C++ and .NET; F#"), ["csharp", "cpp", "and", "dotnet", "fsharp"]);
        assert_eq!(t("ASP.NET"), ["asp", "net"], "only a leading dot makes .NET");
        assert_eq!(t("grade C. Net income"), ["grade", "c", "net", "income"]);
    }

    #[test]
    fn overlong_runs_are_dropped() {
        let blob = "a".repeat(MAX_TOKEN_CHARS + 1);
        assert_eq!(t(&format!("epic {blob} cerner")), ["epic", "cerner"]);
    }

    #[test]
    fn other_scripts_are_words_too() {
        assert_eq!(t("Ωμέγα 医院"), ["ωμεγα", "医院"]);
    }
}
