//! Validated types and rules: what a well-formed candidate, client, job order, user or password
//! is. No actix and no diesel here.

pub mod agency;
pub mod api_key;
pub mod candidate;
pub mod client;
pub mod csv;
pub mod job_order;
pub mod matching;
pub mod money;
pub mod password;
pub mod patch;
pub mod placement;
pub mod rate_card;
pub mod shortlist;
pub mod skills;
pub mod submittal;
pub mod taxonomy;
pub mod throttle;
pub mod user;
pub mod validate;
pub mod webhook;

/// Who a write is recorded as: a person, or an API key acting for the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    ApiKey(i64),
}

impl Actor {
    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::User(id) => Some(id),
            Actor::ApiKey(_) => None,
        }
    }

    pub fn api_key_id(self) -> Option<i64> {
        match self {
            Actor::User(_) => None,
            Actor::ApiKey(id) => Some(id),
        }
    }
}

/// A choice kept as text in the database. A text this version does not know (written by a newer
/// version, or by hand) reads as [`Stored::FALLBACK`] wherever it is read: the value that does
/// the least harm, never the one that widens what the record may do.
pub trait Stored: Sized + Copy + 'static {
    const FALLBACK: Self;

    fn parse_stored(raw: &str) -> Option<Self>;

    fn from_stored(raw: &str) -> Self {
        Self::parse_stored(raw).unwrap_or_else(|| {
            tracing::warn!(
                stored = raw,
                kind = std::any::type_name::<Self>(),
                "unknown stored value read as the fallback"
            );
            Self::FALLBACK
        })
    }
}

/// A stored candidate status nobody knows keeps the candidate out of matching and says so.
impl Stored for candidate::Status {
    const FALLBACK: Self = candidate::Status::Archived;
    fn parse_stored(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }
}

/// An unknown job order status is not open for business.
impl Stored for job_order::Status {
    const FALLBACK: Self = job_order::Status::OnHold;
    fn parse_stored(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }
}

impl Stored for client::Sector {
    const FALLBACK: Self = client::Sector::Other;
    fn parse_stored(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }
}

/// An unknown role has the fewer rights.
impl Stored for user::Role {
    const FALLBACK: Self = user::Role::Recruiter;
    fn parse_stored(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }
}

/// An unknown stage is the first one: nothing follows from it (placing sets the candidate's
/// status), and a recruiter can still move it on.
impl Stored for shortlist::Stage {
    const FALLBACK: Self = shortlist::Stage::Shortlisted;
    fn parse_stored(raw: &str) -> Option<Self> {
        Self::parse(raw)
    }
}
