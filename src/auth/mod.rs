//! Who is calling: the bearer-token extractors [`AuthUser`] and [`AdminUser`] that handlers take
//! as arguments. The tokens themselves are `credentials`'.

use std::future::Future;
use std::pin::Pin;

use actix_web::{http::header, web, FromRequest, HttpRequest};
use diesel::OptionalExtension;

use crate::db::models::users::{self, User};
use crate::domain::user::Role;
use crate::error::ApiError;
use crate::state::AppState;

/// A caller whose access token verified and whose account is still enabled. Every tenant query
/// takes `agency_id()` from here.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
}

impl AuthUser {
    pub fn agency_id(&self) -> i64 {
        self.user.agency_id
    }
}

/// An [`AuthUser`] who is an admin of the agency; anyone else gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("Send an access token: Authorization: Bearer <token>.".into()))?;
    let value = value.to_str().map_err(|_| ApiError::Unauthorized("The Authorization header is not valid.".into()))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized("The Authorization header must be: Bearer <token>.".into()));
    }
    Ok(token.trim().to_owned())
}

async fn authenticate(state: web::Data<AppState>, token: Result<String, ApiError>) -> Result<AuthUser, ApiError> {
    let claims = state.jwt.verify(&token?).map_err(|why| ApiError::Unauthorized(why.into()))?;
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
    crate::telemetry::record_caller(agency_id, user_id);
    Ok(AuthUser { user })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            authenticate(state, token).await
        })
    }
}

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if user.user.role() != Role::Admin {
                return Err(ApiError::Forbidden(
                    "Only an agency admin may do this (manage users or the rate card).".into(),
                ));
            }
            Ok(AdminUser(user))
        })
    }
}
