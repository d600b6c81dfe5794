//! Extraction throughput per format over the labelled development set, end to end as the
//! service does it: sniff the bytes, read the text (PDF and DOCX in the sandboxed child
//! process), run the extractor.
//!
//!     cargo build --release && cargo run --release --example extract_bench [seconds per format]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bridgehire::resume::{extract::extract, format::sniff, sandbox::Sandbox, text::Limits};

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let program = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("bridgehire");
    assert!(program.exists(), "build the service first: cargo build --release ({})", program.display());
    let sandbox =
        Sandbox { program, timeout: Duration::from_secs(20), memory_bytes: 1 << 30, limits: Limits::default() };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/resumes");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
    for ext in ["txt", "docx", "pdf"] {
        let files: Vec<Vec<u8>> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        let (start, mut done) = (Instant::now(), 0u64);
        while start.elapsed() < Duration::from_secs(seconds) {
            for bytes in &files {
                let format = sniff(bytes).expect("fixture format");
                let text = sandbox.extract(format, bytes).expect("fixture text");
                std::hint::black_box(extract(&text, today));
                done += 1;
            }
        }
        let rate = done as f64 / start.elapsed().as_secs_f64();
        println!(
            "{ext:>4}: {done} résumés in {:.1} s = {rate:.0} résumés/s ({} distinct files)",
            start.elapsed().as_secs_f64(),
            files.len()
        );
    }
}
