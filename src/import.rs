//! `bridgehire import <dir> --user <email>`: imports a folder of résumés as that user's agency.
//! Each file is one transaction, so an interrupted import leaves no half-written candidate, and
//! a file already stored in the agency (same SHA-256) is skipped, so re-running is safe, also
//! while another import of the same folder runs. A file whose e-mail address matches a
//! candidate becomes that candidate's new résumé version.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::config::Settings;
use crate::db::models::audit::Who;
use crate::db::models::users;
use crate::db::{self, DbConnection};
use crate::domain::Actor;
use crate::resume::{sandbox::Sandbox, text::Limits};
use crate::service::resumes::{self, File, Outcome};

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

/// Reads and stores one file through the same use case as an upload (see
/// `service::resumes::import`).
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
    let filename = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "resume".into());
    let file = File { filename, bytes: std::fs::read(path)? };
    let who = Who { agency_id: user.agency_id, actor: Actor::User(user.id), request_id: None };
    Ok(resumes::import(conn, sandbox, &who, &file)?)
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
            Ok(Outcome::AlreadyStored) => summary.duplicates += 1,
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
