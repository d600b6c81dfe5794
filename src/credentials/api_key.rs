//! API keys for the agency's tools: `bh_live_` and 43 random letters and digits (256 bits),
//! handed out once and stored only as a SHA-256 hash. A key is random, not chosen by a person,
//! so a fast hash is enough: there is nothing to guess, and a request finds its key by hash.

use rand::distributions::Alphanumeric;
use rand::Rng;

pub const PREFIX: &str = "bh_live_";
/// 43 characters of 62 carry 256 bits.
const RANDOM_CHARS: usize = 43;
/// How much of a key is kept in the clear, to tell keys apart in a list.
const SHOWN: usize = PREFIX.len() + 4;

/// A new key: the secret to hand out once, the part shown in lists, and the hash to store.
pub struct NewKey {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

pub fn generate() -> NewKey {
    let random: String = rand::rngs::OsRng.sample_iter(&Alphanumeric).take(RANDOM_CHARS).map(char::from).collect();
    let secret = format!("{PREFIX}{random}");
    NewKey { prefix: secret[..SHOWN].to_owned(), hash: hash(&secret), secret }
}

pub fn hash(secret: &str) -> String {
    super::refresh::hash(secret)
}

/// Whether a bearer token is an API key (and not an access token).
pub fn is_key(token: &str) -> bool {
    token.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_stored_as_their_hash() {
        let (a, b) = (generate(), generate());
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret.len(), PREFIX.len() + RANDOM_CHARS);
        assert!(a.secret[PREFIX.len()..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(a.secret.starts_with(&a.prefix) && is_key(&a.secret));
        assert_eq!(a.hash, hash(&a.secret));
        assert_ne!(a.hash, a.secret);
    }
}
