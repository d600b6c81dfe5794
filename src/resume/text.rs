//! Plain text out of a résumé file whose [`Format`] is already known. Every reader is bounded
//! by [`Limits`] or by the input's length: nothing recurses on the input, zip entries are
//! checked before they are inflated and read through a cap (declared sizes lie), and XML
//! entities beyond the five predefined ones are never expanded. PDF reading goes through a
//! third-party parser that can still panic, loop or exhaust memory on a hostile file, which is
//! why PDF and DOCX are read in a child process (see [`super::sandbox`]).
//!
//! The text always has `\n` line ends and no NUL or other control characters except tab.

use std::io::{Cursor, Read};

use encoding_rs::{Encoding, WINDOWS_1252};
use serde_json::Value;

use super::format::{self, Format, Unsupported};

/// Ceilings that keep a hostile file from costing more than a real résumé would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_zip_entries: usize,
    pub max_unzipped_bytes: u64,
    pub max_text_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // A long DOCX résumé has a few dozen entries and a few MiB inflated; the text of a
        // ten-page résumé is well under 100,000 characters.
        Limits { max_zip_entries: 2000, max_unzipped_bytes: 50 * 1024 * 1024, max_text_chars: 1_000_000 }
    }
}

/// Why no text came out, worded for the API client that sent the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{0}")]
    Unsupported(String),
    #[error("the résumé could not be read: {0}")]
    Unreadable(String),
    #[error(
        "the résumé holds no text (a scanned document?): send it as a PDF with selectable text, DOCX or plain text"
    )]
    NoText,
    #[error("the résumé is too large to read: {0}")]
    TooLarge(String),
}

impl From<Unsupported> for TextError {
    fn from(error: Unsupported) -> Self {
        TextError::Unsupported(error.0)
    }
}

fn unreadable(message: &str) -> TextError {
    TextError::Unreadable(message.to_owned())
}

/// The text of a résumé in `format`. PDF and DOCX should reach this only inside the sandbox.
pub fn extract_text(format: Format, bytes: &[u8], limits: &Limits) -> Result<String, TextError> {
    if bytes.is_empty() {
        return Err(TextError::Unsupported("the file is empty".to_owned()));
    }
    let text = match format {
        Format::Text => {
            // Even four-byte characters cannot fit the ceiling in this many bytes.
            if bytes.len() / 4 > limits.max_text_chars {
                return Err(too_many_chars(limits));
            }
            plain_text(bytes)
        }
        Format::Pdf => pdf_text(bytes)?,
        Format::Docx => docx_text(bytes, limits)?,
        Format::Rtf => rtf_text(bytes)?,
        Format::Html => html_text(bytes),
        Format::JsonResume => json_resume_text(&parse_json_resume(bytes)?),
    };
    finish(&text, limits)
}

fn too_many_chars(limits: &Limits) -> TextError {
    TextError::TooLarge(format!("its text runs to more than {} characters", limits.max_text_chars))
}

/// Line ends to `\n`, control characters out, and the emptiness and length checks.
fn finish(text: &str, limits: &Limits) -> Result<String, TextError> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut count = 0usize;
    while let Some(c) = chars.next() {
        let c = match c {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => '\n',
            '\t' | '\n' => c,
            '\u{FEFF}' => continue,
            c if c.is_control() => continue,
            c => c,
        };
        count += 1;
        if count > limits.max_text_chars {
            return Err(too_many_chars(limits));
        }
        out.push(c);
    }
    if out.trim().is_empty() {
        return Err(TextError::NoText);
    }
    Ok(out)
}

