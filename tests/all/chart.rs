//! `wages chart`: the charts a dataset declares (`[[chart]]` records, docs/charts.md): what is
//! drawn (SVG text and element counts, PNG size and pixels), that a changed figure changes the
//! chart, a second dataset's charts, the files written, the error contract, and the data check
//! messages for bad chart records.
//!
//! Data marks are countable in the SVG: bars are `<rect>` and points `<circle>` elements in
//! their series' colour; the frame draws legend swatches as polygons/polylines, so they do not
//! add to these counts.

use crate::util::copy_dir;

use std::path::{Path, PathBuf};

const BLUE: &str = "#0072B2";
const VERMILION: &str = "#D55E00";
const GREEN: &str = "#009E73";
const ORANGE: &str = "#E69F00";

const CHARTS: [&str; 6] = [
    "ratio-timeline",
    "vovsi-brackets",
    "vovsi-tail",
    "bromlei",
    "party-pay-1922",
    "caps-compared",
];

use crate::util::wages;

fn render(name: &str, format: &str, dir: &Path, extra: &[&str]) -> PathBuf {
    let mut cmd = wages();
    cmd.args(["chart", name, "--format", format, "--out"])
        .arg(dir)
        .args(extra);
    cmd.assert().success();
    dir.join(format!("{name}.{format}"))
}

fn svg(name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::read_to_string(render(name, "svg", dir.path(), &[])).unwrap()
}

/// All text of the SVG's `<text>` elements, trimmed.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn count(doc: &roxmltree::Document, tag: &str, fill: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("fill") == Some(fill))
        .count()
}

fn has_text(all: &[String], needle: &str) -> bool {
    all.iter().any(|t| t.contains(needle))
}

/// The paper's chart declarations, in a dataset directory.
const CHARTS_FILE: &str = "derivations/pirani-2006-charts.toml";
/// A second dataset, from other passages of the paper.
const EXAMPLE: &str = "examples/pirani-appointments";
const GREY: &str = "#606060";

/// A copy of the embedded dataset to edit.
fn data_copy() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    copy_dir(Path::new("data"), data.path());
    data
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let s = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(s)).unwrap();
}

/// The SVG of chart `name` of the dataset in `data`.
fn svg_of(data: &Path, name: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    wages()
        .arg("--data")
        .arg(data)
        .args(["chart", name, "--format", "svg", "--out"])
        .arg(out.path())
        .assert()
        .success();
    std::fs::read_to_string(out.path().join(format!("{name}.svg"))).unwrap()
}

fn all_texts(svg: &str) -> Vec<String> {
    texts(&roxmltree::Document::parse(svg).unwrap())
}

/// `(x, height)` of the `<rect>` elements filled with `fill`, left to right.
fn rects(doc: &roxmltree::Document, fill: &str) -> Vec<(f64, f64)> {
    let num = |n: &roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    let mut r: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(fill))
        .map(|n| (num(&n, "x"), num(&n, "height")))
        .collect();
    r.sort_by(|a, b| a.0.total_cmp(&b.0));
    r
}

/// Runs `wages ARGS` and returns (exit code, stderr).
fn fails(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let o = wages().args(args).output().unwrap();
    (o.status.code(), String::from_utf8(o.stderr).unwrap())
}

