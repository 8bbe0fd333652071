//! Chart text: the label templates of `[[chart]]` records and the numbers drawn on charts.
//!
//! A chart label is a ledger template (`{id}`, `{id:text}`, `{id:display}`, `{id:date}`,
//! rendered by [`wages_data::ledger::render`]) with a few chart styles on top:
//! - `{id:year}` the year of a figure's date, `{id:month}` "December 1922" (the year alone for
//!   a year-only date), `{id:day}` "24 November 2013";
//! - `{id:interval}` the interval of a figure or derived line, "[80,000, 90,000]";
//! - `{id:N}` (N a digit) the value with N decimals;
//! - in the labels of a drawn item (a bar, a point, a segment, a band): `{.}` the item's value,
//!   `{.lo}` and `{.hi}` the ends of its interval, `{.interval}` the interval, each optionally
//!   with `:N` decimals (`{.:2}`). The value of a lower bound is rounded down, of an upper bound
//!   up, so "≥ {.}" never claims more than the ledger.
//!
//! docs/charts.md is the reference; crates/data/src/load/charts.rs validates the same syntax.

use super::kinds::{Source, Val};
use wages_analysis::ledger::parse::{parse_template, Piece};

/// How a number is rounded to the decimals shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    Nearest,
    Down,
    Up,
}

/// The decimals the report would show for `x`: none for integers and numbers from 1,000 up,
/// else four significant digits (as `wages_analysis::format::fmt_num`).
fn auto_decimals(x: f64) -> usize {
    let a = x.abs();
    if x.fract() == 0.0 || a >= 1000.0 || a == 0.0 {
        0
    } else {
        (3 - a.log10().floor() as i32).clamp(0, 12) as usize
    }
}

/// `x` with thousands separators, rounded as asked; `decimals = None` shows what the report
/// shows (trailing zeros dropped), `Some(n)` exactly `n` decimals.
pub fn num(x: f64, decimals: Option<usize>, round: Round) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.into();
    }
    if x.abs() >= 1e15 {
        return format!("{x:e}");
    }
    let d = decimals.unwrap_or_else(|| auto_decimals(x)).min(12);
    let scale = 10f64.powi(d as i32);
    let scaled = x * scale;
    // A relative nudge so 2.15 (stored as 2.1499999...) is not floored to 2.14.
    let eps = scaled.abs() * 1e-12;
    let r = match round {
        Round::Nearest => scaled.round(),
        Round::Down => (scaled + eps).floor(),
        Round::Up => (scaled - eps).ceil(),
    } / scale;
    let mut s = format!("{:.*}", d, r.abs());
    if decimals.is_none() && s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (s, String::new()),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let negative = r < 0.0 && s_digits_nonzero(&grouped, &frac);
    format!("{}{grouped}{frac}", if negative { "-" } else { "" })
}

fn s_digits_nonzero(int: &str, frac: &str) -> bool {
    int.chars()
        .chain(frac.chars())
        .any(|c| c.is_ascii_digit() && c != '0')
}

/// "[lo, hi]" as the report writes an interval; an infinite end is open: "[12, ∞)".
pub fn interval(lo: f64, hi: f64, decimals: Option<usize>) -> String {
    let open = if lo.is_finite() { '[' } else { '(' };
    let close = if hi.is_finite() { ']' } else { ')' };
    format!(
        "{open}{}, {}{close}",
        num(lo, decimals, Round::Nearest),
        num(hi, decimals, Round::Nearest)
    )
}

/// The item's value as `{.}` shows it: a lower bound rounded down, an upper bound up.
pub fn value_text(v: &Val, decimals: Option<usize>) -> String {
    match v.value() {
        Some(x) => num(x, decimals, v.rounding()),
        None => format!(
            "{}-{}",
            num(v.lo, decimals, Round::Nearest),
            num(v.hi, decimals, Round::Nearest)
        ),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in words: `month` "December 1922", `day` "24 November 2013"; the parts a date lacks
/// are left out.
pub fn date_words(d: wages_data::Date, with_day: bool) -> String {
    let month = d
        .month
        .and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1)));
    match (month, d.day) {
        (Some(m), Some(day)) if with_day => format!("{day} {m} {}", d.year),
        (Some(m), _) => format!("{m} {}", d.year),
        (None, _) => d.year.to_string(),
    }
}

