//! Sessions: signup, login, token refresh, logout and password change. Every password check or
//! hash first takes a turn at the hashing gate, so a flood of logins (known addresses or not)
//! is refused early instead of growing memory or slowing everything else; login attempts are
//! counted per address before the password is checked (see `domain::throttle`).

use super::journal::recorded;
use super::Error;
use crate::credentials::{password, refresh as refresh_token};
use crate::db::models::agencies::{self, Agency};
use crate::db::models::audit::{self, Change, Who};
use crate::db::models::rate_card;
use crate::db::models::users::{self, User};
use crate::db::models::{login_attempts, now, refresh_tokens, unique};
use crate::db::{write_tx, DbConnection, WriteError};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::throttle::{self, Policy};
use crate::domain::user::{Role, Signup};
use crate::domain::Actor;
use crate::state::AppState;

/// A signed-in session: a short-lived access token and a rotating refresh token.
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub refresh_expires_in: u64,
    pub user: User,
    pub agency: Agency,
}

pub const EMAIL_TAKEN: &str = "An account with this e-mail address already exists.";
const INVALID_CREDENTIALS: &str = "The e-mail address or password is not correct.";

/// The user's new refresh token (in a new family, or continuing `family`) and their agency. Runs
/// inside the caller's write transaction.
fn store_refresh_token(
    conn: &mut DbConnection,
    state_ttl: std::time::Duration,
    user: &User,
    family: Option<&str>,
) -> Result<(String, Agency), Error> {
    let family = family.map(str::to_owned).unwrap_or_else(refresh_token::random_token);
    let plain = refresh_token::random_token();
    let expires_at = now() + chrono::Duration::from_std(state_ttl).map_err(anyhow::Error::from)?;
    refresh_tokens::insert(conn, user.id, &family, &refresh_token::hash(&plain), expires_at)?;
    Ok((plain, agencies::find(conn, user.agency_id)?))
}

fn session(state: &AppState, user: User, agency: Agency, refresh_token: String) -> Result<Session, Error> {
    Ok(Session {
        access_token: state.jwt.issue(&user).map_err(anyhow::Error::from)?,
        refresh_token,
        expires_in: state.jwt.ttl.as_secs(),
        refresh_expires_in: state.settings.refresh_token_ttl.as_secs(),
        user,
        agency,
    })
}

/// An argon2id hash of the password, made through the hashing gate.
pub async fn hash(state: &AppState, password: String) -> Result<String, Error> {
    let _turn = state.gates.hashing.enter().await?;
    Ok(state.blocking(move || password::hash(&password)).await??)
}

/// Creates an agency with its first admin, signed in.
pub async fn signup(state: &AppState, signup: Signup) -> Result<Session, Error> {
    if !state.settings.allow_signup {
        return Err(Error::Forbidden(
            "Signup is switched off on this server; ask an agency admin for an invitation.".into(),
        ));
    }
    let hash = hash(state, signup.password.clone()).await?;
    let ttl = state.settings.refresh_token_ttl;
    let (user, agency, plain) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let agency = agencies::create(conn, &signup.agency_name)?;
                rate_card::start(conn, agency.id, &Taxonomy::shipped().default_rate_card.drafts())?;
                let new = users::NewUserRow {
                    name: &signup.name,
                    email: &signup.email,
                    password_hash: &hash,
                    role: Role::Admin,
                };
                let user = unique(conn, |conn| users::insert(conn, agency.id, new), |_| Ok(None), EMAIL_TAKEN)?;
                let who = Who { agency_id: agency.id, actor: Actor::User(user.id), request_id: None };
                let created = |resource, id, fields: &[&str]| Change {
                    resource,
                    id,
                    action: "created",
                    fields: fields.iter().map(|f| f.to_string()).collect(),
                };
                audit::record(
                    conn,
                    &who,
                    &[created("agency", agency.id, &["name"]), created("user", user.id, &["email", "name", "role"])],
                )?;
                let (plain, agency) = store_refresh_token(conn, ttl, &user, None)?;
                Ok::<_, Error>((user, agency, plain))
            })
        })
        .await?;
    session(state, user, agency, plain)
}