#[test]
fn list_names_every_chart_with_a_description() {
    let out = wages().args(["chart", "--list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), CHARTS.len(), "{text}");
    for name in CHARTS {
        let line = text.lines().find(|l| l.starts_with(name)).unwrap();
        assert!(line.len() > name.len() + 20, "no description: {line}");
    }
}

#[test]
fn svg_is_xml_with_title_axes_and_source() {
    // (chart, words of the title, x axis, y axis, source)
    let expected = [
        (
            "ratio-timeline",
            "Official ratio of highest to lowest pay",
            "date (year)",
            "max:min ratio (log scale)",
            "fn 27",
        ),
        (
            "vovsi-brackets",
            "by pay bracket",
            "pay bracket (multiple of the minimum wage)",
            "persons",
            "fn 28",
        ),
        (
            "vovsi-tail",
            "upper tail",
            "k, multiple of the minimum wage (log scale)",
            "N(>k), persons (log scale)",
            "fn 28",
        ),
        (
            "bromlei",
            "Bromlei factory",
            "person (Bromlei party cell list)",
            "multiple of 5th-grade wage",
            "fn 30",
        ),
        (
            "party-pay-1922",
            "Party officials' pay",
            "post",
            "rubles a month (log scale)",
            "fn 25",
        ),
        (
            "caps-compared",
            "Pay-ratio caps compared",
            "highest pay allowed / lowest pay (log scale)",
            "",
            "Swissvotes",
        ),
    ];
    for (name, title, x, y, source) in expected {
        let text = svg(name);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let all = texts(&doc);
        assert!(has_text(&all, title), "{name}: title missing in {all:?}");
        assert!(
            all.iter().any(|t| t == x),
            "{name}: x axis `{x}` missing in {all:?}"
        );
        if !y.is_empty() {
            assert!(all.iter().any(|t| t == y), "{name}: y axis `{y}` missing");
        }
        assert!(has_text(&all, "Source"), "{name}: no source line");
        assert!(
            has_text(&all, source),
            "{name}: source does not name {source}"
        );
        // The embedded font is named, with a generic fallback.
        assert!(
            text.contains("font-family=\"DejaVu Sans, sans-serif\""),
            "{name}"
        );
    }
}

#[test]
fn ratio_timeline_draws_four_official_and_two_effective_ratios() {
    let text = svg("ratio-timeline");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(
        count(&doc, "circle", BLUE),
        4,
        "official 1:5, 1:8, 1:80, 1:40"
    );
    assert_eq!(
        count(&doc, "circle", VERMILION),
        2,
        "Andreev's 80/2 and 40/2"
    );
    let all = texts(&doc);
    for label in ["1:5", "1:8", "1:80", "1:40", "1:20"] {
        assert!(all.iter().any(|t| t == label), "{label} missing");
    }
    // Log axis: ticks 1:1 .. 1:100 in a 1-2-5 sequence.
    for tick in ["1:1", "1:2", "1:10", "1:100"] {
        assert!(all.iter().any(|t| t == tick), "tick {tick} missing");
    }
}

#[test]
fn vovsi_brackets_draws_three_bars_with_intervals_from_qualifiers() {
    let text = svg("vovsi-brackets");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 3);
    let all = texts(&doc);
    // 8-15x = 80,000 - 15,400 - 1,500 = 63,100; interval [80,000 - 15,400 - 1,550,
    // 90,000 - 15,400 - 1,450] = [63,050, 73,150]. "about 1500" = [1450, 1550].
    assert!(has_text(&all, "63,100  [63,050, 73,150]"), "{all:?}");
    assert!(has_text(&all, "1,500  [1,450, 1,550]"), "{all:?}");
    // 15,400 has no qualifier: its label carries no interval.
    assert!(all.iter().any(|t| t == "15,400"), "{all:?}");
}

#[test]
fn vovsi_tail_draws_three_points_and_labels_both_exponents() {
    let text = svg("vovsi-tail");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "circle", BLUE), 3, "N(>8), N(>15), N(>30)");
    let all = texts(&doc);
    // α = ln(80,000 / 16,900) / ln(15/8) = 2.473; ln(16,900 / 1,500) / ln 2 = 3.494.
    assert!(has_text(&all, "α ≈ 2.47"), "{all:?}");
    assert!(has_text(&all, "α ≈ 3.49"), "{all:?}");
    // 80,000 × (8/30)^2.473 = 3,043.
    assert!(has_text(&all, "≈3,043"), "{all:?}");
}

