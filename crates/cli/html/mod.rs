//! `--format html`: one self-contained page per command (docs/html.md).
//!
//! Every page is rendered with maud (compile-time templates that escape every interpolated
//! string) from the command's typed model, the same one its JSON and CSV come from: the
//! report's [`crate::report::Report`], `analyze`'s tables over its `Analysis`, ... Nothing is
//! fetched when the page is opened: the stylesheet is inline, charts are inline SVG (drawn by
//! `crate::chart` with text as `<text>` elements), there is no script, font, image or link to
//! another host. The files:
//! - this module: the page layout ([`page`]), the stylesheet (`style.css`, inlined at build
//!   time), the table exporter behind `output::export` ([`table`]), charts ([`chart`]), and the
//!   "how this page was made" block ([`Made`]);
//! - `report.rs`: the paper's report (sections, lines, provenance, checks, the declared charts);
//! - `command.rs`: the page of a payroll or table command (notes, tables, charts), with
//!   `analyze.rs`, `gap.rs`, `tabulate.rs` and `data.rs` filling it from their models.

#[cfg(feature = "table")]
pub mod analyze;
pub mod command;
pub mod data;
#[cfg(feature = "table")]
pub mod gap;
pub mod report;
pub mod tabulate;

use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The stylesheet, inlined into every page (screen, narrow screens and print).
const CSS: &str = include_str!("style.css");

/// The version of `wages` that made a page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A whole page: `<!DOCTYPE html>`, the inline stylesheet, a header with the title and a
/// subtitle line, the body, and a footer saying what made it.
pub fn page(title: &str, subtitle: &str, body: Markup, made: &Made) -> String {
    let doc = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "wages " (VERSION) };
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header class="page" {
                    h1 { (title) }
                    @if !subtitle.is_empty() {
                        p class="subtitle" { (subtitle) }
                    }
                }
                main { (body) }
                footer class="page" { (made.markup()) }
            }
        }
    };
    let mut s = doc.into_string();
    s.push('\n');
    s
}

/// How a page was made, so a reader can make it again: the command line, the input, the row
/// counts, and the version of `wages`.
#[derive(Debug, Default)]
pub struct Made {
    /// `(what, value)` pairs: "input", "rows read", ...
    pub facts: Vec<(String, String)>,
}

impl Made {
    /// The command line of this run (`wages` and its arguments, quoted for a POSIX shell) and
    /// the version; add the command's own facts with [`Made::fact`].
    pub fn new() -> Made {
        let args: Vec<String> = std::env::args_os()
            .skip(1)
            .map(|a| shell_quote(&a.to_string_lossy()))
            .collect();
        let mut line = String::from("wages");
        for a in &args {
            line.push(' ');
            line.push_str(a);
        }
        Made {
            facts: vec![
                ("command".into(), line),
                ("wages version".into(), VERSION.into()),
            ],
        }
    }

    pub fn fact(mut self, what: impl Into<String>, value: impl Into<String>) -> Made {
        self.facts.push((what.into(), value.into()));
        self
    }

    fn markup(&self) -> Markup {
        html! {
            section class="made" aria-labelledby="made-heading" {
                h2 id="made-heading" { "How this page was made" }
                dl {
                    @for (k, v) in &self.facts {
                        dt { (k) }
                        dd { @if k == "command" { code { (text(v)) } } @else { (text(v)) } }
                    }
                }
                p class="small" {
                    "One self-contained file: inline styles and SVG charts, no script, nothing loaded from a network. "
                    "Made by wages " (VERSION) "; the same command with --format json gives every number at full precision."
                }
            }
        }
    }
}

/// The last part of an input's path for a page's title (`-` is standard input); the full path
/// is in the notes and in "How this page was made".
#[cfg_attr(not(feature = "table"), allow(dead_code))]
pub fn file_name(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        return "standard input".into();
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `s` as one POSIX shell word: unchanged when it holds only safe characters, else in single
/// quotes (a quote inside written `'\''`).
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Dataset text made safe for a page before maud escapes its markup: control characters other
/// than a line break are written as their escapes (as in the terminal).
pub fn text(s: &str) -> String {
    crate::output::html_text(s).into_owned()
}

/// Whether a table cell holds a number (right-aligned, tabular figures): digits with at most
/// a sign, separators, a decimal point, a percent sign, an `x` or a bracketed interval.
fn numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || " .,-+−%x×[]()∞eE≈".contains(c) || c == '\u{2009}')
}

