//! `--format html` (docs/html.md), for every page kind: `report`, `data list`, `tabulate`,
//! `analyze` and `gap`.
//!
//! - The page parses as HTML5 (html5ever, through `scraper`) without a single parse error.
//! - Every value of the command's JSON output appears in the page (see [`json_in_page`] for the
//!   rule: strings as text, numbers exactly or as the page rounds them).
//! - Markup planted in labels, quotes, sources and group names comes out escaped.
//! - The page is self-contained: no `<script>`, `<link>`, `<img>`, `<iframe>`, no `src`, no
//!   `href` other than `#fragment`, no CSS `url(` or `@import`.
//! - In a real browser (`chromium --headless`, which `.ci/run` installs): the rendered DOM at
//!   1,400 and 375 px holds the figures and the charts' `<svg>`, no request left the page (the
//!   browser's net log), the page does not overflow sideways at 375 px, and screenshots at both
//!   widths are written to `target/tmp/html-screenshots/`. Without chromium these tests fail.
//! - The paper's report page is under 1 MiB.

use crate::util::wages;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;
use std::path::{Path, PathBuf};

// --- running the commands ---------------------------------------------------------------

fn run(args: &[&str]) -> String {
    let out = wages().args(args).env("COLUMNS", "200").output().unwrap();
    assert!(
        out.status.success(),
        "wages {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The page and the JSON of the same command (`--format html` / `--format json`).
fn page_and_json(args: &[&str]) -> (String, Value) {
    let mut a = args.to_vec();
    a.extend(["--format", "html"]);
    let page = run(&a);
    let mut j = args.to_vec();
    j.extend(["--format", "json"]);
    let json = serde_json::from_str(&run(&j)).unwrap();
    (page, json)
}

#[cfg_attr(not(feature = "table"), allow(dead_code))]
fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyze")
        .join(name)
        .display()
        .to_string()
}

// --- parsing the page -------------------------------------------------------------------

/// The page parsed by html5ever; panics on any parse error.
fn parse(page: &str) -> Html {
    let doc = Html::parse_document(page);
    assert!(
        doc.errors.is_empty(),
        "the page has HTML5 parse errors: {:?}",
        doc.errors
    );
    doc
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The text a reader sees in the body outside the charts (tables, notes, provenance), with
/// every run of whitespace made one space. Chart text (SVG) is left out, so a value must be in
/// the page's text, not only on a chart's axis.
fn body_text(doc: &Html) -> String {
    fn walk(e: ElementRef, out: &mut String) {
        for child in e.children() {
            match child.value() {
                Node::Text(t) => {
                    out.push_str(t);
                }
                Node::Element(el) => {
                    if matches!(el.name(), "svg" | "style" | "script" | "title") {
                        continue;
                    }
                    if let Some(c) = ElementRef::wrap(child) {
                        out.push(' ');
                        walk(c, out);
                        out.push(' ');
                    }
                }
                _ => {}
            }
        }
    }
    let body = doc.select(&sel("body")).next().expect("a <body>");
    let mut s = String::new();
    walk(body, &mut s);
    normalise(&s)
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Numbers written in the text: `80,000`, `-1.25`, `13.8` (of `13.8%`), `1` and `5` (of
/// `1:5`), as (value, decimals shown).
fn numbers_in(text: &str) -> Vec<(f64, i32)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let neg = i > 0 && b[i - 1] == b'-';
            let start = i;
            // A thousands separator: a comma followed by exactly three digits.
            let separator = |i: usize| {
                b[i] == b','
                    && b.len() >= i + 4
                    && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                    && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            };
            let mut point = false;
            while i < b.len()
                && (b[i].is_ascii_digit()
                    || separator(i)
                    || (b[i] == b'.'
                        && !point
                        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                        && {
                            point = true;
                            true
                        }))
            {
                i += 1;
            }
            let tok: String = text[start..i].chars().filter(|&c| c != ',').collect();
            let decimals = tok.split_once('.').map_or(0, |(_, d)| d.len() as i32);
            // Rust's shortest form may end in an exponent (1e-7, 1.5e20).
            let (tok, exp) = if i + 1 < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
                    j += 1;
                }
                let ds = j;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if j > ds {
                    let e = text[i + 1..j].parse::<i32>().unwrap_or(0);
                    i = j;
                    (tok, e)
                } else {
                    (tok, 0)
                }
            } else {
                (tok, 0)
            };
            if let Ok(v) = tok.parse::<f64>() {
                let v = if neg { -v } else { v };
                let v = if exp != 0 { v * 10f64.powi(exp) } else { v };
                out.push((v, decimals - exp));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Whether the number `x` of the JSON is shown in the page (`numbers` from [`numbers_in`]):
/// 1. exactly (the shortest round-trip form parses back to `x`); or
/// 2. rounded: a number `t` shown with `d` decimals and `|t - x| <= 10^-d` (one unit in the last
///    shown place, which covers rounding to the nearest and the outward rounding of interval
///    bounds), provided `10^-d <= |x| / 2` (the page shows at least the leading digit of it, so
///    a stray `0` or `1` cannot stand for 0.4); or
/// 3. the same as a percentage: `100 x` rounded (shares shown as `12.5%`); or
/// 4. a value that rounds to zero where the page shows it: a `0` with `d >= 2` decimals and
///    `|x| <= 10^-d / 2` (a between-group part of 7.2e-6 shown `0.0000`, as in the terminal
///    table); float noise (`|x| < 1e-12`, such as a standard error of 1.8e-15) matches any `0`.
fn number_shown(x: f64, numbers: &[(f64, i32)]) -> bool {
    let close = |x: f64| {
        numbers.iter().any(|&(t, d)| {
            if t == x {
                return true;
            }
            let unit = 10f64.powi(-d);
            (t - x).abs() <= unit * (1.0 + 1e-9) && unit <= 0.5 * x.abs()
        })
    };
    if x.abs() < 1e-12 {
        return numbers.iter().any(|&(t, _)| t == 0.0);
    }
    if numbers
        .iter()
        .any(|&(t, d)| t == 0.0 && d >= 2 && x.abs() <= 10f64.powi(-d) / 2.0)
    {
        return true;
    }
    // The page writes a negative number with '-' and its absolute value: compare both.
    close(x) || close(x.abs()) || close(100.0 * x) || close(100.0 * x.abs())
}

/// Every leaf of the JSON with its path: strings and numbers (booleans and nulls have no text
/// of their own: a check's `passed` is its verdict, shown in words).
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                leaves(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(_) | Value::Number(_) => out.push((path.to_string(), v.clone())),
        _ => {}
    }
}

/// The JSON leaves the page does not show, `skip` aside (paths matching one of its suffixes,
/// each justified where it is used). A string must appear in the page's text (whitespace runs
/// made one space, compared without case: `pass` is shown `PASS`, `assumption` as
/// `ASSUMPTION`; control characters but the line break are escaped in both); a number as
/// [`number_shown`] says.
fn json_in_page(json: &Value, doc: &Html, skip: &[&str]) -> Vec<String> {
    let text = body_text(doc);
    let lower = text.to_lowercase();
    let numbers = numbers_in(&text);
    let mut all = Vec::new();
    leaves(json, "", &mut all);
    assert!(all.len() > 5, "the JSON has values to look for");
    let mut missing = Vec::new();
    for (path, v) in all {
        if skip.iter().any(|s| path.ends_with(s)) {
            continue;
        }
        let found = match &v {
            Value::String(s) => {
                let s = normalise(&escaped(s)).to_lowercase();
                s.is_empty() || lower.contains(&s)
            }
            Value::Number(n) => n.as_f64().is_some_and(|x| number_shown(x, &numbers)),
            _ => true,
        };
        if !found {
            missing.push(format!("{path} = {v}"));
        }
    }
    missing
}

/// Control characters other than a line break, as the page writes them (`\u{1b}`).
fn escaped(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn assert_json_in_page(json: &Value, doc: &Html, skip: &[&str]) {
    let missing = json_in_page(json, doc, skip);
    assert!(
        missing.is_empty(),
        "{} JSON values are not in the page:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// Nothing in the page can load anything: no script, no external resource of any kind.
fn assert_self_contained(doc: &Html) {
    for tag in [
        "script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base",
        "form",
    ] {
        assert_eq!(
            doc.select(&sel(tag)).count(),
            0,
            "the page has a <{tag}> element"
        );
    }
    for e in doc.select(&sel("*")) {
        for (name, value) in e.value().attrs() {
            let name = name.to_ascii_lowercase();
            assert!(
                !name.starts_with("on"),
                "event handler attribute {name} on <{}>",
                e.value().name()
            );
            if name == "href" || name == "xlink:href" {
                assert!(value.starts_with('#'), "a link out of the page: {value}");
            }
            assert!(
                !matches!(
                    name.as_str(),
                    "src" | "srcset" | "action" | "poster" | "data"
                ),
                "<{}> loads {value}",
                e.value().name()
            );
        }
    }
    // Styles: the stylesheets and every style attribute load nothing (a URL in the dataset's
    // text, such as a source's web address, is text and is not checked here).
    let mut css: Vec<String> = doc
        .select(&sel("style"))
        .map(|s| s.text().collect())
        .collect();
    css.extend(
        doc.select(&sel("[style]"))
            .filter_map(|e| e.value().attr("style").map(str::to_string)),
    );
    assert!(!css.is_empty(), "the page has its stylesheet inline");
    for c in css {
        let c = c.to_lowercase();
        assert!(!c.contains("url("), "a CSS url() in the page");
        assert!(!c.contains("@import"), "a CSS @import in the page");
        assert!(!c.contains("@font-face"), "a web font in the page");
    }
}

/// Every chart is an inline `<svg role="img">` with a `<title>` and a figcaption describing it.
fn assert_accessible_charts(doc: &Html, at_least: usize) -> usize {
    let charts: Vec<_> = doc.select(&sel("figure.chart")).collect();
    assert!(
        charts.len() >= at_least,
        "{} charts, expected at least {at_least}",
        charts.len()
    );
    for f in &charts {
        let svg = f.select(&sel("svg")).next().expect("a chart's <svg>");
        assert_eq!(svg.value().attr("role"), Some("img"));
        let title_id = svg
            .value()
            .attr("aria-labelledby")
            .expect("aria-labelledby");
        let title = f
            .select(&sel("svg > title"))
            .next()
            .expect("the chart's <title>");
        assert_eq!(title.value().attr("id"), Some(title_id));
        assert!(!title.text().collect::<String>().trim().is_empty());
        assert!(svg.value().attr("viewBox").is_some());
        assert!(
            svg.value().attr("width").is_none(),
            "a fixed width would overflow a phone"
        );
        let cap = f.select(&sel("figcaption")).next().expect("a figcaption");
        assert!(cap.text().collect::<String>().trim().len() > 10);
    }
    // Tables: headers with scope, a caption, inside a scrolling wrapper.
    for t in doc.select(&sel("table")) {
        assert!(
            t.select(&sel("caption")).next().is_some(),
            "a table without caption"
        );
        assert!(t.select(&sel("th[scope=col]")).next().is_some());
    }
    assert_eq!(
        doc.select(&sel("table")).count(),
        doc.select(&sel("div.scroll > table")).count(),
        "every table scrolls inside its wrapper"
    );
    charts.len()
}

// --- the browser ------------------------------------------------------------------------

/// The chromium binary: `$WAGES_CHROMIUM`, else `chromium` (Debian's package, installed by
/// .ci/run) or `chromium-browser` on the PATH. Missing, the test fails and says how to install.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("WAGES_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser"] {
        if let Some(dir) = std::env::var_os("PATH") {
            for d in std::env::split_paths(&dir) {
                let p = d.join(name);
                if p.is_file() {
                    return p;
                }
            }
        }
    }
    panic!(
        "chromium is not installed, so the HTML pages cannot be checked in a real browser: \
         install it (`apt-get install -y chromium`; .ci/run does) or point WAGES_CHROMIUM at one"
    );
}

/// Runs headless chromium on `url` with `args`, a fresh profile, and its net log written to
/// `net_log`; returns stdout.
fn browse(url: &str, args: &[&str], net_log: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The URLs the page asked for, from chromium's net log (`--log-net-log`): every
/// `URL_REQUEST_START_JOB` made on behalf of a page. A request of the browser itself (its
/// clock, account and update services, which headless chromium contacts on its own) has the
/// initiator `not an origin` and a network isolation key without `file://`; a request of a
/// page opened from a file has the initiator `null` (its opaque origin) and a key naming
/// `file://`. Loading the file itself is not a network request and is not in the log.
/// [`net_log_detects_a_page_request`] shows the rule catches an `<img>` and a CSS `url()`.
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("chromium wrote its net log");
    let log: Value = serde_json::from_str(&text).expect("the net log is JSON");
    let types = &log["constants"]["logEventTypes"];
    let start_job = types["URL_REQUEST_START_JOB"]
        .as_i64()
        .expect("the net log names URL_REQUEST_START_JOB");
    let mut urls = Vec::new();
    for e in log["events"].as_array().expect("events") {
        if e["type"].as_i64() != Some(start_job) {
            continue;
        }
        let p = &e["params"];
        // The end of a job repeats no URL.
        let Some(url) = p["url"].as_str().filter(|u| !u.is_empty()) else {
            continue;
        };
        let initiator = p["initiator"].as_str().unwrap_or_default();
        let key = p["network_isolation_key"].as_str().unwrap_or_default();
        let browser_own = initiator == "not an origin" && !key.contains("file://");
        if !browser_own && !url.starts_with("file:") && !url.starts_with("data:") {
            urls.push(url.to_string());
        }
    }
    urls
}

fn shots_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The rendered DOM at a width, with the requests the page made.
fn rendered(file: &Path, width: u32, work: &Path) -> (String, Vec<String>) {
    let net = work.join(format!("net-{width}.json"));
    let url = format!("file://{}", file.display());
    let dom = browse(
        &url,
        &[&format!("--window-size={width},2000"), "--dump-dom"],
        &net,
    );
    (dom, page_requests(&net))
}

/// A screenshot at a width, written to target/tmp/html-screenshots/NAME-WIDTH.png; checks its
/// size and that it is not blank.
fn screenshot(file: &Path, name: &str, width: u32, work: &Path) -> PathBuf {
    let png = shots_dir().join(format!("{name}-{width}.png"));
    let _ = std::fs::remove_file(&png);
    let net = work.join(format!("shot-net-{width}.json"));
    browse(
        &format!("file://{}", file.display()),
        &[
            &format!("--window-size={width},2000"),
            &format!("--screenshot={}", png.display()),
        ],
        &net,
    );
    assert!(page_requests(&net).is_empty());
    let decoder = png::Decoder::new(std::fs::File::open(&png).expect("the screenshot"));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (width, 2000));
    let px = &buf[..info.buffer_size()];
    let dark = px
        .chunks(info.color_type.samples())
        .filter(|p| p[0] < 100)
        .count();
    assert!(
        dark > 2000,
        "the screenshot {} looks blank ({dark} dark pixels)",
        png.display()
    );
    png
}

/// The page's document width at 375 px, measured in chromium: a test page (with a script,
/// the only one: it is not the product) frames the page 375 px wide and writes the framed
/// document's scrollWidth and clientWidth into its own DOM.
fn overflow_at_375(file: &Path, work: &Path) -> (i64, i64) {
    let wrap = work.join("measure.html");
    let name = file.file_name().unwrap().to_string_lossy();
    std::fs::write(
        &wrap,
        format!(
            "<!DOCTYPE html><html><body><iframe id=\"f\" src=\"{name}\" style=\"width:375px;height:900px;border:0\"></iframe><pre id=\"out\">pending</pre><script>document.getElementById('f').onload=function(){{var d=this.contentDocument.documentElement;document.getElementById('out').textContent='W '+d.scrollWidth+' '+d.clientWidth+' W';}};</script></body></html>"
        ),
    )
    .unwrap();
    assert_eq!(wrap.parent(), file.parent());
    let dom = browse(
        &format!("file://{}", wrap.display()),
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--window-size=420,1000",
            "--dump-dom",
        ],
        &work.join("measure-net.json"),
    );
    let (_, rest) = dom
        .split_once("W ")
        .unwrap_or_else(|| panic!("the measure did not run: {dom}"));
    let nums: Vec<i64> = rest
        .split_whitespace()
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    (nums[0], nums[1])
}

/// The browser checks of one page: at 1,400 and 375 px the rendered DOM has as many chart
/// `<svg>` as the page, every JSON value (as [`json_in_page`]), and no request left the page;
/// the page does not scroll sideways at 375 px; screenshots at both widths.
fn in_browser(name: &str, page: &str, json: &Value, skip: &[&str]) {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join(format!("{name}.html"));
    std::fs::write(&file, page).unwrap();
    let charts = Html::parse_document(page)
        .select(&sel("figure.chart svg"))
        .count();
    for width in [1400, 375] {
        let (dom, requests) = rendered(&file, width, work.path());
        assert!(
            requests.is_empty(),
            "{name} at {width} px requested {requests:?}"
        );
        let doc = Html::parse_document(&dom);
        assert_eq!(
            doc.select(&sel("figure.chart svg")).count(),
            charts,
            "{name} at {width} px: the charts' <svg> in the rendered DOM"
        );
        let missing = json_in_page(json, &doc, skip);
        assert!(
            missing.is_empty(),
            "{name} at {width} px: not in the rendered DOM:\n{}",
            missing.join("\n")
        );
        screenshot(&file, name, width, work.path());
    }
    let (scroll, client) = overflow_at_375(&file, work.path());
    assert!(
        scroll <= client,
        "{name} at 375 px is {scroll} px wide in a {client} px window: the page scrolls sideways"
    );
}

// --- markup planted in the data ---------------------------------------------------------

const LABEL: &str = "<script>alert(1)</script> & \"Co\"";
const LABEL_TOML: &str = "<script>alert(1)</script> & \\\"Co\\\"";

/// A copy of the embedded dataset whose descriptions, sources and quotes start with markup.
fn markup_dataset() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else if e.path().extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                let text = ["description", "source", "quote"]
                    .iter()
                    .fold(text, |t, k| {
                        t.replace(&format!("\n{k} = \""), &format!("\n{k} = \"{LABEL_TOML} "))
                    });
                std::fs::write(target, text).unwrap();
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
        dir.path(),
    );
    dir
}

