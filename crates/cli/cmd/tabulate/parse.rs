//! Reading a bracket table: the long CSV layout, one row per group and bracket, split into
//! records by the csv crate (`#` starts a comment line) and each record deserialised into
//! `wages_analysis::tabulation::RawRow` by its column names. The checks of the header and of
//! every field, and what is wrong when they fail, are the library's
//! (`wages_analysis::tabulation::input`); this file maps the reader's own errors (a short row,
//! invalid UTF-8) to the same typed error. See docs/tabulate.md.

use wages_analysis::tabulation::{
    check_header, Group, GroupsBuilder, Location, Problem, RawRow, TableError,
};

/// Parse the CSV text of a table into its groups.
pub fn parse(text: &str) -> Result<Vec<Group>, TableError> {
    if text.trim().is_empty() {
        return Err(TableError::new(Location::File, Problem::EmptyFile));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| {
            TableError::new(
                Location::File,
                Problem::HeaderUnreadable {
                    message: e.to_string(),
                },
            )
        })?
        .clone();
    check_header(&headers.iter().collect::<Vec<_>>())?;
    // Columns are matched by name in any letter case: the deserialiser sees them lower-cased.
    let names = csv::StringRecord::from(
        headers
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect::<Vec<_>>(),
    );
    let mut groups = GroupsBuilder::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            let problem = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => Problem::FieldCount {
                    len: *len,
                    expected: *expected_len,
                },
                csv::ErrorKind::Utf8 { .. } => Problem::NotUtf8,
                _ => Problem::RecordUnreadable {
                    message: e.to_string(),
                },
            };
            TableError::new(Location::Line { line }, problem)
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let raw: RawRow = rec.deserialize(Some(&names)).map_err(|e| {
            TableError::new(
                Location::Line { line },
                Problem::RecordUnreadable {
                    message: e.to_string(),
                },
            )
        })?;
        groups.add(line, &raw)?;
    }
    groups.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wages_analysis::interval::Qualifier;
    use wages_analysis::tabulation::{PrintedShare, QualifiedCount};

    #[test]
    fn reads_rows_decimals_qualifiers_sources() {
        let text = "# comment\ngroup,Membership,lower,upper,share_percent,count,qualifier,mean,source\nA,1000,8,15,12.50,,,,\"p. 97, fn 28\"\nA,,15,,,40,about,20,\n";
        let g = parse(text).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].membership, Some(1000.0));
        assert_eq!(
            g[0].rows[0].share_percent,
            Some(PrintedShare {
                percent: 12.5,
                decimals: 2
            })
        );
        assert_eq!(g[0].rows[0].line, 3);
        assert_eq!(g[0].rows[0].source.as_deref(), Some("p. 97, fn 28"));
        assert_eq!(
            g[0].rows[1].count,
            Some(QualifiedCount {
                count: 40.0,
                qualifier: Qualifier::About
            })
        );
        assert_eq!(g[0].rows[1].upper, None);
        assert_eq!(g[0].rows[1].mean, Some(20.0));
        assert_eq!(g[0].rows[1].source, None);
    }

    #[test]
    fn errors_name_line_group_bracket_field() {
        let text = "group,membership,lower,upper,share_percent\nA,1000,8,15,abc\n";
        let e = parse(text).unwrap_err().to_string();
        assert!(
            e.starts_with("line 2: group \"A\", bracket [8, 15), field `share_percent`"),
            "{e}"
        );
        let e = parse("group,lower\n").unwrap_err().to_string();
        assert!(
            e.contains("missing column(s) upper, share_percent (or count)")
                && e.contains("the header has: group, lower"),
            "{e}"
        );
        let e = parse("group,membership,lower,upper,share_percent\n").unwrap_err();
        assert!(e.to_string().contains("no rows follow"), "{e}");
        let e = parse("group,membership,lower,upper,share_percent\nA,10,8,,NaN\n").unwrap_err();
        assert!(e.to_string().contains("not a finite number"), "{e}");
        let e = parse("group,membership,lower,upper,share_percent\nA,10,8\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "line 2: 3 fields where the header has 5; give every row the same columns (leave a field empty, not out)"
        );
    }

    /// A quoted group name with a newline gave a two-line error: names are escaped.
    #[test]
    fn control_characters_in_names_are_escaped() {
        let text = "group,membership,lower,upper,share_percent\n\"A\nB\",1000,8,15,abc\n";
        let e = parse(text).unwrap_err().to_string();
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("group \"A\\nB\""), "{e}");
        let text = "group,membership,lower,upper,share_percent,kind\nA,1000,8,15,1,\"x\ty\"\n";
        let e = parse(text).unwrap_err().to_string();
        assert!(e.contains("unknown kind `x\\ty`"), "{e}");
    }
}
