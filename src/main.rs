//! Entry point: settings → logs → application → serve.

use bridgehire::config::{SecretSource, Settings};
use bridgehire::startup::Application;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
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
