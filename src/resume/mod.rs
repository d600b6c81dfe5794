//! Résumés: deciding a file's format from its bytes, reading its text safely (hostile formats in
//! a child process), reading what the text says about the candidate, and what that adds to them.

pub mod apply;
pub mod dates;
pub mod extract;
pub mod format;
pub mod intake;
pub mod json_resume;
pub mod names;
pub mod sandbox;
pub mod skills;
pub mod text;
