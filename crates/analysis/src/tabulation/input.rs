//! A bracket table as read from its long CSV layout (one row per group and bracket): the
//! columns, the plausible magnitudes, each row's fields checked and typed, and the rows put
//! together by group. The CSV itself is split into fields by the caller (the `wages` CLI, with
//! the csv crate's serde deserialisation into [`RawRow`]); from the fields on, every check and
//! message is here. See docs/tabulate.md.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use super::error::{Location, Problem, TableError};
use super::format::{bracket_label, clip, esc, field, short};
use super::rounding::printed_decimals;
use crate::interval::Qualifier;

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

/// A column of the input table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Group,
    Membership,
    Lower,
    Upper,
    SharePercent,
    Count,
    Mean,
    Qualifier,
    Kind,
    Source,
    Note,
}

impl Column {
    /// Every column, in the order the messages list them.
    pub const ALL: [Column; 11] = [
        Column::Group,
        Column::Membership,
        Column::Lower,
        Column::Upper,
        Column::SharePercent,
        Column::Count,
        Column::Mean,
        Column::Qualifier,
        Column::Kind,
        Column::Source,
        Column::Note,
    ];

    /// The column's name in the header (lower case; headers are read trimmed, in any case).
    pub fn name(self) -> &'static str {
        match self {
            Column::Group => "group",
            Column::Membership => "membership",
            Column::Lower => "lower",
            Column::Upper => "upper",
            Column::SharePercent => "share_percent",
            Column::Count => "count",
            Column::Mean => "mean",
            Column::Qualifier => "qualifier",
            Column::Kind => "kind",
            Column::Source => "source",
            Column::Note => "note",
        }
    }

    /// The column a header names (trimmed, any letter case), if it is one.
    pub fn from_header(header: &str) -> Option<Column> {
        let h = header.trim().to_ascii_lowercase();
        Column::ALL.into_iter().find(|c| c.name() == h)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Checks the header line: no column twice (in any letter case), the required columns
/// (`group`, `lower`, `upper`, and `share_percent` or `count`) present, no unknown column.
/// `headers` as read (the message quotes them escaped and shortened).
pub fn check_header(headers: &[&str]) -> Result<(), TableError> {
    let at_header = |problem| TableError::new(Location::Line { line: 1 }, problem);
    // Two columns with one name: which one holds the data is anybody's guess, so refuse.
    let mut first_at: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let key = h.trim().to_ascii_lowercase();
        if let Some(&j) = first_at.get(&key) {
            return Err(at_header(Problem::DuplicateColumn {
                name: h.trim().to_string(),
                first: j + 1,
                second: i + 1,
            }));
        }
        first_at.insert(key, i);
    }
    let has = |c: Column| first_at.contains_key(c.name());
    let mut missing: Vec<&'static str> = [Column::Group, Column::Lower, Column::Upper]
        .into_iter()
        .filter(|&c| !has(c))
        .map(Column::name)
        .collect();
    if !has(Column::SharePercent) && !has(Column::Count) {
        missing.push("share_percent (or count)");
    }
    if !missing.is_empty() {
        return Err(at_header(Problem::MissingColumns {
            missing,
            header: clip(&esc(&headers.join(", ")), 200),
        }));
    }
    if let Some(unknown) = headers.iter().find(|h| Column::from_header(h).is_none()) {
        return Err(at_header(Problem::UnknownColumn {
            name: unknown.to_string(),
        }));
    }
    Ok(())
}

/// One record's fields as written (trimmed), by column: what the CSV reader deserialises each
/// record into, with the header names lower-cased. A column the table lacks reads as empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RawRow<'a> {
    #[serde(borrow)]
    pub group: &'a str,
    #[serde(borrow)]
    pub membership: &'a str,
    #[serde(borrow)]
    pub lower: &'a str,
    #[serde(borrow)]
    pub upper: &'a str,
    #[serde(borrow)]
    pub share_percent: &'a str,
    #[serde(borrow)]
    pub count: &'a str,
    #[serde(borrow)]
    pub mean: &'a str,
    #[serde(borrow)]
    pub qualifier: &'a str,
    #[serde(borrow)]
    pub kind: &'a str,
    #[serde(borrow)]
    pub source: &'a str,
    #[serde(borrow)]
    pub note: &'a str,
}

