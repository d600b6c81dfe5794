//! The audit log, for admins: who changed what, and when, newest first.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::query::Query;
use super::{ts, Page};
use crate::auth::Admin;
use crate::db::models::audit::{self, AuditEvent, AuditFilter};
use crate::domain::Actor;
use crate::error::ApiError;
use crate::state::AppState;

/// The resources the log names.
const RESOURCES: [&str; 13] = [
    "agency",
    "api_key",
    "candidate",
    "client",
    "job_order",
    "placement",
    "rate_card_entry",
    "resume",
    "shortlist_entry",
    "skill",
    "user",
    "webhook",
    "webhook_delivery",
];

#[derive(Serialize)]
struct ActorRef {
    kind: String,
    id: Option<String>,
}

#[derive(Serialize)]
struct AuditView {
    id: String,
    actor: ActorRef,
    resource: String,
    resource_id: String,
    action: String,
    /// The names of the fields the change set (never their values).
    fields: Vec<String>,
    request_id: Option<String>,
    at: String,
}

impl From<&AuditEvent> for AuditView {
    fn from(e: &AuditEvent) -> Self {
        AuditView {
            id: e.id.to_string(),
            actor: ActorRef { kind: e.actor_kind.clone(), id: e.actor_id.map(|id| id.to_string()) },
            resource: e.resource.clone(),
            resource_id: e.resource_id.to_string(),
            action: e.action.clone(),
            fields: e.fields(),
            request_id: e.request_id.clone(),
            at: ts(e.at),
        }
    }
}

pub async fn list_audit_events(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let kind = q.choice("actor_kind", &["user", "api_key"], |k| ["user", "api_key"].contains(&k).then(|| k.to_owned()));
    let actor_id = q.id("actor_id");
    let actor = match (kind.as_deref(), actor_id) {
        (Some(_), None) | (None, Some(_)) => {
            q.fail("actor_id", "give actor_kind and actor_id together");
            None
        }
        (Some("user"), Some(id)) => Some(Actor::User(id.unwrap_or(-1))),
        (Some(_), Some(id)) => Some(Actor::ApiKey(id.unwrap_or(-1))),
        (None, None) => None,
    };
    let filter = AuditFilter {
        actor,
        resource: q.choice("resource", &RESOURCES, |r| RESOURCES.contains(&r).then(|| r.to_owned())),
        resource_id: q.id("resource_id").map(|id| id.unwrap_or(-1)),
        from: q.timestamp("from"),
        until: q.timestamp("until"),
    };
    q.finish()?;
    let agency_id = admin.0.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(audit::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(AuditView::from).collect(), next)))
}
