//! Reads PDF and DOCX résumés in a child process, so that a hostile file which makes a parser
//! panic, overflow its stack, exhaust memory or spin forever costs one short-lived process and
//! never the server. The other formats are read in-process by readers that are bounded by
//! construction (see [`super::text`]).
//!
//! The child is this same binary, run as `<program> __extract-text <format>` with the file on
//! stdin and its text on stdout. Its environment is cleared (it needs no secrets), and before
//! it starts it is confined with resource limits: address space (`memory_bytes`), CPU time
//! (the timeout plus a second, then a kill a second later), no core dumps and no file writes.
//! The parent enforces the wall-clock timeout itself and kills the child when it passes.
//!
//! Exit codes of the child:
//!
//! | code | meaning | becomes |
//! | --- | --- | --- |
//! | 0 | text on stdout (UTF-8) | `Ok(text)` |
//! | 2 | bad arguments (unknown format) | `Unreadable` (and a logged error: a bug, not the file) |
//! | 3 | no text in the file | [`TextError::NoText`] |
//! | 4 | format not supported; message on stderr | [`TextError::Unsupported`] |
//! | 5 | file unreadable; message on stderr | [`TextError::Unreadable`] |
//! | 6 | over a limit; message on stderr | [`TextError::TooLarge`] |
//! | 7 | could not read stdin or write stdout | `Unreadable` |
//! | 101 | a panic in a parser (Rust's panic exit code) | `Unreadable("could not be read")` |
//! | signal | killed: timeout or CPU limit (SIGKILL, SIGXCPU), stack overflow or failed allocation (SIGSEGV, SIGABRT) | `Unreadable` |
//!
//! Messages on stderr are the last line that starts with `bridgehire-extract: `; the parent
//! trims and caps them, since they end up in a response to the client.
//!
//! [`Sandbox::extract`] blocks for up to the timeout: call it through `AppState::blocking` or a blocking
//! thread, never on an async worker.

use std::io::{self, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::format::Format;
use super::text::{extract_text, Limits, TextError};

/// The first argument that turns the binary into the extraction child.
pub const CHILD_ARG: &str = "__extract-text";

/// Carries the parent's [`Limits`] to the child, whose environment is otherwise empty.
const LIMITS_ENV: &str = "BRIDGEHIRE_TEXT_LIMITS";

/// Far beyond any upload the API accepts; the child refuses more without reading it all.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

const MAX_STDERR_BYTES: usize = 16 * 1024;
const MAX_MESSAGE_CHARS: usize = 300;
const MESSAGE_PREFIX: &str = "bridgehire-extract: ";

const EXIT_USAGE: u8 = 2;
const EXIT_NO_TEXT: u8 = 3;
const EXIT_UNSUPPORTED: u8 = 4;
const EXIT_UNREADABLE: u8 = 5;
const EXIT_TOO_LARGE: u8 = 6;
const EXIT_IO: u8 = 7;

/// How to run the extraction child.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// This binary (`std::env::current_exe()` in the server; `CARGO_BIN_EXE_bridgehire` in tests).
    pub program: PathBuf,
    /// Wall-clock limit for one file.
    pub timeout: Duration,
    /// Address-space limit for the child (RLIMIT_AS).
    pub memory_bytes: u64,
    pub limits: Limits,
}

fn could_not_be_read() -> TextError {
    TextError::Unreadable("could not be read".to_owned())
}

impl Sandbox {
    /// The text of a résumé in `format` (as [`super::format::sniff`] decided it). Blocks.
    pub fn extract(&self, format: Format, bytes: &[u8]) -> Result<String, TextError> {
        match format {
            Format::Pdf | Format::Docx => self.extract_in_child(format, bytes),
            Format::Text | Format::Rtf | Format::Html | Format::JsonResume => extract_text(format, bytes, &self.limits),
        }
    }

