//! Which kind of file a résumé is, decided from its bytes alone. A client's file name and
//! declared content type are claims; the magic numbers are evidence. Everything here runs in
//! the server process on untrusted bytes, so it only looks: it never inflates, recurses or
//! allocates in proportion to anything but the input's length.

use std::fmt;

/// The résumé formats the service can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
    Text,
    Rtf,
    Html,
    JsonResume,
}

impl Format {
    pub const ALL: [Format; 6] =
        [Format::Pdf, Format::Docx, Format::Text, Format::Rtf, Format::Html, Format::JsonResume];

    /// The short name stored with a résumé and passed to the sandboxed reader.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Text => "txt",
            Format::Rtf => "rtf",
            Format::Html => "html",
            Format::JsonResume => "json",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The content type the original file is served back with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Text => "text/plain; charset=utf-8",
            Format::Rtf => "application/rtf",
            Format::Html => "text/html; charset=utf-8",
            Format::JsonResume => "application/json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file is not a résumé the service can read, worded for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

fn unsupported(message: impl Into<String>) -> Unsupported {
    Unsupported(message.into())
}

const ACCEPTED: &str = "send the résumé as PDF, DOCX, plain text, RTF, HTML or JSON Resume";

/// Readers (Acrobat among them) accept a PDF header anywhere in the first KiB.
const PDF_HEADER_WINDOW: usize = 1024;

/// Decides the format from the bytes. Never looks at a file name.
pub fn sniff(bytes: &[u8]) -> Result<Format, Unsupported> {
    if bytes.is_empty() {
        return Err(unsupported("the file is empty"));
    }
    if let Some(kind) = known_binary(bytes) {
        return Err(unsupported(kind));
    }
    let body = skip_bom_and_whitespace(bytes);
    if body.is_empty() {
        return Err(unsupported("the file holds only white space"));
    }
    if pdf_header_offset(bytes).is_some() {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes);
    }
    if body.starts_with(b"{\\rtf") {
        return Ok(Format::Rtf);
    }
    if body.starts_with(b"{") || body.starts_with(b"[") {
        if let Some(format) = sniff_json(body)? {
            return Ok(format);
        }
    }
    if body.starts_with(b"<") && looks_like_html(body) {
        return Ok(Format::Html);
    }
    if looks_like_text(bytes) {
        return Ok(Format::Text);
    }
    Err(unsupported(format!("a binary file of a kind the service does not read: {ACCEPTED}")))
}

/// Where `%PDF-` starts, if it does within the first KiB after nothing but a BOM and white
/// space (what producers that prepend junk actually prepend).
fn pdf_header_offset(bytes: &[u8]) -> Option<usize> {
    let body = skip_bom_and_whitespace(&bytes[..bytes.len().min(PDF_HEADER_WINDOW)]);
    let at = bytes.len().min(PDF_HEADER_WINDOW) - body.len();
    bytes[at..].starts_with(b"%PDF-").then_some(at)
}