/// The planted markup is text: no element from it, and the text reads back as planted.
fn assert_escaped(page: &str, doc: &Html, expected_text_min: usize) {
    assert!(
        !page.contains("<script>"),
        "raw <script> in the page (the planted markup was not escaped)"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Co\"")
    );
    assert_eq!(doc.select(&sel("script")).count(), 0);
    let text = body_text(doc);
    let n = text.matches(LABEL).count();
    assert!(
        n >= expected_text_min,
        "the planted label reads back as text {n} times, expected at least {expected_text_min}"
    );
}

/// A payroll whose group labels hold markup (for analyze and gap).
#[cfg_attr(not(feature = "table"), allow(dead_code))]
fn markup_payroll(dir: &Path) -> String {
    let p = dir.join("markup.csv");
    let mut s = String::from("id,institution,pay\n");
    let groups = [
        "\"<script>alert(1)</script> & \"\"Co\"\"\"",
        "Plain & simple",
    ];
    for i in 0..40 {
        let g = groups[i % 2];
        s.push_str(&format!("{i},{g},{}\n", 100 + (i * 37) % 300));
    }
    std::fs::write(&p, s).unwrap();
    p.display().to_string()
}

// --- the pages --------------------------------------------------------------------------

/// What the report page leaves out of its text, and why: `schema_version` is shown ("report
/// schema version 1") and is matched; nothing else is skipped.
const REPORT_SKIP: &[&str] = &[];

