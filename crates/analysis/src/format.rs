//! Numbers as people read them, written once for the whole toolkit:
//!
//! - [`fmt_num`]: a computed number (formulas, derived values, intervals): thousands
//!   separators, four significant digits below 1,000, and whether the text is the exact value;
//! - [`fmt_toward`]: the same digits rounded down or up, for bounds that must stay bounds;
//! - [`format_number`]: a number as a source printed it (every typed digit kept).

/// Formats a figure for formulas and reports; the flag says whether the text is exactly the
/// number (`true`) or a rounding of it (`false`), so a formula can print `=` or `≈`.
///
/// - whole numbers: thousands separators, no decimals (`80000 → "80,000"`);
/// - other numbers of magnitude ≥ 1,000: rounded to a whole number (`579710.14 → "579,710"`);
/// - smaller numbers: 4 significant digits, trailing zeros dropped (`25.8666… → "25.87"`,
///   `0.138 → "0.138"`, `2.4729… → "2.473"`);
/// - `±∞` as `"∞"` / `"-∞"`, NaN as `"NaN"`, magnitudes ≥ 1e15 in scientific notation.
pub fn fmt_num(x: f64) -> (String, bool) {
    if x.is_nan() {
        return ("NaN".to_string(), false);
    }
    if x.is_infinite() {
        return (if x > 0.0 { "∞" } else { "-∞" }.to_string(), true);
    }
    let a = x.abs();
    if a >= 1e15 {
        return (format!("{x:e}"), false);
    }
    if x.fract() == 0.0 || a >= 1000.0 {
        let r = x.round();
        let digits = format!("{}", r.abs() as u64);
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if r < 0.0 { "-" } else { "" };
        return (format!("{sign}{grouped}"), r == x);
    }
    let mag = a.log10().floor() as i32;
    let decimals = (3 - mag).clamp(0, 12) as usize;
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let exact = s.parse::<f64>().is_ok_and(|p| p == x);
    (s, exact)
}

/// `x` in the digits `fmt_num` shows, rounded with `round` (floor or ceil) instead of to the
/// nearest.
pub fn fmt_toward(x: f64, round: fn(f64) -> f64) -> String {
    let (s, exact) = fmt_num(x);
    if exact || !x.is_finite() || x == 0.0 {
        return s;
    }
    let a = x.abs();
    let decimals = if a >= 1000.0 {
        0
    } else {
        (3 - a.log10().floor() as i32).clamp(0, 12)
    };
    let scale = 10f64.powi(decimals);
    // A bound that is a shown number up to float noise (13.850000000000001) is that number.
    let nearest = (x * scale).round() / scale;
    if (nearest - x).abs() <= 1e-9 * x.abs() {
        return fmt_num(nearest).0;
    }
    fmt_num(round(x * scale) / scale).0
}

/// Thousands separators (from 1,000 up, so derived and reported figures print alike), and no
/// trailing ".0" on whole numbers: 194000 -> "194,000".
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return if x > 0.0 { "∞".into() } else { x.to_string() };
    }
    let negative = x < 0.0;
    let x = x.abs();
    let mut approx = "";
    let (int_part, frac) = if (x - x.round()).abs() < 1e-9 {
        (format!("{:.0}", x.round()), String::new())
    } else {
        let mut s = format!("{x}");
        // A fraction stored as a float (one third as 33.333333333333336) is shown to four
        // decimals, marked as rounded; a decimal typed in the data keeps every digit.
        if s.split_once('.').is_some_and(|(_, f)| f.len() > 10) {
            s = format!("{x:.4}").trim_end_matches('0').to_string();
            approx = "≈";
        }
        match s.split_once('.') {
            Some((i, f)) => (i.to_string(), format!(".{f}")),
            None => (s, String::new()),
        }
    };
    let mut grouped = String::new();
    let digits = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{approx}{}{grouped}{frac}", if negative { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_round_toward_what_they_guarantee() {
        // 194,000 / 7,500 = 25.8666…: at least 25.86, not 25.87
        assert_eq!(fmt_toward(194_000.0 / 7_500.0, f64::floor), "25.86");
        assert_eq!(fmt_toward(194_000.0 / 7_500.0, f64::ceil), "25.87");
        assert_eq!(fmt_toward(12.0, f64::floor), "12");
        assert_eq!(fmt_toward(579_710.14, f64::ceil), "579,711");
        // float noise is not rounded outward
        assert_eq!(fmt_toward(13.8 + 0.05, f64::ceil), "13.85");
        assert_eq!(fmt_toward(2.468_560_968, f64::floor), "2.468");
    }

    #[test]
    fn typed_decimals_keep_their_digits_and_stored_fractions_are_rounded() {
        assert_eq!(format_number(80_000.0), "80,000");
        assert_eq!(format_number(13.8), "13.8");
        assert_eq!(format_number(0.125), "0.125");
        assert_eq!(format_number(100.0 / 3.0), "≈33.3333");
        assert_eq!(format_number(100.0 / 7.0), "≈14.2857");
        assert_eq!(format_number(-1.0 / 3.0), "≈-0.3333");
    }
}
