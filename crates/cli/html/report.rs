//! `wages report --format html`: the report model ([`Report`]) as one page. A title and the
//! dataset line, the legend, a table of contents by section; per section a table of its lines
//! (value with qualifier, interval with a small bar, kind and flags), each line's provenance
//! openable in place (`<details>`) and repeated in a print-only block; checks with their verdict
//! in words and their arithmetic; the dataset's declared charts (`wages chart`) inline beside
//! the section whose lines they draw. Every value is the model's, formatted by the same
//! functions as the terminal table (`report::render`); the provenance also gives each number
//! at full precision.

use super::{chart, Chart, Made};
use crate::chart::kinds;
use crate::report::render::{interval_text, legend, value_text};
use crate::report::{Assumed, Line, Record, Report, Status};
use maud::{html, Markup, PreEscaped};
use std::collections::BTreeSet;
use wages_analysis::interval::Interval;
use wages_analysis::ledger::{Exactness, Verdict};
use wages_data::Dataset;

/// Width and height the report's charts are drawn at (the `wages chart` default).
const CHART_SIZE: (u32, u32) = (1200, 800);

/// The page. `ds` is the dataset the report was built from (for its charts); `whole` is false
/// when `--section` left sections out.
pub fn page(r: &Report, ds: &Dataset, whole: bool) -> String {
    let ids: BTreeSet<&str> = r
        .sections
        .iter()
        .flat_map(|s| s.lines.iter().map(|l| l.id()))
        .collect();
    let (placed, failed) = charts(r, ds, whole);
    let origin = super::text(&r.dataset_origin);
    let lines: usize = r.sections.iter().map(|s| s.lines.len()).sum();
    let made = Made::new()
        .fact("dataset", origin.clone())
        .fact("report schema version", r.schema_version.to_string())
        .fact("sections", r.sections.len().to_string())
        .fact("lines", lines.to_string());
    let body = html! {
        section class="legend" aria-label="How to read this report" {
            // The first line of the legend names the dataset: the subtitle does.
            @for l in legend(r).iter().skip(1) { p { (super::text(l)) } }
            p {
                "Each line's provenance (source and quote, or formula with its inputs, and every assumption) opens in place under it; "
                "the bar under an interval shows it on a log scale from half to twice the value (an arrow: the interval goes on). "
                "Numbers are shown as the terminal table shows them; the provenance gives them at full precision."
            }
        }
        nav class="toc" aria-labelledby="toc-heading" {
            h2 id="toc-heading" { "Contents" }
            ol {
                @for s in &r.sections {
                    li {
                        a href={ "#section-" (s.id) } { (super::text(&s.title)) }
                        " (" (s.lines.len()) @if s.lines.len() == 1 { " line" } @else { " lines" }
                        @let n = placed.iter().filter(|(sec, _)| *sec == s.id).count();
                        @if n > 0 { ", " (n) " chart" @if n > 1 { "s" } }
                        ")"
                    }
                }
            }
        }
        @for s in &r.sections {
            section id={ "section-" (s.id) } aria-labelledby={ "heading-" (s.id) } {
                h2 id={ "heading-" (s.id) } { (super::text(&s.title)) " " span class="small" { "[" (s.id) "]" } }
                @if s.lines.is_empty() {
                    p { "(none)" }
                } @else {
                    div class="scroll" {
                        table class="lines" {
                            caption { (super::text(&s.title)) ": " (s.lines.len()) @if s.lines.len() == 1 { " line" } @else { " lines" } }
                            thead {
                                tr {
                                    th scope="col" { "Figure" }
                                    th scope="col" { "Value" }
                                    th scope="col" { "Interval" }
                                }
                            }
                            @for l in &s.lines { (line(l, &ids)) }
                        }
                    }
                }
                @for (_, c) in placed.iter().filter(|(sec, _)| *sec == s.id) {
                    (chart(c))
                }
            }
        }
        @if !failed.is_empty() {
            section id="charts-not-drawn" {
                h2 { "Charts not drawn" }
                ul class="notes" { @for f in &failed { li { (super::text(f)) } } }
            }
        }
    };
    super::page(
        "Pay figures, what follows from them, and on what assumption",
        &format!(
            "Dataset: {origin} · report schema version {}",
            r.schema_version
        ),
        body,
        &made,
    )
}

