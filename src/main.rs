//! Entry point: settings → logs → application → serve; or `bridgehire import <dir> --user
//! <email>` to import a folder of résumés; or `bridgehire generate <count> --user <email>` to
//! fill an agency with synthetic candidates.

use bridgehire::config::{SecretSource, Settings};
use bridgehire::startup::Application;

fn main() -> std::process::ExitCode {
    // The résumé sandbox re-runs this binary to read one hostile file: that child must not
    // read settings or start a server.
    let mut args = std::env::args_os().skip(1);
    let first = args.next();
    if first.as_ref().is_some_and(|a| a == bridgehire::resume::sandbox::CHILD_ARG) {
        let format = args.next().unwrap_or_default();
        return bridgehire::resume::sandbox::child_main(&format.to_string_lossy());
    }
    if first.as_ref().is_some_and(|a| a == "import") {
        return import(args.map(|a| a.to_string_lossy().into_owned()).collect());
    }
    if first.as_ref().is_some_and(|a| a == "generate") {
        return generate(args.map(|a| a.to_string_lossy().into_owned()).collect());
    }
    serve()
}

const GENERATE_USAGE: &str =
    "usage: bridgehire generate <count> --user <email of a user of the agency> [--seed <number>]";

fn generate(args: Vec<String>) -> std::process::ExitCode {
    let (mut count, mut user, mut seed) = (None, None, Some(20261125u64));
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--user" => user = it.next(),
            "--seed" => seed = it.next().and_then(|s| s.parse().ok()),
            "-h" | "--help" => {
                println!("{GENERATE_USAGE}");
                return std::process::ExitCode::SUCCESS;
            }
            _ if count.is_none() => count = arg.parse::<usize>().ok().filter(|n| *n > 0),
            _ => {
                eprintln!("{GENERATE_USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let (Some(count), Some(user), Some(seed)) = (count, user, seed) else {
        eprintln!("{GENERATE_USAGE}");
        return std::process::ExitCode::from(2);
    };
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return settings_error(&error),
    };
    match bridgehire::generate::run(settings, count, &user, seed) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bridgehire generate: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}

const IMPORT_USAGE: &str = "usage: bridgehire import <dir> --user <email of a user of the agency>";

fn import(args: Vec<String>) -> std::process::ExitCode {
    let (mut dir, mut user) = (None, None);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--user" => user = it.next(),
            "-h" | "--help" => {
                println!("{IMPORT_USAGE}");
                return std::process::ExitCode::SUCCESS;
            }
            _ if dir.is_none() => dir = Some(std::path::PathBuf::from(arg)),
            _ => {
                eprintln!("{IMPORT_USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let (Some(dir), Some(user)) = (dir, user) else {
        eprintln!("{IMPORT_USAGE}");
        return std::process::ExitCode::from(2);
    };
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => return settings_error(&error),
    };
    match bridgehire::import::run(settings, &dir, &user) {
        Ok(summary) if summary.failed.is_empty() => std::process::ExitCode::SUCCESS,
        Ok(_) => std::process::ExitCode::from(1),
        Err(error) => {
            eprintln!("bridgehire import: {error:#}");
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