fn decimals_of(style: Option<&str>) -> Result<Option<usize>, ()> {
    match style {
        None => Ok(None),
        Some(s) if s.len() == 1 && s.as_bytes()[0].is_ascii_digit() => {
            Ok(Some((s.as_bytes()[0] - b'0') as usize))
        }
        Some(_) => Err(()),
    }
}

/// Renders a chart template; `item` is what `{.}` refers to. A reference that cannot be
/// rendered is left as written (`wages data check` reports it).
pub fn render(src: &Source, template: &str, item: Option<&Val>) -> String {
    let Ok(pieces) = parse_template(template) else {
        return template.to_string();
    };
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(&t),
            Piece::Ref { id, style, .. } => {
                let as_written = || match &style {
                    Some(s) => format!("{{{id}:{s}}}"),
                    None => format!("{{{id}}}"),
                };
                let text = render_ref(src, &id, style.as_deref(), item);
                out.push_str(&text.unwrap_or_else(as_written));
            }
        }
    }
    super::chart_text(out)
}

fn render_ref(src: &Source, id: &str, style: Option<&str>, item: Option<&Val>) -> Option<String> {
    if let Some(field) = id.strip_prefix('.') {
        let v = item?;
        let d = decimals_of(style).ok()?;
        return match field {
            "" => Some(value_text(v, d)),
            "lo" => Some(num(v.lo, d, Round::Nearest)),
            "hi" => Some(num(v.hi, d, Round::Nearest)),
            "interval" => Some(interval(v.lo, v.hi, d)),
            _ => None,
        };
    }
    match style {
        Some("year") => Some(src.ds.figure(id)?.date?.year.to_string()),
        Some("month") => Some(date_words(src.ds.figure(id)?.date?, false)),
        Some("day") => Some(date_words(src.ds.figure(id)?.date?, true)),
        Some("interval") => {
            let v = src.get(id).ok()?;
            Some(interval(v.lo, v.hi, None))
        }
        Some(s) if decimals_of(Some(s)).is_ok() => {
            let v = src.get(id).ok()?;
            Some(value_text(&v, decimals_of(Some(s)).ok()?))
        }
        _ => {
            let one = match style {
                Some(s) => format!("{{{id}:{s}}}"),
                None => format!("{{{id}}}"),
            };
            let r = src.names.render(&one);
            (r != one).then_some(r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_the_report_and_bounds_round_inward() {
        assert_eq!(num(80000.0, None, Round::Nearest), "80,000");
        assert_eq!(num(2.4731, None, Round::Nearest), "2.473");
        assert_eq!(num(2.4731, Some(2), Round::Nearest), "2.47");
        assert_eq!(num(2.5, Some(2), Round::Nearest), "2.50");
        assert_eq!(num(25.8666, None, Round::Down), "25.86");
        assert_eq!(num(25.8666, None, Round::Nearest), "25.87");
        assert_eq!(num(2.15, None, Round::Down), "2.15");
        assert_eq!(num(12.0, None, Round::Down), "12");
        assert_eq!(num(3043.4, Some(0), Round::Nearest), "3,043");
        assert_eq!(num(-1234.5, Some(1), Round::Nearest), "-1,234.5");
        assert_eq!(num(-0.0001, Some(1), Round::Nearest), "0.0");
        assert_eq!(interval(12.0, f64::INFINITY, None), "[12, ∞)");
    }

    #[test]
    fn dates_in_words() {
        let d = |s| wages_data::Date::parse(s).unwrap();
        assert_eq!(date_words(d("1922-12"), false), "December 1922");
        assert_eq!(date_words(d("1919"), true), "1919");
        assert_eq!(date_words(d("2013-11-24"), true), "24 November 2013");
        assert_eq!(date_words(d("2013-11-24"), false), "November 2013");
    }
}
