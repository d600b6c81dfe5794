//! The caller's agency: its name and default markup, read by everyone, changed by admins.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::{if_match, journaled, ts, versioned};
use crate::auth::{Admin, Caller};
use crate::db::models::agencies::{self, Agency};
use crate::db::{lock, Lock, Table};
use crate::domain::agency::AgencyPatch;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
pub struct AgencyView {
    pub id: String,
    pub name: String,
    pub default_markup_percent: f64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
}

impl From<&Agency> for AgencyView {
    fn from(a: &Agency) -> Self {
        AgencyView {
            id: a.id.to_string(),
            name: a.name.clone(),
            default_markup_percent: a.default_markup().percent(),
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
            version: a.version,
        }
    }
}

pub async fn get_agency(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let agency_id = caller.agency_id();
    let agency = state.db(move |conn| Ok::<_, ApiError>(agencies::find(conn, agency_id)?)).await?;
    Ok(versioned(StatusCode::OK, &AgencyView::from(&agency), agency.version))
}

pub async fn update_agency(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    body: ApiJson<AgencyPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let patch = body.into_inner();
    let agency_id = admin.0.agency_id();
    let agency = journaled(&state, &admin.0, move |conn, journal| {
        lock(conn, Table::Agencies, agency_id, agency_id, Lock::Update)?;
        let before = AgencyView::from(&agencies::find(conn, agency_id)?);
        let after = agencies::update(conn, agency_id, precondition.as_ref(), &patch)?;
        journal.updated("agency", agency_id, &before, &AgencyView::from(&after), None);
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &AgencyView::from(&agency), agency.version))
}