/// UTF-8 (or UTF-16 with a BOM) when it is that, Windows-1252 otherwise: the two encodings
/// résumés saved as text actually arrive in.
fn plain_text(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// PDF

fn pdf_text(bytes: &[u8]) -> Result<String, TextError> {
    use pdf_extract::{Error as PdfError, OutputError};
    // Panics inside the parser are not caught here: the sandbox sees them as a failed child.
    let text = pdf_extract::extract_text_from_mem(bytes).map_err(|error| match error {
        OutputError::PdfError(PdfError::Decryption(_)) => {
            unreadable("the PDF is password-protected; send an unprotected copy")
        }
        _ => unreadable("the PDF is damaged or is not really a PDF"),
    })?;
    // No text: a scan holds page images and is stored as one; a PDF with neither text nor
    // images is damaged (the reader dropped its broken objects) or blank.
    if text.trim().is_empty() && !has_images(bytes) {
        return Err(unreadable("the PDF has neither text nor images: it is damaged or blank"));
    }
    Ok(text)
}

fn has_images(bytes: &[u8]) -> bool {
    let Ok(document) = pdf_extract::Document::load_mem(bytes) else { return false };
    document.objects.values().any(|object| match object {
        pdf_extract::Object::Stream(stream) => {
            stream.dict.get(b"Subtype").ok().and_then(|subtype| subtype.as_name().ok()) == Some(b"Image".as_slice())
        }
        _ => false,
    })
}

// ---------------------------------------------------------------------------------------------
// DOCX

const MIB: u64 = 1024 * 1024;

/// Real XML compresses around 10:1; far beyond that is a bomb, not a document.
const MAX_RATIO: u64 = 200;

fn docx_damaged() -> TextError {
    unreadable("the Word document is damaged (its zip structure could not be read)")
}

fn docx_text(bytes: &[u8], limits: &Limits) -> Result<String, TextError> {
    let too_many_entries =
        || TextError::TooLarge(format!("the Word document has more than {} parts", limits.max_zip_entries));
    // The zip crate loads the whole directory before it can be asked how long it is, so the
    // declared count is checked on the raw bytes first.
    if let Some(directory) = format::zip_directory(bytes) {
        if directory.declared_entries > limits.max_zip_entries as u64 {
            return Err(too_many_entries());
        }
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| docx_damaged())?;
    if archive.len() > limits.max_zip_entries {
        return Err(too_many_entries());
    }

    // Everything below reads only the directory: nothing is inflated until all checks pass.
    let mut declared_total = 0u64;
    let mut document = None;
    let mut headers: Vec<(String, usize)> = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|_| docx_damaged())?;
        declared_total = declared_total.saturating_add(entry.size());
        let name = entry.name();
        let wanted = name == "word/document.xml" || is_header(name);
        if !wanted {
            continue;
        }
        // Checked one entry at a time too, so a single bomb is named for what it is.
        if entry.size() > limits.max_unzipped_bytes {
            return Err(expands_too_far(limits));
        }
        if entry.encrypted() {
            return Err(unreadable("the Word document is password-protected; send an unprotected copy"));
        }
        if entry.size() > MIB && entry.size() / entry.compressed_size().max(1) >= MAX_RATIO {
            return Err(unreadable("the Word document is compressed far beyond what real documents are (a zip bomb?)"));
        }
        if name == "word/document.xml" {
            document = Some(index);
        } else {
            headers.push((name.to_owned(), index));
        }
    }
    if declared_total > limits.max_unzipped_bytes {
        return Err(expands_too_far(limits));
    }
    let document = document.ok_or_else(|| unreadable("the Word document has no body (word/document.xml)"))?;

    // header1, header2, …, header10: the number's order, which is the order Word wrote them.
    headers.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
    let mut budget = limits.max_unzipped_bytes;
    let mut out = String::new();
    let mut seen: Vec<String> = Vec::new();
    for (_, index) in headers {
        let text = word_xml_text(&read_entry(&mut archive, index, &mut budget, limits)?)?;
        let text = text.trim();
        // First-page, odd and even headers usually repeat one another.
        if !text.is_empty() && !seen.iter().any(|s| s == text) {
            out.push_str(text);
            out.push('\n');
            seen.push(text.to_owned());
        }
    }
    out.push_str(&word_xml_text(&read_entry(&mut archive, document, &mut budget, limits)?)?);
    Ok(out)
}

fn is_header(name: &str) -> bool {
    name.strip_prefix("word/header")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

fn expands_too_far(limits: &Limits) -> TextError {
    TextError::TooLarge(format!("the Word document expands to more than {} MiB", limits.max_unzipped_bytes / MIB))
}

/// Inflates one entry through a cap shared by all entries, whatever size it declares.
fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    budget: &mut u64,
    limits: &Limits,
) -> Result<Vec<u8>, TextError> {
    let entry = archive.by_index(index).map_err(|_| docx_damaged())?;
    let mut out = Vec::new();
    entry.take(budget.saturating_add(1)).read_to_end(&mut out).map_err(|_| docx_damaged())?;
    let read = out.len() as u64;
    if read > *budget {
        return Err(expands_too_far(limits));
    }
    *budget -= read;
    Ok(out)
}

/// The text of a WordprocessingML part: runs' text, tabs and breaks, one line per paragraph,
/// table cells separated by tabs and rows by line ends.
fn word_xml_text(xml: &[u8]) -> Result<String, TextError> {
    use quick_xml::events::Event;
    let malformed = || unreadable("the Word document's XML is malformed");
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    // Depths rather than flags: runs nest inside text boxes inside runs.
    let (mut run, mut text, mut fallback) = (0usize, 0usize, 0usize);
    loop {
        let event = reader.read_event().map_err(|_| malformed())?;
        // Drawings carry their text box twice: the modern choice and a legacy fallback.
        match &event {
            Event::Start(e) if e.local_name().as_ref() == b"Fallback" => fallback += 1,
            Event::End(e) if e.local_name().as_ref() == b"Fallback" => fallback = fallback.saturating_sub(1),
            _ => {}
        }
        if fallback > 0 && !matches!(event, Event::Eof) {
            continue;
        }
        match event {
            Event::Eof => break,
            // Word never writes a DTD; one here can only be an attempt at entity tricks.
            Event::DocType(_) => return Err(unreadable("the Word document declares a DTD, which Word never does")),
            Event::Start(e) => match e.local_name().as_ref() {
                b"r" => run += 1,
                b"t" if run > 0 => text += 1,
                b"tab" if run > 0 => out.push('\t'),
                b"br" | b"cr" if run > 0 => out.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if run > 0 => out.push('\t'),
                b"br" | b"cr" if run > 0 => out.push('\n'),
                b"noBreakHyphen" if run > 0 => out.push('-'),
                b"p" => out.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"r" => run = run.saturating_sub(1),
                b"t" => text = text.saturating_sub(1),
                b"p" => out.push('\n'),
                b"tc" => {
                    while out.ends_with('\n') {
                        out.pop();
                    }
                    out.push('\t');
                }
                b"tr" => {
                    if out.ends_with('\t') {
                        out.pop();
                    }
                    out.push('\n');
                }
                _ => {}
            },
            Event::Text(e) if text > 0 => out.push_str(&e.decode().map_err(|_| malformed())?),
            Event::CData(e) if text > 0 => out.push_str(&e.decode().map_err(|_| malformed())?),
            Event::GeneralRef(r) if text > 0 => {
                if r.is_char_ref() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        out.push(c);
                    }
                } else {
                    // Only the predefined five exist without a DTD; anything else is dropped.
                    let name = r.decode().map_err(|_| malformed())?;
                    if let Some(c) = predefined_entity(&name) {
                        out.push(c);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// RTF

/// Deeper than any real document; a bound that keeps the group stack small.
const MAX_RTF_DEPTH: usize = 256;

/// Destinations whose content is not document text.
const RTF_SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "objdata",
    "shppict",
    "nonshppict",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "fldinst",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "footnote",
    "header-footer-none",
];

#[derive(Clone, Copy)]
struct RtfGroup {
    skip: bool,
    /// How many fallback characters follow each `\uN`.
    uc: usize,
}

struct RtfWriter {
    out: String,
    /// `\'hh` bytes waiting to be decoded together (double-byte code pages need pairs).
    pending: Vec<u8>,
    encoding: &'static Encoding,
    high_surrogate: Option<u32>,
}

impl RtfWriter {
    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let (text, _) = self.encoding.decode_without_bom_handling(&self.pending);
            self.out.push_str(&text);
            self.pending.clear();
        }
    }

    fn push(&mut self, c: char) {
        self.flush();
        self.out.push(c);
    }

    fn push_unicode(&mut self, unit: u32) {
        self.flush();
        match unit {
            0xD800..=0xDBFF => {
                self.high_surrogate = Some(unit);
                return;
            }
            0xDC00..=0xDFFF => {
                if let Some(high) = self.high_surrogate.take() {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00);
                    self.out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    return;
                }
                self.out.push('\u{FFFD}');
            }
            _ => self.out.push(char::from_u32(unit).unwrap_or('\u{FFFD}')),
        }
        self.high_surrogate = None;
    }
}