/// The dataset's declared charts drawn as SVG, each with the section it goes beside (the
/// section holding most of the ids it draws; the first such on a tie; the last section if it
/// draws none of the shown lines), and the charts that could not be drawn, with why.
fn charts(r: &Report, ds: &Dataset, whole: bool) -> (Vec<(String, Chart)>, Vec<String>) {
    let ev = wages_data::ledger::evaluate(ds);
    let mut placed = Vec::new();
    let mut failed = Vec::new();
    let Some(last) = r.sections.last() else {
        return (placed, failed);
    };
    for decl in &ds.derivations.charts {
        let mut strings = Vec::new();
        if let Ok(v) = serde_json::to_value(&decl.fields) {
            collect_strings(&v, &mut strings);
        }
        let mut best: Option<(&str, usize)> = None;
        for s in &r.sections {
            let n = s
                .lines
                .iter()
                .filter(|l| strings.iter().any(|x| x == l.id()))
                .count();
            if n > 0 && best.is_none_or(|(_, b)| n > b) {
                best = Some((&s.id, n));
            }
        }
        // A chart drawing none of the lines shown goes last on the whole report, and is left
        // out with --section (its lines are in sections left out).
        let section = match best {
            Some((s, _)) => s,
            None if whole => &last.id,
            None => continue,
        };
        let src = kinds::Source::new(ds, &ev, &decl.id);
        let frame = kinds::frame(&src, &kinds::Rec::top(decl));
        let svg = kinds::render(
            ds,
            &ev,
            decl,
            crate::chart::Format::Svg,
            CHART_SIZE.0,
            CHART_SIZE.1,
        );
        match (frame, svg) {
            (Ok(f), Ok(bytes)) => {
                let mut c = Chart::from_frame(&decl.id, &f, bytes);
                c.summary
                    .insert(0, kinds::description(ds, &ev, decl).replace('\n', " "));
                c.summary.push(format!(
                    "The values drawn are figures and derived lines of the dataset, as the tables give them; `wages chart {}` draws the same chart as PNG or SVG.",
                    decl.id
                ));
                placed.push((section.to_string(), c));
            }
            (Err(e), _) | (_, Err(e)) => failed.push(match e {
                kinds::ChartError::Data(m) | kinds::ChartError::Draw(m) => {
                    format!("chart `{}`: {m}", decl.id)
                }
            }),
        }
    }
    (placed, failed)
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// Two rows for a line: the line (figure, value, interval), then its provenance.
fn line(l: &Line, ids: &BTreeSet<&str>) -> Markup {
    let (kind, tags) = tags(l);
    html! {
        tbody id=(l.id()) {
            tr class="line" {
                th scope="row" {
                    (super::text(l.label()))
                    span class="id" {
                        span class="tag" { (kind) }
                        @for t in &tags { (t) }
                        code { (l.id()) }
                    }
                }
                td class="value" { (value(l)) }
                td { (interval(l)) }
            }
            tr class="prov" {
                td colspan="3" {
                    details {
                        summary { "Provenance of " code { (l.id()) } }
                        div class="prov-body" { (provenance(l, ids)) }
                    }
                    div class="print-only prov-body" { (provenance(l, ids)) }
                }
            }
        }
    }
}

/// The line's kind in words, and its flags (an assumption, a lower bound...).
fn tags(l: &Line) -> (&'static str, Vec<Markup>) {
    let mut t = Vec::new();
    let kind = match l {
        Line::Reported(r) => match r.record {
            Record::Figure => "reported",
            Record::Rule => "reported rule",
            Record::Scale => "reported scale",
        },
        Line::Derived(_) => "derived",
        Line::Check(_) => "check",
        Line::Unavailable(_) => "unavailable",
    };
    if let Line::Reported(r) = l {
        if r.status == Status::Assumption {
            t.push(html! { span class="tag assumes" { "ASSUMPTION" } });
        }
    }
    if !l.assumptions().is_empty()
        && !matches!(l, Line::Reported(r) if r.status == Status::Assumption)
    {
        t.push(html! { span class="tag assumes" { "ASSUMES" } });
    }
    (kind, t)
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "verdict pass",
        Verdict::Fail => "verdict fail",
        Verdict::Undecided => "verdict undecided",
    }
}