#[test]
fn report_page_parses_holds_every_json_value_and_is_small() {
    let (page, json) = page_and_json(&["report"]);
    let doc = parse(&page);
    assert_self_contained(&doc);
    let charts = assert_accessible_charts(&doc, 6);
    assert_eq!(charts, 6, "the six charts of `wages chart all`");
    assert_json_in_page(&json, &doc, REPORT_SKIP);
    assert!(
        page.len() < 1024 * 1024,
        "the report page is {} bytes, over 1 MiB",
        page.len()
    );
    // One table of contents entry and one section per report section, lines linkable by id.
    let sections = json["sections"].as_array().unwrap();
    assert_eq!(doc.select(&sel("nav.toc li")).count(), sections.len());
    for s in sections {
        let id = s["id"].as_str().unwrap();
        assert!(doc
            .select(&sel(&format!("section#section-{id}")))
            .next()
            .is_some());
        for l in s["lines"].as_array().unwrap() {
            let lid = l["id"].as_str().unwrap();
            assert!(
                doc.select(&sel(&format!("[id=\"{lid}\"]")))
                    .next()
                    .is_some(),
                "line {lid} has no anchor"
            );
        }
    }
    // Every derived line's inputs that are lines of the report link to them.
    let href = sel("a[href]");
    for a in doc.select(&href) {
        let target = &a.value().attr("href").unwrap()[1..];
        assert!(
            doc.select(&sel(&format!("[id=\"{target}\"]")))
                .next()
                .is_some(),
            "a link to #{target}, which is not in the page"
        );
    }
    // Checks say their verdict in words, with their arithmetic beside it.
    let verdicts: Vec<String> = doc
        .select(&sel("td.value .verdict"))
        .map(|v| v.text().collect())
        .collect();
    let checks = sections
        .iter()
        .flat_map(|s| s["lines"].as_array().unwrap())
        .filter(|l| l["kind"] == "check")
        .count();
    assert_eq!(verdicts.len(), checks);
    assert!(verdicts
        .iter()
        .all(|v| ["PASS", "FAIL", "UNDECIDED"].contains(&v.as_str())));
    // Provenance is in <details> on screen and repeated for print.
    let lines: usize = sections
        .iter()
        .map(|s| s["lines"].as_array().unwrap().len())
        .sum();
    assert_eq!(doc.select(&sel("tr.prov details")).count(), lines);
    assert_eq!(doc.select(&sel("tr.prov .print-only")).count(), lines);
}

