//! Signup, login, token refresh, logout, and the caller's own account.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::ts;
use super::users::UserView;
use crate::auth::{password, refresh as refresh_token, throttle, AuthUser};
use crate::db::models::users::{self, Agency, User};
use crate::db::models::{login_attempts, now, refresh_tokens};
use crate::db::{write_tx, DbConnection};
use crate::domain::password as policy;
use crate::domain::user::{normalize_email, LoginInput, PasswordChangeInput, RefreshInput, Role, SignupInput};
use crate::domain::validate::Check;
use crate::error::ApiError;
use crate::startup::AppState;

#[derive(Serialize)]
pub struct AgencyView {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

impl From<&Agency> for AgencyView {
    fn from(a: &Agency) -> Self {
        AgencyView { id: a.id.to_string(), name: a.name.clone(), created_at: ts(a.created_at) }
    }
}

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

/// Starts a session (or continues `family`): a fresh access token and a stored refresh token.
fn open_session(
    conn: &mut DbConnection,
    state: &AppState,
    user: &User,
    family: Option<&str>,
) -> Result<TokenPair, ApiError> {
    let family = family.map(str::to_owned).unwrap_or_else(refresh_token::random_token);
    let plain = refresh_token::random_token();
    let ttl = state.settings.refresh_token_ttl;
    let expires_at = now() + chrono::Duration::from_std(ttl).map_err(ApiError::internal)?;
    refresh_tokens::insert(conn, user.id, &family, &refresh_token::hash(&plain), expires_at)?;
    let agency = users::agency(conn, user.agency_id)?;
    Ok(TokenPair {
        access_token: state.jwt.issue(user)?,
        refresh_token: plain,
        token_type: "Bearer",
        expires_in: state.jwt.ttl.as_secs(),
        refresh_expires_in: ttl.as_secs(),
        user: UserView::from(user),
        agency: AgencyView::from(&agency),
    })
}

async fn hash_password(password: String) -> Result<String, ApiError> {
    web::block(move || password::hash(&password)).await?.map_err(ApiError::internal)
}

pub async fn signup(state: web::Data<AppState>, body: ApiJson<SignupInput>) -> Result<HttpResponse, ApiError> {
    if !state.settings.allow_signup {
        return Err(ApiError::Forbidden(
            "Signup is switched off on this server; ask an agency admin for an invitation.".into(),
        ));
    }
    let signup = body.into_inner().validate()?;
    let hash = hash_password(signup.password.clone()).await?;
    let app = state.clone();
    let pair = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if users::email_taken(conn, &signup.email)?.is_some() {
                    return Err(email_taken());
                }
                let agency = users::create_agency(conn, &signup.agency_name)?;
                let user = users::insert(
                    conn,
                    agency.id,
                    users::NewUserRow {
                        name: &signup.name,
                        email: &signup.email,
                        password_hash: &hash,
                        role: Role::Admin,
                    },
                )?;
                open_session(conn, &app, &user, None)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, format!("/api/v1/users/{}", pair.user.id)))
        .json(pair))
}

