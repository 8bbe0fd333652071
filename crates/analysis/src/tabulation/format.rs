//! How the tabulation's messages and figures are written: names and fields escaped and
//! shortened for one-line messages, and a value with its interval printed at one number of
//! decimals (so that bounds that differ print differing and a point inside its interval is
//! printed inside it). The table, Markdown and chart outputs of `wages tabulate` use the same
//! functions. See docs/tabulate.md, "Numbers and labels as printed".

use crate::estimate::Estimate;
use crate::format::fmt_num;
use crate::interval::Interval;

/// A name or field from the file as it may appear inside a one-line message: control
/// characters (a quoted newline, a tab), quotes and backslashes escaped the way Rust's
/// `escape_debug` writes them (`A\nB`), as `wages data` escapes its strings.
pub fn esc(s: &str) -> String {
    s.escape_debug().to_string()
}

/// Text shortened for a one-line message: at most `max` characters are kept (the start and
/// the end, joined by `…`, with the full length), so that a 300-digit number or a 100 KB
/// label cannot make a message of hundreds of characters.
pub fn clip(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max * 2 / 3).collect();
    let tail: String = s.chars().skip(n - max / 3).collect();
    format!("{head}…{tail} ({n} characters)")
}

/// A name (group, column) as it appears in a message: at most 48 characters (escape it first
/// with [`esc`]).
pub fn short(s: &str) -> String {
    clip(s, 48)
}

/// A field's text as it appears in a message: escaped, at most 24 characters.
pub fn field(s: &str) -> String {
    clip(&esc(s), 24)
}

/// `[8, 15)` or `[30, +inf)`: how reports and messages name a bracket.
pub fn bracket_label(lower: f64, upper: Option<f64>) -> String {
    match upper {
        Some(u) => format!("[{lower}, {u})"),
        None => format!("[{lower}, +inf)"),
    }
}

/// `fmt_num`'s text of `x`.
pub(crate) fn n(x: f64) -> String {
    fmt_num(x).0
}

/// Decimals enough to show every number of `xs` as `fmt_num` would, and more where two
/// different numbers would otherwise print alike (`[99.9995, 100.0005]`, not `[100, 100]`),
/// up to 12. Rounding every number to the same decimals keeps their order, so a value inside
/// an interval is printed inside it.
pub fn decimals_for(xs: &[f64]) -> usize {
    let finite: Vec<f64> = xs
        .iter()
        .copied()
        .filter(|x| x.is_finite() && x.abs() < 1e15)
        .collect();
    let mut d = finite
        .iter()
        .map(|&x| {
            let a = x.abs();
            if x.fract() == 0.0 || a >= 1000.0 {
                0
            } else {
                (3 - a.log10().floor() as i32).clamp(0, 12) as usize
            }
        })
        .max()
        .unwrap_or(0);
    while d < 12 {
        let shown: Vec<String> = finite.iter().map(|&x| fmt_at(x, d)).collect();
        let collide = (0..finite.len())
            .any(|i| (i + 1..finite.len()).any(|j| finite[i] != finite[j] && shown[i] == shown[j]));
        if !collide {
            break;
        }
        d += 1;
    }
    d
}

