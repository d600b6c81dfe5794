//! Settings, read once from the environment (and `.env` in development) and validated at
//! start-up: a bad value stops the service with one line naming the variable and the reason.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::db::Target;

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {var} {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

fn bad(var: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError { var, reason: reason.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Where the JWT signing key came from; the caller warns when it had to be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Environment,
    StoredFile(std::path::PathBuf),
    GeneratedFile(std::path::PathBuf),
}

#[derive(Clone)]
pub struct Settings {
    pub database: Target,
    pub bind_address: String,
    pub jwt_secret: SecretString,
    pub jwt_secret_source: SecretSource,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub allow_signup: bool,
    pub max_json_bytes: usize,
    pub max_upload_bytes: usize,
    /// The program that reads PDF and DOCX files in a child process; this binary by default.
    pub extractor_program: Option<std::path::PathBuf>,
    pub extractor_timeout: Duration,
    pub extractor_memory_bytes: u64,
    pub login_max_failures: u32,
    pub login_lockout: Duration,
    /// Password hashes computed at once; the rest wait briefly or are refused (503). Half the
    /// cores when unset.
    pub password_hash_concurrency: Option<usize>,
    pub db_pool_size: u32,
    pub db_busy_timeout_ms: u32,
    pub workers: usize,
    pub shutdown_timeout: Duration,
    /// An agency's match index is dropped from memory after this long without a match.
    pub match_index_idle: Duration,
    pub log_format: LogFormat,
    /// Which webhook targets may be called (loopback for tests and local tools, private networks).
    pub webhook_targets: crate::domain::webhook::TargetPolicy,
    /// How long one webhook attempt may take.
    pub webhook_timeout: Duration,
    /// How often an idle delivery worker looks for due deliveries; 0 runs none on this instance.
    pub webhook_poll: Duration,
    /// Audit entries older than this are deleted.
    pub audit_retention: Duration,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database_label())
            .field("bind_address", &self.bind_address)
            .field("jwt_secret_source", &self.jwt_secret_source)
            .field("allow_signup", &self.allow_signup)
            .finish_non_exhaustive()
    }
}

pub const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Reads the process environment, after loading `.env` when there is one.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let _ = dotenvy::dotenv();
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can configure an app without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let database_url = get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/bridgehire.db".into());
        let database = Target::parse(&database_url).map_err(|reason| bad("DATABASE_URL", reason))?;

        let bind_address = get("BIND_ADDRESS").unwrap_or_else(|| "127.0.0.1:8080".into());
        if bind_address.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad("BIND_ADDRESS", format!("must be host:port with an IP address, got {bind_address:?}")));
        }

        let (jwt_secret, jwt_secret_source) = match get("JWT_SECRET") {
            Some(secret) if secret.len() < MIN_SECRET_LEN => {
                return Err(bad("JWT_SECRET", format!("must be at least {MIN_SECRET_LEN} characters")));
            }
            Some(secret) => (secret, SecretSource::Environment),
            None => load_or_create_secret(&database.data_dir().join("jwt_secret"))?,
        };

        let number = |name: &'static str, default: u64, min: u64, max: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(raw) => match raw.parse::<u64>() {
                    Ok(v) if (min..=max).contains(&v) => Ok(v),
                    _ => Err(bad(name, format!("must be a whole number from {min} to {max}, got {raw:?}"))),
                },
            }
        };
        let flag = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(name).map(|v| v.to_ascii_lowercase()) {
                None => Ok(default),
                Some(v) if ["true", "1", "yes", "on"].contains(&v.as_str()) => Ok(true),
                Some(v) if ["false", "0", "no", "off"].contains(&v.as_str()) => Ok(false),
                Some(v) => Err(bad(name, format!("must be true or false, got {v:?}"))),
            }
        };
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) as u64;

        let log_format = match get("LOG_FORMAT").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(bad("LOG_FORMAT", format!("must be pretty or json, got {other:?}"))),
        };
        let text = |name: &'static str, default: &str| -> Result<String, ConfigError> {
            let value = get(name).unwrap_or_else(|| default.to_owned());
            if value.len() > 200 {
                return Err(bad(name, "must be at most 200 characters"));
            }
            Ok(value)
        };

        Ok(Settings {
            database,
            bind_address,
            jwt_secret: SecretString::from(jwt_secret),
            jwt_secret_source,
            jwt_issuer: text("JWT_ISSUER", "bridgehire")?,
            jwt_audience: text("JWT_AUDIENCE", "bridgehire-api")?,
            access_token_ttl: Duration::from_secs(number("ACCESS_TOKEN_TTL_SECONDS", 900, 60, 86_400)?),
            refresh_token_ttl: Duration::from_secs(number("REFRESH_TOKEN_TTL_SECONDS", 2_592_000, 3_600, 31_536_000)?),
            allow_signup: flag("ALLOW_SIGNUP", true)?,
            max_json_bytes: number("MAX_JSON_BYTES", 262_144, 1_024, 16 * 1024 * 1024)? as usize,
            max_upload_bytes: number("MAX_UPLOAD_BYTES", 10 * 1024 * 1024, 1_024, 1024 * 1024 * 1024)? as usize,
            extractor_program: get("EXTRACTOR_PROGRAM").map(std::path::PathBuf::from),
            extractor_timeout: Duration::from_secs(number("EXTRACTOR_TIMEOUT_SECONDS", 15, 1, 300)?),
            extractor_memory_bytes: number("EXTRACTOR_MEMORY_MB", 512, 64, 16_384)? * 1024 * 1024,
            login_max_failures: number("LOGIN_MAX_FAILURES", 5, 1, 100)? as u32,
            login_lockout: Duration::from_secs(number("LOGIN_LOCKOUT_SECONDS", 60, 1, 3_600)?),
            password_hash_concurrency: match get("PASSWORD_HASH_CONCURRENCY") {
                None => None,
                Some(_) => Some(number("PASSWORD_HASH_CONCURRENCY", 1, 1, 256)? as usize),
            },
            db_pool_size: number("DB_POOL_SIZE", 8, 1, 256)? as u32,
            db_busy_timeout_ms: number("DB_BUSY_TIMEOUT_MS", 5_000, 0, 600_000)? as u32,
            workers: number("WORKERS", cpus, 1, 256)? as usize,
            shutdown_timeout: Duration::from_secs(number("SHUTDOWN_TIMEOUT_SECONDS", 30, 0, 3_600)?),
            match_index_idle: Duration::from_secs(number("MATCH_INDEX_IDLE_SECONDS", 3_600, 0, 2_592_000)?),
            log_format,
            webhook_targets: crate::domain::webhook::TargetPolicy {
                allow_loopback: flag("WEBHOOK_ALLOW_LOOPBACK", false)?,
                allow_private: flag("WEBHOOK_ALLOW_PRIVATE_NETWORKS", false)?,
            },
            webhook_timeout: Duration::from_secs(number("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60)?),
            webhook_poll: Duration::from_millis(number("WEBHOOK_POLL_MS", 500, 0, 60_000)?),
            audit_retention: Duration::from_secs(number("AUDIT_RETENTION_DAYS", 365, 1, 3_650)? * 86_400),
        })
    }

    pub fn jwt_secret_bytes(&self) -> &[u8] {
        self.jwt_secret.expose_secret().as_bytes()
    }

    /// The database without credentials, for logs.
    pub fn database_label(&self) -> String {
        match &self.database {
            Target::Sqlite(path) => format!("sqlite://{}", path.display()),
            Target::Postgres(url) => match url.rsplit_once('@') {
                Some((_, host)) => format!("postgres://…@{host}"),
                None => url.clone(),
            },
        }
    }
}

