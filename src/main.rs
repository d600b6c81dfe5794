//! Entry point: the command line (clap). `bridgehire` or `bridgehire serve`: settings → logs →
//! application → serve; `import <dir> --user <email>` imports a folder of résumés; `generate
//! <count> --user <email>` fills an agency with synthetic candidates; `migrate` brings the
//! database up to date and exits.

use bridgehire::config::{SecretSource, Settings};
use bridgehire::startup::Application;

/// The command line. With no subcommand the service is served.
#[derive(Debug, clap::Parser)]
#[command(
    name = "bridgehire",
    version,
    about = "The candidate database and budget-aware matching service for healthcare-IT staffing agencies.",
    long_about = "The candidate database and budget-aware matching service for healthcare-IT staffing \
                  agencies. Settings come from the environment (and a .env file): see README.md and \
                  .env.example. Without a subcommand, `serve` runs."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Serve the REST API (the default): migrate the database, then listen on BIND_ADDRESS.
    Serve,
    /// Import a folder of résumés (recursively) as a user of the agency.
    Import {
        /// The folder to read: PDF, DOCX, TXT, RTF, HTML and JSON Resume files.
        dir: std::path::PathBuf,
        /// The e-mail address of an active user of the agency to import into.
        #[arg(long, value_name = "EMAIL")]
        user: String,
    },
    /// Fill the agency of a user with synthetic candidates (for benchmarks and demos).
    Generate {
        /// How many candidates to create.
        #[arg(value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        count: u64,
        /// The e-mail address of an active user of the agency to fill.
        #[arg(long, value_name = "EMAIL")]
        user: String,
        /// The seed of the generator: the same seed makes the same candidates.
        #[arg(long, default_value_t = 20261125)]
        seed: u64,
    },
    /// Bring the database up to date (migrations, skill taxonomy, search index), then exit.
    Migrate,
}

fn main() -> std::process::ExitCode {
    // The résumé sandbox re-runs this binary to read one hostile file: that child must not
    // read settings or start a server.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == bridgehire::resume::sandbox::CHILD_ARG) {
        let format = args.next().unwrap_or_default();
        return bridgehire::resume::sandbox::child_main(&format.to_string_lossy());
    }
    let cli = <Cli as clap::Parser>::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Import { dir, user } => import(&dir, &user),
        Command::Generate { count, user, seed } => generate(count, &user, seed),
        Command::Migrate => migrate(),
    }
}

fn generate(count: u64, user: &str, seed: u64) -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return settings_error(&error),
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    match bridgehire::generate::run(settings, count, user, seed) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bridgehire generate: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn import(dir: &std::path::Path, user: &str) -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return settings_error(&error),
    };
    match bridgehire::import::run(settings, dir, user) {
        Ok(summary) if summary.failed.is_empty() => std::process::ExitCode::SUCCESS,
        Ok(_) => std::process::ExitCode::from(1),
        Err(error) => {
            eprintln!("bridgehire import: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn migrate() -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return settings_error(&error),
    };
    match bridgehire::db::connect(&settings.database, 1, settings.db_busy_timeout_ms) {
        Ok(_) => {
            println!("bridgehire migrate: {} is up to date", settings.database_label());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bridgehire migrate: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// A configuration error stops any command with one line naming the variable.
fn settings_error(error: &impl std::fmt::Display) -> std::process::ExitCode {
    eprintln!("bridgehire: {error}");
    std::process::ExitCode::from(2)
}

#[actix_web::main]
async fn serve() -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return settings_error(&error),
    };
    bridgehire::telemetry::init(settings.log_format);
    if let SecretSource::GeneratedFile(path) = &settings.jwt_secret_source {
        tracing::warn!(
            path = %path.display(),
            "JWT_SECRET is not set: generated a signing key and stored it beside the database. \
             Set JWT_SECRET (the same on every instance) in production."
        );
    }
    let database = settings.database_label();
    let address = settings.bind_address.clone();
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "start-up failed");
            eprintln!("bridgehire: start-up failed: {error:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(%address, %database, "bridgehire is serving");
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}
