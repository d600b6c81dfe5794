//! The skill taxonomy: the shipped skills plus the agency's own.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::query::Query;
use super::{journaled, parse_id, ts, Page};
use crate::auth::{Admin, Caller};
use crate::db::models::skills::{self, Skill, SkillFilter};
use crate::domain::skills::{Category, SkillInput, SkillPatch};
use crate::error::ApiError;
use crate::state::AppState;

/// What the taxonomy knows of a certification.
#[derive(Serialize)]
struct CertificationView {
    status: &'static str,
    retired_year: Option<i32>,
    /// `exam`, `employer`, `experience`, `program`, `degree` or `license`.
    pathway: &'static str,
    sponsorship_required: bool,
    healthcare_months_required: Option<i32>,
}

#[derive(Serialize)]
pub struct SkillView {
    id: String,
    name: String,
    category: String,
    aliases: Vec<String>,
    implies: Vec<String>,
    scope: &'static str,
    /// For certifications only.
    certification: Option<CertificationView>,
    created_at: String,
}

impl From<&Skill> for SkillView {
    fn from(s: &Skill) -> Self {
        SkillView {
            id: s.id.to_string(),
            name: s.name.clone(),
            category: s.category.clone(),
            aliases: s.aliases(),
            implies: s.implies(),
            scope: if s.agency_id.is_some() { "agency" } else { "global" },
            certification: s.certification().map(|c| CertificationView {
                status: c.status.as_str(),
                retired_year: c.retired,
                pathway: c.pathway.as_str(),
                sponsorship_required: c.sponsorship_required(),
                healthcare_months_required: c.healthcare_months,
            }),
            created_at: ts(s.created_at),
        }
    }
}

const CATEGORIES: [&str; 5] = ["general_it", "healthcare_it", "clinical", "certification", "custom"];

pub async fn list_skills(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let filter = SkillFilter {
        q: q.text("q", 100),
        category: q.choice("category", &CATEGORIES, Category::parse),
        own: q.choice("scope", &["global", "agency"], |s| match s {
            "agency" => Some(true),
            "global" => Some(false),
            _ => None,
        }),
    };
    q.finish()?;
    let agency_id = caller.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(skills::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(SkillView::from).collect(), next)))
}

pub async fn get_skill(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let skill = state.db(move |conn| Ok::<_, ApiError>(skills::find(conn, agency_id, id)?)).await?;
    Ok(HttpResponse::Ok().json(SkillView::from(&skill)))
}

pub async fn create_skill(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SkillInput>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().validate()?;
    let agency_id = caller.agency_id();
    let skill = journaled(&state, &caller, move |conn, journal| {
        let skill = skills::create(conn, agency_id, &new)?;
        journal.created("skill", skill.id, &SkillView::from(&skill), None);
        Ok(skill)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, format!("/api/v1/skills/{}", skill.id)))
        .json(SkillView::from(&skill)))
}

/// Admins only: deletes one of the agency's own skills that nothing uses.
pub async fn delete_skill(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    journaled(&state, &admin.0, move |conn, journal| {
        skills::delete(conn, agency_id, id)?;
        journal.deleted("skill", id, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What a skill is merged into.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeInto {
    into: String,
}

/// Admins only: merges one of the agency's own skills into another skill, everywhere.
pub async fn merge_skill(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    body: ApiJson<MergeInto>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let into = body.into_inner().into.trim().to_owned();
    if into.is_empty() || into.chars().count() > crate::domain::skills::MAX_NAME {
        return Err(ApiError::validation("into", "must be a skill name or alias of 1 to 100 characters"));
    }
    let target = journaled(&state, &admin.0, move |conn, journal| {
        crate::service::skills::merge(conn, journal, agency_id, id, &into)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SkillView::from(&target)))
}

/// Admins only: renames one of the agency's own skills, or changes its category or aliases.
pub async fn update_skill(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    body: ApiJson<SkillPatch>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id, patch) = (admin.0.agency_id(), parse_id(&id)?, body.into_inner());
    let skill = journaled(&state, &admin.0, move |conn, journal| {
        crate::service::skills::update(conn, journal, agency_id, id, patch.clone())
    })
    .await?;
    Ok(HttpResponse::Ok().json(SkillView::from(&skill)))
}