fn skip_bom_and_whitespace(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Formats people send by mistake, named so the sender knows what to do instead.
fn known_binary(bytes: &[u8]) -> Option<String> {
    let image = |name: &str| format!("an image ({name}): scanned résumés must be sent as PDF");
    let archive = |name: &str| format!("a compressed archive ({name}): {ACCEPTED}, one file per upload");
    let program = |name: &str| format!("a program ({name}), not a résumé");
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let found = if starts(b"\x89PNG\r\n\x1a\n") {
        image("PNG")
    } else if starts(b"\xFF\xD8\xFF") {
        image("JPEG")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        image("GIF")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        image("TIFF")
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(&b"WEBP"[..]) {
        image("WebP")
    } else if bytes.get(4..8) == Some(&b"ftyp"[..]) {
        let brand = bytes.get(8..12).unwrap_or_default();
        if [&b"heic"[..], b"heix", b"mif1", b"msf1", b"avif"].contains(&brand) {
            image("HEIC/AVIF")
        } else {
            "a video or audio file, not a résumé".to_owned()
        }
    } else if starts(b"BM") && bytes.len() > 26 && bytes[6..10] == [0, 0, 0, 0] {
        image("BMP")
    } else if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        format!("an old Office 97–2003 file (such as a .doc): save it as DOCX or PDF, or {ACCEPTED}")
    } else if starts(b"\x7FELF") {
        program("ELF")
    } else if starts(b"MZ") && bytes.iter().take(64).any(|&b| b == 0) {
        program("Windows executable")
    } else if [&b"\xFE\xED\xFA\xCE"[..], b"\xFE\xED\xFA\xCF", b"\xCE\xFA\xED\xFE", b"\xCF\xFA\xED\xFE"]
        .iter()
        .any(|m| starts(m))
    {
        program("Mach-O")
    } else if starts(b"\0asm") {
        program("WebAssembly")
    } else if starts(b"\x1F\x8B") {
        archive("gzip")
    } else if starts(b"7z\xBC\xAF\x27\x1C") {
        archive("7z")
    } else if starts(b"Rar!\x1A\x07") {
        archive("RAR")
    } else if starts(b"BZh") && bytes.get(4..10) == Some(&b"\x31\x41\x59\x26\x53\x59"[..]) {
        archive("bzip2")
    } else if starts(b"\xFD7zXZ\0") {
        archive("xz")
    } else if starts(b"\x28\xB5\x2F\xFD") {
        archive("zstd")
    } else if starts(b"SQLite format 3\0") {
        "a database file, not a résumé".to_owned()
    } else if starts(b"%!PS") {
        format!("a PostScript file: print it to PDF, or {ACCEPTED}")
    } else {
        return None;
    };
    Some(found)
}

/// A zip is a Word document only if its directory names the two parts every DOCX has.
fn sniff_zip(bytes: &[u8]) -> Result<Format, Unsupported> {
    let Some(directory) = zip_directory(bytes) else {
        return Err(unsupported("a damaged zip archive: the file could not be read as a Word document"));
    };
    if directory.has_document && directory.has_content_types {
        return Ok(Format::Docx);
    }
    let kind = if directory.has_opendocument {
        format!("an OpenDocument file (.odt): save it as DOCX or PDF, or {ACCEPTED}")
    } else if directory.has_workbook {
        "an Excel workbook, not a résumé".to_owned()
    } else if directory.has_presentation {
        "a PowerPoint presentation, not a résumé".to_owned()
    } else {
        format!("a zip archive that is not a Word document: {ACCEPTED}, one file per upload")
    };
    Err(unsupported(kind))
}

/// What a zip's central directory says, read without inflating anything.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ZipDirectory {
    /// The entry count the end-of-directory record declares.
    pub declared_entries: u64,
    /// Entries actually walked (stops at the first malformed one).
    pub walked_entries: u64,
    pub has_document: bool,
    pub has_content_types: bool,
    has_opendocument: bool,
    has_workbook: bool,
    has_presentation: bool,
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

/// Reads the end-of-central-directory record (zip64 too) and walks the directory's entries.
/// Every offset is bounds-checked; a lie anywhere ends the walk, never panics.
pub(crate) fn zip_directory(bytes: &[u8]) -> Option<ZipDirectory> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    if bytes.len() < EOCD_LEN {
        return None;
    }
    // The record sits at the end, followed by a comment of at most 64 KiB.
    let earliest = bytes.len().saturating_sub(EOCD_LEN + usize::from(u16::MAX));
    let eocd = (earliest..=bytes.len() - EOCD_LEN).rev().find(|&i| bytes[i..].starts_with(EOCD))?;
    let mut entries = u16_at(bytes, eocd + 10)?;
    let mut size = u32_at(bytes, eocd + 12)?;
    let mut offset = u32_at(bytes, eocd + 16)?;
    let mut directory_end = eocd;
    if entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        // Zip64: a locator just before the record points at the larger record.
        let locator = eocd.checked_sub(20)?;
        if !bytes[locator..].starts_with(b"PK\x06\x07") {
            return None;
        }
        let record = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
        if !bytes.get(record..)?.starts_with(b"PK\x06\x06") {
            return None;
        }
        entries = u64_at(bytes, record + 32)?;
        size = u64_at(bytes, record + 40)?;
        offset = u64_at(bytes, record + 48)?;
        directory_end = record;
    }
    // Data prepended to the archive (self-extractors) shifts every offset; the directory
    // always ends where the end record begins.
    let mut start = usize::try_from(offset).ok()?;
    if !bytes.get(start..).is_some_and(|b| b.starts_with(b"PK\x01\x02")) {
        start = directory_end.checked_sub(usize::try_from(size).ok()?)?;
    }
    let mut out = ZipDirectory { declared_entries: entries, ..ZipDirectory::default() };
    let mut at = start;
    while out.walked_entries < entries && bytes.get(at..).is_some_and(|b| b.starts_with(b"PK\x01\x02")) {
        let name_len = usize::try_from(u16_at(bytes, at + 28)?).ok()?;
        let extra_len = usize::try_from(u16_at(bytes, at + 30)?).ok()?;
        let comment_len = usize::try_from(u16_at(bytes, at + 32)?).ok()?;
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        match name {
            b"word/document.xml" => out.has_document = true,
            b"[Content_Types].xml" => out.has_content_types = true,
            b"xl/workbook.xml" => out.has_workbook = true,
            b"ppt/presentation.xml" => out.has_presentation = true,
            b"content.xml" | b"mimetype" => out.has_opendocument = true,
            _ => {}
        }
        out.walked_entries += 1;
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(out)
}

