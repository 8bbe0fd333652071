//! `wages chart`: what is drawn (SVG text and element counts, PNG size and pixels), the files
//! written, and the error contract.
//!
//! Data marks are countable in the SVG: bars are `<rect>` and points `<circle>` elements in
//! their series' colour; the frame draws legend swatches as polygons/polylines, so they do not
//! add to these counts.

mod common;
use common::copy_dir;

use assert_cmd::Command;
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

fn wages() -> Command {
    Command::cargo_bin("wages").unwrap()
}

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

    // A cap added to the data adds a bar.
    let data = tempfile::tempdir().unwrap();
    copy_dir(Path::new("data"), data.path());
    let file = data.path().join("figures/modern-caps.toml");
    let mut toml = std::fs::read_to_string(&file).unwrap();
    toml.push_str(
        "\n[[figure]]\nid = \"mondragon-test\"\ngroup = \"modern-caps\"\ndescription = \"test\"\nvalue = 9\nqualifier = \"exact\"\nunit = \"ratio\"\ndate = \"2000\"\nstatus = \"assumption\"\nbasis = \"test only\"\nsource = \"test\"\n",
    );
    std::fs::write(&file, toml).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut cmd = wages();
    cmd.arg("--data").arg(data.path());
    cmd.args(["chart", "caps-compared", "--format", "svg", "--out"])
        .arg(out.path());
    cmd.assert().success();
    let text = std::fs::read_to_string(out.path().join("caps-compared.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "rect", GREEN), 3);
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

#[test]
fn a_missing_figure_is_a_data_error_naming_it_and_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(Path::new("data"), data.path());
    let file = data.path().join("figures/pirani-2006.toml");
    let toml = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        toml.replace("id = \"bromlei-kun\"", "id = \"bromlei-kun-renamed\""),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = wages()
        .arg("--data")
        .arg(data.path())
        .args(["chart", "all", "--format", "both", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bromlei-kun") && err.contains("bromlei"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no partial output"
    );
}

/// The charts compute with the same analysis functions as `wages report`; this keeps the two
/// from ever disagreeing: every derived number the charts label is the report's, as rounded on
/// the chart.
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
