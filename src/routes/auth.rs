//! Signup, login, token refresh, logout, and the caller's own account.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::agency::AgencyView;
use super::json::ApiJson;
use super::users::UserView;
use crate::auth::Person;
use crate::db::models::agencies;
use crate::domain::password as policy;
use crate::domain::user::{normalize_email, LoginInput, PasswordChangeInput, RefreshInput, SignupInput};
use crate::domain::validate::Check;
use crate::error::ApiError;
use crate::service::sessions::{self, Session};
use crate::state::AppState;

#[derive(Serialize)]
struct TokenPair {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_expires_in: u64,
    user: UserView,
    agency: AgencyView,
}

impl From<Session> for TokenPair {
    fn from(s: Session) -> Self {
        TokenPair {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
            refresh_expires_in: s.refresh_expires_in,
            user: UserView::from(&s.user),
            agency: AgencyView::from(&s.agency),
        }
    }
}

pub async fn signup(state: web::Data<AppState>, body: ApiJson<SignupInput>) -> Result<HttpResponse, ApiError> {
    let signup = body.into_inner().validate()?;
    let pair = TokenPair::from(sessions::signup(&state, signup).await?);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, format!("/api/v1/users/{}", pair.user.id)))
        .json(pair))
}

pub async fn login(state: web::Data<AppState>, body: ApiJson<LoginInput>) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut check = Check::new();
    check.int_range("email", input.email.chars().count(), 1, 254);
    check.int_range("password", input.password.chars().count(), 1, 1024);
    if input.email.contains('\0') {
        check.fail("email", "must not contain NUL characters");
    }
    check.finish(())?;
    let session = sessions::login(&state, normalize_email(&input.email), input.password).await?;
    Ok(HttpResponse::Ok().json(TokenPair::from(session)))
}

pub async fn refresh(state: web::Data<AppState>, body: ApiJson<RefreshInput>) -> Result<HttpResponse, ApiError> {
    let token = checked_refresh_token(body.into_inner())?;
    Ok(HttpResponse::Ok().json(TokenPair::from(sessions::refresh(&state, token).await?)))
}

fn checked_refresh_token(input: RefreshInput) -> Result<String, ApiError> {
    let mut check = Check::new();
    let token = check.text("refresh_token", &input.refresh_token, 512);
    check.finish(token).map_err(ApiError::from)
}

/// Ends the session the refresh token belongs to. Unknown tokens answer the same 204.
pub async fn logout(state: web::Data<AppState>, body: ApiJson<RefreshInput>) -> Result<HttpResponse, ApiError> {
    let token = checked_refresh_token(body.into_inner())?;
    sessions::logout(&state, token).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize)]
struct MeView {
    user: UserView,
    agency: AgencyView,
}

pub async fn me(state: web::Data<AppState>, Person(user): Person) -> Result<HttpResponse, ApiError> {
    let agency_id = user.agency_id;
    let agency = state.db(move |conn| Ok::<_, ApiError>(agencies::find(conn, agency_id)?)).await?;
    Ok(HttpResponse::Ok().json(MeView { user: UserView::from(&user), agency: AgencyView::from(&agency) }))
}

/// Changes the caller's password and ends all of their sessions.
pub async fn change_password(
    state: web::Data<AppState>,
    Person(user): Person,
    body: ApiJson<PasswordChangeInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut check = Check::new();
    check.int_range("current_password", input.current_password.chars().count(), 1, 1024);
    if let Err(why) = policy::check(&input.new_password, &[&user.email, &user.name]) {
        check.fail("new_password", why);
    }
    check.finish(())?;
    sessions::change_password(&state, user, input.current_password, input.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