/// The value cell: the value as the terminal shows it (a check: its verdict in words and its
/// arithmetic; an unavailable line: the reason).
fn value(l: &Line) -> Markup {
    match l {
        Line::Check(c) => html! {
            strong class=(verdict_class(c.verdict)) { (c.verdict.word()) }
            span class="arith" { (super::text(&c.detail)) }
        },
        Line::Unavailable(u) => html! {
            "not available" span class="arith" { (super::text(&u.reason)) }
        },
        Line::Reported(r) => html! {
            (super::text(&value_text(l)))
            @if let Some(q) = &r.qualifier { span class="id" { "qualifier: " (q) } }
        },
        Line::Derived(_) => html! { (super::text(&value_text(l))) },
    }
}

fn line_interval(l: &Line) -> Option<(Interval, Option<f64>)> {
    match l {
        Line::Reported(r) => r.interval.map(|i| (i, r.value)),
        Line::Derived(d) => Some((d.interval, d.value)),
        _ => None,
    }
}

/// The interval cell: the interval as the terminal shows it (rounded outward) and a bar.
fn interval(l: &Line) -> Markup {
    let text = interval_text(l);
    let bar = line_interval(l).and_then(|(i, v)| bar(i, v));
    html! {
        @if !text.is_empty() { span class="interval" { (text) } }
        @if let Some(b) = bar { (b) }
    }
}

/// A small bar: the interval on a log scale from half to twice the value (the midpoint of a
/// window without a value), a dot at the value, an arrow where the interval goes past the
/// scale. None for a point (nothing to show), a non-positive value or an unbounded one.
fn bar(i: Interval, v: Option<f64>) -> Option<Markup> {
    let (lo, hi) = (i.lo(), i.hi());
    let centre = match v {
        Some(v) => v,
        None if lo.is_finite() && hi.is_finite() => (lo * hi).sqrt(),
        None => return None,
    };
    if !(centre.is_finite() && centre > 0.0) || lo == hi {
        return None;
    }
    const W: f64 = 120.0;
    let x = |t: f64| -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let r = (t / centre).log2().clamp(-1.0, 1.0);
        ((r + 1.0) / 2.0 * W).clamp(0.0, W)
    };
    let (x0, x1) = (x(lo), x(hi));
    let left_arrow = lo < centre / 2.0;
    let right_arrow = hi > centre * 2.0;
    let mut s = format!(
        "<svg class=\"bar\" viewBox=\"0 0 {W} 14\" aria-hidden=\"true\" focusable=\"false\"><line x1=\"0\" y1=\"7\" x2=\"{W}\" y2=\"7\" stroke=\"#c8c8c8\" stroke-width=\"1\"/><line x1=\"60\" y1=\"2\" x2=\"60\" y2=\"12\" stroke=\"#999\" stroke-width=\"1\"/><rect x=\"{:.1}\" y=\"4\" width=\"{:.1}\" height=\"6\" fill=\"#0072b2\" fill-opacity=\"0.45\" stroke=\"#0072b2\"/>",
        x0,
        (x1 - x0).max(1.5)
    );
    if left_arrow {
        s.push_str("<path d=\"M0 7 L6 3 L6 11 Z\" fill=\"#0072b2\"/>");
    }
    if right_arrow {
        s.push_str(&format!(
            "<path d=\"M{W} 7 L{} 3 L{} 11 Z\" fill=\"#0072b2\"/>",
            W - 6.0,
            W - 6.0
        ));
    }
    if v.is_some() {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"7\" r=\"3\" fill=\"#222\"/>",
            x(centre)
        ));
    }
    s.push_str("</svg>");
    Some(PreEscaped(s))
}

/// A number at full precision (Rust's shortest round-trip form; infinite bounds as ∞).
fn full(x: f64) -> String {
    if x == f64::INFINITY {
        "∞".into()
    } else if x == f64::NEG_INFINITY {
        "-∞".into()
    } else {
        crate::output::numbers::full(x)
    }
}

fn full_interval(i: Interval) -> String {
    format!("[{}, {}]", full(i.lo()), full(i.hi()))
}

/// Ids as links to their lines where the page has them.
fn links(list: &[String], ids: &BTreeSet<&str>) -> Markup {
    html! {
        @for (k, id) in list.iter().enumerate() {
            @if k > 0 { ", " }
            @if ids.contains(id.as_str()) {
                a href={ "#" (id) } { code { (id) } }
            } @else {
                code { (id) }
            }
        }
    }
}