#[test]
fn report_page_escapes_markup_in_descriptions_sources_and_quotes() {
    let ds = markup_dataset();
    let dir = ds.path().to_str().unwrap();
    let (page, json) = page_and_json(&["--data", dir, "report"]);
    let doc = parse(&page);
    assert_escaped(&page, &doc, 20);
    assert_json_in_page(&json, &doc, REPORT_SKIP);
    // The charts' titles come from the same templates: escaped inside the SVG too.
    assert_accessible_charts(&doc, 6);
}

/// A declared chart that cannot be drawn (it draws a line the ledger cannot evaluate) is listed
/// with its reason; the page is still written, with every other chart.
#[test]
fn report_page_lists_a_chart_it_cannot_draw() {
    let ds = tempfile::tempdir().unwrap();
    crate::util::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
        ds.path(),
    );
    let charts = ds.path().join("derivations/pirani-2006-charts.toml");
    let mut text = std::fs::read_to_string(&charts).unwrap();
    text.push_str("\n[[chart]]\nid = \"grade-12\"\nkind = \"bars\"\ntitle = \"Bottom rate\"\n\n[[chart.series]]\nitems = [\"conf12-bottom-rate-multiple\"]\n");
    std::fs::write(&charts, text).unwrap();
    let page = run(&[
        "--data",
        ds.path().to_str().unwrap(),
        "report",
        "--format",
        "html",
    ]);
    let doc = parse(&page);
    assert_eq!(doc.select(&sel("figure.chart")).count(), 6);
    let missing: String = doc
        .select(&sel("#charts-not-drawn li"))
        .map(|l| l.text().collect::<String>())
        .collect();
    assert!(
        missing.contains("chart `grade-12`")
            && missing.contains("`conf12-bottom-rate-multiple` is not available"),
        "{missing}"
    );
}