    fn extract_in_child(&self, format: Format, bytes: &[u8]) -> Result<String, TextError> {
        if bytes.is_empty() {
            return Err(TextError::Unsupported("the file is empty".to_owned()));
        }
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(TextError::TooLarge(format!("the file is larger than {} MiB", MAX_INPUT_BYTES >> 20)));
        }
        let mut command = Command::new(&self.program);
        command
            .arg(CHILD_ARG)
            .arg(format.as_str())
            .env_clear()
            .env(LIMITS_ENV, encode_limits(&self.limits))
            .current_dir("/")
            // Its own process group, so a timeout kills anything it started as well.
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let memory = self.memory_bytes;
        let cpu_seconds = self.timeout.as_secs().saturating_add(u64::from(self.timeout.subsec_nanos() > 0)) + 1;
        // SAFETY: the closure runs between fork and exec, so it may only make async-signal-safe
        // calls; `confine` makes only getrlimit, setrlimit and prctl, and allocates nothing.
        unsafe {
            command.pre_exec(move || confine(memory, cpu_seconds));
        }
        let mut child = command.spawn().map_err(|error| {
            tracing::error!(%error, program = %self.program.display(), "could not start the résumé reader");
            could_not_be_read()
        })?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            kill_group(&mut child);
            let _ = child.wait();
            return Err(could_not_be_read());
        };
        // Each pipe has its own thread: a child blocked writing a full stdout pipe while we
        // are still writing its stdin would otherwise deadlock both.
        let stdout_cap = self.limits.max_text_chars.saturating_mul(4).saturating_add(4);
        let started = Instant::now();
        let (status, (out, out_overflow), (err, _)) = std::thread::scope(|scope| {
            scope.spawn(move || {
                // A child that stops reading (it failed early, or was killed) closes the pipe;
                // the write error that follows is expected.
                let _ = stdin.write_all(bytes);
            });
            let out = scope.spawn(move || read_capped(stdout, stdout_cap));
            let err = scope.spawn(move || read_capped(stderr, MAX_STDERR_BYTES));
            let status = wait_with_deadline(&mut child, self.timeout);
            // Once the child is gone its pipes are closed, so these joins cannot hang.
            let out = out.join().unwrap_or_default();
            let err = err.join().unwrap_or_default();
            (status, out, err)
        });
        let elapsed = started.elapsed();
        let status = match status {
            Ok(Some(status)) => status,
            Ok(None) => {
                tracing::warn!(format = format.as_str(), ?elapsed, "résumé reader timed out and was killed");
                return Err(TextError::Unreadable("took too long to read".to_owned()));
            }
            Err(error) => {
                tracing::error!(%error, "could not wait for the résumé reader");
                return Err(could_not_be_read());
            }
        };
        let message = child_message(&err);
        match status.code().and_then(|c| u8::try_from(c).ok()) {
            Some(0) if out_overflow => Err(TextError::TooLarge(format!(
                "its text runs to more than {} characters",
                self.limits.max_text_chars
            ))),
            Some(0) => checked_text(out, &self.limits),
            Some(EXIT_NO_TEXT) => Err(TextError::NoText),
            Some(EXIT_UNSUPPORTED) => {
                Err(TextError::Unsupported(message.unwrap_or_else(|| "this kind of file is not supported".to_owned())))
            }
            Some(EXIT_UNREADABLE) => {
                Err(TextError::Unreadable(message.unwrap_or_else(|| "could not be read".to_owned())))
            }
            Some(EXIT_TOO_LARGE) => {
                Err(TextError::TooLarge(message.unwrap_or_else(|| "it is over a limit".to_owned())))
            }
            _ => {
                log_failure(format, status, elapsed, &err);
                Err(could_not_be_read())
            }
        }
    }
}

/// What a crashed or killed child leaves behind is worth a log line; the client only hears
/// that the file could not be read.
fn log_failure(format: Format, status: ExitStatus, elapsed: Duration, stderr: &[u8]) {
    let tail = String::from_utf8_lossy(&stderr[stderr.len().saturating_sub(500)..]).into_owned();
    if status.code() == Some(i32::from(EXIT_USAGE)) {
        tracing::error!(format = format.as_str(), stderr = %tail, "résumé reader refused its arguments");
    } else {
        tracing::warn!(
            format = format.as_str(),
            code = ?status.code(),
            signal = ?status.signal(),
            ?elapsed,
            stderr = %tail,
            "résumé reader failed on a file"
        );
    }
}

/// The child's text, checked again here: the child read hostile bytes, so its output is
/// not trusted to keep the promises [`extract_text`] makes.
fn checked_text(out: Vec<u8>, limits: &Limits) -> Result<String, TextError> {
    let text = String::from_utf8(out).map_err(|_| could_not_be_read())?;
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(could_not_be_read());
    }
    if text.chars().count() > limits.max_text_chars {
        return Err(TextError::TooLarge(format!("its text runs to more than {} characters", limits.max_text_chars)));
    }
    if text.trim().is_empty() {
        return Err(TextError::NoText);
    }
    Ok(text)
}

