//! The bonus, within and explanatory columns, required labels and the group option, through
//! the public API (`read_with`), on real files: CSV by the fast path and by the general reader,
//! and Parquet written by polars.

use polars::prelude::*;
use std::path::PathBuf;
use wages_table::{
    read_with, CovariateValues, CsvReader, Groups, NonPositive, Payroll, ReadOptions, Request,
    Role, TableError, MISSING_CODE,
};

/// A scratch file of this test process.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wages-table-columns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `df` as a Parquet file.
fn parquet(name: &str, mut df: DataFrame) -> PathBuf {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    scratch(name, &bytes)
}

fn options(csv_reader: CsvReader) -> ReadOptions {
    ReadOptions {
        csv_reader,
        timings: false,
    }
}

/// Reads `req` with the fast path first and with the general reader only; both must give
/// the same payroll (compared as printed, so that a missing value, `NaN`, equals itself), or
/// the same message.
fn read_csv(req: &Request) -> Result<Payroll, String> {
    let fast = read_with(req, &options(CsvReader::Fast)).map(|(p, _)| p);
    let general = read_with(req, &options(CsvReader::General)).map(|(p, _)| p);
    match (fast, general) {
        (Ok(a), Ok(b)) => {
            assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "the two CSV readers disagree"
            );
            Ok(a)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "the two CSV readers disagree");
            Err(a.to_string())
        }
        (a, b) => panic!("one CSV reader fails: {a:?} / {b:?}"),
    }
}

/// Whether the fast path reads the CSV of `req` (rather than declining it).
fn fast_path_reads(req: &Request) -> bool {
    let timed = ReadOptions {
        timings: true,
        ..options(CsvReader::Fast)
    };
    let (_, phases) = read_with(req, &timed).unwrap();
    phases
        .laps
        .iter()
        .any(|(what, _)| *what == "plain CSV parse")
}

fn groups(labels: &[&str], codes: &[u32]) -> Groups {
    Groups {
        labels: labels.iter().map(|l| l.to_string()).collect(),
        codes: codes.to_vec(),
    }
}

const PAYROLL: &str = "id,sex,pay,bonus,grade\n\
                       1,F,100,0,B\n\
                       2,M,120,5.5,A\n\
                       3,F,90,1e2,B\n\
                       4,M,130,0.25,\"a, b\"\n";