impl<'a> RawRow<'a> {
    /// The field of `column`.
    pub fn get(&self, column: Column) -> &'a str {
        match column {
            Column::Group => self.group,
            Column::Membership => self.membership,
            Column::Lower => self.lower,
            Column::Upper => self.upper,
            Column::SharePercent => self.share_percent,
            Column::Count => self.count,
            Column::Mean => self.mean,
            Column::Qualifier => self.qualifier,
            Column::Kind => self.kind,
            Column::Source => self.source,
            Column::Note => self.note,
        }
    }
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Members with pay in `[lower, upper)` (`upper` empty: the open top bracket).
    Bracket,
    /// Members at or above `lower` (cumulative; `upper` must be empty).
    Above,
}

/// A share of the group's membership, percent as printed, with the place of its last printed
/// digit ([`printed_decimals`]), which is its rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintedShare {
    pub percent: f64,
    pub decimals: i32,
}

/// A head-count and the qualifier the source gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualifiedCount {
    pub count: f64,
    pub qualifier: Qualifier,
}

/// One row, its fields checked: positive thresholds in range, `upper` above `lower`, a share in
/// `[0, 100]`, a non-negative count, a mean inside the bracket.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line in the file.
    pub line: u64,
    pub kind: RowKind,
    pub lower: f64,
    pub upper: Option<f64>,
    pub share_percent: Option<PrintedShare>,
    pub count: Option<QualifiedCount>,
    pub mean: Option<f64>,
    /// The `source` column, carried into the output (`None` when empty).
    pub source: Option<String>,
    /// The `note` column, carried into the output (`None` when empty).
    pub note: Option<String>,
}

impl Row {
    /// `[8, 15)`, `[30, +inf)`, or `>= 8` for an `above` row.
    pub fn label(&self) -> String {
        row_label(self.kind, self.lower, self.upper)
    }
}

/// See [`Row::label`].
pub(crate) fn row_label(kind: RowKind, lower: f64, upper: Option<f64>) -> String {
    match kind {
        RowKind::Above => format!(">= {lower}"),
        RowKind::Bracket => bracket_label(lower, upper),
    }
}

/// A group's rows, in file order, and its membership (if given).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    /// First line of the group in the file.
    pub line: u64,
    pub membership: Option<f64>,
    pub rows: Vec<Row>,
}

/// Puts checked rows together by group, in the order groups first appear (rows of a group
/// need not be adjacent). [`GroupsBuilder::add`] checks one record's fields;
/// [`GroupsBuilder::finish`] refuses a table without rows.
#[derive(Debug, Default)]
pub struct GroupsBuilder {
    groups: Vec<Group>,
    index: HashMap<String, usize>,
}