#[test]
fn bromlei_draws_three_bars_as_lower_bounds_and_the_caps() {
    let text = svg("bromlei");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 3);
    let all = texts(&doc);
    // 90,000 / 7,500 = 12; 194,000 / 7,500 = 25.866... floored for a lower bound.
    assert!(has_text(&all, "≥ 12x"), "{all:?}");
    assert!(has_text(&all, "≥ 25.86x"), "{all:?}");
    for cap in ["1:5 (1919)", "1:8 (1922)"] {
        assert!(has_text(&all, cap), "{cap} missing: {all:?}");
    }
}

#[test]
fn party_pay_shows_three_salaries_the_window_and_the_condition() {
    let text = svg("party-pay-1922");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "circle", BLUE), 3, "300, 430, 645");
    let all = texts(&doc);
    // Strict window [645/50, 300/20] = [12.9, 15]; per salary 300 → [6, 15].
    assert!(has_text(&all, "12.9-15"), "{all:?}");
    assert!(all.iter().any(|t| t == "6-15"), "{all:?}");
    let joined = all.join(" ");
    assert!(
        joined.contains("Conditional") && joined.contains("commodity rubles"),
        "{joined}"
    );
}

#[test]
fn caps_compared_draws_one_bar_per_cap_in_the_data() {
    let text = svg("caps-compared");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 4, "Soviet 1:5, 1:8, 1:80, 1:40");
    assert_eq!(count(&doc, "rect", GREEN), 2, "Mondragon 1956, 1988");
    assert_eq!(count(&doc, "rect", ORANGE), 1, "Swiss initiative");
    assert!(has_text(&texts(&doc), "34.7% yes"));

    // A cap added to the data and to the chart's series adds a bar.
    let data = tempfile::tempdir().unwrap();
    copy_dir(Path::new("data"), data.path());
    let file = data.path().join("figures/modern-caps.toml");
    let mut toml = std::fs::read_to_string(&file).unwrap();
    toml.push_str(
        "\n[[figure]]\nid = \"mondragon-test\"\ngroup = \"modern-caps\"\ndescription = \"test\"\nvalue = 9\nqualifier = \"exact\"\nunit = \"ratio\"\ndate = \"2000\"\nstatus = \"assumption\"\nbasis = \"test only\"\nsource = \"test\"\n",
    );
    std::fs::write(&file, toml).unwrap();
    edit(&data.path().join(CHARTS_FILE), |s| {
        let at = "    { id = \"mondragon-1988\"";
        assert_eq!(s.matches(at).count(), 1);
        s.replace(at, &format!("    {{ id = \"mondragon-test\", category = \"Test co-op, {{mondragon-test:year}}\" }},\n{at}"))
    });
    let text = svg_of(data.path(), "caps-compared");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "rect", GREEN), 3);
    assert!(has_text(&texts(&doc), "Test co-op, 2000"));
    assert!(all_texts(&text).iter().any(|t| t == "1:9"));
}

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn png_has_the_requested_size_and_ink_in_the_plot_area() {
    let dir = tempfile::tempdir().unwrap();
    for (w, h) in [(1200u32, 800u32), (640, 480), (1000, 900)] {
        let path = render(
            "ratio-timeline",
            "png",
            dir.path(),
            &["--width", &w.to_string(), "--height", &h.to_string()],
        );
        let (pw, ph, rgb) = decode_png(&path);
        assert_eq!((pw, ph), (w, h));
        // The middle of the image (the plot area) is not blank white.
        let mut ink = 0;
        for y in h / 3..2 * h / 3 {
            for x in w / 4..3 * w / 4 {
                let i = ((y * w + x) * 3) as usize;
                if rgb[i..i + 3] != [255, 255, 255] {
                    ink += 1;
                }
            }
        }
        assert!(
            ink > 200,
            "{w}x{h}: only {ink} non-background pixels in the plot area"
        );
    }
}

#[test]
fn different_charts_give_different_images() {
    let dir = tempfile::tempdir().unwrap();
    let a = decode_png(&render("vovsi-brackets", "png", dir.path(), &[])).2;
    let b = decode_png(&render("bromlei", "png", dir.path(), &[])).2;
    assert_eq!(a.len(), b.len());
    let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert!(differing > a.len() / 100, "only {differing} bytes differ");
}