#[test]
fn bonus_and_within_are_read_by_both_csv_readers() {
    let path = scratch("payroll.csv", PAYROLL.as_bytes());
    let req = Request {
        group: Some("sex"),
        bonus: Some("bonus"),
        within: Some("grade"),
        group_option: "--by",
        labels_required: true,
        ..Request::new(&path, "pay")
    };
    assert!(fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    assert_eq!(p.pay, [100.0, 120.0, 90.0, 130.0]);
    assert_eq!(p.bonus.as_deref(), Some(&[0.0, 5.5, 100.0, 0.25][..]));
    assert_eq!(p.groups, Some(groups(&["F", "M"], &[0, 1, 0, 1])));
    assert_eq!(p.within, Some(groups(&["A", "B", "a, b"], &[1, 0, 1, 2])));
    // Not asked for, not read.
    let plain = read_csv(&Request::new(&path, "pay")).unwrap();
    assert_eq!((plain.bonus, plain.within), (None, None));
}

#[test]
fn a_negative_bonus_is_refused_and_zero_is_not() {
    let path = scratch(
        "negative.csv",
        b"pay,bonus\n100,0\n110,-0\n120,-5\n130,-0.5\n",
    );
    let req = Request {
        bonus: Some("bonus"),
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&req).unwrap_err();
    assert_eq!(
        e,
        format!(
            "{}: 2 rows of column \"bonus\" have negative bonus pay, at data row 3 (line 4) \"-5\", \
             row 4 (line 5) \"-0.5\"; bonus pay is zero or more: fix those rows",
            path.display()
        )
    );
}

#[test]
fn bonus_cells_are_numbers_like_pay() {
    for (name, text, want) in [
        (
            "empty.csv",
            "pay,bonus\n100,1\n110,\n",
            "column \"bonus\" (bonus) is empty at data row 2 (line 3) \"\"; fill in or remove those rows",
        ),
        (
            "text.csv",
            "pay,bonus\n100,none\n",
            "column \"bonus\" (bonus) is not a number at data row 1 (line 2) \"none\"",
        ),
        (
            "nan.csv",
            "pay,bonus\n100,NaN\n110,inf\n",
            "column \"bonus\" (bonus) holds NaN or infinite values at data row 1 (line 2) \"NaN\", row 2 (line 3) \"inf\"",
        ),
    ] {
        let path = scratch(name, text.as_bytes());
        let req = Request {
            bonus: Some("bonus"),
            ..Request::new(&path, "pay")
        };
        let e = read_csv(&req).unwrap_err();
        assert!(e.contains(want), "{e}");
    }
}

#[test]
fn required_labels_refuse_empty_cells_with_their_lines() {
    let text = "id,sex,pay,grade\n1,F,100,A\n2,M,110,\n3,,120,B\n4,\"\",130,B\n";
    let path = scratch("labels.csv", text.as_bytes());
    let req = Request {
        group: Some("sex"),
        within: Some("grade"),
        group_option: "--by",
        labels_required: true,
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&req).unwrap_err();
    assert_eq!(
        e,
        format!(
            "{}: column \"sex\" (group) is empty at data row 3 (line 4) \"\", row 4 (line 5) \"\"; \
             every row needs a label: fill in or remove those rows, or name another column with --by",
            path.display()
        )
    );
    let within_only = Request {
        group: None,
        ..req.clone()
    };
    let e = read_csv(&within_only).unwrap_err();
    assert!(
        e.contains("column \"grade\" (category) is empty at data row 2 (line 3) \"\"; every row needs a label")
            && e.ends_with("or name another column with --within"),
        "{e}"
    );
    // Not required: an empty cell is the label "", as always (the fast path reads it).
    let optional = Request {
        labels_required: false,
        ..req
    };
    assert!(fast_path_reads(&optional));
    let p = read_csv(&optional).unwrap();
    assert_eq!(p.groups, Some(groups(&["", "F", "M"], &[1, 2, 0, 0])));
    assert_eq!(p.within, Some(groups(&["", "A", "B"], &[1, 0, 2, 2])));
}

/// A blank line and a quoted line break move the lines on; the message follows them.
#[test]
fn required_labels_name_the_lines_of_the_general_reader() {
    let text = "pay,sex\n100,F\n\n110,\"M\nX\"\n120,\n";
    let path = scratch("lines.csv", text.as_bytes());
    let req = Request {
        group: Some("sex"),
        labels_required: true,
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&req).unwrap_err();
    assert!(e.contains("at data row 3 (line 6) \"\";"), "{e}");
}

#[test]
fn parquet_reads_bonus_and_within_of_any_numeric_or_label_type() {
    let df = df![
        "pay" => [100i64, 120, 90],
        "bonus_int" => [0i32, 5, 7],
        "bonus_text" => ["0", " 2.5", "1e1"],
        "bonus_f32" => [0.5f32, 0.0, 1.5],
        "grade" => [Some(3i64), Some(1), Some(3)],
        "sex" => ["F", "M", "F"],
    ]
    .unwrap();
    let bonus_decimal = Series::new("bonus_decimal".into(), [1.25f64, 0.0, 2.5])
        .cast(&DataType::Decimal(10, 2))
        .unwrap();
    let mut df = df;
    df.with_column(bonus_decimal.into()).unwrap();
    let path = parquet("types.parquet", df);
    for (bonus, want) in [
        ("bonus_int", [0.0, 5.0, 7.0]),
        ("bonus_text", [0.0, 2.5, 10.0]),
        ("bonus_f32", [0.5, 0.0, 1.5]),
        ("bonus_decimal", [1.25, 0.0, 2.5]),
    ] {
        let req = Request {
            group: Some("sex"),
            bonus: Some(bonus),
            within: Some("grade"),
            labels_required: true,
            ..Request::new(&path, "pay")
        };
        let (p, _) = read_with(&req, &ReadOptions::default()).unwrap();
        assert_eq!(p.bonus.as_deref(), Some(&want[..]), "{bonus}");
        assert_eq!(p.within, Some(groups(&["1", "3"], &[1, 0, 1])));
        assert_eq!(p.groups, Some(groups(&["F", "M"], &[0, 1, 0])));
    }
}

#[test]
fn parquet_refuses_negative_bonus_and_missing_labels() {
    let df = df![
        "pay" => [100.0, 120.0, 90.0],
        "bonus" => [Some(0.0), Some(-1.0), None],
        "sex" => [Some("F"), None, Some("")],
        "grade" => [Some(true), Some(false), None],
    ]
    .unwrap();
    let path = parquet("missing.parquet", df);
    let read = |req: &Request| read_with(req, &ReadOptions::default()).map(|(p, _)| p);
    let base = Request::new(&path, "pay");
    let e = read(&Request {
        bonus: Some("bonus"),
        ..base.clone()
    })
    .unwrap_err();
    assert!(
        matches!(
            e,
            TableError::Missing {
                role: Role::Bonus,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("(bonus) is empty at data row 3 \"\""),
        "{e}"
    );
    let e = read(&Request {
        group: Some("sex"),
        labels_required: true,
        ..base.clone()
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: column \"sex\" (group) is empty at data row 2 \"\", row 3 \"\"; every row needs a \
             label: fill in or remove those rows, or name another column with --group",
            path.display()
        )
    );
    let e = read(&Request {
        within: Some("grade"),
        labels_required: true,
        ..base.clone()
    })
    .unwrap_err();
    assert!(
        matches!(
            e,
            TableError::MissingLabel {
                role: Role::Within,
                option: "--within",
                ..
            }
        ),
        "{e}"
    );
    // Not required: null and "" are both the label "".
    let p = read(&Request {
        group: Some("sex"),
        within: Some("grade"),
        ..base
    })
    .unwrap();
    assert_eq!(p.groups, Some(groups(&["", "F"], &[1, 0, 0])));
    assert_eq!(p.within, Some(groups(&["", "false", "true"], &[2, 1, 0])));
}

#[test]
fn parquet_within_of_a_list_type_is_refused_as_a_category() {
    let grade = Series::new(
        "grade".into(),
        [
            Series::new("".into(), [1i32]),
            Series::new("".into(), [2i32]),
        ],
    );
    let mut df = df!["pay" => [100.0, 120.0]].unwrap();
    df.with_column(grade.into()).unwrap();
    let path = parquet("list.parquet", df);
    let req = Request {
        within: Some("grade"),
        ..Request::new(&path, "pay")
    };
    let e = read_with(&req, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            TableError::GroupType {
                role: Role::Within,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains(
            "column \"grade\" (category) has type list[i32]; a category column must hold"
        ),
        "{e}"
    );
}

#[test]
fn dropping_nonpositive_pay_keeps_bonus_and_within_aligned() {
    let text = "pay,bonus,grade,sex\n100,1,A,F\n0,2,B,M\n-3,3,C,F\n120,4,D,M\n";
    let path = scratch("drop.csv", text.as_bytes());
    let req = Request {
        group: Some("sex"),
        bonus: Some("bonus"),
        within: Some("grade"),
        nonpositive: NonPositive::Drop,
        ..Request::new(&path, "pay")
    };
    assert!(fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    assert_eq!(p.pay, [100.0, 120.0]);
    assert_eq!(p.bonus.as_deref(), Some(&[1.0, 4.0][..]));
    // Labels of dropped rows stay, as for groups: codes still index the sorted labels.
    assert_eq!(p.within, Some(groups(&["A", "B", "C", "D"], &[0, 3])));
    assert_eq!(p.groups, Some(groups(&["F", "M"], &[0, 1])));
    assert_eq!((p.rows_read, p.dropped_nonpositive), (4, 2));
}

#[test]
fn every_role_is_checked_for_a_missing_or_shared_column() {
    let path = scratch("roles.csv", PAYROLL.as_bytes());
    let base = Request {
        group_option: "--by",
        ..Request::new(&path, "pay")
    };
    let roles = [
        (Role::Pay, "--pay", "pay column"),
        (Role::Group, "--by", "group column"),
        (Role::Weight, "--weight", "weight column"),
        (Role::Bonus, "--bonus", "bonus column"),
        (Role::Within, "--within", "category column"),
        (Role::Covariate, "--explain", "explanatory column"),
    ];
    for (role, option, column) in roles {
        let e = read_csv(&with_role(&base, role, "nope")).unwrap_err();
        assert!(
            e.contains(&format!("no column \"nope\" (asked for by {option});"))
                && e.ends_with(&format!("name the {column} with {option}")),
            "{e}"
        );
    }
    // Each pair of roles naming one column (pay named "id": the others name "id" too).
    for (i, &(first, first_option, _)) in roles.iter().enumerate() {
        for &(second, second_option, _) in &roles[i + 1..] {
            let req = with_role(&with_role(&base, second, "id"), first, "id");
            let e = read_with(&req, &ReadOptions::default()).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "{}: column \"id\" is named by both {first_option} and {second_option}; each role needs its own column",
                    path.display()
                ),
            );
        }
    }
}

/// `req` with the column of `role` named `name`.
fn with_role<'a>(req: &Request<'a>, role: Role, name: &'a str) -> Request<'a> {
    let mut r = req.clone();
    match role {
        Role::Pay => r.pay = name,
        Role::Group => r.group = Some(name),
        Role::Weight => r.weight = Some(name),
        Role::Bonus => r.bonus = Some(name),
        Role::Within => r.within = Some(name),
        Role::Covariate => {
            let mut names = r.covariates.to_vec();
            names.push(name);
            r.covariates = Box::leak(names.into_boxed_slice());
        }
    }
    r
}

#[test]
fn analyze_keeps_its_messages() {
    let path = scratch("analyze.csv", PAYROLL.as_bytes());
    let req = Request {
        group: Some("pay"),
        ..Request::new(&path, "pay")
    };
    let e = read_with(&req, &ReadOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("named by both --pay and --group;"),
        "{e}"
    );
    let req = Request {
        group: Some("institution"),
        ..Request::new(&path, "pay")
    };
    let e = read_with(&req, &ReadOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("no column \"institution\" (asked for by --group)")
            && e.to_string()
                .ends_with("name the group column with --group"),
        "{e}"
    );
    assert!(!Request::new(&path, "pay").labels_required);
}

#[test]
fn within_labels_that_are_not_utf8_are_refused_as_categories() {
    let path = scratch("latin1.csv", b"pay,grade\n100,caf\xe9\n");
    let req = Request {
        within: Some("grade"),
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&req).unwrap_err();
    assert!(
        e.contains("column \"grade\" (category) is not valid UTF-8 text at data row 1 (line 2)"),
        "{e}"
    );
}

/// A missing numeric value.
fn is_missing(x: f64) -> bool {
    x.is_nan()
}

/// The numbers of a numeric explanatory column, missing cells as `None`.
fn numbers(p: &Payroll, k: usize) -> Vec<Option<f64>> {
    match &p.covariates[k].values {
        CovariateValues::Numeric(v) => v.iter().map(|&x| (!is_missing(x)).then_some(x)).collect(),
        other => panic!("{} is not numeric: {other:?}", p.covariates[k].name),
    }
}

/// The codes of a categorical explanatory column.
fn categories(p: &Payroll, k: usize) -> &Groups {
    match &p.covariates[k].values {
        CovariateValues::Categorical(g) => g,
        other => panic!("{} is not categorical: {other:?}", p.covariates[k].name),
    }
}

const M: u32 = MISSING_CODE;

/// age: numbers with an empty and a blank cell; edu: text with an empty cell (quoted); band:
/// numbers, named categorical; late: numbers, then text (categorical: every label is its cell's
/// text); none: every cell empty (numeric, all missing).
const EXPLAIN: &str = "id,sex,pay,age,edu,band,late,none\n\
                       1,F,100,31,BSc,1,1.50,\n\
                       2,M,120,,\"\",2,2,\n\
                       3,F,90, ,\"MSc, hons\",1,n/a,\n\
                       4,M,130, 45 ,BSc,3.0,2,\n";

#[test]
fn covariates_are_read_by_both_csv_readers_and_the_fast_path_takes_them() {
    let path = scratch("explain.csv", EXPLAIN.as_bytes());
    let req = Request {
        group: Some("sex"),
        covariates: &["age", "edu", "band", "late", "none"],
        categorical: &["band"],
        group_option: "--by",
        ..Request::new(&path, "pay")
    };
    assert!(fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    let names: Vec<&str> = p.covariates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["age", "edu", "band", "late", "none"]);
    assert_eq!(numbers(&p, 0), [Some(31.0), None, None, Some(45.0)]);
    assert_eq!(
        categories(&p, 1),
        &groups(&["BSc", "MSc, hons"], &[0, M, 1, 0])
    );
    assert_eq!(
        categories(&p, 2),
        &groups(&["1", "2", "3.0"], &[0, 1, 0, 2])
    );
    assert_eq!(
        categories(&p, 3),
        &groups(&["1.50", "2", "n/a"], &[0, 1, 2, 1])
    );
    assert_eq!(numbers(&p, 4), [None, None, None, None]);
    // Not asked for: none read; the rest of the payroll as without them.
    let plain = read_csv(&Request {
        covariates: &[],
        categorical: &[],
        ..req.clone()
    })
    .unwrap();
    assert!(plain.covariates.is_empty());
    assert_eq!((plain.pay, plain.groups), (p.pay, p.groups));
}

/// Parts of a file split between threads meet the text of a column at different rows: the
/// result is the same as reading it whole.
#[test]
fn a_column_of_numbers_with_text_at_its_end_is_categorical_in_every_part() {
    let mut text = String::from("pay,code,spouse\n");
    let rows = 300_000;
    for i in 0..rows {
        let code = if i == rows - 1 {
            "x".to_string()
        } else {
            (i % 9).to_string()
        };
        let spouse = if i < rows / 2 + 1000 { "" } else { "yes" };
        text.push_str(&format!("{},{code},{spouse}\n", 100 + i % 50));
    }
    let path = scratch("late-text.csv", text.as_bytes());
    let req = Request {
        covariates: &["code", "spouse"],
        ..Request::new(&path, "pay")
    };
    assert!(fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    let code = categories(&p, 0);
    let labels: Vec<&str> = code.labels.iter().map(String::as_str).collect();
    assert_eq!(labels, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "x"]);
    assert_eq!(code.codes[..10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
    assert_eq!(code.codes[rows - 1], 9);
    let spouse = categories(&p, 1);
    assert_eq!(spouse.labels, ["yes"]);
    assert_eq!(
        spouse.codes.iter().filter(|&&c| c == M).count(),
        rows / 2 + 1000
    );
    assert_eq!(spouse.codes[rows - 1], 0);
}

#[test]
fn nan_or_infinity_in_a_numeric_covariate_is_refused_unless_it_is_categorical() {
    let path = scratch("nan-age.csv", b"pay,age\n100,30\n110,NaN\n120,-inf\n130,\n");
    let req = Request {
        covariates: &["age"],
        ..Request::new(&path, "pay")
    };
    assert_eq!(
        read_csv(&req).unwrap_err(),
        format!(
            "{}: column \"age\" (explanatory column) holds NaN or infinite values at data row 2 \
             (line 3) \"NaN\", row 3 (line 4) \"-inf\"; the values of an explanatory column must \
             be finite numbers, or empty where unknown: fix or remove those rows",
            path.display()
        )
    );
    // Read as categories, they are labels.
    let p = read_csv(&Request {
        categorical: &["age"],
        ..req.clone()
    })
    .unwrap();
    assert_eq!(
        categories(&p, 0),
        &groups(&["-inf", "30", "NaN"], &[1, 2, 0, M])
    );
    // Numbers as pay's are read: a sign, an exponent, spaces around.
    let path = scratch(
        "signed-age.csv",
        b"pay,age
100,+3
110,1e3
120,	7 
",
    );
    let p = read_csv(&Request {
        covariates: &["age"],
        ..Request::new(&path, "pay")
    })
    .unwrap();
    assert_eq!(numbers(&p, 0), [Some(3.0), Some(1000.0), Some(7.0)]);
    // So they are when a cell is text.
    let path = scratch("text-age.csv", b"pay,age\n100,30\n110,NaN\n120,unknown\n");
    let p = read_csv(&Request {
        covariates: &["age"],
        ..Request::new(&path, "pay")
    })
    .unwrap();
    assert_eq!(
        categories(&p, 0),
        &groups(&["30", "NaN", "unknown"], &[0, 1, 2])
    );
}

#[test]
fn covariate_labels_that_are_not_utf8_are_refused() {
    let path = scratch("latin1-edu.csv", b"pay,edu\n100,caf\xe9\n");
    let req = Request {
        covariates: &["edu"],
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&req).unwrap_err();
    assert!(
        e.contains(
            "column \"edu\" (explanatory column) is not valid UTF-8 text at data row 1 (line 2)"
        ),
        "{e}"
    );
}

#[test]
fn a_covariate_may_not_be_another_column_nor_named_twice() {
    let path = scratch("explain-roles.csv", EXPLAIN.as_bytes());
    let base = Request {
        group_option: "--by",
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&Request {
        covariates: &["age", "edu", "age"],
        ..base.clone()
    })
    .unwrap_err();
    assert_eq!(
        e,
        format!(
            "{}: column \"age\" is named twice by --explain; name each column once",
            path.display()
        )
    );
    let e = read_csv(&Request {
        group: Some("sex"),
        covariates: &["age", "sex"],
        ..base.clone()
    })
    .unwrap_err();
    assert!(
        e.ends_with(
            "column \"sex\" is named by both --by and --explain; each role needs its own column"
        ),
        "{e}"
    );
    let e = read_with(
        &Request {
            covariates: &["age", "grade"],
            ..base
        },
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            &e,
            TableError::MissingColumn {
                role: Role::Covariate,
                option: "--explain",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn dropping_nonpositive_pay_keeps_covariates_aligned() {
    let text = "pay,age,edu\n100,30,a\n0,40,b\n-3,,c\n120,,\n";
    let path = scratch("drop-explain.csv", text.as_bytes());
    let req = Request {
        covariates: &["age", "edu"],
        nonpositive: NonPositive::Drop,
        ..Request::new(&path, "pay")
    };
    assert!(fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    assert_eq!(p.pay, [100.0, 120.0]);
    assert_eq!(numbers(&p, 0), [Some(30.0), None]);
    assert_eq!(categories(&p, 1), &groups(&["a", "b", "c"], &[0, M]));
}

#[test]
fn parquet_covariates_are_numeric_or_categorical_by_type() {
    let df = df![
        "pay" => [100.0, 120.0, 90.0],
        "age" => [Some(30i64), None, Some(45)],
        "hours" => [Some(37.5f32), Some(20.0), None],
        "edu" => [Some("BSc"), None, Some("")],
        "union" => [Some(true), Some(false), None],
        "grade" => [3u8, 1, 3],
        "blank" => [None::<f64>, None, None],
    ]
    .unwrap();
    let mut df = df;
    let tenure = Series::new("tenure".into(), [Some(1.25f64), None, Some(2.5)])
        .cast(&DataType::Decimal(10, 2))
        .unwrap();
    let hired = Series::new("hired".into(), [Some(0i32), Some(365), None])
        .cast(&DataType::Date)
        .unwrap();
    df.with_column(tenure.into()).unwrap();
    df.with_column(hired.into()).unwrap();
    let path = parquet("explain.parquet", df);
    let req = Request {
        covariates: &[
            "age", "hours", "edu", "union", "grade", "tenure", "hired", "blank",
        ],
        categorical: &["grade"],
        ..Request::new(&path, "pay")
    };
    let (p, _) = read_with(&req, &ReadOptions::default()).unwrap();
    assert_eq!(numbers(&p, 0), [Some(30.0), None, Some(45.0)]);
    assert_eq!(numbers(&p, 1), [Some(37.5), Some(20.0), None]);
    assert_eq!(categories(&p, 2), &groups(&["BSc"], &[0, M, M]));
    assert_eq!(categories(&p, 3), &groups(&["false", "true"], &[1, 0, M]));
    assert_eq!(categories(&p, 4), &groups(&["1", "3"], &[1, 0, 1]));
    assert_eq!(numbers(&p, 5), [Some(1.25), None, Some(2.5)]);
    assert_eq!(
        categories(&p, 6),
        &groups(&["1970-01-01", "1971-01-01"], &[0, 1, M])
    );
    assert_eq!(numbers(&p, 7), [None, None, None]);
    // Dropping rows keeps them aligned.
    let df = df!["pay" => [1.0, -1.0, 2.0], "age" => [Some(3i64), Some(4), None]].unwrap();
    let path = parquet("explain-drop.parquet", df);
    let (p, _) = read_with(
        &Request {
            covariates: &["age"],
            nonpositive: NonPositive::Drop,
            ..Request::new(&path, "pay")
        },
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(numbers(&p, 0), [Some(3.0), None]);
}

#[test]
fn parquet_covariates_refuse_nan_and_types_that_are_not_values() {
    let df = df![
        "pay" => [100.0, 120.0, 90.0],
        "score" => [Some(1.0), Some(f64::NAN), None],
    ]
    .unwrap();
    let path = parquet("explain-nan.parquet", df);
    let req = Request {
        covariates: &["score"],
        ..Request::new(&path, "pay")
    };
    let e = read_with(&req, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: column \"score\" (explanatory column) holds NaN or infinite values at data row 2 \
             \"NaN\"; the values of an explanatory column must be finite numbers, or empty where \
             unknown: fix or remove those rows",
            path.display()
        )
    );
    let skills = Series::new(
        "skills".into(),
        [
            Series::new("".into(), [1i32]),
            Series::new("".into(), [2i32]),
        ],
    );
    let mut df = df!["pay" => [100.0, 120.0]].unwrap();
    df.with_column(skills.into()).unwrap();
    let path = parquet("explain-list.parquet", df);
    let req = Request {
        covariates: &["skills"],
        ..Request::new(&path, "pay")
    };
    let e = read_with(&req, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            TableError::GroupType {
                role: Role::Covariate,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains(
            "column \"skills\" (explanatory column) has type list[i32]; an explanatory column \
             must hold text"
        ),
        "{e}"
    );
}

/// `NonPositive::Keep` (`--nonpositive keep`): zero and negative pay stay, counted, through the
/// CSV fast path, the general CSV reader and Parquet alike; NaN, infinite and empty pay are
/// still refused.
#[test]
fn keeping_nonpositive_pay_counts_the_rows_on_every_reader() {
    // Plain CSV: the fast path reads it (and the general reader agrees, `read_csv`).
    let text = "pay,sex\n100,F\n0,M\n-3.5,F\n120,M\n0,F\n";
    let path = scratch("keep.csv", text.as_bytes());
    let req = Request {
        group: Some("sex"),
        nonpositive: NonPositive::Keep,
        ..Request::new(&path, "pay")
    };
    assert!(fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    assert_eq!(p.pay, [100.0, 0.0, -3.5, 120.0, 0.0]);
    assert_eq!(p.groups, Some(groups(&["F", "M"], &[0, 1, 0, 1, 0])));
    assert_eq!(
        (p.rows_read, p.dropped_nonpositive, p.kept_nonpositive),
        (5, 0, 3)
    );

    // A quoted line break sends the file to the general reader only.
    let text = "pay,note\n100,\"two\nlines\"\n\"0\",x\n-7,y\n";
    let path = scratch("keep-general.csv", text.as_bytes());
    let req = Request {
        nonpositive: NonPositive::Keep,
        ..Request::new(&path, "pay")
    };
    assert!(!fast_path_reads(&req));
    let p = read_csv(&req).unwrap();
    assert_eq!(p.pay, [100.0, 0.0, -7.0]);
    assert_eq!((p.rows_read, p.kept_nonpositive), (3, 2));

    // Parquet: floats and integers.
    for (name, df) in [
        (
            "keep-f64.parquet",
            df!["pay" => [0.0, 250.0, -1.25]].unwrap(),
        ),
        ("keep-i32.parquet", df!["pay" => [0i32, 250, -1]].unwrap()),
    ] {
        let path = parquet(name, df);
        let req = Request {
            nonpositive: NonPositive::Keep,
            ..Request::new(&path, "pay")
        };
        let (p, _) = read_with(&req, &ReadOptions::default()).unwrap();
        assert_eq!(p.pay.len(), 3, "{name}");
        assert_eq!((p.pay[0], p.pay[1]), (0.0, 250.0), "{name}");
        assert!(p.pay[2] < 0.0, "{name}");
        assert_eq!(
            (p.kept_nonpositive, p.dropped_nonpositive),
            (2, 0),
            "{name}"
        );
        // The default policy refuses the same file, naming the rows and the options.
        let e = read_with(&Request::new(&path, "pay"), &ReadOptions::default()).unwrap_err();
        let e = e.to_string();
        assert!(
            e.contains("2 rows of column \"pay\" have zero or negative pay"),
            "{e}"
        );
        assert!(
            e.contains("--nonpositive drop") && e.contains("--nonpositive keep"),
            "{e}"
        );
    }

    // Keep is no licence for NaN, infinite or empty pay, on either CSV reader.
    for (name, text, message) in [
        ("keep-nan.csv", "pay\n0\nNaN\n", "NaN or infinite"),
        ("keep-inf.csv", "pay\n-1\ninf\n", "NaN or infinite"),
        ("keep-empty.csv", "pay\n0\n\"\"\n5\n", "is empty at data"),
    ] {
        let path = scratch(name, text.as_bytes());
        let req = Request {
            nonpositive: NonPositive::Keep,
            ..Request::new(&path, "pay")
        };
        let e = read_csv(&req).unwrap_err();
        assert!(e.contains(message), "{name}: {e}");
    }
}

/// The message for zero or negative pay ends with the caller's options
/// ([`Request::nonpositive_hint`]): `wages gap` offers `--drop-nonpositive` only. One line,
/// with the file, the data row and the CSV line.
#[test]
fn the_nonpositive_error_names_the_callers_options() {
    let path = scratch("hint.csv", b"pay\n100\n0\n");
    let e = read_csv(&Request::new(&path, "pay")).unwrap_err();
    assert!(
        e.ends_with("fix those rows, or pass --nonpositive drop to exclude them (the output then says how many) or --nonpositive keep to include them where the measures allow"),
        "{e}"
    );
    assert!(
        e.contains("hint.csv") && e.contains("row 2 (line 3)"),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
    let req = Request {
        nonpositive_hint: "pass --drop-nonpositive to exclude them",
        ..Request::new(&path, "pay")
    };
    let e = read_csv(&req).unwrap_err();
    assert!(
        e.ends_with("fix those rows, or pass --drop-nonpositive to exclude them"),
        "{e}"
    );
}