/// `x` with `d` decimals (trailing zeros dropped) and thousands separators; `∞` for
/// infinities, exponent notation from 1e15.
pub fn fmt_at(x: f64, d: usize) -> String {
    if !x.is_finite() || x.abs() >= 1e15 {
        return fmt_num(x).0;
    }
    let mut s = format!("{:.d$}", x.abs());
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let (int, frac) = match s.find('.') {
        Some(i) => (s[..i].to_string(), s[i..].to_string()),
        None => (s.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let negative = x < 0.0 && (grouped.chars().any(|c| c != '0' && c != ',') || !frac.is_empty());
    format!("{}{grouped}{frac}", if negative { "-" } else { "" })
}

/// Numbers printed together (a value and its bounds, or bounds and the figure they are
/// compared with) at one number of decimals: see [`decimals_for`].
pub fn fmt_nums(xs: &[f64]) -> Vec<String> {
    let d = decimals_for(xs);
    xs.iter().map(|&x| fmt_at(x, d)).collect()
}

/// `value [lo, hi]` (`value` alone when the bounds print alike), an unbounded end as `∞`.
pub fn fmt_figure(value: f64, lo: Option<f64>, hi: Option<f64>) -> String {
    let (lo, hi) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
    let t = fmt_nums(&[value, lo, hi]);
    if t[1] == t[2] {
        return t[0].clone();
    }
    let open = if lo.is_finite() { '[' } else { '(' };
    let close = if hi.is_finite() { ']' } else { ')' };
    format!("{} {open}{}, {}{close}", t[0], t[1], t[2])
}

/// An estimate as [`fmt_figure`] writes it: `1,656 [1,650, 1,662]`, with enough digits that
/// distinct bounds look distinct and the value is shown inside them.
pub fn fmt_estimate(e: &Estimate) -> String {
    fmt_figure(e.value(), e.lo(), e.hi())
}

/// `value [lo, hi]` of an interval, with the figures `refs` it is compared with taken into
/// account as in [`fmt_iv`].
/// `unit` follows the value: `100.1% [99.95, 100.25]`.
pub fn fmt_figure_vs(value: f64, iv: &Interval, refs: &[f64], unit: &str) -> String {
    let mut xs = vec![value, iv.lo(), iv.hi()];
    xs.extend_from_slice(refs);
    let t = fmt_nums(&xs);
    if t[1] == t[2] {
        return format!("{}{unit}", t[0]);
    }
    let open = if iv.lo().is_finite() { '[' } else { '(' };
    let close = if iv.hi().is_finite() { ']' } else { ')' };
    format!("{}{unit} {open}{}, {}{close}", t[0], t[1], t[2])
}

/// An interval `[lo, hi]` printed so that it can be compared with the figures `refs` the
/// message compares it with: a bound that differs from one of them is shown differing.
pub fn fmt_iv(iv: &Interval, refs: &[f64]) -> String {
    let mut xs = vec![iv.lo(), iv.hi()];
    xs.extend_from_slice(refs);
    let t = fmt_nums(&xs);
    let open = if iv.lo().is_finite() { '[' } else { '(' };
    let close = if iv.hi().is_finite() { ']' } else { ')' };
    format!("{open}{}, {}{close}", t[0], t[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bounds that differ are printed differing: [99.9995, 100.0005] was `[100, 100]` with
    /// fmt_num's 4 significant digits; at 3 decimals the three numbers print apart (each
    /// rounded to the nearest 0.001: 99.9995 is 99.99949999... in binary), point inside.
    #[test]
    fn distinct_bounds_print_distinct() {
        assert_eq!(
            fmt_figure(100.0, Some(99.9995), Some(100.0005)),
            "100 [99.999, 100.001]"
        );
        // Default digits where nothing collides: 12,000 x [13.75%, 13.85%] = [1,650, 1,662].
        assert_eq!(
            fmt_figure(1656.0, Some(1650.0), Some(1662.0)),
            "1,656 [1,650, 1,662]"
        );
        assert_eq!(
            fmt_figure(13.8, Some(13.75), Some(13.85)),
            "13.8 [13.75, 13.85]"
        );
        // Counts of 1,000 or more get decimals only when needed: [999.5, 1,000.5].
        assert_eq!(
            fmt_figure(1000.0, Some(999.5), Some(1000.5)),
            "1,000 [999.5, 1,000.5]"
        );
        // Unbounded ends.
        assert_eq!(fmt_figure(600.0, Some(600.0), None), "600 [600, ∞)");
        // A bound compared with 100 in a message: 100.00005 > 100 is shown above 100 (at 4
        // decimals the three numbers print apart).
        let iv = Interval::new(100.00005, 100.00015).unwrap();
        assert_eq!(fmt_iv(&iv, &[100.0]), "[100.0001, 100.0002]");
        // The same decimals for every number keep their order (value within its bounds).
        let t = fmt_nums(&[0.64581, 0.64421, 0.64742]);
        assert_eq!(t, vec!["0.6458", "0.6442", "0.6474"]);
        assert_eq!(fmt_at(-1234.5, 1), "-1,234.5");
        assert_eq!(fmt_at(-0.00001, 2), "0");
        let e = Estimate::new(600.0, Interval::at_least(600.0).unwrap()).unwrap();
        assert_eq!(fmt_estimate(&e), "600 [600, ∞)");
    }

    /// Long fields are shortened in messages: a 301-digit number keeps 16 + 8 characters.
    #[test]
    fn long_fields_are_clipped() {
        let long = format!("-1{}", "0".repeat(300));
        assert_eq!(
            field(&long),
            format!(
                "-{}…{} (302 characters)",
                "1".to_string() + &"0".repeat(14),
                "0".repeat(8)
            )
        );
        assert_eq!(field("12.5"), "12.5");
        assert_eq!(bracket_label(8.0, Some(15.0)), "[8, 15)");
        assert_eq!(bracket_label(30.0, None), "[30, +inf)");
    }
}