/// JSON is a résumé only in the JSON Resume shape; `Ok(None)` means "not JSON at all".
fn sniff_json(body: &[u8]) -> Result<Option<Format>, Unsupported> {
    // serde_json bounds its own recursion (128 levels), so hostile nesting is an error here.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(None);
    };
    if is_json_resume(&value) {
        Ok(Some(Format::JsonResume))
    } else {
        Err(unsupported(
            "JSON that is not a JSON Resume document (https://jsonresume.org): it needs a \"basics\" object",
        ))
    }
}

/// The JSON Resume shape: a `basics` object, or a `$schema` naming jsonresume.
pub(crate) fn is_json_resume(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else { return false };
    object.get("basics").is_some_and(|b| b.is_object())
        || object.get("$schema").and_then(|s| s.as_str()).is_some_and(|s| s.to_ascii_lowercase().contains("jsonresume"))
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let contains = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    lower.starts_with(b"<!doctype html")
        || contains(b"<html")
        || contains(b"<head")
        || contains(b"<body")
        || contains(b"<!doctype html")
}

/// Text as people save it: UTF-8 (BOM or not), UTF-16 with a BOM, or a single-byte code page
/// such as Windows-1252, with no NULs and hardly any control bytes.
fn looks_like_text(bytes: &[u8]) -> bool {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding != encoding_rs::UTF_8 {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
            return !had_errors && mostly_printable(text.chars().map(|c| c as u32));
        }
    }
    if bytes.contains(&0) {
        return false;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => mostly_printable(text.chars().map(|c| c as u32)),
        // Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D mean nothing in Windows-1252.
        Err(_) => mostly_printable(bytes.iter().map(|&b| {
            if [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(&b) {
                0
            } else {
                u32::from(b)
            }
        })),
    }
}