pub fn email_taken() -> ApiError {
    ApiError::Conflict { detail: "An account with this e-mail address already exists.".into(), existing_id: None }
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized("The e-mail address or password is not correct.".into())
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
    let email = normalize_email(&input.email);

    let lookup_email = email.clone();
    let (user, attempts) = state
        .db(move |conn| Ok((users::find_by_email(conn, &lookup_email)?, login_attempts::find(conn, &lookup_email)?)))
        .await?;
    if let Some(retry_after_secs) = throttle::retry_after(attempts.as_ref(), now()) {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    // Unknown addresses are checked against a dummy hash, so both answers take the same time.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| state.dummy_hash.clone());
    let password = input.password;
    let matches = web::block(move || password::verify(&password, &hash)).await?;

    let policy =
        throttle::Policy { max_failures: state.settings.login_max_failures, lockout: state.settings.login_lockout };
    match user.filter(|u| matches && !u.disabled) {
        Some(user) => {
            let app = state.clone();
            let pair = state
                .db(move |conn| {
                    write_tx(conn, |conn| {
                        login_attempts::clear(conn, &email)?;
                        open_session(conn, &app, &user, None)
                    })
                })
                .await?;
            Ok(HttpResponse::Ok().json(pair))
        }
        None => {
            state
                .db(move |conn| {
                    write_tx(conn, |conn| {
                        let at = now();
                        let previous = login_attempts::find(conn, &email)?;
                        login_attempts::save(conn, &throttle::record_failure(policy, &email, previous, at))?;
                        let window = chrono::Duration::from_std(throttle::WINDOW).unwrap_or_default();
                        login_attempts::prune(conn, at - window * 4)?;
                        Ok(())
                    })
                })
                .await?;
            Err(invalid_credentials())
        }
    }
}

enum Refreshed {
    Pair(Box<TokenPair>),
    Rejected(&'static str),
}

pub async fn refresh(state: web::Data<AppState>, body: ApiJson<RefreshInput>) -> Result<HttpResponse, ApiError> {
    let token = checked_refresh_token(body.into_inner())?;
    let app = state.clone();
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let Some(stored) = refresh_tokens::find_by_hash(conn, &refresh_token::hash(&token))? else {
                    return Ok(Refreshed::Rejected("The refresh token is not valid."));
                };
                // A spent or revoked token coming back means it leaked: end the whole chain.
                if stored.used_at.is_some() || stored.revoked_at.is_some() || !refresh_tokens::spend(conn, stored.id)? {
                    refresh_tokens::revoke_family(conn, &stored.family)?;
                    return Ok(Refreshed::Rejected(
                        "The refresh token was already used; the session has been ended. Sign in again.",
                    ));
                }
                if stored.expires_at <= now() {
                    return Ok(Refreshed::Rejected("The refresh token has expired. Sign in again."));
                }
                let user = users::find_by_id(conn, stored.user_id)?;
                if user.disabled {
                    return Ok(Refreshed::Rejected("The account is disabled."));
                }
                Ok(Refreshed::Pair(Box::new(open_session(conn, &app, &user, Some(&stored.family))?)))
            })
        })
        .await?;
    match outcome {
        Refreshed::Pair(pair) => Ok(HttpResponse::Ok().json(pair)),
        Refreshed::Rejected(why) => Err(ApiError::Unauthorized(why.into())),
    }
}

fn checked_refresh_token(input: RefreshInput) -> Result<String, ApiError> {
    let mut check = Check::new();
    let token = check.text("refresh_token", &input.refresh_token, 512);
    check.finish(token).map_err(ApiError::from)
}

/// Ends the session the refresh token belongs to. Unknown tokens answer the same 204.
pub async fn logout(state: web::Data<AppState>, body: ApiJson<RefreshInput>) -> Result<HttpResponse, ApiError> {
    let token = checked_refresh_token(body.into_inner())?;
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if let Some(stored) = refresh_tokens::find_by_hash(conn, &refresh_token::hash(&token))? {
                    refresh_tokens::revoke_family(conn, &stored.family)?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize)]
struct MeView {
    user: UserView,
    agency: AgencyView,
}

pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse, ApiError> {
    let agency_id = caller.agency_id();
    let agency = state.db(move |conn| Ok(users::agency(conn, agency_id)?)).await?;
    Ok(HttpResponse::Ok().json(MeView { user: UserView::from(&caller.user), agency: AgencyView::from(&agency) }))
}

/// Changes the caller's password and ends all of their sessions.
pub async fn change_password(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ApiJson<PasswordChangeInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut check = Check::new();
    check.int_range("current_password", input.current_password.chars().count(), 1, 1024);
    let user = caller.user;
    if let Err(why) = policy::check(&input.new_password, &[&user.email, &user.name]) {
        check.fail("new_password", why);
    }
    check.finish(())?;
    let (current, hash) = (input.current_password, user.password_hash.clone());
    if !web::block(move || password::verify(&current, &hash)).await? {
        return Err(ApiError::validation("current_password", "is not your current password"));
    }
    let new_hash = hash_password(input.new_password).await?;
    state.db(move |conn| write_tx(conn, |conn| Ok(users::set_password(conn, &user, &new_hash)?))).await?;
    Ok(HttpResponse::NoContent().finish())
}
