//! One uploaded file, read: its format from the bytes, its text (hostile formats in the
//! sandbox), and the structured extraction. Nothing here touches the database.

use sha2::{Digest, Sha256};

use super::extract::{extract, Extraction, EXTRACTOR_VERSION};
use super::format::{sniff, Format};
use super::sandbox::Sandbox;
use super::text::TextError;
use crate::db::models::resumes::Reading;
use crate::error::ApiError;

pub struct Intake {
    pub format: Format,
    pub sha256: String,
    pub extraction: Option<Extraction>,
    pub reading: Reading,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads already-sniffed bytes into text and extraction. A file without text is still a
/// résumé (a scanned PDF): it is stored and says so; a file that cannot be read at all is a 422.
pub fn read(
    sandbox: &Sandbox,
    format: Format,
    bytes: &[u8],
    today: chrono::NaiveDate,
) -> Result<(Option<Extraction>, Reading), ApiError> {
    match sandbox.extract(format, bytes) {
        Ok(text) => {
            let extraction = extract(&text, today);
            let json = serde_json::to_string(&extraction).map_err(ApiError::internal)?;
            let reading = Reading {
                text: Some(text),
                extraction: Some(json),
                extractor_version: Some(EXTRACTOR_VERSION.to_owned()),
                status: "parsed",
                status_detail: None,
            };
            Ok((Some(extraction), reading))
        }
        Err(TextError::NoText) => Ok((
            None,
            Reading {
                text: None,
                extraction: None,
                extractor_version: Some(EXTRACTOR_VERSION.to_owned()),
                status: "no_text",
                status_detail: Some(
                    "No text could be found in this file (a scanned image?). It is stored as sent; nothing was extracted."
                        .into(),
                ),
            },
        )),
        Err(TextError::Unsupported(why)) => Err(ApiError::UnsupportedMediaType(why)),
        Err(other) => Err(ApiError::validation("file", other.to_string())),
    }
}

/// Sniffs and reads an upload.
pub fn intake(sandbox: &Sandbox, bytes: &[u8], today: chrono::NaiveDate) -> Result<Intake, ApiError> {
    let format = sniff(bytes).map_err(|why| ApiError::UnsupportedMediaType(why.to_string()))?;
    let (extraction, reading) = read(sandbox, format, bytes, today)?;
    Ok(Intake { format, sha256: sha256_hex(bytes), extraction, reading })
}
