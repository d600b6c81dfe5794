//! Date ranges as résumés write them: "Jan 2019 – Present", "01/2019 - 03/2021", "2017–2019",
//! "March 2018 to June 2020", "2019-04 – current". Months are counted inclusively.

use std::sync::OnceLock;

use regex::Regex;

/// A calendar month as a running count (year × 12 + month − 1), so spans are subtractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(pub i32);

impl YearMonth {
    pub fn new(year: i32, month: u32) -> YearMonth {
        YearMonth(year * 12 + month as i32 - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    pub fn month(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }

    pub fn from_date(date: chrono::NaiveDate) -> YearMonth {
        use chrono::Datelike;
        YearMonth::new(date.year(), date.month())
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: YearMonth,
    pub end: YearMonth,
    pub current: bool,
}

impl Span {
    pub fn months(&self) -> i32 {
        self.end.0 - self.start.0 + 1
    }
}

/// A date range found in a line, with the byte range it occupies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: Span,
    pub at: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Point {
    Month(YearMonth),
    Year(i32),
    Now,
}

fn token_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?ix)
            \b(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?,?\s*(?:'|’)?(?P<y1>(?:19|20)\d{2})\b
            | \b(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s*['’](?P<yy>\d{2})\b
            | \b(?P<m2>\d{1,2})\s*/\s*(?P<y2>(?:19|20)\d{2})\b
            | \b(?P<y3>(?:19|20)\d{2})[-/.](?P<m3>\d{2})\b
            | \b(?P<y4>(?:19|20)\d{2})\b
            | \b(?P<now>present|current|currently|now|today|to\ date|date)\b",
        )
        .expect("date token pattern")
    })
}

fn month_number(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| n.starts_with(m)).map(|i| i as u32 + 1)
}

fn tokens(line: &str) -> Vec<(Point, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for c in token_regex().captures_iter(line) {
        let whole = c.get(0).map(|m| m.range()).unwrap_or(0..0);
        let year = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<i32>().ok());
        let point = if let (Some(mon), Some(y)) = (c.name("mon"), year("y1")) {
            month_number(mon.as_str()).map(|m| Point::Month(YearMonth::new(y, m)))
        } else if let (Some(mon), Some(yy)) = (c.name("mon2"), year("yy")) {
            month_number(mon.as_str()).map(|m| Point::Month(YearMonth::new(2000 + yy, m)))
        } else if let (Some(m), Some(y)) = (c.name("m2"), year("y2")) {
            m.as_str().parse::<u32>().ok().filter(|m| (1..=12).contains(m)).map(|m| Point::Month(YearMonth::new(y, m)))
        } else if let (Some(y), Some(m)) = (year("y3"), c.name("m3")) {
            m.as_str().parse::<u32>().ok().filter(|m| (1..=12).contains(m)).map(|m| Point::Month(YearMonth::new(y, m)))
        } else if let Some(y) = year("y4") {
            Some(Point::Year(y))
        } else {
            c.name("now").map(|_| Point::Now)
        };
        if let Some(point) = point {
            out.push((point, whole));
        }
    }
    out
}

fn is_separator(between: &str) -> bool {
    let t = between.trim().trim_matches(|c: char| c == ',' || c == '(' || c == ')').trim().to_ascii_lowercase();
    matches!(t.as_str(), "-" | "–" | "—" | "−" | "--" | "to" | "through" | "thru" | "until" | "till" | "~")
}

/// Every date range in `line`; `today` stands in for "Present".
pub fn ranges(line: &str, today: YearMonth) -> Vec<Found> {
    let toks = tokens(line);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < toks.len() {
        let (a, ra) = &toks[i];
        let (b, rb) = &toks[i + 1];
        if ra.end <= rb.start && is_separator(&line[ra.end..rb.start]) {
            let start = match a {
                Point::Month(m) => Some(*m),
                Point::Year(y) => Some(YearMonth::new(*y, 1)),
                Point::Now => None,
            };
            let (end, current) = match b {
                Point::Month(m) => (*m, false),
                Point::Year(y) => (YearMonth::new(*y, 12), false),
                Point::Now => (today, true),
            };
            if let Some(start) = start {
                // A year-only end in the current year has not finished yet.
                let end = if !current && end > today { today } else { end };
                if start <= end && end.0 - start.0 < 12 * 60 {
                    out.push(Found { span: Span { start, end, current }, at: ra.start..rb.end });
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: YearMonth = YearMonth(2026 * 12 + 10);

    fn months(line: &str) -> Vec<i32> {
        ranges(line, NOW).iter().map(|f| f.span.months()).collect()
    }

    #[test]
    fn common_formats() {
        assert_eq!(months("Jan 2020 – Dec 2020"), [12]);
        assert_eq!(months("01/2019 - 03/2021"), [27]);
        assert_eq!(months("2017 – 2019"), [36]);
        assert_eq!(months("March 2018 to June 2020"), [28]);
        assert_eq!(months("Sep. 2015 — Aug. 2016"), [12]);
        assert_eq!(months("5/2014 – 12/2016"), [32]);
        assert_eq!(months("2019-04 – current"), [92]);
        assert_eq!(months("Jan 2025 - Present"), [23]);
        assert_eq!(months("Acme Corp | Network Admin | 2019-2021"), [36]);
        assert_eq!(months("September 2021 through Present"), [63]);
        assert_eq!(months("Great River Payments — Senior Software Engineer — Mar '21 – Present"), [69]);
    }

    #[test]
    fn lone_dates_and_phone_numbers_are_not_ranges() {
        assert!(months("Graduated May 2014").is_empty());
        assert!(months("Call 918-555-0100").is_empty());
        assert!(months("Since 2019").is_empty());
    }
}
