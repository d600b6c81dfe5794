//! Résumés: reading their text and what it says about the candidate.

pub mod apply;
pub mod dates;
pub mod extract;
pub mod json_resume;
pub mod skills;