/// Signs in with an e-mail address (already normalised) and a password.
pub async fn login(state: &AppState, email: String, password: String) -> Result<Session, Error> {
    // A place in line first: past the gate's queue a login is refused before it costs anything.
    // Attempts are counted in arrival order, while in line, then checked one turn at a time.
    let place = state.gates.hashing.line_up()?;
    let policy = Policy { max_failures: state.settings.login_max_failures, lockout: state.settings.login_lockout };
    let address = email.clone();
    let (user, admitted) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let at = now();
                let admitted = throttle::admit(policy, &address, login_attempts::lock(conn, &address)?, at);
                if let Ok(counted) = &admitted {
                    login_attempts::save(conn, counted)?;
                    let window = chrono::Duration::from_std(throttle::WINDOW).unwrap_or_default();
                    login_attempts::prune(conn, at - window * 4)?;
                }
                Ok::<_, Error>((users::find_by_email(conn, &address)?, admitted))
            })
        })
        .await?;
    let admitted = admitted.map_err(|retry_after_secs| Error::Throttled { retry_after_secs })?.failures;
    let turn = place.turn().await?;
    // Unknown addresses are checked against a dummy hash, so both answers take the same time.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| state.dummy_hash.clone());
    let matches = state.blocking(move || password::verify(&password, &hash)).await?;
    drop(turn);
    let Some(user) = user.filter(|u| matches && !u.disabled) else {
        return Err(Error::Unauthorized(INVALID_CREDENTIALS.into()));
    };
    let ttl = state.settings.refresh_token_ttl;
    let signed_in = user.clone();
    let (plain, agency) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let current = login_attempts::lock(conn, &email)?;
                login_attempts::put(conn, &email, throttle::after_success(current, admitted).as_ref())?;
                store_refresh_token(conn, ttl, &signed_in, None)
            })
        })
        .await?;
    session(state, user, agency, plain)
}

/// Trades a refresh token for a new pair. A spent or revoked token coming back means it leaked:
/// the whole chain of tokens from that login is revoked.
pub async fn refresh(state: &AppState, token: String) -> Result<Session, Error> {
    let ttl = state.settings.refresh_token_ttl;
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |conn| -> Result<Result<_, &'static str>, Error> {
                let Some(stored) = refresh_tokens::find_by_hash(conn, &refresh_token::hash(&token))? else {
                    return Ok(Err("The refresh token is not valid."));
                };
                if stored.used_at.is_some() || stored.revoked_at.is_some() || !refresh_tokens::spend(conn, stored.id)? {
                    refresh_tokens::revoke_family(conn, &stored.family)?;
                    return Ok(Err("The refresh token was already used; the session has been ended. Sign in again."));
                }
                if stored.expires_at <= now() {
                    return Ok(Err("The refresh token has expired. Sign in again."));
                }
                let user = users::find_by_id(conn, stored.user_id)?;
                if user.disabled {
                    return Ok(Err("The account is disabled."));
                }
                let (plain, agency) = store_refresh_token(conn, ttl, &user, Some(&stored.family))?;
                Ok(Ok((user, agency, plain)))
            })
        })
        .await?;
    match outcome {
        Ok((user, agency, plain)) => session(state, user, agency, plain),
        // The revocation above is committed: only the answer is an error.
        Err(why) => Err(Error::Unauthorized(why.into())),
    }
}

/// Ends the session the refresh token belongs to. An unknown token ends nothing, quietly.
pub async fn logout(state: &AppState, token: String) -> Result<(), Error> {
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if let Some(stored) = refresh_tokens::find_by_hash(conn, &refresh_token::hash(&token))? {
                    refresh_tokens::revoke_family(conn, &stored.family)?;
                }
                Ok::<_, Error>(())
            })
        })
        .await
}

/// Changes the user's password (the current one must be right) and ends all their sessions.
pub async fn change_password(state: &AppState, user: User, current: String, new: String) -> Result<(), Error> {
    let turn = state.gates.hashing.enter().await?;
    let stored = user.password_hash.clone();
    let (matches, new_hash) = state
        .blocking(move || {
            if !password::verify(&current, &stored) {
                return Ok((false, String::new()));
            }
            password::hash(&new).map(|hash| (true, hash))
        })
        .await??;
    drop(turn);
    if !matches {
        return Err(WriteError::invalid("current_password", "is not your current password").into());
    }
    state
        .db(move |conn| {
            let who = Who { agency_id: user.agency_id, actor: Actor::User(user.id), request_id: None };
            recorded(conn, &who, |conn, journal| -> Result<(), Error> {
                users::set_password(conn, &user, &new_hash)?;
                journal.other("user", user.id, "password_changed", &["password"]);
                Ok(())
            })
        })
        .await
}