/// The child's message for the client: the last marked stderr line, cleaned and capped.
fn child_message(stderr: &[u8]) -> Option<String> {
    let stderr = String::from_utf8_lossy(stderr);
    let line = stderr.lines().rev().find_map(|l| l.strip_prefix(MESSAGE_PREFIX))?;
    let clean: String = line.chars().filter(|c| !c.is_control()).take(MAX_MESSAGE_CHARS).collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}

/// Reads up to `cap` bytes, then keeps draining (and discarding) so the child never blocks on
/// a full pipe. Returns the bytes and whether there were more.
fn read_capped(mut pipe: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut overflow = false;
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
                overflow |= n > room;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    (kept, overflow)
}

/// Waits for the child until `timeout`; past it, kills and reaps it and returns `None`.
fn wait_with_deadline(child: &mut Child, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Some(status)),
            Ok(None) => {}
            Err(error) => {
                kill_group(child);
                let _ = child.wait();
                return Err(error);
            }
        }
        let now = Instant::now();
        if now >= deadline {
            kill_group(child);
            child.wait()?;
            return Ok(None);
        }
        // Most files take milliseconds; back off to a gentle poll for the slow ones.
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Kills the child and everything in its process group: a process it started would otherwise
/// keep the pipes open, and the threads reading them waiting.
fn kill_group(child: &mut Child) {
    match libc::pid_t::try_from(child.id()) {
        // SAFETY: kill has no memory effects; the group is the one the child leads.
        Ok(pid) if pid > 0 => unsafe {
            libc::kill(-pid, libc::SIGKILL);
        },
        _ => {}
    }
    let _ = child.kill();
}

/// Runs in the child between fork and exec. Only async-signal-safe calls, no allocation.
fn confine(memory_bytes: u64, cpu_seconds: u64) -> io::Result<()> {
    lower_limit(libc::RLIMIT_AS, memory_bytes, memory_bytes)?;
    // SIGXCPU at the soft limit, SIGKILL a second later if it is ignored.
    lower_limit(libc::RLIMIT_CPU, cpu_seconds, cpu_seconds.saturating_add(1))?;
    lower_limit(libc::RLIMIT_CORE, 0, 0)?;
    // Reading a file needs no writing of files (pipes are not subject to this limit).
    lower_limit(libc::RLIMIT_FSIZE, 0, 0)?;
    #[cfg(target_os = "linux")]
    // SAFETY: plain prctl calls with integer arguments.
    unsafe {
        // Die with the thread that started us rather than linger if the server goes away.
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(target_os = "linux")]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(target_os = "linux"))]
type Resource = libc::c_int;