fn assumed_list(a: &[Assumed]) -> Markup {
    html! {
        @if !a.is_empty() {
            dt { "assumptions" }
            dd {
                ul {
                    @for x in a {
                        li {
                            code { (x.id) } ": " (super::text(&x.statement))
                            @if !x.basis.is_empty() { br; "basis: " (super::text(&x.basis)) }
                        }
                    }
                }
            }
        }
    }
}

/// Everything the model says about where a line comes from.
fn provenance(l: &Line, ids: &BTreeSet<&str>) -> Markup {
    match l {
        Line::Reported(r) => html! {
            @if let Some(q) = &r.quote { blockquote { (super::text(q)) } }
            dl {
                dt { "source" } dd { (super::text(&r.source)) }
                @if let Some(f) = r.footnote { dt { "footnote" } dd { (f) } }
                @if let Some(d) = &r.date { dt { "date" } dd { (d) } }
                dt { "as stated" } dd { (super::text(&r.value_text)) }
                @if let Some(v) = r.value { dt { "value (full precision)" } dd { data value=(full(v)) { (full(v)) } } }
                @if let Some(i) = r.interval { dt { "interval (full precision)" } dd { (full_interval(i)) } }
                @if let Some(u) = &r.unit { dt { "unit" } dd { (super::text(&r.unit_text)) " (" code { (u) } ")" } }
                dt { "status" } dd { (match r.status { Status::Reported => "reported by the source", Status::Assumption => "an assumption of the dataset, not reported by a source" }) }
                @if let Some(n) = &r.note { dt { "note" } dd { (super::text(n)) } }
                @for a in &r.assumptions { dt { "assumes" } dd { (super::text(a)) } }
                (assumed_list(&r.assumed))
            }
        },
        Line::Derived(d) => html! {
            dl {
                dt { "formula" } dd { code { (super::text(&d.formula)) } }
                @if !d.inputs.is_empty() { dt { "inputs" } dd { (links(&d.inputs, ids)) } }
                @if !d.rests_on.is_empty() { dt { "rests on (reported)" } dd { (links(&d.rests_on, ids)) } }
                @if let Some(v) = d.value { dt { "value (full precision)" } dd { data value=(full(v)) { (full(v)) } } }
                dt { "interval (full precision)" } dd { (full_interval(d.interval)) }
                dt { "interval is" } dd {
                    (match d.interval_is {
                        Exactness::Exact => "exact: the range of the formula over its figures' intervals",
                        Exactness::Enclosure => "an enclosure: it contains the range of the formula and may be wider",
                    })
                }
                dt { "unit" } dd { (super::text(&d.unit_text)) " (" code { (d.unit) } ")" }
                @if let Some(n) = &d.note { dt { "note" } dd { (super::text(n)) } }
                (assumed_list(&d.assumed))
            }
        },
        Line::Check(c) => html! {
            dl {
                dt { "verdict" } dd { strong class=(verdict_class(c.verdict)) { (c.verdict.word()) } " — "
                    (match c.verdict {
                        Verdict::Pass => "holds for every value in the intervals",
                        Verdict::Fail => "holds for none",
                        Verdict::Undecided => "holds for some values in the intervals and not for others",
                    })
                }
                dt { "arithmetic" } dd { code { (super::text(&c.detail)) } }
                @if !c.holds_for.is_empty() {
                    dt { "would hold for" }
                    dd {
                        ul {
                            @for h in &c.holds_for {
                                li { (links(std::slice::from_ref(&h.id), ids)) " in " (full_interval(h.interval)) }
                            }
                        }
                    }
                }
                @if !c.inputs.is_empty() { dt { "inputs" } dd { (links(&c.inputs, ids)) } }
                @if let Some(n) = &c.note { dt { "note" } dd { (super::text(n)) } }
                (assumed_list(&c.assumed))
            }
        },
        Line::Unavailable(u) => html! {
            dl {
                dt { "why" } dd { (super::text(&u.reason)) }
                @if !u.missing.is_empty() { dt { "missing" } dd { (links(&u.missing, ids)) } }
            }
        },
    }
}
