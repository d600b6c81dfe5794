//! Entry point: settings → logs → application → serve.

use bridgehire::config::{SecretSource, Settings};
use bridgehire::startup::Application;

fn main() -> std::process::ExitCode {
    // The résumé sandbox re-runs this binary to read one hostile file: that child must not
    // read settings or start a server.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == bridgehire::resume::sandbox::CHILD_ARG) {
        let format = args.next().unwrap_or_default();
        return bridgehire::resume::sandbox::child_main(&format.to_string_lossy());
    }
    serve()
}

#[actix_web::main]
async fn serve() -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("bridgehire: {error}");
            return std::process::ExitCode::from(2);
        }
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
