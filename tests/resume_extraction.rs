//! The extractor measured on the labelled development set in `tests/fixtures/resumes/`: skill
//! precision/recall, experience-month error, and the candidate's name and e-mail address, per
//! format. Fails below the bar the product promises: skill F1 ≥ 0.92, both month counts within
//! ±3 for ≥ 90% of résumés, and every name and e-mail address right (a wrong name is worse than
//! none: it becomes the new candidate's name). `--nocapture` prints the misses per file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bridgehire::resume::extract::extract;
use bridgehire::resume::format::sniff;
use bridgehire::resume::sandbox::Sandbox;
use bridgehire::resume::text::Limits;
use serde_json::Value;

#[derive(Default, Debug)]
struct Score {
    files: usize,
    true_pos: usize,
    false_pos: usize,
    false_neg: usize,
    months_ok: usize,
    names_ok: usize,
    emails_ok: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.true_pos as f64 / (self.true_pos + self.false_pos).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.true_pos as f64 / (self.true_pos + self.false_neg).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// The file's text as the service reads it: format sniffed from the bytes, PDF and DOCX read in
/// the sandboxed child process.
fn text_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let format = sniff(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sandbox = Sandbox {
        program: PathBuf::from(env!("CARGO_BIN_EXE_bridgehire")),
        timeout: Duration::from_secs(20),
        memory_bytes: 1 << 30,
        limits: Limits::default(),
    };
    sandbox.extract(format, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn extraction_meets_the_bar_on_the_development_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/resumes");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
    let mut by_format: std::collections::BTreeMap<String, Score> = Default::default();
    let mut report = Vec::new();
    let mut contact_misses = Vec::new();
    let mut labels: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    labels.sort();
    for label_path in labels.iter().filter(|p| p.to_string_lossy().ends_with(".expected.json")) {
        let label: Value = serde_json::from_str(&std::fs::read_to_string(label_path).unwrap()).unwrap();
        let format = label["format"].as_str().unwrap().to_owned();
        let stem = label_path.to_string_lossy().trim_end_matches(".expected.json").to_owned();
        let file = ["txt", "latin1.txt", "docx", "pdf"]
            .iter()
            .map(|ext| format!("{stem}.{ext}"))
            .find(|f| Path::new(f).exists())
            .unwrap();
        let text = text_of(Path::new(&file));
        let x = extract(&text, today);
        let expected: BTreeSet<String> =
            label["skills"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
        let got: BTreeSet<String> = x.skills.iter().map(|s| s.name.clone()).collect();
        let score = by_format.entry(format.clone()).or_default();
        score.files += 1;
        score.true_pos += got.intersection(&expected).count();
        score.false_pos += got.difference(&expected).count();
        score.false_neg += expected.difference(&got).count();
        let it = label["it_experience_months"].as_i64().unwrap() as i32;
        let hc = label["healthcare_experience_months"].as_i64().unwrap() as i32;
        let ok = (x.it_experience_months - it).abs() <= 3 && (x.healthcare_experience_months - hc).abs() <= 3;
        score.months_ok += usize::from(ok);
        let got_name = x.name.as_ref().map(|f| f.value.as_str());
        let got_email = x.email.as_ref().map(|f| f.value.as_str());
        let name = label["name"].as_str();
        let email = label["email"].as_str();
        score.names_ok += usize::from(got_name == name);
        score.emails_ok += usize::from(got_email == email);
        if got_name != name || got_email != email {
            contact_misses.push(format!(
                "{}: name {got_name:?} (expected {name:?}), e-mail {got_email:?} (expected {email:?})",
                Path::new(&file).file_name().unwrap().to_string_lossy()
            ));
        }
        report.push(format!(
            "{}: +{:?} -{:?} it {}/{} hc {}/{}",
            Path::new(&file).file_name().unwrap().to_string_lossy(),
            got.difference(&expected).collect::<Vec<_>>(),
            expected.difference(&got).collect::<Vec<_>>(),
            x.it_experience_months,
            it,
            x.healthcare_experience_months,
            hc
        ));
    }
    let mut total = Score::default();
    for (format, s) in &by_format {
        println!(
            "{format}: {} résumés, skill P {:.3} R {:.3} F1 {:.3}, months within ±3: {}/{}, names {}/{}, e-mails {}/{}",
            s.files,
            s.precision(),
            s.recall(),
            s.f1(),
            s.months_ok,
            s.files,
            s.names_ok,
            s.files,
            s.emails_ok,
            s.files
        );
        total.files += s.files;
        total.true_pos += s.true_pos;
        total.false_pos += s.false_pos;
        total.false_neg += s.false_neg;
        total.months_ok += s.months_ok;
        total.names_ok += s.names_ok;
        total.emails_ok += s.emails_ok;
    }
    for line in &report {
        println!("  {line}");
    }
    for line in &contact_misses {
        println!("  contact miss: {line}");
    }
    println!(
        "all: {} résumés, skill F1 {:.3}, months within ±3: {}/{}, names right {}/{}, e-mails right {}/{}",
        total.files,
        total.f1(),
        total.months_ok,
        total.files,
        total.names_ok,
        total.files,
        total.emails_ok,
        total.files
    );
    assert!(total.files >= 49, "the development set is missing");
    assert!(total.f1() >= 0.92, "skill F1 {:.3} is below 0.92", total.f1());
    assert!(total.months_ok * 10 >= total.files * 9, "months within ±3 for only {}/{}", total.months_ok, total.files);
    assert_eq!(total.names_ok, total.files, "names right for only {}/{}", total.names_ok, total.files);
    assert_eq!(total.emails_ok, total.files, "e-mail addresses right for only {}/{}", total.emails_ok, total.files);
}
