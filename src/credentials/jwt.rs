//! Access tokens: HS256 JWTs whose algorithm, issuer, audience, expiry, not-before and type are
//! all required and checked.

use std::time::Duration;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::models::users::User;

pub const ACCESS_TYPE: &str = "access";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub agency: String,
    pub role: String,
    /// The user's token version when issued; a password change or disabling bumps it.
    pub ver: i32,
    pub typ: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub ttl: Duration,
}

impl JwtKeys {
    pub fn new(settings: &Settings) -> JwtKeys {
        let secret = settings.jwt_secret_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.jwt_issuer]);
        validation.set_audience(&[&settings.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 5;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            ttl: settings.access_token_ttl,
        }
    }

    pub fn issue(&self, user: &User) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user.id.to_string(),
            agency: user.agency_id.to_string(),
            role: user.role.clone(),
            ver: user.token_version,
            typ: ACCESS_TYPE.into(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp: now + self.ttl.as_secs() as i64,
            jti: super::refresh::random_token(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The token's claims, or why it is refused (a sentence for the caller).
    pub fn verify(&self, token: &str) -> Result<Claims, &'static str> {
        use jsonwebtoken::errors::ErrorKind;
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| {
            let why = match e.kind() {
                ErrorKind::ExpiredSignature => "The access token has expired; refresh it.",
                ErrorKind::ImmatureSignature => "The access token is not valid yet.",
                ErrorKind::InvalidAlgorithm => "The access token uses an algorithm this service does not accept.",
                _ => "The access token is not valid.",
            };
            why
        })?;
        if data.claims.typ != ACCESS_TYPE {
            return Err("The token is not an access token.");
        }
        Ok(data.claims)
    }
}