#[test]
fn all_both_writes_every_file_and_svg_is_byte_identical_across_runs() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for dir in [&one, &two] {
        wages()
            .args(["chart", "all", "--format", "both", "--out"])
            .arg(dir.path())
            .assert()
            .success();
    }
    let mut names: Vec<String> = std::fs::read_dir(one.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = CHARTS
        .iter()
        .flat_map(|c| [format!("{c}.png"), format!("{c}.svg")])
        .collect();
    expected.sort();
    assert_eq!(names, expected, "exactly the charts, no temp files left");
    for c in CHARTS {
        let a = std::fs::read(one.path().join(format!("{c}.svg"))).unwrap();
        let b = std::fs::read(two.path().join(format!("{c}.svg"))).unwrap();
        assert!(a == b, "{c}.svg differs between runs");
        let a = std::fs::read(one.path().join(format!("{c}.png"))).unwrap();
        let b = std::fs::read(two.path().join(format!("{c}.png"))).unwrap();
        assert!(a == b, "{c}.png differs between runs");
    }
}

#[test]
fn unwritable_out_is_one_line_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = wages()
        .args(["chart", "all", "--format", "both", "--out"])
        .arg(file.join("charts"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("a-file") && err.contains("--out"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the original file remains");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["chart", "no-such-chart", "--out", "x"],
        vec!["chart", "bromlei", "--width", "639"],
        vec!["chart", "bromlei", "--height", "479"],
        vec!["chart", "bromlei", "--width", "100000"],
        vec!["chart", "bromlei", "--width", "-5"],
        vec!["chart", "bromlei", "--format", "gif"],
        vec!["chart"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = wages()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} wrote a file"
        );
    }
}

