//! Every write is journaled in its own transaction: an audit entry per change (who, what, which
//! fields — names, never values) and the events it sends to the agency's webhooks. A write
//! runs inside [`recorded`], notes what it changed in the [`Journal`], and the journal is written
//! before the transaction commits: a rolled-back write leaves neither, a committed one always
//! has both.

use serde::Serialize;
use serde_json::{json, Value};

use crate::db::models::audit::{self, Change, Who};
use crate::db::models::webhooks::{self, NewEvent};
use crate::db::{write_tx, DbConnection};

/// What one write changed, noted as it goes.
#[derive(Debug, Default)]
pub struct Journal {
    changes: Vec<Change>,
    events: Vec<NewEvent>,
}

/// Fields never named as changed: they change with every write.
const BOOKKEEPING: [&str; 3] = ["version", "updated_at", "created_at"];

/// The top-level fields whose values differ between two views of a record.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else { return Vec::new() };
    let mut fields: Vec<String> = after
        .iter()
        .filter(|(k, v)| !BOOKKEEPING.contains(&k.as_str()) && before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    fields.sort();
    fields
}

/// The fields a new record was given (those not empty).
fn set_fields(view: &Value) -> Vec<String> {
    let Value::Object(map) = view else { return Vec::new() };
    let empty = |v: &Value| v.is_null() || v.as_array().is_some_and(|a| a.is_empty()) || v == "";
    let mut fields: Vec<String> = map
        .iter()
        .filter(|(k, v)| !BOOKKEEPING.contains(&k.as_str()) && k.as_str() != "id" && !empty(v))
        .map(|(k, _)| k.clone())
        .collect();
    fields.sort();
    fields
}

fn to_value(view: &impl Serialize) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

impl Journal {
    /// A record was created with `view` as its representation; `event` is sent with its id.
    pub fn created(&mut self, resource: &'static str, id: i64, view: &impl Serialize, event: Option<&'static str>) {
        let fields = set_fields(&to_value(view));
        if let Some(event) = event {
            self.event(event, resource, id, json!({"id": id.to_string(), "fields": fields}));
        }
        self.changes.push(Change { resource, id, action: "created", fields });
    }

    /// A record changed from `before` to `after`. Nothing is journaled when no field changed
    /// (a write that changed nothing is no change). Answers the changed fields.
    pub fn updated(
        &mut self,
        resource: &'static str,
        id: i64,
        before: &impl Serialize,
        after: &impl Serialize,
        event: Option<&'static str>,
    ) -> Vec<String> {
        let fields = changed_fields(&to_value(before), &to_value(after));
        if fields.is_empty() {
            return fields;
        }
        if let Some(event) = event {
            self.event(event, resource, id, json!({"id": id.to_string(), "changed": fields}));
        }
        self.changes.push(Change { resource, id, action: "updated", fields: fields.clone() });
        fields
    }

    pub fn deleted(&mut self, resource: &'static str, id: i64, event: Option<&'static str>) {
        if let Some(event) = event {
            self.event(event, resource, id, json!({"id": id.to_string()}));
        }
        self.changes.push(Change { resource, id, action: "deleted", fields: Vec::new() });
    }

    /// Any other change (`merged`, `revoked`, `stage_changed`, …).
    pub fn other(&mut self, resource: &'static str, id: i64, action: &'static str, fields: &[&str]) {
        let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        fields.sort();
        self.changes.push(Change { resource, id, action, fields });
    }

    /// An event about `resource` `id`, with `data` as its body's `data`.
    pub fn event(&mut self, event_type: &'static str, resource: &'static str, id: i64, data: Value) {
        let payload = json!({
            "type": event_type,
            "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": data,
        });
        self.events.push(NewEvent {
            event_type,
            resource_key: format!("{resource}:{id}"),
            payload: payload.to_string(),
        });
    }

    /// Writes only the events, for what happens on nobody's behalf (match alerts).
    pub fn send(&self, conn: &mut DbConnection, agency_id: i64) -> diesel::QueryResult<()> {
        webhooks::emit(conn, agency_id, &self.events).map(|_| ())
    }

    fn write(&self, conn: &mut DbConnection, who: &Who) -> diesel::QueryResult<()> {
        audit::record(conn, who, &self.changes)?;
        webhooks::emit(conn, who.agency_id, &self.events)?;
        Ok(())
    }
}

/// Runs a write in one transaction with its journal: `write` notes what it changed, and the
/// audit entries and events are written before the commit.
pub fn recorded<T, E>(
    conn: &mut DbConnection,
    who: &Who,
    mut write: impl FnMut(&mut DbConnection, &mut Journal) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error> + crate::db::Retry,
{
    write_tx(conn, |conn| {
        let mut journal = Journal::default();
        let value = write(conn, &mut journal)?;
        journal.write(conn, who)?;
        Ok(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_are_the_differing_top_level_keys_without_bookkeeping() {
        let before = json!({"id": "1", "full_name": "Dana", "skills": [{"name": "Epic"}], "version": 1, "phone": null});
        let after = json!({"id": "1", "full_name": "Dana", "skills": [{"name": "SQL"}], "version": 2, "phone": "555"});
        assert_eq!(changed_fields(&before, &after), ["phone", "skills"]);
        assert!(changed_fields(&before, &before).is_empty());
        assert_eq!(set_fields(&after), ["full_name", "phone", "skills"]);
    }
}
