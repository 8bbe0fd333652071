//! Reading a bracket table: the long CSV layout, one row per group and bracket.
//!
//! Columns (by name, any order; `#` starts a comment line):
//! `group`, `membership`, `lower`, `upper`, `share_percent` and/or `count`, and optionally
//! `mean`, `qualifier` (of `count`), `kind` (`bracket` or `above`), `source`, `note`.
//! Every error is one line naming the file, the line, the group, the bracket and the field,
//! and what to do about it. See docs/tabulate.md.

use std::collections::HashMap;
use wages_analysis::interval::Qualifier;
use wages_analysis::tabulation::printed_decimals;

/// Most persons a membership or a count may hold: far above any real organisation, low enough
/// that every sum, ratio and interval of the report stays a plain finite number.
pub const MAX_PERSONS: f64 = 1e12;
/// Smallest non-zero count or membership (a millionth of a person).
pub const MIN_PERSONS: f64 = 1e-6;
/// Smallest non-zero share, in percent: one person in [`MAX_PERSONS`].
pub const MIN_SHARE_PERCENT: f64 = 1e-10;
/// Thresholds and means must lie in `[MIN_MULTIPLE, MAX_MULTIPLE]` multiples of the minimum.
pub const MIN_MULTIPLE: f64 = 1e-6;
/// See [`MIN_MULTIPLE`].
pub const MAX_MULTIPLE: f64 = 1e9;

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

/// A name (group, column) as it appears in a message: escaped, at most 48 characters.
pub fn short(s: &str) -> String {
    clip(s, 48)
}

/// A field's text as it appears in a message: escaped, at most 24 characters.
pub fn field(s: &str) -> String {
    clip(&esc(s), 24)
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Members with pay in `[lower, upper)` (`upper` empty: the open top bracket).
    Bracket,
    /// Members at or above `lower` (cumulative; `upper` must be empty).
    Above,
}

/// One validated row.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line in the file.
    pub line: u64,
    pub kind: RowKind,
    pub lower: f64,
    pub upper: Option<f64>,
    /// Share of the group's membership, percent as printed, with its printed decimals.
    pub share_percent: Option<(f64, i32)>,
    /// Head-count and the qualifier the source gives it.
    pub count: Option<(f64, Qualifier)>,
    pub mean: Option<f64>,
}

impl Row {
    /// `[8, 15)`, `[30, +inf)`, or `>= 8` for an `above` row.
    pub fn label(&self) -> String {
        match (self.kind, self.upper) {
            (RowKind::Above, _) => format!(">= {}", self.lower),
            (_, Some(u)) => format!("[{}, {})", self.lower, u),
            (_, None) => format!("[{}, +inf)", self.lower),
        }
    }
}

/// A group's rows, in file order, and its membership (if given).
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    /// First line of the group in the file.
    pub line: u64,
    pub membership: Option<f64>,
    pub rows: Vec<Row>,
}

const KNOWN: [&str; 11] = [
    "group",
    "membership",
    "lower",
    "upper",
    "share_percent",
    "count",
    "mean",
    "qualifier",
    "kind",
    "source",
    "note",
];