/// Reads the signing key kept beside the database, or creates one readable by the owner only.
fn load_or_create_secret(path: &Path) -> Result<(String, SecretSource), ConfigError> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= MIN_SECRET_LEN {
            return Ok((existing, SecretSource::StoredFile(path.to_path_buf())));
        }
        return Err(bad(
            "JWT_SECRET",
            format!("is unset and {} is too short; delete it or set JWT_SECRET", path.display()),
        ));
    }
    use rand::RngCore;
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    use base64::Engine;
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        use std::io::Write;
        options.open(path)?.write_all(secret.as_bytes())
    };
    write().map_err(|e| {
        bad("JWT_SECRET", format!("is unset and a generated one cannot be stored at {}: {e}", path.display()))
    })?;
    Ok((secret, SecretSource::GeneratedFile(path.to_path_buf())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    const SECRET: (&str, &str) = ("JWT_SECRET", "0123456789abcdef0123456789abcdef");

    #[test]
    fn a_bad_value_names_the_variable() {
        let error = settings(&[SECRET, ("ACCESS_TOKEN_TTL_SECONDS", "ten")]).unwrap_err();
        assert_eq!(error.var, "ACCESS_TOKEN_TTL_SECONDS");
        let error = settings(&[SECRET, ("BIND_ADDRESS", "localhost")]).unwrap_err();
        assert_eq!(error.var, "BIND_ADDRESS");
        let error = settings(&[("JWT_SECRET", "short")]).unwrap_err();
        assert_eq!(error.var, "JWT_SECRET");
        let error = settings(&[SECRET, ("ALLOW_SIGNUP", "maybe")]).unwrap_err();
        assert_eq!(error.var, "ALLOW_SIGNUP");
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost() {
        let s = settings(&[SECRET]).unwrap();
        assert_eq!(s.bind_address, "127.0.0.1:8080");
        assert_eq!(s.database, Target::Sqlite("data/bridgehire.db".into()));
        assert_eq!(s.access_token_ttl, Duration::from_secs(900));
    }

    #[test]
    fn a_missing_secret_is_generated_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let first = settings(&[("DATABASE_URL", &url)]).unwrap();
        assert!(matches!(first.jwt_secret_source, SecretSource::GeneratedFile(_)));
        let second = settings(&[("DATABASE_URL", &url)]).unwrap();
        assert!(matches!(second.jwt_secret_source, SecretSource::StoredFile(_)));
        assert_eq!(first.jwt_secret_bytes(), second.jwt_secret_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt_secret")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