#[test]
fn report_section_page_has_only_that_section_and_its_charts() {
    let page = run(&["report", "--section", "vovsi", "--format", "html"]);
    let doc = parse(&page);
    assert_eq!(doc.select(&sel("nav.toc li")).count(), 1);
    assert_eq!(doc.select(&sel("figure.chart")).count(), 2);
}

#[test]
fn report_out_writes_the_page_atomically_and_a_bad_folder_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let o = wages()
        .args(["report", "--format", "html", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "--out writes nothing to stdout");
    let page = std::fs::read_to_string(&out).unwrap();
    // The same page as on stdout, but for the command line it names.
    let shown = format!(" --out {}", out.display());
    assert!(page.contains(&shown));
    assert_eq!(
        page.replacen(&shown, "", 1),
        run(&["report", "--format", "html"])
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temp file left beside the page");
    let o = wages()
        .args(["report", "--format", "html", "--out"])
        .arg(dir.path().join("no/such/folder/r.html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--out"), "{err}");
}

/// `data list`: every key, `ruble_kind` included (the page and the JSON both write the data
/// files' word, `sovznaki-1922-presumed`).
const DATA_SKIP: &[&str] = &[];

#[test]
fn data_list_page_holds_every_figure_and_escapes_markup() {
    let (page, json) = page_and_json(&["data", "list"]);
    let doc = parse(&page);
    assert_self_contained(&doc);
    assert_accessible_charts(&doc, 0);
    assert_json_in_page(&json, &doc, DATA_SKIP);
    let ds = markup_dataset();
    let dir = ds.path().to_str().unwrap();
    let (page, json) = page_and_json(&["--data", dir, "data", "list"]);
    let doc = parse(&page);
    assert_escaped(&page, &doc, 20);
    assert_json_in_page(&json, &doc, DATA_SKIP);
}

#[test]
fn tabulate_page_holds_every_json_value_and_its_chart() {
    let (page, json) = page_and_json(&["tabulate", "--example", "vovsi"]);
    let doc = parse(&page);
    assert_self_contained(&doc);
    assert_accessible_charts(&doc, 1);
    assert_json_in_page(&json, &doc, &[]);
    let (page, json) = page_and_json(&["tabulate", "--example", "illustrative"]);
    let doc = parse(&page);
    assert_json_in_page(&json, &doc, &[]);
    assert_accessible_charts(&doc, 2);
}

#[test]
fn tabulate_page_escapes_a_group_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.csv");
    std::fs::write(
        &f,
        "group,membership,lower,upper,share_percent\n\"<script>alert(1)</script> & \"\"Co\"\"\",1000,8,15,10\n\"<script>alert(1)</script> & \"\"Co\"\"\",1000,15,,2\n",
    )
    .unwrap();
    let (page, json) = page_and_json(&["tabulate", f.to_str().unwrap()]);
    let doc = parse(&page);
    assert_escaped(&page, &doc, 2);
    assert_json_in_page(&json, &doc, &[]);
}

