//! Agency admins manage their users: list, invite, change role, disable.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::Admin;
use crate::db::models::users::{self, User, UserFilter};
use crate::db::{lock_scope, Scope};
use crate::domain::user::{NewUserInput, Role, UserPatch};
use crate::error::ApiError;
use crate::service;
use crate::state::AppState;

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

pub async fn list_users(state: web::Data<AppState>, admin: Admin, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let filter =
        UserFilter { role: q.choice("role", &["admin", "recruiter"], Role::parse), disabled: q.boolean("disabled") };
    q.finish()?;
    let agency_id = admin.0.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(users::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(UserView::from).collect(), next)))
}

pub async fn create_user(
    state: web::Data<AppState>,
    admin: Admin,
    body: ApiJson<NewUserInput>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().validate()?;
    let user = service::users::invite(&state, admin.0.who(), new).await?;
    Ok(created(&UserView::from(&user), format!("/api/v1/users/{}", user.id), user.version))
}

pub async fn get_user(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let user = state.db(move |conn| Ok::<_, ApiError>(users::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &UserView::from(&user), user.version))
}

/// Changes a user's name, role or disabled flag. Disabling ends the user's sessions at once; an
/// agency is never left without an active admin.
pub async fn update_user(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().validate()?;
    let precondition = if_match(&req)?;
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let caller_id = admin.0.user_id();
    let user = journaled(&state, &admin.0, move |conn, journal| {
        lock_scope(conn, Scope::Users, agency_id)?;
        let before = UserView::from(&users::find(conn, agency_id, id)?);
        let after = service::users::update(conn, agency_id, caller_id, id, precondition.as_ref(), &changes)?;
        journal.updated("user", id, &before, &UserView::from(&after), None);
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &UserView::from(&user), user.version))
}
