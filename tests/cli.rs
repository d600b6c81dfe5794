//! The command line: help, version and mistakes answer at once and never start the server or
//! create a database; `migrate` brings a database up to date and exits.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bridgehire"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("BIND_ADDRESS", "127.0.0.1:9") // were it to serve, it would fail rather than listen
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_and_version_answer_without_serving() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["-h"], &["help"], &["help", "import"], &["import", "--help"]] {
        let out = run(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage: bridgehire"), "{args:?}: {}", text(&out.stdout));
    }
    let out = run(dir.path(), &["--version"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), format!("bridgehire {}", env!("CARGO_PKG_VERSION")));
    assert!(!dir.path().join("data").exists(), "help must not create a database");
}

#[test]
fn a_mistake_is_an_error_with_a_hint_and_starts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("unrecognized subcommand 'serv'") && err.contains("serve"), "{err}");
    let out = run(dir.path(), &["--port", "80"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--help"), "{}", text(&out.stderr));
    let out = run(dir.path(), &["generate", "zero", "--user", "a@b.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("<COUNT>"), "{}", text(&out.stderr));
    let out = run(dir.path(), &["import", "./resumes"]);
    assert_eq!(out.status.code(), Some(2), "--user is required");
    assert!(!dir.path().join("data").exists(), "a mistake must not create a database");
}

#[test]
fn migrate_brings_a_new_database_up_to_date_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("up to date"), "{}", text(&out.stdout));
    assert!(dir.path().join("data/bridgehire.db").exists());
    let again = run(dir.path(), &["migrate"]);
    assert!(again.status.success(), "a second run finds nothing to do: {}", text(&again.stderr));
}