/// At most one control character in a hundred (tab, line ends and form feed are text).
fn mostly_printable(chars: impl Iterator<Item = u32>) -> bool {
    let (mut total, mut control) = (0usize, 0usize);
    for c in chars {
        total += 1;
        let is_control = (c < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(&c)) || c == 0x7F;
        if is_control {
            control += 1;
        }
    }
    total > 0 && control * 100 <= total
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn refused(bytes: &[u8]) -> String {
        sniff(bytes).expect_err("should be refused").0
    }

    /// A zip holding `entries`, through the zip crate's writer (no extra dependency needed).
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()), Some(format));
        }
        assert_eq!(Format::parse("doc"), None);
        assert_eq!(
            Format::Docx.content_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn pdf_is_found_by_its_header_even_after_a_bom_and_white_space() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Ok(Format::Pdf));
        assert_eq!(sniff(b"\xEF\xBB\xBF\r\n  %PDF-1.4\n"), Ok(Format::Pdf));
    }

    #[test]
    fn a_pdf_header_beyond_the_first_kib_is_not_a_pdf() {
        let mut bytes = vec![b' '; 2000];
        bytes.extend_from_slice(b"%PDF-1.4\n");
        assert_ne!(sniff(&bytes), Ok(Format::Pdf));
    }

    #[test]
    fn a_zip_with_the_word_parts_is_a_docx() {
        let zip = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
        assert_eq!(sniff(&zip), Ok(Format::Docx));
    }

    #[test]
    fn any_other_zip_is_refused_as_not_a_word_document() {
        let zip = zip_of(&[("resume.pdf", b"%PDF-1.4")]);
        assert!(refused(&zip).contains("a zip archive that is not a Word document"));
        let odt = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"")]);
        assert!(refused(&odt).contains("OpenDocument"));
        let xlsx = zip_of(&[("[Content_Types].xml", b""), ("xl/workbook.xml", b"")]);
        assert!(refused(&xlsx).contains("Excel"));
    }

    #[test]
    fn a_zip_whose_directory_is_cut_off_is_refused() {
        let zip = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
        assert!(refused(&zip[..zip.len() - 30]).contains("zip"));
        assert!(refused(b"PK\x03\x04\x14\0").contains("zip"));
    }

    #[test]
    fn rtf_html_and_json_resume_are_recognised() {
        assert_eq!(sniff(br"{\rtf1\ansi Hello}"), Ok(Format::Rtf));
        assert_eq!(sniff(b"<!DOCTYPE html><html><body>Hi</body></html>"), Ok(Format::Html));
        assert_eq!(sniff(b"\n<HTML><BODY>Hi</BODY></HTML>"), Ok(Format::Html));
        assert_eq!(sniff(b"<div>x</div><body>y</body>"), Ok(Format::Html));
        assert_eq!(sniff(br#"{"basics": {"name": "Dana"}}"#), Ok(Format::JsonResume));
        assert_eq!(
            sniff(br#"{"$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"}"#),
            Ok(Format::JsonResume)
        );
    }

    #[test]
    fn json_that_is_not_a_json_resume_is_refused() {
        assert!(refused(br#"{"name": "Dana", "skills": ["SQL"]}"#).contains("not a JSON Resume"));
        assert!(refused(b"[1, 2, 3]").contains("not a JSON Resume"));
    }

    #[test]
    fn text_that_merely_starts_with_a_brace_is_still_text() {
        assert_eq!(sniff(b"{Dana Reyes}\nNetwork administrator"), Ok(Format::Text));
    }

    #[test]
    fn known_binaries_are_named() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(refused(png), "an image (PNG): scanned résumés must be sent as PDF");
        assert!(refused(b"\xFF\xD8\xFF\xE0\0\x10JFIF").contains("JPEG"));
        assert!(refused(b"GIF89a\x01\0").contains("GIF"));
        assert!(refused(b"II*\0\x08\0\0\0").contains("TIFF"));
        assert!(refused(b"\x7FELF\x02\x01\x01\0").contains("ELF"));
        assert!(refused(b"MZ\x90\0\x03\0\0\0\x04\0").contains("Windows executable"));
        assert!(refused(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0").contains(".doc"));
        assert!(refused(b"\x1F\x8B\x08\0").contains("gzip"));
        assert!(refused(b"7z\xBC\xAF\x27\x1C\0\x04").contains("7z"));
        assert!(refused(b"Rar!\x1A\x07\x01\0").contains("RAR"));
    }

    #[test]
    fn empty_and_blank_files_are_refused() {
        assert_eq!(refused(b""), "the file is empty");
        assert!(refused(b" \n\t ").contains("white space"));
    }

    #[test]
    fn utf8_latin1_and_utf16_text_are_text() {
        assert_eq!(sniff("Renée Dubois\nInfirmière".as_bytes()), Ok(Format::Text));
        assert_eq!(sniff(b"\xEF\xBB\xBFDana Reyes\r\n"), Ok(Format::Text));
        assert_eq!(sniff(b"Ren\xE9e Dubois \x96 Infirmi\xE8re\r\n"), Ok(Format::Text));
        assert_eq!(sniff(b"\xFF\xFED\0a\0n\0a\0"), Ok(Format::Text));
    }

    #[test]
    fn binary_noise_is_refused() {
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert!(refused(&noise).contains("binary file"));
        assert!(refused(b"Dana\0Reyes").contains("binary file"));
    }
}
