//! Who is calling: the extractors handlers take as arguments. A [`Caller`] is a person signed in
//! with an access token or one of the agency's API keys; [`Admin`] is a caller allowed to
//! administer the agency; [`Person`] is a signed-in person only (a key is nobody's account). The
//! tokens and keys themselves are `credentials`'.

use std::future::Future;
use std::pin::Pin;

use actix_web::{http::header, http::Method, web, FromRequest, HttpRequest};
use diesel::OptionalExtension;

use crate::credentials::api_key;
use actix_web::HttpMessage;

use crate::db::models::api_keys::{self, ApiKey};
use crate::db::models::audit::Who;
use crate::db::models::users::{self, User};
use crate::domain::api_key::Scope;
use crate::domain::user::Role;
pub use crate::domain::Actor;
use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry::RequestId;

/// How the caller proved who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    /// An access token of a user whose account is still enabled.
    User(User),
    /// An API key that is neither revoked nor expired.
    Key(ApiKey),
}

/// A verified caller. Every tenant query takes `agency_id()` from here.
#[derive(Debug, Clone)]
pub struct Caller {
    pub credential: Credential,
    /// The request's id, for the audit log.
    request_id: Option<String>,
}

impl Caller {
    pub fn agency_id(&self) -> i64 {
        match &self.credential {
            Credential::User(user) => user.agency_id,
            Credential::Key(key) => key.agency_id,
        }
    }

    pub fn actor(&self) -> Actor {
        match &self.credential {
            Credential::User(user) => Actor::User(user.id),
            Credential::Key(key) => Actor::ApiKey(key.id),
        }
    }

    /// The person calling, if it is one (records that name a user take this; a key leaves them
    /// empty and is named in the audit log instead).
    pub fn user_id(&self) -> Option<i64> {
        self.actor().user_id()
    }

    /// Who a write of this request is recorded as.
    pub fn who(&self) -> Who {
        Who { agency_id: self.agency_id(), actor: self.actor(), request_id: self.request_id.clone() }
    }

    fn is_admin(&self) -> bool {
        match &self.credential {
            Credential::User(user) => user.role() == Role::Admin,
            Credential::Key(key) => Scope::granted(&key.scopes(), Scope::Admin),
        }
    }
}

/// A [`Caller`] who may administer the agency: an admin, or a key with the `admin` scope;
/// anyone else gets 403.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

/// A person signed in with an access token; an API key gets 403 (it is nobody's account).
#[derive(Debug, Clone)]
pub struct Person(pub User);

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized("Send an access token or API key: Authorization: Bearer <token>.".into())
    })?;
    let value = value.to_str().map_err(|_| ApiError::Unauthorized("The Authorization header is not valid.".into()))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized("The Authorization header must be: Bearer <token>.".into()));
    }
    Ok(token.trim().to_owned())
}

/// The scope a key needs for a request: reading matches needs `matches:read` (the ad hoc
/// `POST /matches` is a read too), any other read `read`, anything else `write`. Administration
/// needs `admin` on top ([`Admin`]).
fn needed_scope(req: &HttpRequest) -> Scope {
    let path = req.path();
    let reads = matches!(*req.method(), Method::GET | Method::HEAD);
    if path.ends_with("/matches") && (reads || req.method() == Method::POST) {
        Scope::MatchesRead
    } else if reads {
        Scope::Read
    } else {
        Scope::Write
    }
}

async fn authenticate(state: web::Data<AppState>, token: String, needed: Scope) -> Result<Caller, ApiError> {
    if api_key::is_key(&token) {
        return authenticate_key(state, token, needed).await;
    }
    let claims = state.jwt.verify(&token).map_err(|why| ApiError::Unauthorized(why.into()))?;
    let rejected = || ApiError::Unauthorized("The access token is no longer valid; sign in again.".into());
    let (Ok(user_id), Ok(agency_id)) = (claims.sub.parse::<i64>(), claims.agency.parse::<i64>()) else {
        return Err(rejected());
    };
    let user = state
        .db(move |conn| Ok::<_, ApiError>(users::find(conn, agency_id, user_id).optional()?))
        .await?
        .ok_or_else(rejected)?;
    if user.disabled || user.token_version != claims.ver {
        return Err(rejected());
    }
    crate::telemetry::record_caller(agency_id, Some(user_id), None);
    Ok(Caller { credential: Credential::User(user), request_id: None })
}

/// A key is looked up by its hash on every request, so revoking it takes effect at once on every
/// instance.
async fn authenticate_key(state: web::Data<AppState>, token: String, needed: Scope) -> Result<Caller, ApiError> {
    let hash = api_key::hash(&token);
    let key = state
        .db(move |conn| {
            let now = crate::db::models::now();
            let key = api_keys::by_hash(conn, &hash)?.filter(|k| k.usable(now));
            if let Some(key) = &key {
                api_keys::touch(conn, key, now)?;
            }
            Ok::<_, ApiError>(key)
        })
        .await?
        .ok_or_else(|| ApiError::Unauthorized("The API key is unknown, revoked or expired.".into()))?;
    crate::telemetry::record_caller(key.agency_id, None, Some(key.id));
    if !Scope::granted(&key.scopes(), needed) {
        return Err(ApiError::Forbidden(format!(
            "This API key lacks the `{}` scope this request needs (it has: {}).",
            needed.as_str(),
            key.scopes().iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(Caller { credential: Credential::Key(key), request_id: None })
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let (token, needed) = (bearer(req), needed_scope(req));
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            let caller = authenticate(state, token?, needed).await?;
            Ok(Caller { request_id, ..caller })
        })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            if !caller.is_admin() {
                return Err(ApiError::Forbidden(
                    match caller.credential {
                        Credential::User(_) => {
                            "Only an agency admin may do this (manage users, API keys, webhooks or the rate card)."
                        }
                        Credential::Key(_) => "This API key lacks the `admin` scope this request needs.",
                    }
                    .into(),
                ));
            }
            Ok(Admin(caller))
        })
    }
}

impl FromRequest for Person {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            match caller.await?.credential {
                Credential::User(user) => Ok(Person(user)),
                Credential::Key(_) => Err(ApiError::Forbidden(
                    "An API key acts for the agency, not for a person: sign in as a user for this.".into(),
                )),
            }
        })
    }
}