/// A chart drawing a figure the dataset no longer has is a data problem of the chart record,
/// found when the dataset loads, with file and line; nothing is written.
#[test]
fn a_missing_figure_is_a_data_error_naming_it_and_writes_nothing() {
    let data = data_copy();
    edit(&data.path().join("figures/pirani-2006.toml"), |s| {
        s.replace("id = \"bromlei-kun\"", "id = \"bromlei-kun-renamed\"")
    });
    let out = tempfile::tempdir().unwrap();
    let (code, err) = fails(&[
        "--data".as_ref(),
        data.path().as_os_str(),
        "chart".as_ref(),
        "all".as_ref(),
        "--format".as_ref(),
        "both".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(code, Some(1));
    let chart_line = err
        .lines()
        .find(|l| l.contains("pirani-2006-charts.toml:") && l.contains("record `bromlei`"))
        .unwrap_or_else(|| panic!("no problem of the chart record: {err}"));
    assert!(chart_line.contains("{bromlei-kun}"), "{chart_line}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no partial output"
    );
}

/// A drawn line the ledger cannot evaluate stops the chart with one line naming the chart, the
/// id and the reason, instead of drawing a wrong number; `all` writes nothing.
#[test]
fn a_drawn_line_that_is_not_available_is_a_data_error_naming_it() {
    let data = data_copy();
    edit(&data.path().join(CHARTS_FILE), |mut s| {
        // The paper gives no coefficient for grade 12: this line is not available.
        s.push_str(
            "\n[[chart]]\nid = \"grade-12\"\nkind = \"bars\"\ntitle = \"Bottom rate\"\n\n[[chart.series]]\nitems = [\"conf12-bottom-rate-multiple\"]\n",
        );
        s
    });
    let out = tempfile::tempdir().unwrap();
    for name in ["grade-12", "all"] {
        let (code, err) = fails(&[
            "--data".as_ref(),
            data.path().as_os_str(),
            "chart".as_ref(),
            name.as_ref(),
            "--out".as_ref(),
            out.path().as_os_str(),
        ]);
        assert_eq!(code, Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("chart `grade-12`")
                && err.contains("`conf12-bottom-rate-multiple` is not available")
                && err.contains("grade 12"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// Anikeev's 7,500 rubles is the reference of the Bromlei chart: changed in a copy of the data,
/// the bars, their labels and the subtitle follow, with no number of the old figure left.
#[test]
fn a_changed_figure_changes_the_bromlei_chart() {
    let data = data_copy();
    edit(&data.path().join("figures/pirani-2006.toml"), |s| {
        assert_eq!(s.matches("value = 7500").count(), 1);
        s.replace("value = 7500", "value = 6000")
    });
    let before = svg("bromlei");
    let after = svg_of(data.path(), "bromlei");
    let all = all_texts(&after);
    // 90,000 / 6,000 = 15; 194,000 / 6,000 = 32.333..., a lower bound rounded down.
    for label in [
        "6,000 rub. = 1x",
        "90,000 rub.: ≥ 15x",
        "194,000 rub.: ≥ 32.33x",
        "Anikeev's 6,000 rubles",
    ] {
        assert!(has_text(&all, label), "{label} missing: {all:?}");
    }
    assert!(!has_text(&all, "7,500"), "{all:?}");
    assert!(has_text(&all_texts(&before), "7,500 rub. = 1x"));
    // Same axis (0-50x): Gurevich's and Kun's bars grow by 7,500 / 6,000 = 1.25, Anikeev's not.
    let old = rects(&roxmltree::Document::parse(&before).unwrap(), BLUE);
    let new = rects(&roxmltree::Document::parse(&after).unwrap(), BLUE);
    assert_eq!((old.len(), new.len()), (3, 3));
    assert!((new[0].1 - old[0].1).abs() < 1.5, "{old:?} {new:?}");
    for i in [1, 2] {
        let r = new[i].1 / old[i].1;
        assert!((r - 1.25).abs() < 0.02, "bar {i}: {old:?} {new:?}");
    }
}

/// The charts of another dataset are its own declarations: listed, drawn, and nothing of the
/// paper's.
#[test]
fn a_second_dataset_draws_its_own_charts() {
    let names = [
        "moscow-appointments-by-destination",
        "politburo-agenda-shares",
        "managers-nonworker-shares",
    ];
    let out = wages()
        .args(["--data", EXAMPLE, "chart", "--list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(out.stdout).unwrap();
    assert_eq!(list.lines().count(), 3, "{list}");
    for n in names {
        assert!(list.lines().any(|l| l.starts_with(n)), "{n}: {list}");
    }
    let dir = tempfile::tempdir().unwrap();
    wages()
        .args([
            "--data", EXAMPLE, "chart", "all", "--format", "both", "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    for n in names {
        let (w, h, rgb) = decode_png(&dir.path().join(format!("{n}.png")));
        assert_eq!((w, h), (1200, 800));
        assert!(
            rgb.chunks(3).filter(|p| *p != [255, 255, 255]).count() > 20_000,
            "{n}.png is nearly blank"
        );
    }
    let moscow = std::fs::read_to_string(dir.path().join(format!("{}.svg", names[0]))).unwrap();
    let doc = roxmltree::Document::parse(&moscow).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 9, "fn 10's nine destinations");
    let all = texts(&doc);
    for t in [
        "CC assignments",
        "educational institutions",
        "1,571",
        "5,863",
        "5,860",
    ] {
        assert!(has_text(&all, t), "{t} missing: {all:?}");
    }
    let agenda = std::fs::read_to_string(dir.path().join(format!("{}.svg", names[1]))).unwrap();
    let doc = roxmltree::Document::parse(&agenda).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 5);
    assert_eq!(count(&doc, "rect", GREY), 1, "the derived unlisted share");
    assert!(has_text(&texts(&doc), "25.5%"), "100 - 74.5");
    let managers = std::fs::read_to_string(dir.path().join(format!("{}.svg", names[2]))).unwrap();
    let doc = roxmltree::Document::parse(&managers).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 2);
    assert_eq!(count(&doc, "rect", VERMILION), 2);
    // The paper's charts are not this dataset's.
    let o = wages()
        .args(["--data", EXAMPLE, "chart", "bromlei", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("moscow-appointments-by-destination"), "{err}");
}

/// One chart of each kind in a dataset written from docs/charts.md alone: a linear timeline
/// with a derived point placed by `date_of`, horizontal bars with a reference line, and a tail
/// whose segment comes from a derived exponent.
#[test]
fn a_small_dataset_declares_one_chart_of_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("figures")).unwrap();
    std::fs::create_dir_all(d.join("derivations")).unwrap();
    let fig = |id: &str, value: u32, date: &str| {
        format!(
            "[[figure]]\nid = \"{id}\"\ngroup = \"s\"\ndescription = \"{id}\"\nvalue = {value}\nqualifier = \"exact\"\nunit = \"persons\"\ndate = \"{date}\"\nstatus = \"reported\"\nsource = \"A source, p1\"\n\n"
        )
    };
    let figures = [
        fig("members-1900", 100, "1900"),
        fig("members-1910", 250, "1910-06"),
        fig("above-2", 1000, "1910"),
        fig("above-4", 250, "1910"),
    ]
    .concat();
    std::fs::write(d.join("figures/f.toml"), figures).unwrap();
    std::fs::write(
        d.join("derivations/d.toml"),
        r#"[[section]]
id = "s"
title = "S"

[[derived]]
id = "members-1910-doubled"
section = "s"
label = "Twice the 1910 members"
formula = "2 * {members-1910}"
unit = "persons"

[[derived]]
id = "alpha"
section = "s"
label = "Pareto exponent between 2 and 4"
formula = "ln({above-2} / {above-4}) / ln(4 / 2)"
unit = "exponent"

[[chart]]
id = "members"
kind = "timeline"
title = "Members, {members-1900:year}-{members-1910:year}"
y_label = "persons"

[[chart.series]]
legend = "members"
points = ["members-1900", "members-1910"]

[[chart.series]]
legend = "doubled"
labels = "below"
points = [{ id = "members-1910-doubled", date_of = "members-1910", label = "2 × {members-1910} = {.}" }]

[[chart]]
id = "counts"
kind = "bars"
title = "Counts"
orientation = "horizontal"

[[chart.series]]
items = [{ id = "members-1900", category = "in {members-1900:year}" }, { id = "members-1910", category = "in {members-1910:month}" }]

[[chart.reference]]
id = "above-4"
label = "N(>4) = {.}"

[[chart]]
id = "tail"
kind = "tail"
title = "Tail"
points = [{ at = 2, id = "above-2" }, { at = 4, id = "above-4" }]
segments = [{ from = 2, to = 4, exponent = "alpha" }]
"#,
    )
    .unwrap();
    let data = d.as_os_str();
    let (code, err) = fails(&["data".as_ref(), "check".as_ref(), data]);
    assert_eq!(code, Some(0), "{err}");
    let timeline = svg_of(d, "members");
    let doc = roxmltree::Document::parse(&timeline).unwrap();
    assert_eq!(count(&doc, "circle", BLUE), 2);
    assert_eq!(count(&doc, "circle", VERMILION), 1);
    let all = texts(&doc);
    for t in ["Members, 1900-1910", "2 × 250 = 500", "1905", "persons"] {
        assert!(has_text(&all, t), "{t} missing: {all:?}");
    }
    let bars = svg_of(d, "counts");
    let doc = roxmltree::Document::parse(&bars).unwrap();
    assert_eq!(count(&doc, "rect", BLUE), 2);
    let all = texts(&doc);
    for t in ["in 1900", "in June 1910", "N(>4) = 250"] {
        assert!(all.iter().any(|x| x == t), "{t} missing: {all:?}");
    }
    let tail = svg_of(d, "tail");
    let doc = roxmltree::Document::parse(&tail).unwrap();
    assert_eq!(count(&doc, "circle", BLUE), 2);
    // ln(1000 / 250) / ln 2 = 2, exactly.
    assert!(
        has_text(&texts(&doc), "α ≈ 2.00 [2.00, 2.00]"),
        "{:?}",
        texts(&doc)
    );
}

/// `wages data check` on bad chart records: every problem of the chart records, one line each,
/// with the file, the line and the record, and the nearest id or field where there is one.
#[test]
fn data_check_names_every_problem_of_chart_records() {
    let data = data_copy();
    let file = data.path().join(CHARTS_FILE);
    let good = std::fs::read_to_string(&file).unwrap();
    let first = good.lines().count() + 1;
    let bad = r#"
[[chart]]
id = "bad-kind"
kind = "pie"
title = "x"

[[chart]]
id = "bad-bars"
kind = "bars"
title = "Bad {bromlei-anikev}"
orientaton = "horizontal"
value_scale = "logarithmic"
bar_width = 2

[[chart.series]]
colour = "blue"
items = [
    { id = "bromlei-kun-multiple-computd", category = "{.}" },
    { id = "pavlova-worker-wage-window" },
    { id = "pavlova-window-consistent", label = "{.x} {vovsi-alpha-8-15:yearly}" },
]

[[chart]]
id = "no-series"
kind = "bars"
title = "t {.}"

[[chart]]
id = "bad-timeline"
kind = "timeline"
title = "t"
subtitle = "{andreev-floor:year}"
y_scale = "log"
y_range = [0, 100]

[[chart.series]]
points = ["andreev-effective-1922-12-computed", { id = "ratio-1919", date = "1919-13" }, { id = "ratio-1922", date_of = "andreev-floor" }]

[[chart]]
id = "bad-tail"
kind = "tail"
title = "t"
points = [{ at = 8, id = "vovsi-count-above-8x" }, { id = "vovsi-count-above-15x" }]
segments = [{ from = 9, to = 15, exponent = "vovsi-alpha-8-15" }]
"#;
    std::fs::write(&file, format!("{good}{bad}")).unwrap();
    let (code, err) = fails(&["data".as_ref(), "check".as_ref(), data.path().as_os_str()]);
    assert_eq!(code, Some(1), "{err}");
    // (line in `bad`, 1-based, and what the message says)
    let expected: &[(usize, &str)] = &[
        (4, "record `bad-kind`: kind = \"pie\": unknown chart kind; use one of timeline, bars, tail"),
        (10, "record `bad-bars`: title = \"Bad {bromlei-anikev}\": `{bromlei-anikev}` names no figure or derived line; did you mean `{bromlei-anikeev}`?"),
        (11, "record `bad-bars`: orientaton = \"horizontal\": unknown field; did you mean `orientation`?"),
        (12, "record `bad-bars`: value_scale = \"logarithmic\": not a known value; use one of linear, log"),
        (13, "record `bad-bars`: bar_width = 2: out of range"),
        (16, "record `bad-bars`: series[1].colour = \"blue\": unknown field; did you mean `color`?"),
        (18, "record `bad-bars`: series[1].items[1].id = \"bromlei-kun-multiple-computd\": names no figure or derived line; did you mean \"bromlei-kun-multiple-computed\"?"),
        (19, "record `bad-bars`: series[1].items[2].id = \"pavlova-worker-wage-window\": is a range with no single value, which a bar cannot show"),
        (20, "record `bad-bars`: series[1].items[3].id = \"pavlova-window-consistent\": names a check, which has no value to draw"),
        (20, "`{.x}`: an item has `{.}`, `{.lo}`, `{.hi}` and `{.interval}`"),
        (20, "`{vovsi-alpha-8-15:yearly}`: unknown style `yearly`"),
        (24, "record `no-series`: series = (missing): required field; add [[chart.series]] records"),
        (26, "record `no-series`: title = \"t {.}\": `{.}`: `{.}` refers to a drawn item"),
        (32, "record `bad-timeline`: subtitle = \"{andreev-floor:year}\": `{andreev-floor:year}`: the figure `andreev-floor` has no date"),
        (34, "record `bad-timeline`: y_range = [0, 100]: a log axis cannot start at or below 0"),
        (37, "record `bad-timeline`: series[1].points[1].id = \"andreev-effective-1922-12-computed\": has no date to place it on the time axis"),
        (37, "record `bad-timeline`: series[1].points[2].date = \"1919-13\": not a date"),
        (37, "record `bad-timeline`: series[1].points[3].date_of = \"andreev-floor\": the figure has no date"),
        (43, "record `bad-tail`: points[2].at = (missing): required field"),
        (44, "record `bad-tail`: segments[1].from = 9: is not the threshold of a point; start at one of the points' `at`: 8"),
    ];
    let lines: Vec<&str> = err.lines().collect();
    for (at, text) in expected {
        let place = format!("pirani-2006-charts.toml:{}:", first + at - 1);
        assert!(
            lines.iter().any(|l| l.contains(&place) && l.contains(text)),
            "no `{place}` ... `{text}` in:\n{err}"
        );
    }
    // Nothing else, and nothing about the good charts above them.
    assert_eq!(lines.len(), expected.len() + 1, "{err}");
    assert!(
        err.ends_with(&format!(": {} problems found\n", expected.len())),
        "{err}"
    );
}

/// Every declared chart of both datasets draws at the smallest size without its labels
/// running out of room, and the plot area has ink.
#[test]
fn every_declared_chart_draws_at_the_smallest_size() {
    let dir = tempfile::tempdir().unwrap();
    for data in ["data", EXAMPLE] {
        wages()
            .args([
                "--data", data, "chart", "all", "--width", "640", "--height", "480", "--out",
            ])
            .arg(dir.path())
            .assert()
            .success();
    }
    let n = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(n, CHARTS.len() + 3);
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let (w, h, rgb) = decode_png(&e.unwrap().path());
        assert_eq!((w, h), (640, 480));
        let ink = (h / 3..2 * h / 3)
            .flat_map(|y| (w / 4..3 * w / 4).map(move |x| ((y * w + x) * 3) as usize))
            .filter(|&i| rgb[i..i + 3] != [255, 255, 255])
            .count();
        assert!(ink > 200, "only {ink} pixels of ink");
    }
}

/// The charts draw the ledger's lines, the same `wages report` shows: every derived number the
/// charts label is the report's, as rounded on the chart.
#[test]
fn charts_agree_with_the_report() {
    let out = wages()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    fn find<'a>(v: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("id").and_then(|i| i.as_str()) == Some(id) && m.contains_key("value") {
                    return Some(v);
                }
                m.values().find_map(|x| find(x, id))
            }
            serde_json::Value::Array(a) => a.iter().find_map(|x| find(x, id)),
            _ => None,
        }
    }
    let num = |id: &str, key: &str| -> f64 {
        let line = find(&json, id).unwrap_or_else(|| panic!("report has no `{id}`"));
        match key {
            "value" => line["value"].as_f64().unwrap(),
            k => line["interval"][k].as_f64().unwrap(),
        }
    };
    let tail = texts(&roxmltree::Document::parse(&svg("vovsi-tail")).unwrap()).join("\n");
    for id in ["vovsi-alpha-8-15", "vovsi-alpha-15-30"] {
        let label = format!(
            "α ≈ {:.2} [{:.2}, {:.2}]",
            num(id, "value"),
            num(id, "lo"),
            num(id, "hi")
        );
        assert!(tail.contains(&label), "{label} not on vovsi-tail:\n{tail}");
    }
    let brackets = texts(&roxmltree::Document::parse(&svg("vovsi-brackets")).unwrap()).join("\n");
    let b = |k| wages_fmt(num("vovsi-count-8-15x", k));
    let label = format!("{}  [{}, {}]", b("value"), b("lo"), b("hi"));
    assert!(
        brackets.contains(&label),
        "{label} not on vovsi-brackets:\n{brackets}"
    );
}

fn wages_fmt(x: f64) -> String {
    let s = format!("{:.0}", x);
    if s.len() > 3 {
        let (a, b) = s.split_at(s.len() - 3);
        format!("{a},{b}")
    } else {
        s
    }
}
