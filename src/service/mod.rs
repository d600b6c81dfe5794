//! Use cases that compose more than one part: the database models, the résumé reader, the match
//! index and the pure domain rules. The HTTP handlers and the command line call these same
//! functions; nothing here knows of HTTP. Each function either takes a connection (and runs in
//! one write transaction) or the shared state (and takes connections only for short database
//! calls, doing slow work on the blocking pool through a gate).

pub mod alerts;
pub mod api_keys;
pub mod journal;
pub mod matching;
pub mod resumes;
pub mod sessions;
pub mod shortlist;
pub mod skills;
pub mod submittals;
pub mod users;

use crate::db::WriteError;
use crate::domain::validate::Invalid;
use crate::resume::intake::ReadError;
use crate::state::{Overloaded, Unavailable};

/// Everything a use case can answer besides success. The HTTP edge (`crate::error`) decides
/// what each means to a client; the command line prints it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Wrong credentials, or a session that ended.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed logins for one address.
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error(transparent)]
    Overloaded(#[from] Overloaded),
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        Error::Write(error.into())
    }
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::Write(invalid.into())
    }
}

impl crate::db::Retry for Error {
    fn is_retryable(&self) -> bool {
        matches!(self, Error::Write(error) if error.is_retryable())
    }

    fn busy() -> Self {
        Error::Write(WriteError::Busy)
    }
}