/// Whether a cell stands for no value ("-", "n/a", empty): it does not decide a column's kind.
fn blank(s: &str) -> bool {
    matches!(s.trim(), "" | "-" | "n/a" | "not stated")
}

/// A numeric cell: a number, then (after a space) an interval or a note in brackets, which may
/// go to the next line but never breaks inside ("10.88 [10.82, 11.28]").
fn num_cell(c: &str) -> Markup {
    match c.find(" [").or_else(|| c.find(" (")) {
        Some(i) => html! {
            span class="nw" { (&c[..i]) } " " span class="nw" { (&c[i + 1..]) }
        },
        None => html! { span class="nw" { (c) } },
    }
}

/// The table exporter behind `output::export` for `Format::Html`: a `<table>` in a wrapper that
/// scrolls sideways on a narrow screen, header cells `<th scope="col">`, the first cell of each
/// row `<th scope="row">`, and a column whose cells are all numbers (blanks aside) right-aligned
/// in tabular figures. Cells are escaped by maud. A caption is added by [`captioned`].
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let numeric_col: Vec<bool> = (0..header.len())
        .map(|i| {
            let mut cells = rows.iter().filter_map(|r| r.get(i)).filter(|c| !blank(c));
            let mut any = false;
            let all = cells.all(|c| {
                any = true;
                numeric(c)
            });
            any && all
        })
        .collect();
    html! {
        div class="scroll" {
            table {
                thead {
                    tr {
                        @for (i, h) in header.iter().enumerate() {
                            @if numeric_col[i] && i > 0 {
                                th scope="col" class="num" { (h) }
                            } @else {
                                th scope="col" { (h) }
                            }
                        }
                    }
                }
                tbody {
                    @for r in rows {
                        tr {
                            @for (i, c) in r.iter().enumerate() {
                                @if i == 0 && !c.contains(char::is_whitespace) && c.chars().count() <= 32 {
                                    // An id or a short key: never broken at its hyphens.
                                    th scope="row" class="key" { (c) }
                                } @else if i == 0 {
                                    th scope="row" { (c) }
                                } @else if numeric_col.get(i).copied().unwrap_or(false) {
                                    td class="num" { (num_cell(c)) }
                                } @else if c.chars().count() > 40 {
                                    td class="long" { (c) }
                                } @else {
                                    td { (c) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}

/// A table made by [`table`] with `caption` as its `<caption>`.
pub fn captioned(caption: &str, table_html: &str) -> Markup {
    let cap = html! { caption { (caption) } }.into_string();
    PreEscaped(table_html.replacen("<table>", &format!("<table>{cap}"), 1))
}

/// A table made by [`table`] with `caption` as its `<caption>`, shown only to screen readers
/// and in print (the heading above says the same on screen).
pub fn captioned_hidden(caption: &str, table_html: &str) -> Markup {
    let cap = html! { caption class="same" { (caption) } }.into_string();
    PreEscaped(table_html.replacen("<table>", &format!("<table>{cap}"), 1))
}

/// A chart for a page: its SVG (as `crate::chart::render` draws it), a title for its text
/// alternative, and the lines of a short text summary.
pub struct Chart {
    pub id: String,
    pub title: String,
    pub summary: Vec<String>,
    pub svg: Vec<u8>,
}

impl Chart {
    /// From a chart's frame (its title, subtitle, source and notes are the text alternative)
    /// and its SVG bytes.
    pub fn from_frame(id: &str, frame: &crate::chart::Frame, svg: Vec<u8>) -> Chart {
        let mut summary: Vec<String> = Vec::new();
        for s in [&frame.subtitle, &frame.source] {
            if !s.is_empty() {
                summary.push(s.replace('\n', " "));
            }
        }
        summary.extend(frame.notes.iter().map(|n| n.replace('\n', " ")));
        Chart {
            id: id.to_string(),
            title: frame.title.replace('\n', " "),
            summary,
            svg,
        }
    }
}

/// A chart as a `<figure>`: the SVG inline, made responsive (its `width`/`height` dropped, the
/// `viewBox` kept), with `role="img"`, a `<title>` and `aria-labelledby` naming it, and a
/// `<figcaption>` with the title and the summary in words.
pub fn chart(c: &Chart) -> Markup {
    let title_id = format!("chart-{}-title", c.id);
    let desc_id = format!("chart-{}-desc", c.id);
    let svg = String::from_utf8_lossy(&c.svg);
    let svg = svg.trim_start();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, r)| r).trim_start(),
        None => svg,
    };
    // The opening tag as plotters writes it: `<svg width=".." height=".." viewBox=".." xmlns="..">`.
    let (open, rest) = match svg.find('>') {
        Some(i) if svg.starts_with("<svg") => (&svg[..i], &svg[i + 1..]),
        _ => ("<svg", svg),
    };
    let mut attrs: Vec<&str> = Vec::new();
    let mut view_box = None;
    let (mut w, mut h) = (None, None);
    for part in split_attrs(open.trim_start_matches("<svg")) {
        if let Some(v) = part.strip_prefix("width=") {
            w = Some(v.trim_matches('"'));
        } else if let Some(v) = part.strip_prefix("height=") {
            h = Some(v.trim_matches('"'));
        } else if part.starts_with("viewBox=") {
            view_box = Some(part);
        } else {
            attrs.push(part);
        }
    }
    let view_box = match (view_box, w, h) {
        (Some(v), _, _) => v.to_string(),
        (None, Some(w), Some(h)) => format!("viewBox=\"0 0 {w} {h}\""),
        _ => String::new(),
    };
    let title_tag = html! { title id=(title_id) { (c.title) } }.into_string();
    let opening = format!(
        "<svg {view_box} {} role=\"img\" aria-labelledby=\"{}\" aria-describedby=\"{}\" focusable=\"false\">{title_tag}",
        attrs.join(" "),
        esc(&title_id),
        esc(&desc_id),
    );
    let body = format!("{opening}{rest}");
    html! {
        figure class="chart" id={ "chart-" (c.id) } {
            (PreEscaped(body))
            figcaption id=(desc_id) {
                strong { (c.title) }
                @for s in &c.summary { br; (s) }
            }
        }
    }
}

/// The attributes of an opening tag, split at spaces outside quotes.
fn split_attrs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, ch) in s.char_indices() {
        match ch {
            '"' => {
                quoted = !quoted;
                start.get_or_insert(i);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(st) = start.take() {
                    out.push(&s[st..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// `s` escaped for HTML text or a quoted attribute value, where maud is not writing it.
pub fn esc(s: &str) -> String {
    html! { (s) }.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_escape_cells_and_mark_headers() {
        let t = table(&["group", "mean"], &[vec!["<b>&\"".into(), "1.50".into()]]);
        assert!(t.contains("<th scope=\"col\">group</th>"));
        assert!(t.contains("<th scope=\"row\" class=\"key\">&lt;b&gt;&amp;&quot;</th>"));
        assert!(t.contains("<td class=\"num\"><span class=\"nw\">1.50</span></td>"));
        let c = captioned("A & B", &t).into_string();
        assert!(c.contains("<table><caption>A &amp; B</caption>"));
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_quote("report"), "report");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn chart_svg_gets_a_text_alternative_and_loses_its_fixed_size() {
        let c = Chart {
            id: "x".into(),
            title: "T <1>".into(),
            summary: vec!["s".into()],
            svg: b"<svg width=\"1200\" height=\"800\" viewBox=\"0 0 1200 800\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>".to_vec(),
        };
        let m = chart(&c).into_string();
        assert!(m.contains("role=\"img\""), "{m}");
        assert!(
            m.contains("<title id=\"chart-x-title\">T &lt;1&gt;</title>"),
            "{m}"
        );
        assert!(!m.contains("width=\"1200\""), "{m}");
        assert!(m.contains("viewBox=\"0 0 1200 800\""), "{m}");
    }
}
