//! The password policy: 12 to 256 characters, not one of the passwords attackers try first, and
//! not built from the account's own e-mail, name or agency.

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 256;

/// Words that, padded with digits or symbols or repeated, make up most of the long passwords in
/// published breach corpora.
const COMMON_WORDS: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "pass",
    "qwerty",
    "qwertyuiop",
    "asdfgh",
    "asdfghjkl",
    "zxcvbn",
    "zxcvbnm",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "soccer",
    "hockey",
    "basketball",
    "sunshine",
    "princess",
    "shadow",
    "master",
    "superman",
    "batman",
    "trustno",
    "whatever",
    "freedom",
    "starwars",
    "computer",
    "internet",
    "secret",
    "changeme",
    "default",
    "login",
    "hello",
    "hellohello",
    "welcome1",
    "abc",
    "abcd",
    "abcdef",
    "qazwsx",
    "1qaz2wsx",
    "q1w2e3r4",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "zaq12wsx",
    "michael",
    "jennifer",
    "jordan",
    "charlie",
    "summer",
    "winter",
    "spring",
    "autumn",
    "flower",
    "cookie",
    "chocolate",
    "pokemon",
    "mustang",
    "ginger",
    "killer",
    "pepper",
    "cheese",
    "nicole",
    "daniel",
    "hunter",
    "buster",
    "thomas",
    "tigger",
    "robert",
    "soccer",
    "harley",
    "ranger",
    "jessica",
    "love",
    "lovely",
    "loveme",
    "fuckyou",
    "trustme",
    "letmein",
    "access",
    "test",
    "testing",
    "guest",
    "root",
    "toor",
    "system",
    "manager",
    "hospital",
    "nurse",
    "doctor",
    "health",
    "healthcare",
    "medical",
    "clinic",
    "epic",
    "cerner",
    "bridgehire",
    "recruiter",
    "staffing",
    "company",
    "office",
    "employee",
    "temp",
    "temporary",
    "newpassword",
    "mypassword",
    "yourpassword",
    "iloveu",
    "baby",
    "angel",
    "family",
    "blessed",
    "jesus",
    "god",
    "christ",
    "america",
    "usa",
    "london",
    "berlin",
    "paris",
    "monday",
    "friday",
    "january",
    "december",
];

/// Whole passwords from the top of leaked lists that already reach twelve characters.
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "1234567891011",
    "098765432109",
    "111111111111",
    "000000000000",
    "123123123123",
    "121212121212",
    "qwertyuiopas",
    "qwerty123456",
    "1qaz2wsx3edc",
    "1q2w3e4r5t6y",
    "zaq12wsxcde3",
    "qazwsxedcrfv",
    "asdfghjkl123",
    "password1234",
    "password123!",
    "iloveyou1234",
    "abcdefghijkl",
    "abcd12345678",
    "abc123abc123",
    "qwertyqwerty",
    "aaaaaaaaaaaa",
    "letmein12345",
    "welcome12345",
    "changeme1234",
    "administrator",
    "passwordpassword",
    "trustno1trustno1",
    "correcthorsebatterystaple",
    "correct horse battery staple",
    "iloveyouiloveyou",
    "monkeymonkey",
    "superman1234",
    "football1234",
    "baseball1234",
    "starwars1234",
    "princess1234",
];

/// Returns why the password is refused, or `Ok` when it is acceptable. `context` holds the
/// account's own words (e-mail, name, agency): a password made of them is refused too.
pub fn check(password: &str, context: &[&str]) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(format!("must be at least {MIN_LEN} characters"));
    }
    if len > MAX_LEN {
        return Err(format!("must be at most {MAX_LEN} characters"));
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err("is one of the most common passwords; choose another".into());
    }
    let core = core_letters(&lower);
    if (!core.is_empty() && is_repetition_of_common(&core)) || is_sequence_or_repeat(&lower) {
        return Err("is too easy to guess (a common word, sequence or repetition); choose another".into());
    }
    for word in context {
        let word = word.to_lowercase();
        let local = word.split('@').next().unwrap_or_default();
        let local = core_letters(local);
        let word = core_letters(&word);
        if (local.len() >= 4 && core == local) || (word.len() >= 4 && core == word) {
            return Err("must not be made from your e-mail, name or agency".into());
        }
    }
    Ok(())
}

/// The password with the digits, symbols and spaces people pad with taken off.
fn core_letters(lower: &str) -> String {
    lower.chars().filter(|c| c.is_alphabetic()).collect()
}

fn is_repetition_of_common(core: &str) -> bool {
    COMMON_WORDS.iter().any(|word| {
        let word = core_letters(word);
        !word.is_empty() && core.len().is_multiple_of(word.len()) && core == word.repeat(core.len() / word.len())
    })
}

/// One character repeated, or a run of consecutive characters ("abcdefghijkl", "987654321098").
fn is_sequence_or_repeat(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    let distinct: std::collections::HashSet<char> = chars.iter().copied().collect();
    if distinct.len() <= 3 {
        return true;
    }
    let step = |a: char, b: char| b as i64 - a as i64;
    let steps: Vec<i64> = chars.windows(2).map(|w| step(w[0], w[1])).collect();
    steps.iter().all(|s| *s == 1 || *s == -9) || steps.iter().all(|s| *s == -1 || *s == 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_long_and_common_passwords() {
        assert!(check("short", &[]).is_err());
        assert!(check(&"x".repeat(257), &[]).is_err());
        for weak in [
            "password1234",
            "Password!2024",
            "qwertyqwerty",
            "123456789012",
            "aaaaaaaaaaaa",
            "abcdefghijklm",
            "P@ssword2025!!",
            "Welcome2026!!",
        ] {
            assert!(check(weak, &[]).is_err(), "{weak}");
        }
    }

    #[test]
    fn refuses_passwords_made_of_the_account_details() {
        assert!(check("jane.doe2024!!", &["jane.doe@clinic.org"]).is_err());
        assert!(check("Lakeside Clinic 1", &["Lakeside Clinic"]).is_err());
    }

    #[test]
    fn accepts_a_passphrase() {
        assert!(check("violet-kettle-marathon-42", &["jane@clinic.org"]).is_ok());
        assert!(check("8472-9183-5560", &[]).is_ok(), "no composition rules");
        assert!(check("Tr0ub4dour&3-horse", &[]).is_ok());
    }
}
