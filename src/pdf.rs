//! Plain business documents as PDF: a title, headings, paragraphs and bullets on US Letter
//! pages, in Helvetica (one of the fonts every PDF reader has, so nothing is embedded), written
//! with `pdf-writer`. Lines are wrapped by an estimate of Helvetica's widths that errs wide, so
//! text never runs past the margin; characters outside Windows-1252 print as `?`.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// One piece of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    Bullet(String),
    /// Small print, such as a footer.
    Note(String),
}

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 60.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

struct Style {
    font: Name<'static>,
    size: f32,
    /// Space before the block.
    before: f32,
    indent: f32,
}

fn style(block: &Block) -> (Style, &str) {
    let (font, size, before, indent, text) = match block {
        Block::Title(t) => (BOLD, 18.0, 0.0, 0.0, t),
        Block::Heading(t) => (BOLD, 12.0, 14.0, 0.0, t),
        Block::Paragraph(t) => (REGULAR, 10.5, 5.0, 0.0, t),
        Block::Bullet(t) => (REGULAR, 10.5, 3.0, 12.0, t),
        Block::Note(t) => (REGULAR, 8.5, 12.0, 0.0, t),
    };
    (Style { font, size, before, indent }, text)
}

/// An upper bound of a character's width in Helvetica, in thousandths of the font size (bold
/// glyphs are at most about 6 % wider, which the estimates here already allow for).
fn width(c: char) -> u32 {
    match c {
        ' ' => 290,
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 300,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 360,
        'm' | 'M' => 900,
        'w' | 'W' | '@' | '%' => 1_020,
        'a'..='z' | '0'..='9' => 600,
        'A'..='Z' => 780,
        _ => 800,
    }
}

/// The text broken into lines no wider than `max` points at this size; a word too long for a
/// line is cut.
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let fits = |s: &str| s.chars().map(width).sum::<u32>() as f32 * size / 1000.0 <= max;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_owned();
        while !fits(&rest) {
            let mut head = String::new();
            for c in rest.chars() {
                if !fits(&format!("{head}{c}")) {
                    break;
                }
                head.push(c);
            }
            if head.is_empty() {
                break;
            }
            rest = rest[head.len()..].to_owned();
            lines.push(head);
        }
        line = rest;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The text as Windows-1252 bytes, the encoding the fonts are declared with.
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            if unmappable || bytes.len() != 1 {
                b'?'
            } else {
                bytes[0]
            }
        })
        .collect()
}

/// The document as PDF bytes.
pub fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    let mut pages: Vec<Content> = Vec::new();
    let mut content = Content::new();
    let mut y = PAGE_HEIGHT - MARGIN;
    for (i, block) in blocks.iter().enumerate() {
        let (s, text) = style(block);
        let leading = s.size * 1.35;
        let bullet = matches!(block, Block::Bullet(_));
        let lines = wrap(text, s.size, PAGE_WIDTH - 2.0 * MARGIN - s.indent);
        if i > 0 {
            y -= s.before;
        }
        for line in lines {
            if y - leading < MARGIN {
                pages.push(std::mem::replace(&mut content, Content::new()));
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= leading;
            content.begin_text();
            content.set_font(s.font, s.size);
            if bullet && s.indent > 0.0 {
                content.next_line(MARGIN + 2.0, y);
                content.show(Str(&encode("\u{2022}")));
                content.end_text();
                content.begin_text();
                content.set_font(s.font, s.size);
            }
            content.next_line(MARGIN + s.indent, y);
            content.show(Str(&encode(&line)));
            content.end_text();
        }
    }
    pages.push(content);

    let mut pdf = Pdf::new();
    let (catalog, tree, regular, bold, info) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    let mut next = 6;
    let mut page_ids = Vec::new();
    for page_content in pages {
        let (page_id, content_id) = (Ref::new(next), Ref::new(next + 1));
        next += 2;
        page_ids.push(page_id);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(content_id);
        page.resources().fonts().pair(REGULAR, regular).pair(BOLD, bold);
        page.finish();
        pdf.stream(content_id, &page_content.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).count(page_ids.len() as i32).kids(page_ids);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info).title(TextStr(title)).producer(TextStr("bridgehire"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_within_the_margins_and_long_words_are_cut() {
        let max = PAGE_WIDTH - 2.0 * MARGIN;
        let text = "Supported Epic Ambulatory workflows for a 300-bed hospital ".repeat(8);
        let lines = wrap(&text, 10.5, max);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(line.chars().map(width).sum::<u32>() as f32 * 10.5 / 1000.0 <= max, "{line}");
        }
        assert_eq!(lines.join(" "), text.trim());
        let word = "W".repeat(200);
        assert!(wrap(&word, 10.5, max).iter().all(|l| !l.is_empty()));
    }

    #[test]
    fn text_outside_windows_1252_prints_as_a_question_mark() {
        assert_eq!(encode("Renée – 漢"), b"Ren\xe9e \x96 ?");
    }

    #[test]
    fn what_is_written_reads_back() {
        let blocks = [Block::Title("Jordan T.".into()), Block::Bullet("Epic Cadence — 3 years, Renée's team".into())];
        let bytes = render("Submittal", &blocks);
        let limits = crate::resume::text::Limits::default();
        let text = crate::resume::text::extract_text(crate::resume::format::Format::Pdf, &bytes, &limits).unwrap();
        assert!(text.contains("Jordan T."), "{text}");
        assert!(text.contains("Epic Cadence — 3 years, Renée's team"), "{text}");
    }

    #[test]
    fn a_document_of_many_blocks_takes_several_pages() {
        let blocks: Vec<Block> = (0..120).map(|i| Block::Bullet(format!("Point {i}"))).collect();
        let bytes = render("Test", &blocks);
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        let count: u32 = text
            .split("/Count ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count >= 2, "{count} page(s)");
    }
}
