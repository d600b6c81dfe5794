//! What a write can answer besides success, and which database errors deserve another try.
//!
//! Error policy: model functions return `diesel::QueryResult` for reads and [`WriteError`] for
//! writes that check something (a version, a rule, a uniqueness). Services add their own cases
//! on top (`crate::service::Error`); only the HTTP edge (`crate::error`) turns either into a
//! status code.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::domain::validate::{FieldError, Invalid};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// No such record in the caller's agency.
    #[error("not found")]
    NotFound,
    /// The caller's `If-Match` names another version than the record's.
    #[error("the record is at version {current_version}")]
    Stale { current_version: i32 },
    /// A rule refuses the change in the record's current state, or the value is already taken
    /// (`existing_id` names the record that holds it).
    #[error("{detail}")]
    Conflict { detail: String, existing_id: Option<i64> },
    /// The input breaks a rule that only the stored data can check (an unknown client, a skill
    /// named twice).
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    /// Concurrent writers kept winning (deadlocks or serialization failures past every retry,
    /// or SQLite's write lock past its busy timeout). Worth trying again shortly.
    #[error("the database is busy with concurrent writes")]
    Busy,
    #[error("database error: {0}")]
    Db(#[source] DieselError),
}

fn describe(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}

impl WriteError {
    pub fn conflict(detail: impl Into<String>) -> WriteError {
        WriteError::Conflict { detail: detail.into(), existing_id: None }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> WriteError {
        WriteError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<Invalid> for WriteError {
    fn from(invalid: Invalid) -> Self {
        WriteError::Invalid(invalid.0)
    }
}

impl From<DieselError> for WriteError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => WriteError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                WriteError::conflict("A record with the same unique value already exists.")
            }
            // Only a write racing another one gets here: every model checks what it refers to
            // first, under a lock.
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => WriteError::conflict(
                "A record this change refers to was changed or removed at the same time; try again.",
            ),
            error if is_locked_out(&error) => WriteError::Busy,
            // Kept as it is so that `write_tx` can see it is worth another try.
            other => WriteError::Db(other),
        }
    }
}

/// A transaction that lost to another one and may simply be run again: a PostgreSQL deadlock
/// or serialization failure. PostgreSQL aborts the loser's whole transaction, so only the
/// outermost transaction can retry.
pub fn is_retryable(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(_, info) => info.message().contains("deadlock detected"),
        _ => false,
    }
}

/// SQLite's write lock stayed taken past the busy timeout: retrying would only wait again.
fn is_locked_out(error: &DieselError) -> bool {
    matches!(error, DieselError::DatabaseError(_, info)
        if info.message().contains("database is locked") || info.message().contains("database table is locked"))
}

/// What `write_tx` needs of an error type: whether it is worth another try, and what to answer
/// when the tries are used up.
pub trait Retry {
    fn is_retryable(&self) -> bool;
    fn busy() -> Self;
}

impl Retry for WriteError {
    fn is_retryable(&self) -> bool {
        matches!(self, WriteError::Db(error) if is_retryable(error))
    }

    fn busy() -> Self {
        WriteError::Busy
    }
}

impl Retry for anyhow::Error {
    fn is_retryable(&self) -> bool {
        self.downcast_ref::<DieselError>().is_some_and(is_retryable)
    }

    fn busy() -> Self {
        anyhow::anyhow!("{}", WriteError::Busy)
    }
}
