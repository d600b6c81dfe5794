//! `bridgehire import <dir> --user <email>`: imports a folder of résumés as that user's agency.
//! Each file is one transaction, so an interrupted import leaves no half-written candidate, and
//! a file already stored in the agency (same SHA-256) is skipped, so re-running is safe. A file
//! whose e-mail address matches a candidate becomes that candidate's new résumé version.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::config::Settings;
use crate::db::models::resumes::{self, Destination, NewResume, Upload};
use crate::db::models::{candidates, users};
use crate::db::{self, DbConnection};
use crate::resume::{intake, sandbox::Sandbox, text::Limits};

#[derive(Debug, Default)]
pub struct Summary {
    pub created: usize,
    pub attached: usize,
    pub duplicates: usize,
    pub failed: Vec<(PathBuf, String)>,
}

fn files_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).with_context(|| format!("cannot read {}", next.display()))? {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().starts_with('.')).unwrap_or(true);
            if name {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

enum Outcome {
    Created,
    Attached,
    Duplicate,
}

fn import_one(
    conn: &mut DbConnection,
    sandbox: &Sandbox,
    settings: &Settings,
    user: &users::User,
    path: &Path,
) -> anyhow::Result<Outcome> {
    let size = std::fs::metadata(path)?.len();
    if size > settings.max_upload_bytes as u64 {
        bail!("larger than MAX_UPLOAD_BYTES ({} bytes)", settings.max_upload_bytes);
    }
    let bytes = std::fs::read(path)?;
    let sha256 = intake::sha256_hex(&bytes);
    if resumes::find_in_agency_by_hash(conn, user.agency_id, &sha256)?.is_some() {
        return Ok(Outcome::Duplicate);
    }
    let read =
        intake::intake(sandbox, &bytes, chrono::Utc::now().date_naive()).map_err(|e| anyhow::anyhow!(e.detail()))?;
    let email = read.extraction.as_ref().and_then(|x| x.email.as_ref()).map(|f| f.value.clone());
    let match_id = match email {
        Some(email) => candidates::find_by_email(conn, user.agency_id, &email)?,
        None => None,
    };
    let filename = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "resume".into());
    let upload = Upload {
        resume: NewResume {
            filename: &filename,
            format: read.format.as_str(),
            content_type: read.format.content_type(),
            bytes: &bytes,
            sha256: &sha256,
            uploaded_by: user.id,
            reading: read.reading,
        },
        extraction: read.extraction.as_ref(),
    };
    let destination = match match_id {
        Some(id) => Destination::Candidate(id),
        None => Destination::NewCandidate,
    };
    resumes::store_upload(conn, user.agency_id, destination, upload).map_err(|e| anyhow::anyhow!(e.detail()))?;
    Ok(if match_id.is_some() { Outcome::Attached } else { Outcome::Created })
}

/// The enabled user a command acts as, by e-mail address.
pub fn active_user(conn: &mut DbConnection, email: &str) -> anyhow::Result<users::User> {
    users::find_by_email(conn, &crate::domain::user::normalize_email(email))?
        .filter(|u| !u.disabled)
        .with_context(|| format!("no active user with the e-mail address {email}"))
}

/// Runs the import and prints progress and a summary; returns the summary.
pub fn run(settings: Settings, dir: &Path, email: &str) -> anyhow::Result<Summary> {
    let pool = db::connect(&settings.database, 1, settings.db_busy_timeout_ms)?;
    let mut conn = pool.get()?;
    let user = active_user(&mut conn, email)?;
    let sandbox = Sandbox {
        program: match &settings.extractor_program {
            Some(p) => p.clone(),
            None => std::env::current_exe()?,
        },
        timeout: settings.extractor_timeout,
        memory_bytes: settings.extractor_memory_bytes,
        limits: Limits::default(),
    };
    let files = files_in(dir)?;
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut summary = Summary::default();
    for path in &files {
        bar.set_message(path.display().to_string());
        match import_one(&mut conn, &sandbox, &settings, &user, path) {
            Ok(Outcome::Created) => summary.created += 1,
            Ok(Outcome::Attached) => summary.attached += 1,
            Ok(Outcome::Duplicate) => summary.duplicates += 1,
            Err(error) => summary.failed.push((path.clone(), format!("{error:#}"))),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "imported {} file(s): {} created, {} attached, {} duplicates, {} failed",
        files.len(),
        summary.created,
        summary.attached,
        summary.duplicates,
        summary.failed.len()
    );
    for (path, why) in &summary.failed {
        println!("  failed: {}: {why}", path.display());
    }
    Ok(summary)
}