impl GroupsBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the record at `line` and adds it to its group. The first problem of the record
    /// is returned, in the order the fields are read: group, kind, lower, upper, share,
    /// count and qualifier, mean, membership (which must agree with the group's earlier rows).
    pub fn add(&mut self, line: u64, raw: &RawRow) -> Result<(), TableError> {
        let (group, membership, row) = read_row(line, raw)?;
        let groups = &mut self.groups;
        let gi = *self.index.entry(group.clone()).or_insert_with(|| {
            groups.push(Group {
                name: group.clone(),
                line,
                membership: None,
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut self.groups[gi];
        if let (Some(m), Some(prev)) = (membership, g.membership) {
            if m != prev {
                return Err(TableError::new(
                    field_location(line, raw, Column::Membership),
                    Problem::MembershipDiffers {
                        membership: m,
                        previous: prev,
                    },
                ));
            }
        }
        if membership.is_some() {
            g.membership = membership;
        }
        g.rows.push(row);
        Ok(())
    }

    /// The groups, or [`Problem::NoRows`] when no record was added.
    pub fn finish(self) -> Result<Vec<Group>, TableError> {
        if self.groups.is_empty() {
            return Err(TableError::new(Location::File, Problem::NoRows));
        }
        Ok(self.groups)
    }
}

/// Where a field of a record is, as messages name it: the line, the group, the bracket by its
/// thresholds as written, the column.
fn field_location(line: u64, raw: &RawRow, column: Column) -> Location {
    Location::Field {
        line,
        group: raw.group.to_string(),
        lower: raw.lower.to_string(),
        upper: raw.upper.to_string(),
        column,
    }
}

/// One record's fields checked and typed: the group, the membership (if given) and the row.
fn read_row(line: u64, raw: &RawRow) -> Result<(String, Option<f64>, Row), TableError> {
    if raw.group.is_empty() {
        return Err(TableError::new(
            Location::Line { line },
            Problem::EmptyGroup,
        ));
    }
    let bad = |column: Column, problem: Problem| {
        TableError::new(field_location(line, raw, column), problem)
    };
    let text = |column: Column| field(raw.get(column));
    let number = |column: Column, t: &str| -> Result<f64, TableError> {
        let v: f64 = match t.replace('_', "").parse() {
            Ok(v) => v,
            Err(_) => return Err(bad(column, Problem::NotANumber { text: field(t) })),
        };
        if !v.is_finite() {
            return Err(bad(column, Problem::NotFinite { text: field(t) }));
        }
        Ok(v)
    };
    // Magnitudes beyond any real table would only overflow or underflow later (a count of
    // `inf`, a NaN Gini): rejected here, with the documented bounds (docs/tabulate.md).
    let multiple = |column: Column, v: f64| -> Result<f64, TableError> {
        if v > 0.0 && !(MIN_MULTIPLE..=MAX_MULTIPLE).contains(&v) {
            return Err(bad(
                column,
                Problem::MultipleOutOfRange { text: text(column) },
            ));
        }
        Ok(v)
    };
    let persons = |column: Column, v: f64| -> Result<f64, TableError> {
        if v > MAX_PERSONS || (v > 0.0 && v < MIN_PERSONS) {
            return Err(bad(
                column,
                Problem::PersonsOutOfRange { text: text(column) },
            ));
        }
        Ok(v)
    };
    let optional = |column: Column| -> Result<Option<f64>, TableError> {
        let t = raw.get(column);
        if t.is_empty() {
            Ok(None)
        } else {
            number(column, t).map(Some)
        }
    };

    let kind = match raw.kind.to_ascii_lowercase().as_str() {
        "" | "bracket" => RowKind::Bracket,
        "above" => RowKind::Above,
        other => {
            return Err(bad(
                Column::Kind,
                Problem::UnknownKind { text: field(other) },
            ))
        }
    };
    if raw.lower.is_empty() {
        return Err(bad(Column::Lower, Problem::LowerEmpty));
    }
    let lower = multiple(Column::Lower, number(Column::Lower, raw.lower)?)?;
    let upper = optional(Column::Upper)?
        .map(|u| multiple(Column::Upper, u))
        .transpose()?;
    if lower <= 0.0 {
        return Err(bad(
            Column::Lower,
            Problem::ThresholdNotPositive {
                text: text(Column::Lower),
            },
        ));
    }
    if let Some(u) = upper {
        if kind == RowKind::Above {
            return Err(bad(Column::Upper, Problem::AboveWithUpper));
        }
        if u <= lower {
            return Err(bad(
                Column::Upper,
                Problem::UpperNotAbove {
                    upper: text(Column::Upper),
                    lower: text(Column::Lower),
                },
            ));
        }
    }
    let share_percent = if raw.share_percent.is_empty() {
        None
    } else {
        let v = number(Column::SharePercent, raw.share_percent)?;
        let t = text(Column::SharePercent);
        if v < 0.0 {
            return Err(bad(
                Column::SharePercent,
                Problem::NegativeShare { text: t },
            ));
        }
        if v > 100.0 {
            return Err(bad(Column::SharePercent, Problem::ShareOver100 { text: t }));
        }
        if v > 0.0 && v < MIN_SHARE_PERCENT {
            return Err(bad(
                Column::SharePercent,
                Problem::ShareTooSmall { text: t },
            ));
        }
        Some(PrintedShare {
            percent: v,
            decimals: printed_decimals(raw.share_percent),
        })
    };
    let count = match optional(Column::Count)?
        .map(|c| persons(Column::Count, c))
        .transpose()?
    {
        None => None,
        Some(c) if c < 0.0 => {
            return Err(bad(
                Column::Count,
                Problem::NegativeCount {
                    text: text(Column::Count),
                },
            ))
        }
        Some(c) => {
            let q = if raw.qualifier.is_empty() {
                Qualifier::Exact
            } else {
                match raw.qualifier.parse::<Qualifier>() {
                    Ok(q) => q,
                    Err(_) => {
                        return Err(bad(
                            Column::Qualifier,
                            Problem::UnknownQualifier {
                                text: text(Column::Qualifier),
                            },
                        ))
                    }
                }
            };
            if q == Qualifier::Range {
                return Err(bad(Column::Qualifier, Problem::RangeQualifier));
            }
            Some(QualifiedCount {
                count: c,
                qualifier: q,
            })
        }
    };
    if share_percent.is_none() && count.is_none() {
        return Err(bad(Column::SharePercent, Problem::NoShareNorCount));
    }
    let mean = optional(Column::Mean)?
        .map(|m| multiple(Column::Mean, m))
        .transpose()?;
    if let Some(m) = mean {
        if m < lower || upper.is_some_and(|u| m > u) {
            return Err(bad(Column::Mean, Problem::MeanOutside { mean: m }));
        }
    }
    let membership = optional(Column::Membership)?
        .map(|m| persons(Column::Membership, m))
        .transpose()?;
    if let Some(m) = membership {
        if m <= 0.0 {
            return Err(bad(
                Column::Membership,
                Problem::MembershipNotPositive {
                    text: text(Column::Membership),
                },
            ));
        }
    }
    let words = |t: &str| (!t.is_empty()).then(|| t.to_string());
    Ok((
        raw.group.to_string(),
        membership,
        Row {
            line,
            kind,
            lower,
            upper,
            share_percent,
            count,
            mean,
            source: words(raw.source),
            note: words(raw.note),
        },
    ))
}

/// A group name as messages show it: escaped and shortened.
pub(crate) fn group_shown(name: &str) -> String {
    short(&esc(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(fields: &[(Column, &'a str)]) -> RawRow<'a> {
        let mut r = RawRow::default();
        for &(c, t) in fields {
            match c {
                Column::Group => r.group = t,
                Column::Membership => r.membership = t,
                Column::Lower => r.lower = t,
                Column::Upper => r.upper = t,
                Column::SharePercent => r.share_percent = t,
                Column::Count => r.count = t,
                Column::Mean => r.mean = t,
                Column::Qualifier => r.qualifier = t,
                Column::Kind => r.kind = t,
                Column::Source => r.source = t,
                Column::Note => r.note = t,
            }
        }
        r
    }

    #[test]
    fn reads_rows_decimals_qualifiers_and_sources() {
        use Column::*;
        let mut b = GroupsBuilder::new();
        b.add(
            3,
            &raw(&[
                (Group, "A"),
                (Membership, "1000"),
                (Lower, "8"),
                (Upper, "15"),
                (SharePercent, "12.50"),
                (Source, "p. 97"),
            ]),
        )
        .unwrap();
        b.add(
            4,
            &raw(&[
                (Group, "A"),
                (Lower, "15"),
                (Count, "40"),
                (Qualifier, "about"),
                (Mean, "20"),
                (Note, "rounded"),
            ]),
        )
        .unwrap();
        let g = b.finish().unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].membership, Some(1000.0));
        let r = &g[0].rows;
        assert_eq!(
            r[0].share_percent,
            Some(PrintedShare {
                percent: 12.5,
                decimals: 2
            })
        );
        assert_eq!(
            (r[0].line, r[0].source.as_deref(), r[0].note.as_deref()),
            (3, Some("p. 97"), None)
        );
        assert_eq!(
            r[1].count,
            Some(QualifiedCount {
                count: 40.0,
                qualifier: crate::interval::Qualifier::About
            })
        );
        assert_eq!((r[1].upper, r[1].mean), (None, Some(20.0)));
        assert_eq!(r[1].note.as_deref(), Some("rounded"));
    }

    #[test]
    fn errors_name_line_group_bracket_field() {
        use Column::*;
        let e = GroupsBuilder::new()
            .add(
                2,
                &raw(&[
                    (Group, "A"),
                    (Lower, "8"),
                    (Upper, "15"),
                    (SharePercent, "abc"),
                ]),
            )
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("line 2: group \"A\", bracket [8, 15), field `share_percent`"),
            "{e}"
        );
        let e = check_header(&["group", "lower"]).unwrap_err().to_string();
        assert!(
            e.contains("missing column(s) upper, share_percent (or count)")
                && e.contains("the header has: group, lower"),
            "{e}"
        );
        assert!(GroupsBuilder::new()
            .finish()
            .unwrap_err()
            .to_string()
            .contains("no rows follow"));
        let e = GroupsBuilder::new()
            .add(
                2,
                &raw(&[(Group, "A"), (Lower, "8"), (SharePercent, "NaN")]),
            )
            .unwrap_err();
        assert!(e.to_string().contains("not a finite number"), "{e}");
        assert_eq!(
            *e.at(),
            Location::Field {
                line: 2,
                group: "A".into(),
                lower: "8".into(),
                upper: String::new(),
                column: SharePercent
            }
        );
    }

    /// A quoted group name with a newline gave a two-line error: names are escaped.
    #[test]
    fn control_characters_in_names_are_escaped() {
        use Column::*;
        let e = GroupsBuilder::new()
            .add(
                2,
                &raw(&[
                    (Group, "A\nB"),
                    (Lower, "8"),
                    (Upper, "15"),
                    (SharePercent, "abc"),
                ]),
            )
            .unwrap_err()
            .to_string();
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("group \"A\\nB\""), "{e}");
        let e = GroupsBuilder::new()
            .add(
                2,
                &raw(&[
                    (Group, "A"),
                    (Lower, "8"),
                    (SharePercent, "1"),
                    (Kind, "x\ty"),
                ]),
            )
            .unwrap_err()
            .to_string();
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
            let headers: Vec<&str> = head.split(',').collect();
            let e = check_header(&headers).unwrap_err().to_string();
            assert!(
                e.contains(&format!("column `{name}` appears twice (columns {cols})")),
                "{e}"
            );
        }
    }

    /// Long fields are shortened in messages: a 301-digit number keeps 16 + 8 characters.
    #[test]
    fn long_fields_are_clipped_in_messages() {
        use Column::*;
        let long = format!("-1{}", "0".repeat(300));
        let e = GroupsBuilder::new()
            .add(
                2,
                &raw(&[
                    (Group, "A"),
                    (Membership, "1000"),
                    (Lower, &long),
                    (SharePercent, "5"),
                ]),
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.len() < 300 && e.contains("(302 characters) is not positive"),
            "{e}"
        );
    }

    /// Membership 1e308 printed a count of `inf` with exit 0: implausible magnitudes are
    /// rejected when read, naming the field and the bounds (docs/tabulate.md).
    #[test]
    fn implausible_magnitudes_are_rejected() {
        use Column::*;
        let cols = [Group, Membership, Lower, Upper, SharePercent, Count, Mean];
        let row = |text: &'static str| -> Vec<(Column, &'static str)> {
            cols.iter().copied().zip(text.split(',')).collect()
        };
        for (text, field, what) in [
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
            let e = GroupsBuilder::new()
                .add(2, &raw(&row(text)))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("field `{field}`")) && e.contains(what),
                "{text}: {e}"
            );
            assert!(e.len() < 300, "{e}");
        }
        // The bounds themselves are accepted, and so are zero counts and shares.
        let mut b = GroupsBuilder::new();
        b.add(2, &raw(&row("A,1e12,1e-6,1e9,1e-10,,"))).unwrap();
        b.add(3, &raw(&row("A,,1e9,,0,0,1e9"))).unwrap();
        assert!(b.finish().is_ok());
    }
}