/// The code pages `\ansicpgN` names, as encoding_rs knows them.
fn code_page(number: i32) -> &'static Encoding {
    let label = match number {
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return Encoding::for_label(format!("windows-{number}").as_bytes()).unwrap_or(WINDOWS_1252),
        10000 => "macintosh",
        65001 => "utf-8",
        _ => "windows-1252",
    };
    Encoding::for_label(label.as_bytes()).unwrap_or(WINDOWS_1252)
}

/// A tolerant RTF reader: one pass, no recursion, an explicit group stack of bounded depth.
fn rtf_text(bytes: &[u8]) -> Result<String, TextError> {
    let mut stack: Vec<RtfGroup> = Vec::new();
    let mut group = RtfGroup { skip: false, uc: 1 };
    let mut w = RtfWriter { out: String::new(), pending: Vec::new(), encoding: WINDOWS_1252, high_surrogate: None };
    // Fallback characters still to drop after a `\uN`.
    let mut skip_chars = 0usize;
    // Right after `{`, where `\*` marks an ignorable destination.
    let mut at_group_start = false;
    let mut i = 0usize;
    while i < bytes.len() {
        let starts_group = bytes[i] == b'{';
        match bytes[i] {
            b'{' => {
                if stack.len() >= MAX_RTF_DEPTH {
                    return Err(unreadable("the RTF file is nested more deeply than any real document"));
                }
                w.flush();
                stack.push(group);
                skip_chars = 0;
                i += 1;
            }
            b'}' => {
                w.flush();
                if let Some(parent) = stack.pop() {
                    group = parent;
                }
                skip_chars = 0;
                i += 1;
            }
            b'\\' => {
                let (control, next) = rtf_control(bytes, i);
                i = next;
                // The spec counts a control word or symbol as one fallback character.
                let control = if skip_chars > 0 {
                    skip_chars -= 1;
                    RtfControl::Nothing
                } else {
                    control
                };
                match control {
                    RtfControl::Byte(b) => {
                        if !group.skip {
                            w.pending.push(b);
                        }
                    }
                    RtfControl::Literal(c) => {
                        if !group.skip {
                            w.push(c);
                        }
                    }
                    RtfControl::Nothing => {}
                    RtfControl::Ignorable => {
                        if at_group_start {
                            group.skip = true;
                        }
                    }
                    RtfControl::Word(name, param) => {
                        match name {
                            "u" => {
                                if !group.skip {
                                    // Signed 16-bit: \u-4064 is U+F020.
                                    let unit = param.unwrap_or(0);
                                    let unit = if (-32768..0).contains(&unit) { unit + 65536 } else { unit };
                                    w.push_unicode(u32::try_from(unit).ok().filter(|u| *u <= 0xFFFF).unwrap_or(0xFFFD));
                                }
                                skip_chars = group.uc;
                            }
                            // A writer's \uc above a few is nonsense; bounded so it cannot eat text.
                            "uc" => group.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(0).min(8),
                            "ansicpg" => w.encoding = code_page(param.unwrap_or(1252)),
                            "bin" => {
                                let length = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                                i = i.saturating_add(length).min(bytes.len());
                            }
                            _ if RTF_SKIPPED.contains(&name) => group.skip = true,
                            _ if !group.skip => {
                                if let Some(c) = rtf_word_char(name) {
                                    w.push(c);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            b'\r' | b'\n' => i += 1,
            b => {
                i += 1;
                if skip_chars > 0 {
                    skip_chars -= 1;
                } else if !group.skip {
                    if b < 0x80 {
                        w.push(char::from(b));
                    } else {
                        w.pending.push(b);
                    }
                }
            }
        }
        at_group_start = starts_group;
    }
    w.flush();
    Ok(w.out)
}

enum RtfControl<'a> {
    Word(&'a str, Option<i32>),
    Byte(u8),
    Literal(char),
    Ignorable,
    Nothing,
}

/// Reads the control word or symbol starting at the backslash at `at`; returns it and where
/// the next token starts.
fn rtf_control(bytes: &[u8], at: usize) -> (RtfControl<'_>, usize) {
    let Some(&first) = bytes.get(at + 1) else { return (RtfControl::Nothing, bytes.len()) };
    if first.is_ascii_alphabetic() {
        let start = at + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
            end += 1;
        }
        // ASCII letters only, so this cannot fail; a non-name still reads as a harmless word.
        let name = std::str::from_utf8(&bytes[start..end]).unwrap_or("");
        let mut next = end;
        let negative = bytes.get(next) == Some(&b'-');
        if negative {
            next += 1;
        }
        let digits_start = next;
        let mut value: i64 = 0;
        while next < bytes.len() && bytes[next].is_ascii_digit() {
            if next - digits_start < 10 {
                value = value * 10 + i64::from(bytes[next] - b'0');
            }
            next += 1;
        }
        let param = if next > digits_start {
            let value = if negative { -value } else { value };
            Some(value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
        } else {
            if negative {
                next -= 1;
            }
            None
        };
        if bytes.get(next) == Some(&b' ') {
            next += 1;
        }
        return (RtfControl::Word(name, param), next);
    }
    let control = match first {
        b'\'' => {
            let hex = bytes.get(at + 2..at + 4).and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => return (RtfControl::Byte(b), at + 4),
                None => RtfControl::Nothing,
            }
        }
        b'*' => RtfControl::Ignorable,
        b'\\' | b'{' | b'}' => RtfControl::Literal(char::from(first)),
        b'~' => RtfControl::Literal(' '),
        b'_' => RtfControl::Literal('-'),
        b'\n' | b'\r' => RtfControl::Literal('\n'),
        _ => RtfControl::Nothing,
    };
    (control, at + 2)
}

/// The characters RTF writes as control words.
fn rtf_word_char(name: &str) -> Option<char> {
    Some(match name {
        "par" | "line" | "sect" | "page" | "row" | "nestrow" => '\n',
        "tab" | "cell" | "nestcell" => '\t',
        "emdash" => '—',
        "endash" => '–',
        "bullet" => '•',
        "lquote" => '‘',
        "rquote" => '’',
        "ldblquote" => '“',
        "rdblquote" => '”',
        "emspace" | "enspace" | "qmspace" => ' ',
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Elements whose content is never text a reader sees.
const HTML_SKIPPED: &[&str] = &["script", "style", "template", "noscript", "svg", "title", "object", "iframe"];

/// Elements that start a new line.
const HTML_BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "blockquote",
    "pre",
    "hr",
    "address",
    "nav",
    "aside",
    "main",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "caption",
    "body",
    "html",
];

fn find_bytes(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Decodes an HTML file: a BOM, then valid UTF-8, then the declared charset, then Windows-1252.
fn decode_html(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let head = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    let declared = find_bytes(&head, 0, b"charset=").and_then(|at| {
        let rest = &head[at + 8..];
        let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
        let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b))).unwrap_or(rest.len());
        Encoding::for_label(&rest[..end])
    });
    declared.unwrap_or(WINDOWS_1252).decode_without_bom_handling(bytes).0.into_owned()
}

/// Visible text of an HTML page: one pass over the source, no DOM, no recursion.
fn html_text(bytes: &[u8]) -> String {
    let source = decode_html(bytes);
    // ASCII lower-casing keeps every byte offset, so `lower` indexes `source` too.
    let lower = source.to_ascii_lowercase();
    let (s, low) = (source.as_bytes(), lower.as_bytes());
    let mut out = String::with_capacity(source.len() / 2);
    let mut pre = 0usize;
    let mut i = 0usize;
    while i < s.len() {
        match s[i] {
            b'<' => {
                if low[i..].starts_with(b"<!--") {
                    i = find_bytes(low, i + 4, b"-->").map_or(s.len(), |j| j + 3);
                    continue;
                }
                if matches!(s.get(i + 1), Some(b'!' | b'?')) {
                    i = find_bytes(low, i, b">").map_or(s.len(), |j| j + 1);
                    continue;
                }
                let closing = s.get(i + 1) == Some(&b'/');
                let name_start = i + 1 + usize::from(closing);
                let mut name_end = name_start;
                while name_end < s.len() && s[name_end].is_ascii_alphanumeric() {
                    name_end += 1;
                }
                if name_end == name_start || !s[name_start].is_ascii_alphabetic() {
                    // A lone '<' in text.
                    push_text(&mut out, "<", pre > 0);
                    i += 1;
                    continue;
                }
                let name = &lower[name_start..name_end];
                i = end_of_tag(s, name_end);
                if closing {
                    if name == "pre" {
                        pre = pre.saturating_sub(1);
                    }
                    if HTML_BLOCKS.contains(&name) || name == "li" {
                        line_break(&mut out);
                    }
                    continue;
                }
                if HTML_SKIPPED.contains(&name) {
                    let close = format!("</{name}");
                    i = find_bytes(low, i, close.as_bytes()).map_or(s.len(), |j| end_of_tag(s, j + close.len()));
                    continue;
                }
                match name {
                    // Pages without </head> still start their body somewhere.
                    "head" => {
                        let end =
                            [find_bytes(low, i, b"</head"), find_bytes(low, i, b"<body")].into_iter().flatten().min();
                        i = end.unwrap_or(s.len());
                    }
                    // A line break is the one tag that always adds a line.
                    "br" => out.push('\n'),
                    "li" => {
                        line_break(&mut out);
                        out.push_str("• ");
                    }
                    // Cells after the first in a row are set off by a tab.
                    "td" | "th" if !out.ends_with('\n') && !out.is_empty() => out.push('\t'),
                    "pre" => {
                        pre += 1;
                        line_break(&mut out);
                    }
                    _ if HTML_BLOCKS.contains(&name) => line_break(&mut out),
                    _ => {}
                }
            }
            b'&' => {
                let (decoded, next) = html_entity(&source, i);
                push_text(&mut out, &decoded, pre > 0);
                i = next;
            }
            _ => {
                // Runs of text up to the next markup character, on char boundaries ('<' and '&'
                // are ASCII, so they never fall inside a multi-byte character).
                let end = s[i..].iter().position(|&b| b == b'<' || b == b'&').map_or(s.len(), |p| p + i);
                push_text(&mut out, &source[i..end], pre > 0);
                i = end;
            }
        }
    }
    tidy_lines(&out)
}

/// Blocks start on a new line, but adjacent blocks do not stack up empty lines.
fn line_break(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Index just past the `>` closing a tag, skipping quoted attribute values.
fn end_of_tag(s: &[u8], mut i: usize) -> usize {
    let mut quote = None;
    while i < s.len() {
        match (quote, s[i]) {
            (None, b'>') => return i + 1,
            (None, q @ (b'"' | b'\'')) => quote = Some(q),
            (Some(q), b) if b == q => quote = None,
            _ => {}
        }
        i += 1;
    }
    s.len()
}

/// Appends text with HTML's white-space collapsing (outside `<pre>`).
fn push_text(out: &mut String, text: &str, preformatted: bool) {
    if preformatted {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{A0}' {
            if !out.ends_with([' ', '\n', '\t']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Trims every line, keeps at most one blank line in a row, none at either end.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    for line in text.split('\n') {
        let line = line.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{A0}');
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank_run = 0;
    }
    out.push('\n');
    out
}

/// Decodes the character reference at `at` (which holds '&'); returns the text and where the
/// next token starts. Anything unrecognised is the literal '&'.
fn html_entity(source: &str, at: usize) -> (String, usize) {
    let s = source.as_bytes();
    let literal = ("&".to_owned(), at + 1);
    let window = &s[at + 1..s.len().min(at + 34)];
    let Some(semi) = window.iter().position(|&b| b == b';') else { return literal };
    // ASCII-only reference names keep the slice on char boundaries.
    if !window[..semi].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'#') {
        return literal;
    }
    let name = &source[at + 1..at + 1 + semi];
    let next = at + 2 + semi;
    let numeric = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        Some(u32::from_str_radix(hex, 16).ok())
    } else {
        name.strip_prefix('#').map(|dec| dec.parse::<u32>().ok())
    };
    if let Some(code) = numeric {
        let c = match code {
            // Browsers read 128–159 as Windows-1252, and so do the pages people save.
            Some(code @ 0x80..=0x9F) => {
                WINDOWS_1252.decode_without_bom_handling(&[code as u8]).0.chars().next().unwrap_or('\u{FFFD}')
            }
            Some(0) | None => '\u{FFFD}',
            Some(code) => char::from_u32(code).unwrap_or('\u{FFFD}'),
        };
        return (c.to_string(), next);
    }
    match named_entity(name) {
        Some(text) => (text.to_owned(), next),
        None => literal,
    }
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
        "shy" | "zwj" | "zwnj" => "",
        "ndash" => "–",
        "mdash" => "—",
        "bull" => "•",
        "middot" => "·",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "sect" => "§",
        "para" => "¶",
        "aacute" => "á",
        "agrave" => "à",
        "acirc" => "â",
        "auml" => "ä",
        "atilde" => "ã",
        "aring" => "å",
        "ccedil" => "ç",
        "eacute" => "é",
        "egrave" => "è",
        "ecirc" => "ê",
        "euml" => "ë",
        "iacute" => "í",
        "igrave" => "ì",
        "icirc" => "î",
        "iuml" => "ï",
        "ntilde" => "ñ",
        "oacute" => "ó",
        "ograve" => "ò",
        "ocirc" => "ô",
        "ouml" => "ö",
        "otilde" => "õ",
        "oslash" => "ø",
        "uacute" => "ú",
        "ugrave" => "ù",
        "ucirc" => "û",
        "uuml" => "ü",
        "yacute" => "ý",
        "szlig" => "ß",
        "Aacute" => "Á",
        "Agrave" => "À",
        "Auml" => "Ä",
        "Ccedil" => "Ç",
        "Eacute" => "É",
        "Egrave" => "È",
        "Ntilde" => "Ñ",
        "Oacute" => "Ó",
        "Ouml" => "Ö",
        "Uacute" => "Ú",
        "Uuml" => "Ü",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// JSON Resume

/// Parses a JSON Resume document (https://jsonresume.org); other JSON is unsupported.
pub fn parse_json_resume(bytes: &[u8]) -> Result<Value, TextError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // serde_json refuses nesting beyond 128 levels, so a hostile document cannot recurse deep.
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        TextError::Unreadable(format!("the JSON is not valid (line {}, column {})", error.line(), error.column()))
    })?;
    if !format::is_json_resume(&value) {
        return Err(TextError::Unsupported(
            "JSON that is not a JSON Resume document (https://jsonresume.org): it needs a \"basics\" object".to_owned(),
        ));
    }
    Ok(value)
}

/// A one-line string field, or nothing when absent, empty or not a string.
fn field(value: &Value, key: &str) -> Option<String> {
    let text = value.get(key)?.as_str()?;
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// A multi-line string field (summaries), line ends kept.
fn paragraph(value: &Value, key: &str) -> Option<String> {
    let text = value.get(key)?.as_str()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    items(value, key)
        .filter_map(|v| v.as_str())
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

/// "2019-01-15" → "Jan 2019", "2019-01" → "Jan 2019", "2019" → "2019"; anything else as written.
fn json_date(date: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = date.split('-');
    let year = parts.next().filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
    let month = parts.next().and_then(|m| m.parse::<usize>().ok()).filter(|m| (1..=12).contains(m));
    match (year, month) {
        (Some(year), Some(month)) => format!("{} {year}", MONTHS[month - 1]),
        (Some(year), None) => year.to_owned(),
        _ => date.to_owned(),
    }
}

/// "Jan 2019 – Present", the way the résumé extractor reads date ranges.
fn json_dates(entry: &Value) -> Option<String> {
    let start = field(entry, "startDate").map(|d| json_date(&d));
    let end = field(entry, "endDate").map(|d| json_date(&d));
    match (start, end) {
        (Some(start), Some(end)) => Some(format!("{start} – {end}")),
        (Some(start), None) => Some(format!("{start} – Present")),
        (None, end) => end,
    }
}

fn joined(parts: impl IntoIterator<Item = Option<String>>, separator: &str) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

fn section(lines: &mut Vec<String>, heading: &str, body: Vec<String>) {
    if !body.is_empty() {
        lines.extend([String::new(), heading.to_owned()]);
        lines.extend(body);
    }
}

/// Renders a JSON Resume as a plain-text résumé with the headings the extractor knows.
fn json_resume_text(resume: &Value) -> String {
    let mut lines: Vec<String> = Vec::new();
    let basics = resume.get("basics").unwrap_or(&Value::Null);
    lines.extend(field(basics, "name"));
    lines.extend(field(basics, "label"));
    let location = basics.get("location").unwrap_or(&Value::Null);
    let place = joined([field(location, "city"), field(location, "region")], ", ");
    lines.extend(joined([field(basics, "email"), field(basics, "phone"), place, field(basics, "url")], " | "));
    if let Some(summary) = paragraph(basics, "summary") {
        lines.extend(["".to_owned(), "SUMMARY".to_owned(), summary]);
    }

    let jobs = |key: &str, employer_keys: &[&str]| -> Vec<String> {
        let mut body = Vec::new();
        for job in items(resume, key) {
            let employer = employer_keys.iter().find_map(|k| field(job, k));
            let entry: Vec<String> =
                [joined([field(job, "position"), employer], ", "), json_dates(job), paragraph(job, "summary")]
                    .into_iter()
                    .flatten()
                    .chain(strings(job, "highlights").into_iter().map(|h| format!("• {h}")))
                    .collect();
            if !entry.is_empty() {
                if !body.is_empty() {
                    body.push(String::new());
                }
                body.extend(entry);
            }
        }
        body
    };
    section(&mut lines, "EXPERIENCE", jobs("work", &["name", "company"]));

    let mut education = Vec::new();
    for school in items(resume, "education") {
        let degree = joined([field(school, "studyType"), field(school, "area")], ", ");
        let line = joined([degree, field(school, "institution")], " — ");
        education.extend(line);
        education.extend(json_dates(school));
    }
    section(&mut lines, "EDUCATION", education);

    let skills = items(resume, "skills")
        .filter_map(|skill| {
            let keywords = strings(skill, "keywords");
            match (field(skill, "name"), keywords.is_empty()) {
                (Some(name), true) => Some(name),
                (Some(name), false) => Some(format!("{name}: {}", keywords.join(", "))),
                (None, false) => Some(keywords.join(", ")),
                (None, true) => None,
            }
        })
        .collect();
    section(&mut lines, "SKILLS", skills);

    let certificates = items(resume, "certificates")
        .filter_map(|c| joined([field(c, "name"), field(c, "issuer"), field(c, "date").map(|d| json_date(&d))], ", "))
        .collect();
    section(&mut lines, "CERTIFICATIONS", certificates);

    section(&mut lines, "VOLUNTEER", jobs("volunteer", &["organization", "name"]));

    let projects = items(resume, "projects")
        .flat_map(|p| {
            [joined([field(p, "name"), json_dates(p)], ", "), paragraph(p, "description")]
                .into_iter()
                .flatten()
                .chain(strings(p, "highlights").into_iter().map(|h| format!("• {h}")))
                .collect::<Vec<_>>()
        })
        .collect();
    section(&mut lines, "PROJECTS", projects);

    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::format::tests::zip_of;

    fn text(format: Format, bytes: &[u8]) -> String {
        extract_text(format, bytes, &Limits::default()).unwrap()
    }

    fn docx(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let mut entries: Vec<(&str, &[u8])> =
            vec![("[Content_Types].xml", b"<Types/>".as_slice()), ("word/document.xml", document.as_bytes())];
        entries.extend(extra.iter().map(|(n, d)| (*n, d.as_bytes())));
        zip_of(&entries)
    }

    #[test]
    fn utf8_text_loses_its_bom_and_carriage_returns() {
        assert_eq!(text(Format::Text, b"\xEF\xBB\xBFDana Reyes\r\nTulsa\rOK\n"), "Dana Reyes\nTulsa\nOK\n");
    }

    #[test]
    fn latin1_text_is_read_as_windows_1252() {
        assert_eq!(text(Format::Text, b"Ren\xE9e \x96 Infirmi\xE8re\r\n"), "Renée – Infirmière\n");
    }

    #[test]
    fn nul_and_control_characters_never_come_out() {
        assert_eq!(text(Format::Text, "Dana\u{0}Reyes\u{7}\tIT".as_bytes()), "DanaReyes\tIT");
    }

    #[test]
    fn white_space_alone_is_no_text() {
        assert_eq!(extract_text(Format::Text, b" \r\n\t", &Limits::default()), Err(TextError::NoText));
    }

    #[test]
    fn text_beyond_the_character_ceiling_is_too_large() {
        let limits = Limits { max_text_chars: 10, ..Limits::default() };
        assert!(matches!(extract_text(Format::Text, b"0123456789A", &limits), Err(TextError::TooLarge(_))));
        assert_eq!(extract_text(Format::Text, b"0123456789", &limits).unwrap(), "0123456789");
    }

    #[test]
    fn docx_paragraphs_tabs_breaks_and_entities() {
        let body = r#"<w:p><w:r><w:t>Dana</w:t></w:r><w:r><w:t xml:space="preserve"> Reyes &amp; Co</w:t></w:r></w:p>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Epic</w:t><w:tab/><w:t>Cerner</w:t><w:br/><w:t>HL7 &#8212; FHIR</w:t></w:r></w:p>"#;
        assert_eq!(text(Format::Docx, &docx(body, &[])), "Dana Reyes & Co\nEpic\tCerner\nHL7 — FHIR\n");
    }

    #[test]
    fn docx_tables_become_tab_separated_rows() {
        let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
        let body =
            format!("<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>", cell("a"), cell("b"), cell("c"), cell("d"));
        assert_eq!(text(Format::Docx, &docx(&body, &[])), "a\tb\nc\td\n");
    }

    #[test]
    fn docx_headers_come_first_once_each() {
        let header = r#"<w:hdr xmlns:w="x"><w:p><w:r><w:t>dana@example.org</w:t></w:r></w:p></w:hdr>"#;
        let bytes = docx(
            "<w:p><w:r><w:t>Body</w:t></w:r></w:p>",
            &[("word/header2.xml", header), ("word/header1.xml", header)],
        );
        assert_eq!(text(Format::Docx, &bytes), "dana@example.org\nBody\n");
    }

    #[test]
    fn docx_text_box_fallbacks_are_not_read_twice() {
        let body = "<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>Box</w:t></mc:Choice>\
                    <mc:Fallback><w:t>Box</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>";
        assert_eq!(text(Format::Docx, &docx(body, &[])), "Box\n");
    }

    #[test]
    fn docx_with_a_dtd_is_refused() {
        let document = r#"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"#;
        let bytes = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", document.as_bytes())]);
        assert!(matches!(extract_text(Format::Docx, &bytes, &Limits::default()), Err(TextError::Unreadable(_))));
    }

    #[test]
    fn docx_beyond_the_entry_ceiling_is_refused_before_reading() {
        let limits = Limits { max_zip_entries: 2, ..Limits::default() };
        let bytes = docx("<w:p/>", &[("word/header1.xml", "<w:hdr/>")]);
        assert!(matches!(extract_text(Format::Docx, &bytes, &limits), Err(TextError::TooLarge(_))));
    }

    #[test]
    fn docx_expanding_past_the_budget_is_too_large_even_when_its_sizes_are_honest() {
        let limits = Limits { max_unzipped_bytes: 1000, ..Limits::default() };
        let body = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "x".repeat(2000));
        assert!(matches!(extract_text(Format::Docx, &docx(&body, &[]), &limits), Err(TextError::TooLarge(_))));
    }

    #[test]
    fn docx_without_a_body_or_with_broken_xml_is_unreadable() {
        let no_body = zip_of(&[("[Content_Types].xml", b"<Types/>")]);
        assert!(matches!(extract_text(Format::Docx, &no_body, &Limits::default()), Err(TextError::Unreadable(_))));
        let broken = docx("<w:p><w:r><w:t>x</w:r></w:p>", &[]);
        assert!(matches!(extract_text(Format::Docx, &broken, &Limits::default()), Err(TextError::Unreadable(_))));
        assert!(matches!(
            extract_text(Format::Docx, b"PK\x03\x04junk", &Limits::default()),
            Err(TextError::Unreadable(_))
        ));
    }

    #[test]
    fn rtf_reads_hex_bytes_unicode_and_escapes() {
        let rtf = br"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}{\colortbl;\red0\green0\blue0;}{\*\generator Riched20;}
\pard Ren\'e9e Dubois\par
Epic\tab Cerner \u8212? HL7\par
Braces \{ and \} and \\ backslash\line next}";
        assert_eq!(text(Format::Rtf, rtf), "Renée Dubois\nEpic\tCerner — HL7\nBraces { and } and \\ backslash\nnext");
    }

    #[test]
    fn rtf_unicode_is_signed_sixteen_bit_with_surrogates_and_uc_skips() {
        let rtf = br"{\rtf1 \uc2\u-3913\'3f\'3f x \u-10179\'3f\'3f\u-8704\'3f\'3f}";
        assert_eq!(text(Format::Rtf, rtf), "\u{f0b7} x \u{1f600}");
    }

    #[test]
    fn rtf_nested_beyond_the_bound_is_unreadable() {
        let mut rtf = b"{\\rtf1 ".to_vec();
        rtf.extend(std::iter::repeat_n(b'{', 10_000));
        rtf.extend_from_slice(b"deep");
        assert!(matches!(extract_text(Format::Rtf, &rtf, &Limits::default()), Err(TextError::Unreadable(_))));
    }

    #[test]
    fn rtf_skips_binary_data_and_pictures() {
        let rtf = b"{\\rtf1 A{\\pict\\pngblip 89504e47}B\\bin3 {}}C}";
        assert_eq!(text(Format::Rtf, rtf), "ABC");
    }

    #[test]
    fn html_drops_scripts_and_head_and_decodes_entities() {
        let html = br#"<!DOCTYPE html><html><head><title>CV</title><style>p{color:red}</style></head>
<body><h1>Dana&nbsp;Reyes</h1><script>alert("<p>x</p>")</script>
<p>Caf&eacute; &amp; clinic &#8211; &#x2014; &#150; &bogus; &lt;tag&gt;</p>
<ul><li>Epic</li><li>HL7</li></ul>
<table><tr><td>Jan 2019</td><td>Present</td></tr></table><!-- hidden <p>no</p> --></body></html>"#;
        assert_eq!(
            text(Format::Html, html),
            "Dana Reyes\nCafé & clinic – — – &bogus; <tag>\n• Epic\n• HL7\nJan 2019\tPresent\n"
        );
    }

    #[test]
    fn html_collapses_blank_lines_and_keeps_the_line_breaks_of_pre() {
        let html =
            b"<body><div>a</div><div></div><div></div><p>b   c\n d</p><pre>x\n  y</pre>e<br><br><br><br>f</body>";
        assert_eq!(text(Format::Html, html), "a\nb c d\nx\ny\ne\n\nf\n");
    }

    #[test]
    fn html_in_windows_1252_is_decoded_by_its_declared_charset() {
        let html = b"<html><head><meta charset=\"iso-8859-1\"></head><body>Ren\xE9e</body></html>";
        assert_eq!(text(Format::Html, html), "Renée\n");
    }

    const JSON_RESUME: &str = r#"{
      "basics": {"name": "Dana Reyes", "label": "Network Administrator", "email": "dana@example.org",
                 "phone": "(918) 555-0100", "location": {"city": "Tulsa", "region": "OK"},
                 "summary": "Moving into healthcare IT."},
      "work": [{"name": "Acme Logistics", "position": "Network Administrator", "startDate": "2019-01-15",
                "highlights": ["Cisco switching", "Active Directory"]},
               {"company": "Riverside Medical Center", "position": "Help Desk Technician",
                "startDate": "2016-06", "endDate": "2018-12", "summary": "Supported Epic workstations."}],
      "volunteer": [{"organization": "Tulsa Free Clinic", "position": "Volunteer", "startDate": "2020", "endDate": "2022"}],
      "education": [{"institution": "Tulsa Community College", "area": "Information Technology", "studyType": "B.S.",
                     "startDate": "2012", "endDate": "2016"}],
      "skills": [{"name": "Networking", "keywords": ["Cisco", "VLANs"]}, {"name": "HL7"}, {"name": 5}],
      "certificates": [{"name": "CompTIA Healthcare IT Technician", "issuer": "CompTIA", "date": "2024-03-01"}]
    }"#;

    #[test]
    fn json_resume_renders_as_a_plain_text_resume() {
        let expected = "Dana Reyes
Network Administrator
dana@example.org | (918) 555-0100 | Tulsa, OK

SUMMARY
Moving into healthcare IT.

EXPERIENCE
Network Administrator, Acme Logistics
Jan 2019 – Present
• Cisco switching
• Active Directory

Help Desk Technician, Riverside Medical Center
Jun 2016 – Dec 2018
Supported Epic workstations.

EDUCATION
B.S., Information Technology — Tulsa Community College
2012 – 2016

SKILLS
Networking: Cisco, VLANs
HL7

CERTIFICATIONS
CompTIA Healthcare IT Technician, CompTIA, Mar 2024

VOLUNTEER
Volunteer, Tulsa Free Clinic
2020 – 2022
";
        assert_eq!(text(Format::JsonResume, JSON_RESUME.as_bytes()), expected);
    }

    #[test]
    fn the_rendered_json_resume_is_what_the_extractor_reads() {
        let rendered = text(Format::JsonResume, JSON_RESUME.as_bytes());
        let x = crate::resume::extract::extract(&rendered, chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap());
        assert_eq!(x.name.unwrap().value, "Dana Reyes");
        assert_eq!(x.jobs.len(), 2, "{:#?}", x.jobs);
        assert_eq!(x.healthcare_experience_months, 31);
    }

    #[test]
    fn json_that_is_not_a_json_resume_or_not_json_is_refused() {
        assert!(matches!(parse_json_resume(br#"{"name": "Dana"}"#), Err(TextError::Unsupported(_))));
        assert!(matches!(parse_json_resume(b"{\"basics\": "), Err(TextError::Unreadable(_))));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(parse_json_resume(deep.as_bytes()), Err(TextError::Unreadable(_))));
    }

    #[test]
    fn messages_are_fit_for_a_client() {
        assert_eq!(
            TextError::Unreadable("it took too long to read".into()).to_string(),
            "the résumé could not be read: it took too long to read"
        );
        assert!(TextError::NoText.to_string().contains("scanned"));
        assert_eq!(TextError::from(Unsupported("the file is empty".into())).to_string(), "the file is empty");
    }
}