/// The analyze JSON's keys the page shows in words rather than as the key, and so skips:
/// - `minimum_source` (`smallest_pay`, `given`): the notes say "the smallest pay in the file
///   (no --minimum given)" or "(--minimum)";
/// - `uncertainty.method` (`linearised`, `bootstrap`): the note on the intervals names it;
/// - `statistic` (`p90_p10`, `cap_8_share`, ...): each interval's row is labelled as the
///   statistic's column is ("P90/P10", "share above 8x").
#[cfg(feature = "table")]
const ANALYZE_SKIP: &[&str] = &[".minimum_source", ".uncertainty.method", ".statistic"];

#[cfg(feature = "table")]
fn analyze_args() -> Vec<String> {
    [
        "analyze",
        &fixture("payroll.csv"),
        "--group",
        "institution",
        "--weight",
        "weight",
        "--ci",
        "95",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[cfg(feature = "table")]
#[test]
fn analyze_page_holds_every_json_value_intervals_and_charts() {
    let args = analyze_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (page, json) = page_and_json(&args);
    let doc = parse(&page);
    assert_self_contained(&doc);
    assert_eq!(assert_accessible_charts(&doc, 2), 2, "Lorenz and histogram");
    assert_json_in_page(&json, &doc, ANALYZE_SKIP);
    let text = body_text(&doc);
    assert!(text.contains("Sampling uncertainty"), "the --ci table");
    assert!(text.contains(env!("CARGO_PKG_VERSION")));
    assert!(text.contains("payroll.csv"));
}

#[cfg(feature = "table")]
#[test]
fn analyze_and_gap_pages_escape_group_labels() {
    let dir = tempfile::tempdir().unwrap();
    let f = markup_payroll(dir.path());
    let (page, json) = page_and_json(&["analyze", &f, "--group", "institution"]);
    let doc = parse(&page);
    assert_escaped(&page, &doc, 3);
    assert_json_in_page(&json, &doc, ANALYZE_SKIP);
    let (page, json) = page_and_json(&["gap", &f, "--by", "institution"]);
    let doc = parse(&page);
    assert_escaped(&page, &doc, 3);
    assert_json_in_page(&json, &doc, GAP_SKIP);
}

/// The gap JSON's keys the page shows in words rather than as the key, and so skips:
/// - `reference_choice` (`highest_mean`, `given`): the notes say how the reference was chosen;
/// - `uncertainty.method` (`linearised`, `bootstrap`): the note on the intervals names it.
#[cfg(feature = "table")]
const GAP_SKIP: &[&str] = &[".reference_choice", ".uncertainty.method"];

#[cfg(feature = "table")]
fn gap_args() -> Vec<String> {
    [
        "gap",
        &fixture("payroll.csv"),
        "--by",
        "institution",
        "--ci",
        "95",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[cfg(feature = "table")]
#[test]
fn gap_page_holds_every_json_value_and_charts() {
    let args = gap_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (page, json) = page_and_json(&args);
    let doc = parse(&page);
    assert_self_contained(&doc);
    assert!(
        assert_accessible_charts(&doc, 2) >= 2,
        "percentiles and bands"
    );
    assert_json_in_page(&json, &doc, GAP_SKIP);
}

/// A payroll of 300 people with a sex, two covariates, a department, a bonus and a weight,
/// made by a fixed arithmetic rule (no randomness), for `gap --explain --within --bonus`.
#[cfg(feature = "table")]
fn rich_payroll(dir: &Path) -> String {
    let p = dir.join("rich.csv");
    let mut s = String::from("id,sex,edu,exp,dept,pay,bonus,w\n");
    for i in 0..300u32 {
        let sex = if i % 2 == 0 { "F" } else { "M" };
        let edu = 8 + (i * 7) % 13;
        let exp = (i * 11) % 31;
        let dept = ["A", "B", "C"][(i % 3) as usize];
        let noise = ((i * 37) % 101) as f64 * 4.0 - 200.0;
        let pay = 800.0
            + 60.0 * edu as f64
            + 25.0 * exp as f64
            + if sex == "M" { 150.0 } else { 0.0 }
            + noise;
        let bonus = [0, 0, 100, 250][(i % 4) as usize];
        let w = 1 + i % 3;
        s.push_str(&format!("{i},{sex},{edu},{exp},{dept},{pay},{bonus},{w}\n"));
    }
    std::fs::write(&p, s).unwrap();
    p.display().to_string()
}

/// Every option that adds a table or a chart to `gap`: the categories (`--within`), the
/// bonus gaps, weights, intervals and the decomposition (`--explain`).
#[cfg(feature = "table")]
#[test]
fn gap_page_with_every_part_holds_every_json_value() {
    let dir = tempfile::tempdir().unwrap();
    let f = rich_payroll(dir.path());
    let (page, json) = page_and_json(&[
        "gap",
        &f,
        "--by",
        "sex",
        "--explain",
        "edu,exp",
        "--within",
        "dept",
        "--bonus",
        "bonus",
        "--weight",
        "w",
        "--ci",
        "95",
    ]);
    let doc = parse(&page);
    assert_self_contained(&doc);
    assert_eq!(
        assert_accessible_charts(&doc, 4),
        4,
        "percentiles, bands, categories, decomposition"
    );
    assert_json_in_page(&json, &doc, GAP_SKIP);
}

/// `analyze` with a bootstrap: the intervals' table and its note.
#[cfg(feature = "table")]
#[test]
fn analyze_page_with_a_bootstrap_holds_every_json_value() {
    let dir = tempfile::tempdir().unwrap();
    let f = rich_payroll(dir.path());
    let (page, json) = page_and_json(&[
        "analyze",
        &f,
        "--group",
        "dept",
        "--weight",
        "w",
        "--ci",
        "95",
        "--bootstrap",
        "40",
    ]);
    let doc = parse(&page);
    assert_json_in_page(&json, &doc, ANALYZE_SKIP);
}

/// Bad input with `--format html --out FILE`: one line, exit 1, and no file.
#[test]
fn bad_input_writes_no_page() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("t.csv");
    std::fs::write(
        &bad,
        "group,membership,lower,upper,share_percent\nA,1000,8,15,abc\n",
    )
    .unwrap();
    let out = dir.path().join("page.html");
    let o = wages()
        .args([
            "tabulate",
            bad.to_str().unwrap(),
            "--format",
            "html",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

// --- in the browser ---------------------------------------------------------------------

#[test]
fn net_log_detects_a_page_request() {
    // The rule of `page_requests` on a page that does load two things (never loaded: port 9
    // is closed): it must find both, or the browser tests below would prove nothing.
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("control.html");
    std::fs::write(
        &file,
        "<!DOCTYPE html><html><head><title>c</title><style>body{background:url(http://127.0.0.1:9/bg.png)}</style></head><body><img src=\"http://127.0.0.1:9/probe.png\" alt=\"\"><p>x</p></body></html>",
    )
    .unwrap();
    let (_, requests) = rendered(&file, 1400, work.path());
    assert!(
        requests.iter().any(|u| u.ends_with("/probe.png")),
        "{requests:?}"
    );
    assert!(
        requests.iter().any(|u| u.ends_with("/bg.png")),
        "{requests:?}"
    );
}

/// `pdftotext` (Debian's poppler-utils, installed by .ci/run); missing, the print test fails.
fn pdftotext() -> PathBuf {
    let p = PathBuf::from("/usr/bin/pdftotext");
    if p.is_file() {
        return p;
    }
    std::env::var_os("PATH")
        .and_then(|dir| {
            std::env::split_paths(&dir)
                .map(|d| d.join("pdftotext"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!("pdftotext is not installed, so the printed page cannot be read: apt-get install -y poppler-utils (.ci/run does)")
        })
}

/// Printed (chromium's print to PDF, the print stylesheet), the report holds every line's
/// provenance expanded (each quote, source, formula and assumption), and not the on-screen
/// "Provenance of" toggles.
#[test]
fn report_prints_with_provenance_expanded() {
    let (page, json) = page_and_json(&["report"]);
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("report.html");
    std::fs::write(&file, &page).unwrap();
    let pdf = work.path().join("report.pdf");
    browse(
        &format!("file://{}", file.display()),
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &work.path().join("print-net.json"),
    );
    let out = std::process::Command::new(pdftotext())
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = normalise(&String::from_utf8_lossy(&out.stdout));
    assert!(
        !text.contains("Provenance of"),
        "the on-screen toggles are printed"
    );
    let mut looked = 0;
    for l in json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["lines"].as_array().unwrap())
    {
        let mut wanted: Vec<&str> = Vec::new();
        for k in ["quote", "source", "formula", "detail"] {
            if let Some(s) = l[k].as_str() {
                wanted.push(s);
            }
        }
        for a in l["assumed"].as_array().into_iter().flatten() {
            wanted.extend(a["statement"].as_str());
        }
        for w in wanted {
            // The first words: enough to tell the text is there, short of a page break.
            let head: String = normalise(w).chars().take(40).collect();
            assert!(
                text.contains(head.trim()),
                "{}: not in the printed page: {head}",
                l["id"]
            );
            looked += 1;
        }
    }
    assert!(looked > 100, "{looked} provenance texts looked for");
}

#[test]
fn report_page_in_a_browser() {
    let (page, json) = page_and_json(&["report"]);
    in_browser("report", &page, &json, REPORT_SKIP);
}

#[test]
fn data_list_page_in_a_browser() {
    let (page, json) = page_and_json(&["data", "list"]);
    in_browser("data-list", &page, &json, DATA_SKIP);
}

#[test]
fn tabulate_page_in_a_browser() {
    let (page, json) = page_and_json(&["tabulate", "--example", "vovsi"]);
    in_browser("tabulate", &page, &json, &[]);
}

#[cfg(feature = "table")]
#[test]
fn analyze_page_in_a_browser() {
    let args = analyze_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (page, json) = page_and_json(&args);
    in_browser("analyze", &page, &json, ANALYZE_SKIP);
}

#[cfg(feature = "table")]
#[test]
fn gap_page_in_a_browser() {
    let args = gap_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (page, json) = page_and_json(&args);
    in_browser("gap", &page, &json, GAP_SKIP);
}
