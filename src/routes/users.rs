//! Agency admins manage their users: list, invite, change role, disable.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, parse_id, ts, versioned, Page};
use crate::auth::{password, AdminUser};
use crate::db::models::users::{self, User, UserFilter};
use crate::db::write_tx;
use crate::domain::user::{NewUserInput, Role, UserPatch};
use crate::error::ApiError;
use crate::startup::AppState;

#[derive(Serialize)]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id.to_string(),
            name: u.name.clone(),
            email: u.email.clone(),
            role: u.role().as_str(),
            disabled: u.disabled,
            created_at: ts(u.created_at),
            updated_at: ts(u.updated_at),
            version: u.version,
        }
    }
}

pub async fn list_users(
    state: web::Data<AppState>,
    admin: AdminUser,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let filter =
        UserFilter { role: q.choice("role", &["admin", "recruiter"], Role::parse), disabled: q.boolean("disabled") };
    q.finish()?;
    let agency_id = admin.0.agency_id();
    let (rows, next) = state.db(move |conn| Ok(users::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(UserView::from).collect(), next)))
}

pub async fn create_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: ApiJson<NewUserInput>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().validate()?;
    let hash = web::block({
        let password = new.password.clone();
        move || password::hash(&password)
    })
    .await?
    .map_err(ApiError::internal)?;
    let agency_id = admin.0.agency_id();
    let user = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if users::email_taken(conn, &new.email)?.is_some() {
                    return Err(super::auth::email_taken());
                }
                let row =
                    users::NewUserRow { name: &new.name, email: &new.email, password_hash: &hash, role: new.role };
                Ok(users::insert(conn, agency_id, row)?)
            })
        })
        .await?;
    Ok(created(&UserView::from(&user), format!("/api/v1/users/{}", user.id), user.version))
}

pub async fn get_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let user = state.db(move |conn| Ok(users::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &UserView::from(&user), user.version))
}

/// Changes a user's name, role or disabled flag. Disabling ends the user's sessions at once; an
/// agency is never left without an active admin.
pub async fn update_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().validate()?;
    let precondition = if_match(&req)?;
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let caller_id = admin.0.user.id;
    let user = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let user = users::find(conn, agency_id, id)?;
                if precondition.as_ref().is_some_and(|m| !m.allows(user.version)) {
                    return Err(ApiError::PreconditionFailed { current_version: user.version });
                }
                let role = changes.role.unwrap_or(user.role());
                let disabled = changes.disabled.unwrap_or(user.disabled);
                let name = changes.name.clone().unwrap_or_else(|| user.name.clone());
                if (name.as_str(), role, disabled) == (user.name.as_str(), user.role(), user.disabled) {
                    return Ok(user);
                }
                if user.id == caller_id && (role != Role::Admin || disabled) {
                    return Err(ApiError::Conflict {
                        detail: "Admins cannot disable or demote themselves; ask another admin.".into(),
                        existing_id: None,
                    });
                }
                let was_active_admin = user.role() == Role::Admin && !user.disabled;
                if was_active_admin && (role != Role::Admin || disabled) && users::active_admins(conn, agency_id)? <= 1
                {
                    return Err(ApiError::Conflict {
                        detail: "This is the agency's last active admin; make another user admin first.".into(),
                        existing_id: None,
                    });
                }
                let updated = users::update(conn, &user, &name, role, disabled)?
                    .ok_or(ApiError::PreconditionFailed { current_version: user.version + 1 })?;
                if disabled && !user.disabled {
                    users::revoke_sessions(conn, user.id)?;
                }
                Ok(updated)
            })
        })
        .await?;
    Ok(versioned(StatusCode::OK, &UserView::from(&user), user.version))
}
