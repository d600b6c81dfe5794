//! Résumés: reading their text and what it says about the candidate.

pub mod dates;
pub mod extract;
pub mod format;
pub mod sandbox;
pub mod skills;
pub mod text;
