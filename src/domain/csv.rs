//! CSV for spreadsheet exports: RFC 4180 records (CRLF line ends; a field quoted when it holds a
//! comma, a double quote, CR or LF, its quotes doubled) and protection against formula
//! injection.
//!
//! A spreadsheet opening a CSV file runs a cell that begins with `=`, `+`, `-` or `@` (and, in
//! some, a tab or a carriage return) as a formula: a candidate named `=HYPERLINK("http://…")`
//! would become a link in a recruiter's spreadsheet. Every text cell that begins with one of
//! these is written with a single quote in front (`'=HYPERLINK(…)`), as OWASP recommends, so the
//! spreadsheet shows it as text. The cost is a visible `'` on such values: a phone number written
//! `+1 402 555 0100` exports as `'+1 402 555 0100`.
//!
//! Numbers are exempt. [`Cell::Int`] and [`Cell::Fixed`] are formatted here from integers, so
//! their text is `-?[0-9]+(\.[0-9]+)?` and can carry no formula; a quote in front would turn
//! them into text a spreadsheet cannot add up. (No exported amount is negative anyway: rates,
//! budgets and margins are at least 0.) Everything a person could have typed is [`Cell::Text`].

use std::borrow::Cow;

/// One field of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text, from whatever source: neutralised when it begins like a formula, then quoted when
    /// it needs to be.
    Text(Cow<'a, str>),
    /// A whole number (an id, cents, months, a version), written as its digits.
    Int(i64),
    /// `units` / 10^`decimals`, written with exactly that many decimals: a markup of 2750
    /// hundredths of a percent is `27.50`.
    Fixed { units: i64, decimals: u32 },
    /// No value (`null`): an empty field.
    Empty,
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Cell<'_> {
    fn from(text: String) -> Self {
        Cell::Text(Cow::Owned(text))
    }
}

impl From<i64> for Cell<'_> {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<i32> for Cell<'_> {
    fn from(n: i32) -> Self {
        Cell::Int(n.into())
    }
}

impl From<bool> for Cell<'_> {
    fn from(b: bool) -> Self {
        Cell::Text(Cow::Borrowed(if b { "true" } else { "false" }))
    }
}

impl<'a, T: Into<Cell<'a>>> From<Option<T>> for Cell<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// The characters a spreadsheet may take as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Appends one record (a header or a row) and its CRLF to `out`.
pub fn write_record<'a>(out: &mut String, cells: impl IntoIterator<Item = Cell<'a>>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(text) => write_text(out, &text),
            Cell::Int(n) => out.push_str(&n.to_string()),
            Cell::Fixed { units, decimals } => write_fixed(out, units, decimals),
            Cell::Empty => {}
        }
    }
    out.push_str("\r\n");
}

/// The header record: the column names.
pub fn header(columns: &[&str]) -> String {
    let mut out = String::new();
    write_record(&mut out, columns.iter().map(|c| Cell::from(*c)));
    out
}

fn write_text(out: &mut String, text: &str) {
    let neutralise = text.starts_with(FORMULA_START);
    if !text.contains([',', '"', '\r', '\n']) {
        if neutralise {
            out.push('\'');
        }
        out.push_str(text);
        return;
    }
    out.push('"');
    if neutralise {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

fn write_fixed(out: &mut String, units: i64, decimals: u32) {
    if units < 0 {
        out.push('-');
    }
    let magnitude = units.unsigned_abs();
    // 10^19 is the largest power of ten a u64 holds; no column has more than two decimals.
    let decimals = decimals.min(19);
    if decimals == 0 {
        out.push_str(&magnitude.to_string());
        return;
    }
    let scale = 10_u64.pow(decimals);
    out.push_str(&format!("{}.{:0width$}", magnitude / scale, magnitude % scale, width = decimals as usize));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: Vec<Cell<'_>>) -> String {
        let mut out = String::new();
        write_record(&mut out, cells);
        out
    }

    fn text(value: &str) -> String {
        line(vec![Cell::from(value)])
    }

    #[test]
    fn records_end_with_crlf_and_separate_fields_with_commas() {
        assert_eq!(line(vec!["a".into(), Cell::Int(2), Cell::Empty, "d".into()]), "a,2,,d\r\n");
        assert_eq!(header(&["id", "full_name"]), "id,full_name\r\n");
    }

    #[test]
    fn fields_with_a_comma_quote_cr_or_lf_are_quoted_and_quotes_doubled() {
        assert_eq!(text("Okafor, Sam"), "\"Okafor, Sam\"\r\n");
        assert_eq!(text("Sam \"The Router\" Okafor"), "\"Sam \"\"The Router\"\" Okafor\"\r\n");
        assert_eq!(text("two\nlines"), "\"two\nlines\"\r\n");
        assert_eq!(text("carriage\rreturn"), "\"carriage\rreturn\"\r\n");
        assert_eq!(text("plain; text with spaces"), "plain; text with spaces\r\n");
        assert_eq!(text("José Ñúñez"), "José Ñúñez\r\n");
    }

    #[test]
    fn text_that_begins_like_a_formula_gets_a_quote_in_front() {
        assert_eq!(text("=1+1"), "'=1+1\r\n");
        assert_eq!(text("+1 402 555 0100"), "'+1 402 555 0100\r\n");
        assert_eq!(text("-2"), "'-2\r\n");
        assert_eq!(text("@SUM(A1:A9)"), "'@SUM(A1:A9)\r\n");
        assert_eq!(text("\tTab"), "'\tTab\r\n");
        assert_eq!(text("\r=cmd"), "\"'\r=cmd\"\r\n");
    }

    #[test]
    fn a_neutralised_field_that_needs_quoting_has_the_quote_inside_the_quotes() {
        assert_eq!(
            text("=HYPERLINK(\"http://evil.example\",\"click\")"),
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"\r\n"
        );
    }

    #[test]
    fn formula_characters_after_the_first_are_left_alone() {
        assert_eq!(text("Cisco; =cmd"), "Cisco; =cmd\r\n");
        assert_eq!(text("a-b"), "a-b\r\n");
        assert_eq!(text(" =1"), " =1\r\n");
    }

    #[test]
    fn numbers_are_exempt_from_neutralisation() {
        assert_eq!(line(vec![Cell::Int(-2), Cell::Int(6500)]), "-2,6500\r\n");
        assert_eq!(line(vec![Cell::Fixed { units: -5, decimals: 2 }]), "-0.05\r\n");
    }

    #[test]
    fn fixed_point_numbers_have_exactly_their_decimals() {
        let fixed = |units, decimals| line(vec![Cell::Fixed { units, decimals }]);
        assert_eq!(fixed(2750, 2), "27.50\r\n");
        assert_eq!(fixed(5, 2), "0.05\r\n");
        assert_eq!(fixed(3000, 2), "30.00\r\n");
        assert_eq!(fixed(235, 1), "23.5\r\n");
        assert_eq!(fixed(7, 0), "7\r\n");
        assert_eq!(fixed(i64::MIN, 2), "-92233720368547758.08\r\n");
    }

    #[test]
    fn options_and_booleans_become_cells() {
        assert_eq!(line(vec![None::<&str>.into(), Some(3_i64).into(), true.into(), false.into()]), ",3,true,false\r\n");
    }
}