/// Parse the CSV text of `file` (the name is only used in messages).
pub fn parse(file: &str, text: &str) -> Result<Vec<Group>, String> {
    if text.trim().is_empty() {
        return Err(format!(
            "{file}: the file is empty; expected a header line `group,membership,lower,upper,share_percent,mean` and one row per group and bracket (see docs/tabulate.md)"
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| format!("{file}: cannot read the header line: {e}"))?
        .clone();
    let col: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    let existing = clip(&esc(&headers.iter().collect::<Vec<_>>().join(", ")), 200);
    // Two columns with one name: which one holds the data is anybody's guess, so refuse.
    let mut first_at: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let key = h.trim().to_ascii_lowercase();
        if let Some(&j) = first_at.get(&key) {
            return Err(format!(
                "{file}: line 1: column `{}` appears twice (columns {} and {}); keep one of them (rename or delete the other)",
                short(&esc(h.trim())),
                j + 1,
                i + 1
            ));
        }
        first_at.insert(key, i);
    }
    let mut missing: Vec<&str> = ["group", "lower", "upper"]
        .into_iter()
        .filter(|c| !col.contains_key(*c))
        .collect();
    if !col.contains_key("share_percent") && !col.contains_key("count") {
        missing.push("share_percent (or count)");
    }
    if !missing.is_empty() {
        return Err(format!(
            "{file}: line 1: missing column(s) {}; the header has: {existing}; expected group,membership,lower,upper,share_percent (or count),mean",
            missing.join(", ")
        ));
    }
    if let Some(unknown) = headers
        .iter()
        .find(|h| !KNOWN.contains(&h.trim().to_ascii_lowercase().as_str()))
    {
        return Err(format!(
            "{file}: line 1: unknown column `{}`; known columns: {}",
            short(&esc(unknown)),
            KNOWN.join(", ")
        ));
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "{file}: line {line}: {len} fields where the header has {expected_len}; give every row the same columns (leave a field empty, not out)"
                ),
                csv::ErrorKind::Utf8 { .. } => {
                    format!("{file}: line {line}: not valid UTF-8; save the file as UTF-8")
                }
                _ => format!("{file}: line {line}: cannot read the row: {e}"),
            }
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |name: &str| -> &str { col.get(name).and_then(|&i| rec.get(i)).unwrap_or("") };
        let group = get("group").to_string();
        if group.is_empty() {
            return Err(format!(
                "{file}: line {line}: field `group` is empty; name the group (institution) each row belongs to"
            ));
        }
        let lower_text = get("lower");
        let upper_text = get("upper");
        // An inverted pair ("[2, 1)") is not a bracket: name both thresholds instead.
        let inverted = matches!(
            (lower_text.parse::<f64>(), upper_text.parse::<f64>()),
            (Ok(l), Ok(u)) if u <= l
        );
        let bracket = if upper_text.is_empty() {
            format!("bracket [{}, +inf)", field(lower_text))
        } else if inverted {
            format!(
                "row with lower {} and upper {}",
                field(lower_text),
                field(upper_text)
            )
        } else {
            format!("bracket [{}, {})", field(lower_text), field(upper_text))
        };
        let group_esc = short(&esc(&group));
        let at = |field: &str| {
            format!("{file}: line {line}: group \"{group_esc}\", {bracket}, field `{field}`")
        };
        let number = |field: &str, text: &str| -> Result<f64, String> {
            let v: f64 = text.replace('_', "").parse().map_err(|_| {
                format!(
                    "{}: `{}` is not a number; write a plain decimal number such as 12.5 (no thousands separators or % sign)",
                    at(field),
                    self::field(text)
                )
            })?;
            if !v.is_finite() {
                return Err(format!(
                    "{}: `{}` is not a finite number; write the value as printed in the source",
                    at(field),
                    self::field(text)
                ));
            }
            Ok(v)
        };
        // Magnitudes beyond any real table would only overflow or underflow later (a count of
        // `inf`, a NaN Gini): rejected here, with the documented bounds (docs/tabulate.md).
        let multiple = |field: &str, v: f64| -> Result<f64, String> {
            if v > 0.0 && !(MIN_MULTIPLE..=MAX_MULTIPLE).contains(&v) {
                return Err(format!(
                    "{}: {} is outside [{MIN_MULTIPLE:e}, {MAX_MULTIPLE:e}] multiples of the minimum; thresholds and means are pay divided by the minimum wage (check the unit)",
                    at(field),
                    self::field(get(field))
                ));
            }
            Ok(v)
        };
        let persons = |field: &str, v: f64| -> Result<f64, String> {
            if v > MAX_PERSONS || (v > 0.0 && v < MIN_PERSONS) {
                return Err(format!(
                    "{}: {} is outside [{MIN_PERSONS:e}, {MAX_PERSONS:e}] persons; give the number of members as printed in the source (check the unit)",
                    at(field),
                    self::field(get(field))
                ));
            }
            Ok(v)
        };
        let optional = |field: &str| -> Result<Option<f64>, String> {
            let t = get(field);
            if t.is_empty() {
                Ok(None)
            } else {
                number(field, t).map(Some)
            }
        };

        let kind = match get("kind").to_ascii_lowercase().as_str() {
            "" | "bracket" => RowKind::Bracket,
            "above" => RowKind::Above,
            other => {
                return Err(format!(
                    "{}: unknown kind `{}`; use `bracket` (members in [lower, upper)) or `above` (members at or above lower)",
                    at("kind"),
                    field(other)
                ))
            }
        };
        if lower_text.is_empty() {
            return Err(format!(
                "{}: empty; give the bracket's lower threshold in multiples of the minimum",
                at("lower")
            ));
        }
        let lower = multiple("lower", number("lower", lower_text)?)?;
        let upper = optional("upper")?
            .map(|u| multiple("upper", u))
            .transpose()?;
        if lower <= 0.0 {
            return Err(format!(
                "{}: {} is not positive; thresholds are positive multiples of the minimum",
                at("lower"),
                field(lower_text)
            ));
        }
        if let Some(u) = upper {
            if kind == RowKind::Above {
                return Err(format!(
                    "{}: an `above` row counts everyone at or above `lower`; leave `upper` empty",
                    at("upper")
                ));
            }
            if u <= lower {
                return Err(format!(
                    "{}: the upper threshold {} is not above the lower threshold {}; swap or correct the thresholds",
                    at("upper"),
                    field(upper_text),
                    field(lower_text)
                ));
            }
        }
        let share_text = get("share_percent");
        let share_percent = if share_text.is_empty() {
            None
        } else {
            let v = number("share_percent", share_text)?;
            if v < 0.0 {
                return Err(format!(
                    "{}: {} is negative; shares are percentages between 0 and 100",
                    at("share_percent"),
                    field(share_text)
                ));
            }
            if v > 100.0 {
                return Err(format!(
                    "{}: {} is over 100; give the share as a percentage of the group's membership",
                    at("share_percent"),
                    field(share_text)
                ));
            }
            if v > 0.0 && v < MIN_SHARE_PERCENT {
                return Err(format!(
                    "{}: {} is below {MIN_SHARE_PERCENT:e} percent (one person in {MAX_PERSONS:e}); give 0 or the share as printed",
                    at("share_percent"),
                    field(share_text)
                ));
            }
            Some((v, printed_decimals(share_text)))
        };
        let count = match optional("count")?
            .map(|c| persons("count", c))
            .transpose()?
        {
            None => None,
            Some(c) if c < 0.0 => {
                return Err(format!(
                    "{}: {} is negative; a head-count cannot be below zero",
                    at("count"),
                    field(get("count"))
                ))
            }
            Some(c) => {
                let q_text = get("qualifier");
                let q = if q_text.is_empty() {
                    Qualifier::Exact
                } else {
                    q_text.parse::<Qualifier>().map_err(|_| {
                        format!(
                            "{}: unknown qualifier `{}`; use exact, about, more-than, at-least or at-most",
                            at("qualifier"),
                            field(q_text)
                        )
                    })?
                };
                if q == Qualifier::Range {
                    return Err(format!(
                        "{}: `range` needs two values, which a count column cannot hold; split the bracket or use about/at-least/at-most",
                        at("qualifier")
                    ));
                }
                Some((c, q))
            }
        };
        if share_percent.is_none() && count.is_none() {
            return Err(format!(
                "{}: both `share_percent` and `count` are empty; give one of them",
                at("share_percent")
            ));
        }
        let mean = optional("mean")?.map(|m| multiple("mean", m)).transpose()?;
        if let Some(m) = mean {
            if m < lower || upper.is_some_and(|u| m > u) {
                return Err(format!(
                    "{}: {m} lies outside the bracket; a bracket's mean must be between its thresholds (leave it empty if unknown)",
                    at("mean")
                ));
            }
        }
        let membership = optional("membership")?
            .map(|m| persons("membership", m))
            .transpose()?;
        if let Some(m) = membership {
            if m <= 0.0 {
                return Err(format!(
                    "{}: {} is not positive; give the group's total number of members",
                    at("membership"),
                    field(get("membership"))
                ));
            }
        }

        let gi = *index.entry(group.clone()).or_insert_with(|| {
            groups.push(Group {
                name: group.clone(),
                line,
                membership: None,
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[gi];
        if let (Some(m), Some(prev)) = (membership, g.membership) {
            if m != prev {
                return Err(format!(
                    "{}: {m} differs from {prev} given earlier for this group; a group has one membership total",
                    at("membership")
                ));
            }
        }
        if membership.is_some() {
            g.membership = membership;
        }
        g.rows.push(Row {
            line,
            kind,
            lower,
            upper,
            share_percent,
            count,
            mean,
        });
    }
    if groups.is_empty() {
        return Err(format!(
            "{file}: the header is there but no rows follow; add one row per group and bracket"
        ));
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_decimals_and_qualifiers() {
        let text = "# comment\ngroup,membership,lower,upper,share_percent,count,qualifier,mean\nA,1000,8,15,12.50,,,\nA,,15,,,40,about,20\n";
        let g = parse("t.csv", text).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].membership, Some(1000.0));
        assert_eq!(g[0].rows[0].share_percent, Some((12.5, 2)));
        assert_eq!(g[0].rows[0].line, 3);
        assert_eq!(g[0].rows[1].count, Some((40.0, Qualifier::About)));
        assert_eq!(g[0].rows[1].upper, None);
        assert_eq!(g[0].rows[1].mean, Some(20.0));
    }

    #[test]
    fn errors_name_line_group_bracket_field() {
        let text = "group,membership,lower,upper,share_percent\nA,1000,8,15,abc\n";
        let e = parse("t.csv", text).unwrap_err();
        assert!(
            e.starts_with("t.csv: line 2: group \"A\", bracket [8, 15), field `share_percent`"),
            "{e}"
        );
        let e = parse("t.csv", "group,lower\n").unwrap_err();
        assert!(
            e.contains("missing column(s) upper, share_percent (or count)")
                && e.contains("the header has: group, lower"),
            "{e}"
        );
        let e = parse("t.csv", "group,membership,lower,upper,share_percent\n").unwrap_err();
        assert!(e.contains("no rows follow"), "{e}");
        let e = parse(
            "t.csv",
            "group,membership,lower,upper,share_percent\nA,10,8,,NaN\n",
        )
        .unwrap_err();
        assert!(e.contains("not a finite number"), "{e}");
    }

    /// A quoted group name with a newline gave a two-line error: names are escaped.
    #[test]
    fn control_characters_in_names_are_escaped() {
        let text = "group,membership,lower,upper,share_percent\n\"A\nB\",1000,8,15,abc\n";
        let e = parse("t.csv", text).unwrap_err();
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("group \"A\\nB\""), "{e}");
        let text = "group,membership,lower,upper,share_percent,kind\nA,1000,8,15,1,\"x\ty\"\n";
        let e = parse("t.csv", text).unwrap_err();
        assert!(e.contains("unknown kind `x\\ty`"), "{e}");
    }

    /// Two columns with one name (in any letter case) are refused, naming both positions.
    #[test]
    fn duplicate_columns_are_refused() {
        for (head, name, cols) in [
            (
                "group,membership,lower,upper,share_percent,share_percent",
                "share_percent",
                "5 and 6",
            ),
            (
                "group,Group,membership,lower,upper,share_percent",
                "Group",
                "1 and 2",
            ),
        ] {
            let e = parse("t.csv", &format!("{head}\nA,A,1000,8,15,10\n")).unwrap_err();
            assert!(
                e.contains(&format!("column `{name}` appears twice (columns {cols})")),
                "{e}"
            );
        }
    }

    /// Long fields are shortened in messages: a 301-digit number keeps 16 + 8 characters.
    #[test]
    fn long_fields_are_clipped_in_messages() {
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
        let e = parse(
            "t.csv",
            &format!("group,membership,lower,upper,share_percent\nA,1000,{long},,5\n"),
        )
        .unwrap_err();
        assert!(
            e.len() < 300 && e.contains("(302 characters) is not positive"),
            "{e}"
        );
    }

    /// Membership 1e308 printed a count of `inf` with exit 0: implausible magnitudes are
    /// rejected when read, naming the field and the bounds (docs/tabulate.md).
    #[test]
    fn implausible_magnitudes_are_rejected() {
        let head = "group,membership,lower,upper,share_percent,count,mean\n";
        for (row, field, what) in [
            (
                "A,1e308,8,15,10,,",
                "membership",
                "outside [1e-6, 1e12] persons",
            ),
            (
                "A,1e-9,8,15,10,,",
                "membership",
                "outside [1e-6, 1e12] persons",
            ),
            (
                "A,1000,8,15,,2e12,",
                "count",
                "outside [1e-6, 1e12] persons",
            ),
            (
                "A,1000,1e-300,1,10,,",
                "lower",
                "outside [1e-6, 1e9] multiples",
            ),
            (
                "A,1000,8,1e10,10,,",
                "upper",
                "outside [1e-6, 1e9] multiples",
            ),
            (
                "A,1000,8,,10,,4e31",
                "mean",
                "outside [1e-6, 1e9] multiples",
            ),
            (
                "A,1000,8,15,1e-200,,",
                "share_percent",
                "below 1e-10 percent",
            ),
        ] {
            let e = parse("t.csv", &format!("{head}{row}\n")).unwrap_err();
            assert!(
                e.contains(&format!("field `{field}`")) && e.contains(what),
                "{row}: {e}"
            );
            assert!(e.len() < 300, "{e}");
        }
        // The bounds themselves are accepted, and so are zero counts and shares.
        let ok = "A,1e12,1e-6,1e9,1e-10,,\nA,,1e9,,0,0,1e9\n";
        assert!(parse("t.csv", &format!("{head}{ok}")).is_ok());
    }
}
