//! Hostile résumé files against the sandboxed reader, black-box at the library level: each one
//! ends in an error (never text), within the timeout and a little, and this process lives on.
//! Each file is read twice: the way the API will (sniff, then read what the bytes are) and the
//! way a caller that trusted the file's name would (read as the extension claims), so the
//! readers themselves face every file. The corpus is in tests/fixtures/hostile/; the large
//! plain-text and HTML cases are generated here instead of being committed.
//!
//! Run with `--nocapture` to see each file's time and outcome.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bridgehire::resume::format::{sniff, Format};
use bridgehire::resume::sandbox::Sandbox;
use bridgehire::resume::text::{Limits, TextError};

const TIMEOUT: Duration = Duration::from_secs(5);
/// Time allowed beyond the timeout for killing and reaping a child.
const GRACE: Duration = Duration::from_secs(2);

fn sandbox() -> Sandbox {
    Sandbox {
        program: PathBuf::from(env!("CARGO_BIN_EXE_bridgehire")),
        timeout: TIMEOUT,
        memory_bytes: 512 * 1024 * 1024,
        limits: Limits::default(),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The format a file's extension claims.
fn claimed(name: &str) -> Format {
    let extension = name.rsplit('.').next().unwrap_or_default();
    Format::parse(extension).unwrap_or_else(|| panic!("no format for {name}"))
}

/// Reads `bytes` and returns the outcome with its wall-clock time, checked against the bound.
fn timed(label: &str, read: impl FnOnce() -> Result<String, TextError>) -> Result<String, TextError> {
    let started = Instant::now();
    let outcome = read();
    let elapsed = started.elapsed();
    eprintln!("{label:<44} {:>8.0} ms  {outcome:?}", elapsed.as_secs_f64() * 1000.0);
    assert!(elapsed < TIMEOUT + GRACE, "{label} took {elapsed:?}");
    outcome
}

/// Both ways in must end in an error; returns (sniffed path, claimed-format path).
fn refused(name: &str, bytes: &[u8]) -> (TextError, TextError) {
    let sandbox = sandbox();
    let sniffed = timed(&format!("{name} (sniffed)"), || {
        let format = sniff(bytes)?;
        sandbox.extract(format, bytes)
    });
    let format = claimed(name);
    let forced = timed(&format!("{name} (read as {format})"), || sandbox.extract(format, bytes));
    match (sniffed, forced) {
        (Err(a), Err(b)) => (a, b),
        (a, b) => panic!("{name}: expected two errors, got {a:?} and {b:?}"),
    }
}

fn refused_fixture(name: &str) -> (TextError, TextError) {
    refused(name, &fixture(name))
}

fn is_unreadable(error: &TextError) -> bool {
    matches!(error, TextError::Unreadable(_))
}

#[test]
fn a_good_pdf_gives_its_text() {
    let text = timed("ok-resume.pdf", || sandbox().extract(Format::Pdf, &fixture("ok-resume.pdf"))).unwrap();
    assert!(text.contains("Dana Reyes"), "{text:?}");
    assert!(text.contains("Network Administrator, Acme Logistics"), "{text:?}");
}

#[test]
fn a_good_docx_gives_its_text() {
    let bytes = fixture("ok-resume.docx");
    assert_eq!(sniff(&bytes), Ok(Format::Docx));
    let text = timed("ok-resume.docx", || sandbox().extract(Format::Docx, &bytes)).unwrap();
    assert!(text.starts_with("Dana Reyes\nTulsa, OK | dana.reyes@example.org\n"), "{text:?}");
    assert!(text.contains("Jan 2019 – Present"), "{text:?}");
}

#[test]
fn a_truncated_pdf_is_unreadable() {
    let (sniffed, forced) = refused_fixture("truncated.pdf");
    assert!(is_unreadable(&sniffed) && is_unreadable(&forced));
}

#[test]
fn garbage_after_a_pdf_header_is_unreadable() {
    let (sniffed, _) = refused_fixture("garbage-after-header.pdf");
    assert!(is_unreadable(&sniffed));
}

// The parser gives up on the over-deep page object, so the page has no text left.
#[test]
fn a_pdf_with_arrays_nested_100k_deep_is_refused() {
    refused_fixture("nested-arrays.pdf");
}

#[test]
fn a_pdf_with_dictionaries_nested_30k_deep_is_refused() {
    refused_fixture("nested-dicts.pdf");
}

#[test]
fn a_pdf_that_makes_the_parser_panic_could_not_be_read() {
    let (sniffed, forced) = refused_fixture("panicking-font.pdf");
    let expected = TextError::Unreadable("could not be read".to_owned());
    assert_eq!((sniffed, forced), (expected.clone(), expected));
}

#[test]
fn a_pdf_declaring_a_huge_stream_length_is_refused() {
    refused_fixture("huge-stream-length.pdf");
    refused_fixture("huge-stream-length-int.pdf");
}

#[test]
fn a_pdf_whose_page_tree_contains_itself_is_refused() {
    refused_fixture("page-tree-cycle.pdf");
}

#[test]
fn a_pdf_whose_cross_reference_chain_loops_is_read_once_not_forever() {
    // Not an attack that needs refusing: the parser notices the loop and the text is intact.
    let bytes = fixture("xref-prev-loop.pdf");
    let text = timed("xref-prev-loop.pdf", || sandbox().extract(Format::Pdf, &bytes)).unwrap();
    assert!(text.contains("Dana Reyes"), "{text:?}");
}

#[test]
fn a_pdf_stream_inflating_to_128_mib_is_refused() {
    refused_fixture("flate-bomb.pdf");
}

#[test]
fn a_docx_bomb_declaring_2_gib_is_refused_before_inflating() {
    let (sniffed, forced) = refused_fixture("zip-bomb-honest.docx");
    for error in [sniffed, forced] {
        assert!(matches!(error, TextError::TooLarge(_)), "{error:?}");
    }
}

#[test]
fn a_docx_bomb_lying_about_its_size_is_stopped_at_the_cap() {
    let (sniffed, forced) = refused_fixture("zip-bomb-lying-size.docx");
    for error in [sniffed, forced] {
        assert!(matches!(error, TextError::TooLarge(_) | TextError::Unreadable(_)), "{error:?}");
    }
}

#[test]
fn a_docx_with_thousands_of_entries_is_refused() {
    let (sniffed, forced) = refused_fixture("many-entries.docx");
    for error in [sniffed, forced] {
        assert!(matches!(error, TextError::TooLarge(_)), "{error:?}");
    }
}

#[test]
fn an_image_named_pdf_is_refused_as_an_image() {
    let (sniffed, forced) = refused_fixture("png-renamed.pdf");
    assert_eq!(sniffed, TextError::Unsupported("an image (PNG): scanned résumés must be sent as PDF".to_owned()));
    assert!(is_unreadable(&forced));
}

#[test]
fn programs_named_docx_are_refused_as_programs() {
    for name in ["elf-renamed.docx", "exe-renamed.docx"] {
        let (sniffed, forced) = refused_fixture(name);
        assert!(matches!(&sniffed, TextError::Unsupported(m) if m.contains("a program")), "{sniffed:?}");
        assert!(is_unreadable(&forced));
    }
}

#[test]
fn an_empty_file_is_refused() {
    let (sniffed, forced) = refused_fixture("empty.pdf");
    assert_eq!(sniffed, TextError::Unsupported("the file is empty".to_owned()));
    assert_eq!(forced, TextError::Unsupported("the file is empty".to_owned()));
}

#[test]
fn rtf_nested_10k_groups_deep_is_unreadable() {
    let (sniffed, forced) = refused_fixture("deep-groups.rtf");
    assert!(is_unreadable(&sniffed) && is_unreadable(&forced));
}

#[test]
fn json_that_is_not_a_json_resume_is_unsupported() {
    let (sniffed, forced) = refused_fixture("not-a-json-resume.json");
    assert!(matches!(sniffed, TextError::Unsupported(_)));
    assert!(matches!(forced, TextError::Unsupported(_)));
}

#[test]
fn a_5_mb_single_line_text_file_is_too_large() {
    let bytes = "Epic Cerner HL7 ".repeat(5_000_000 / 16).into_bytes();
    let (sniffed, forced) = refused("single-line-5mb.txt", &bytes);
    assert!(matches!(sniffed, TextError::TooLarge(_)) && matches!(forced, TextError::TooLarge(_)));
}

#[test]
fn html_nested_100k_elements_deep_without_text_holds_no_text() {
    let bytes = format!("<html><body>{}{}</body></html>", "<div>".repeat(100_000), "</div>".repeat(100_000));
    let (sniffed, forced) = refused("deep-divs.html", bytes.as_bytes());
    assert_eq!((sniffed, forced), (TextError::NoText, TextError::NoText));
}

#[test]
fn pdfs_and_docx_files_refused_by_the_sniffer_still_fail_safely_in_the_other_reader() {
    // A DOCX read as a PDF and the other way round: each reader faces the other's bytes.
    let sandbox = sandbox();
    let docx = fixture("ok-resume.docx");
    let pdf = fixture("ok-resume.pdf");
    assert!(timed("ok-resume.docx (read as pdf)", || sandbox.extract(Format::Pdf, &docx)).is_err());
    assert!(timed("ok-resume.pdf (read as docx)", || sandbox.extract(Format::Docx, &pdf)).is_err());
}

#[test]
fn a_missing_reader_program_is_an_error_not_a_crash() {
    let sandbox = Sandbox { program: PathBuf::from("/nonexistent/bridgehire"), ..sandbox() };
    assert!(is_unreadable(&sandbox.extract(Format::Pdf, &fixture("ok-resume.pdf")).unwrap_err()));
}

#[test]
fn a_reader_that_runs_out_of_memory_is_stopped_and_the_caller_is_not() {
    // The 128 MiB the flate bomb inflates to cannot fit in 96 MiB of address space.
    let sandbox = Sandbox { memory_bytes: 96 * 1024 * 1024, ..sandbox() };
    let bytes = fixture("flate-bomb.pdf");
    let outcome = timed("flate-bomb.pdf (96 MiB address space)", || sandbox.extract(Format::Pdf, &bytes));
    assert_eq!(outcome, Err(TextError::Unreadable("could not be read".to_owned())));
}

#[test]
fn a_reader_past_its_timeout_is_killed() {
    let sandbox = Sandbox { timeout: Duration::from_millis(300), ..sandbox() };
    let bytes = fixture("flate-bomb.pdf");
    let started = Instant::now();
    let outcome = timed("flate-bomb.pdf (300 ms timeout)", || sandbox.extract(Format::Pdf, &bytes));
    assert_eq!(outcome, Err(TextError::Unreadable("took too long to read".to_owned())));
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// A stand-in reader program, to show how the parent treats each way a child can end.
fn fake_reader(script: &str) -> (tempfile::TempDir, Sandbox) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("reader");
    std::fs::write(&program, format!("#!/bin/sh\ncat > /dev/null\n{script}\n")).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let sandbox = Sandbox { program, timeout: Duration::from_secs(2), ..sandbox() };
    (dir, sandbox)
}

#[test]
fn a_reader_that_panics_or_crashes_means_the_file_could_not_be_read() {
    for script in ["exit 101", "kill -SEGV $$", "kill -ABRT $$", "exit 42"] {
        let (_dir, sandbox) = fake_reader(script);
        let outcome = timed(script, || sandbox.extract(Format::Pdf, b"%PDF-1.7"));
        assert_eq!(outcome, Err(TextError::Unreadable("could not be read".to_owned())), "{script}");
    }
}

#[test]
fn the_reader_exit_codes_map_to_their_errors_with_the_message() {
    let cases = [
        ("exit 3", TextError::NoText),
        ("echo 'bridgehire-extract: not this' >&2; exit 4", TextError::Unsupported("not this".to_owned())),
        ("echo 'bridgehire-extract: damaged' >&2; exit 5", TextError::Unreadable("damaged".to_owned())),
        ("echo 'bridgehire-extract: too big' >&2; exit 6", TextError::TooLarge("too big".to_owned())),
    ];
    for (script, expected) in cases {
        let (_dir, sandbox) = fake_reader(script);
        assert_eq!(sandbox.extract(Format::Docx, b"PK\x03\x04"), Err(expected), "{script}");
    }
}

#[test]
fn a_reader_whose_children_outlive_it_is_still_stopped_at_the_timeout() {
    // `sleep` is a grandchild holding the pipes open; the whole process group goes.
    let (_dir, sandbox) = fake_reader("sleep 30 & sleep 30");
    let started = Instant::now();
    let outcome = sandbox.extract(Format::Pdf, b"%PDF-1.7");
    assert_eq!(outcome, Err(TextError::Unreadable("took too long to read".to_owned())));
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[test]
fn a_reader_flooding_stdout_is_cut_off_as_too_large() {
    let (_dir, sandbox) = fake_reader("head -c 50000000 /dev/zero | tr '\\0' a");
    let sandbox = Sandbox { limits: Limits { max_text_chars: 1000, ..Limits::default() }, ..sandbox };
    assert!(matches!(sandbox.extract(Format::Pdf, b"%PDF-1.7"), Err(TextError::TooLarge(_))));
}
