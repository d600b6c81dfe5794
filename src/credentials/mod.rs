//! What proves who a caller is: signed access tokens (JWT), argon2id password hashes and opaque
//! refresh tokens, API keys. No HTTP here: the extractors in `auth` read a request's token, and the
//! sessions service issues them.

pub mod api_key;
pub mod jwt;
pub mod password;
pub mod refresh;