/// Sets a limit, never above the one already in force (raising a hard limit would fail).
fn lower_limit(resource: Resource, soft: u64, hard: u64) -> io::Result<()> {
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(resource, &mut current) != 0 {
            return Err(io::Error::last_os_error());
        }
        let max = current.rlim_max;
        let hard = (hard as libc::rlim_t).min(max);
        let wanted = libc::rlimit { rlim_cur: (soft as libc::rlim_t).min(hard), rlim_max: hard };
        if libc::setrlimit(resource, &wanted) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn encode_limits(limits: &Limits) -> String {
    format!("{},{},{}", limits.max_zip_entries, limits.max_unzipped_bytes, limits.max_text_chars)
}

fn decode_limits(value: Option<&str>) -> Limits {
    let parsed = value.and_then(|v| {
        let mut parts = v.split(',');
        let limits = Limits {
            max_zip_entries: parts.next()?.parse().ok()?,
            max_unzipped_bytes: parts.next()?.parse().ok()?,
            max_text_chars: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(limits)
    });
    parsed.unwrap_or_default()
}

/// The child: reads one file from stdin and writes its text to stdout. `main` calls this
/// before it reads any settings when its first argument is [`CHILD_ARG`].
pub fn child_main(format: &str) -> ExitCode {
    let Some(format) = Format::parse(format) else {
        eprintln!("{MESSAGE_PREFIX}unknown format {format:?}");
        return ExitCode::from(EXIT_USAGE);
    };
    // The text gets stdout to itself: a parser that prints would otherwise corrupt it. Keep a
    // copy of stdout for the result and point descriptor 1 at stderr.
    let result = {
        use std::os::fd::AsFd;
        let Ok(saved) = io::stdout().as_fd().try_clone_to_owned() else { return ExitCode::from(EXIT_IO) };
        // SAFETY: dup2 on two descriptors this process owns; nothing else is running yet.
        if unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) } < 0 {
            return ExitCode::from(EXIT_IO);
        }
        std::fs::File::from(saved)
    };
    let limits = decode_limits(std::env::var(LIMITS_ENV).ok().as_deref());
    let mut input = Vec::new();
    if io::stdin().lock().take(MAX_INPUT_BYTES + 1).read_to_end(&mut input).is_err() {
        return ExitCode::from(EXIT_IO);
    }
    if input.len() as u64 > MAX_INPUT_BYTES {
        eprintln!("{MESSAGE_PREFIX}the file is larger than {} MiB", MAX_INPUT_BYTES >> 20);
        return ExitCode::from(EXIT_TOO_LARGE);
    }
    let (code, message) = match extract_text(format, &input, &limits) {
        Ok(text) => {
            let mut result = io::BufWriter::new(result);
            return match result.write_all(text.as_bytes()).and_then(|()| result.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(EXIT_IO),
            };
        }
        Err(TextError::NoText) => (EXIT_NO_TEXT, None),
        Err(TextError::Unsupported(m)) => (EXIT_UNSUPPORTED, Some(m)),
        Err(TextError::Unreadable(m)) => (EXIT_UNREADABLE, Some(m)),
        Err(TextError::TooLarge(m)) => (EXIT_TOO_LARGE, Some(m)),
    };
    if let Some(message) = message {
        eprintln!("{MESSAGE_PREFIX}{message}");
    }
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_survive_the_trip_through_the_environment() {
        let limits = Limits { max_zip_entries: 7, max_unzipped_bytes: 1234, max_text_chars: 99 };
        assert_eq!(decode_limits(Some(&encode_limits(&limits))), limits);
    }

    #[test]
    fn malformed_limits_fall_back_to_the_defaults() {
        assert_eq!(decode_limits(Some("1,2")), Limits::default());
        assert_eq!(decode_limits(Some("1,2,3,4")), Limits::default());
        assert_eq!(decode_limits(Some("a,b,c")), Limits::default());
        assert_eq!(decode_limits(None), Limits::default());
    }

    #[test]
    fn the_child_message_is_the_last_marked_line_cleaned_and_capped() {
        let stderr =
            format!("noise\n{MESSAGE_PREFIX}first\nmore noise\n{MESSAGE_PREFIX}the PDF\u{7} is {}\n", "x".repeat(1000));
        let message = child_message(stderr.as_bytes()).unwrap();
        assert!(message.starts_with("the PDF is xxx"));
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS);
        assert_eq!(child_message(b"thread 'main' panicked"), None);
    }

    #[test]
    fn reading_a_pipe_keeps_at_most_the_cap_and_says_so() {
        assert_eq!(read_capped(&b"abcdef"[..], 4), (b"abcd".to_vec(), true));
        assert_eq!(read_capped(&b"abc"[..], 4), (b"abc".to_vec(), false));
    }

    #[test]
    fn text_from_the_child_is_checked_again() {
        let limits = Limits { max_text_chars: 5, ..Limits::default() };
        assert_eq!(checked_text(b"abc\n".to_vec(), &limits), Ok("abc\n".to_owned()));
        assert!(matches!(checked_text(b"abcdefg".to_vec(), &limits), Err(TextError::TooLarge(_))));
        assert!(matches!(checked_text(b"a\0b".to_vec(), &limits), Err(TextError::Unreadable(_))));
        assert!(matches!(checked_text(vec![0xFF, 0xFE], &limits), Err(TextError::Unreadable(_))));
        assert_eq!(checked_text(b" \n".to_vec(), &limits), Err(TextError::NoText));
    }

    #[test]
    fn formats_read_in_process_need_no_program() {
        let sandbox = Sandbox {
            program: PathBuf::from("/nonexistent/bridgehire"),
            timeout: Duration::from_secs(1),
            memory_bytes: 1 << 30,
            limits: Limits::default(),
        };
        assert_eq!(sandbox.extract(Format::Text, b"Dana Reyes").unwrap(), "Dana Reyes");
        assert_eq!(sandbox.extract(Format::Pdf, b"%PDF-1.4"), Err(could_not_be_read()));
    }
}
