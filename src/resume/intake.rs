//! One file, read: its format from the bytes, its text (hostile formats in the sandbox), and the
//! structured extraction. Nothing here touches the database; what reading answers is its own
//! [`Reading`] or [`ReadError`].

use sha2::{Digest, Sha256};

use super::extract::{extract, Extraction, EXTRACTOR_VERSION};
use super::format::{sniff, Format};
use super::sandbox::Sandbox;
use super::text::TextError;

/// What reading a file found.
#[derive(Debug, Clone)]
pub struct Reading {
    pub format: Format,
    pub sha256: String,
    /// `None` for a file without text (a scanned PDF): still a résumé, stored as sent.
    pub text: Option<String>,
    pub extraction: Option<Extraction>,
}

/// Why a file is not a résumé this service can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not a format this service reads (or nothing at all).
    #[error("{0}")]
    Unsupported(String),
    /// A format it reads, but this file is damaged, hostile or over a limit.
    #[error("{0}")]
    Unreadable(String),
}

const NO_TEXT: &str =
    "No text could be found in this file (a scanned image?). It is stored as sent; nothing was extracted.";

impl Reading {
    pub fn extractor_version(&self) -> &'static str {
        EXTRACTOR_VERSION
    }

    /// `parsed`, or `no_text` with a sentence saying what that means.
    pub fn status(&self) -> (&'static str, Option<&'static str>) {
        match self.text {
            Some(_) => ("parsed", None),
            None => ("no_text", Some(NO_TEXT)),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads bytes whose format is already known (a stored résumé read again). Blocks for up to the
/// sandbox's timeout.
pub fn read_as(
    sandbox: &Sandbox,
    format: Format,
    bytes: &[u8],
    today: chrono::NaiveDate,
) -> Result<Reading, ReadError> {
    let text = match sandbox.extract(format, bytes) {
        Ok(text) => Some(text),
        Err(TextError::NoText) => None,
        Err(TextError::Unsupported(why)) => return Err(ReadError::Unsupported(why)),
        Err(other) => return Err(ReadError::Unreadable(other.to_string())),
    };
    let extraction = text.as_deref().map(|text| extract(text, today));
    Ok(Reading { format, sha256: sha256_hex(bytes), text, extraction })
}

/// Sniffs the format of an upload and reads it. Blocks for up to the sandbox's timeout.
pub fn read(sandbox: &Sandbox, bytes: &[u8], today: chrono::NaiveDate) -> Result<Reading, ReadError> {
    let format = sniff(bytes).map_err(|why| ReadError::Unsupported(why.to_string()))?;
    read_as(sandbox, format, bytes, today)
}
