//! `wages gap --chart DIR`: the gap at every percentile from P5 to P95, the quartile pay bands
//! as stacked bars, and (with `--within`) the mean gap of each category against the Article 10
//! threshold; each as PNG and SVG, drawn with the house chart layer (`crate::chart`). Every
//! number drawn comes from `wages_analysis::gap::Gaps`; this module only lays them out.

use super::GapArgs;
use crate::chart::{
    self, anchor, builder, dashed, fmt_tick, label_at, linear, linear_ticks, mesh, nice_step,
    palette, Area, DrawResult, Format, Frame, Mark, Plot, Style,
};
use crate::error::{CliError, Result};
use plotters::prelude::*;
use plotters::style::RGBColor;
use wages_analysis::gap::{Gaps, ARTICLE_10_THRESHOLD, CURVE_LEVELS};

/// File stems, without extension.
pub const PERCENTILES: &str = "gap-percentiles";
pub const BANDS: &str = "gap-bands";
pub const CATEGORIES: &str = "gap-categories";

/// The most categories the category chart draws (the largest by weight; the tables have all).
const MAX_CATEGORIES: usize = 30;

/// Colours in group order; the reference group is drawn in grey where it appears.
const COLOURS: [RGBColor; 6] = [
    palette::BLUE,
    palette::ORANGE,
    palette::GREEN,
    palette::VERMILION,
    palette::SKY,
    palette::PURPLE,
];

fn colour(k: usize) -> RGBColor {
    COLOURS[k % COLOURS.len()]
}

fn group_label(label: &str) -> String {
    let mut s: String = label.chars().take(32).collect();
    if s.len() < label.len() {
        s.push('…');
    }
    crate::output::printable(&s).into_owned()
}

fn source_line(args: &GapArgs, g: &Gaps) -> String {
    let n: usize = g.groups.iter().map(|p| p.n).sum();
    let mut s = format!(
        "Source: {}, pay column {:?}, groups by {:?}, {} rows",
        args.file.display(),
        args.pay,
        args.by,
        fmt_tick(&(n as f64))
    );
    if let Some(w) = &args.weight {
        s.push_str(&format!(", weighted by column {w:?}"));
    }
    s
}

/// The charts as SVG for `--format html`, each with its frame (the text alternative).
pub fn svgs(
    args: &GapArgs,
    g: &Gaps,
    explained: Option<&wages_analysis::oaxaca::Explained>,
) -> Result<Vec<crate::html::Chart>> {
    let (w, h) = (args.chart_width, args.chart_height);
    let fail = |e: String| CliError::Output(format!("cannot draw the charts: {e}"));
    let svg =
        |frame: &Frame, bytes: Vec<u8>, id: &str| crate::html::Chart::from_frame(id, frame, bytes);
    let mut out = Vec::new();
    let (pf, pp) = percentile_chart(args, g);
    out.push(svg(
        &pf,
        chart::render(&pf, &pp, Format::Svg, w, h).map_err(fail)?,
        PERCENTILES,
    ));
    let (bf, bp) = band_chart(args, g);
    out.push(svg(
        &bf,
        chart::render(&bf, &bp, Format::Svg, w, h).map_err(fail)?,
        BANDS,
    ));
    if let Some((cf, cp)) = category_chart(args, g) {
        out.push(svg(
            &cf,
            chart::render(&cf, &cp, Format::Svg, w, h).map_err(fail)?,
            CATEGORIES,
        ));
    }
    if let Some((ef, ep)) = explained.map(|e| super::explain::chart(args, e)) {
        let bytes = chart::render(&ef, &ep, Format::Svg, w, h).map_err(fail)?;
        out.push(svg(&ef, bytes, super::explain::CHART));
    }
    Ok(out)
}

/// Every chart file: `(file name, bytes)`.
pub fn render_all(
    args: &GapArgs,
    g: &Gaps,
    explained: Option<&wages_analysis::oaxaca::Explained>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let (w, h) = (args.chart_width, args.chart_height);
    let fail = |e: String| CliError::Output(format!("cannot draw the charts: {e}"));
    let mut files = Vec::new();
    let (pf, pp) = percentile_chart(args, g);
    let (bf, bp) = band_chart(args, g);
    let categories = category_chart(args, g);
    let explain = explained.map(|e| super::explain::chart(args, e));
    for f in [Format::Png, Format::Svg] {
        let ext = f.extension();
        files.push((
            format!("{PERCENTILES}.{ext}"),
            chart::render(&pf, &pp, f, w, h).map_err(fail)?,
        ));
        files.push((
            format!("{BANDS}.{ext}"),
            chart::render(&bf, &bp, f, w, h).map_err(fail)?,
        ));
        if let Some((cf, cp)) = &categories {
            files.push((
                format!("{CATEGORIES}.{ext}"),
                chart::render(cf, cp, f, w, h).map_err(fail)?,
            ));
        }
        if let Some((ef, ep)) = &explain {
            files.push((
                format!("{}.{ext}", super::explain::CHART),
                chart::render(ef, ep, f, w, h).map_err(fail)?,
            ));
        }
    }
    Ok(files)
}

/// A value axis from `lo` to `hi` (in percent) that always holds zero, with a 1-2-5 step.
/// `room` is the margin beyond the data at each end, as a fraction of the span (room for the
/// value labels beside the bars' ends).
fn gap_axis(lo: f64, hi: f64, room: f64) -> (f64, f64, f64) {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let span = (hi - lo).max(1.0);
    let step = nice_step(span / 6.0);
    let lo = ((lo - span * room) / step).floor() * step;
    let hi = ((hi + span * room) / step).ceil() * step;
    (lo, hi, step)
}

/// Half a text size in pixels: text is anchored at its top and raised by this to sit centred
/// (a "center" anchor places each glyph by its own box in plotters, so a full stop would rise
/// to mid-height).
fn half(size: f64) -> i32 {
    (size * 0.55) as i32
}

fn pct_tick(v: &f64) -> String {
    format!("{}%", fmt_tick(v))
}

// --- The gap along the distribution ----------------------------------------------------------

struct Percentiles {
    /// One line per group against the reference: colour, points (percentile, gap %).
    lines: Vec<(RGBColor, Vec<(f64, f64)>)>,
    y: (f64, f64, f64),
}

fn percentile_chart(args: &GapArgs, g: &Gaps) -> (Frame, Percentiles) {
    let reference = group_label(&g.groups[g.reference].label);
    let mut frame = Frame::new(format!("Pay gap along the distribution, against {reference:?}"))
        .subtitle(format!(
            "(P of {reference:?} − P of the group) / P of {reference:?} at each percentile P5 … P95; above zero, the group is paid less there. Wider at the top: a glass ceiling; at the bottom: a sticky floor"
        ))
        .source(source_line(args, g));
    let mut lines = Vec::new();
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (k, x) in g.gaps.iter().enumerate() {
        let c = colour(k);
        frame = frame.legend(
            format!(
                "{}: mean gap {:.1}%, median gap {:.1}%",
                group_label(&g.groups[x.group].label),
                x.mean_gap,
                x.median_gap
            ),
            c,
            Mark::Line,
        );
        let points: Vec<(f64, f64)> = CURVE_LEVELS
            .iter()
            .zip(&x.quantile_gaps)
            .map(|(&p, &v)| (p * 100.0, v))
            .collect();
        for &(_, v) in &points {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        lines.push((c, points));
    }
    frame = frame.legend("no gap", palette::GREY, Mark::Dashed);
    (
        frame,
        Percentiles {
            lines,
            y: gap_axis(lo, hi, 0.06),
        },
    )
}

impl Plot for Percentiles {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let (lo, hi, step) = self.y;
        let mut c = builder(area, s)
            .build_cartesian_2d(
                linear(0.0..100.0, linear_ticks(0.0, 100.0, 10.0)),
                linear(lo..hi, linear_ticks(lo, hi, step)),
            )
            .map_err(chart::err)?;
        let px = |v: &f64| format!("P{}", fmt_tick(v));
        mesh(
            &mut c,
            s,
            "percentile of each group's pay",
            "pay gap at that percentile",
            &px,
            &pct_tick,
        )?;
        dashed(
            c.plotting_area(),
            (0.0, 0.0),
            (100.0, 0.0),
            s.width(9.0) as i32,
            s.stroke(palette::GREY, 2.0),
        )?;
        for (colour, points) in &self.lines {
            c.draw_series(LineSeries::new(
                points.iter().copied(),
                s.stroke(*colour, 3.0),
            ))
            .map_err(chart::err)?;
            let r = s.width(5.0);
            c.draw_series(points.iter().map(|&p| Circle::new(p, r, colour.filled())))
                .map_err(chart::err)?;
        }
        Ok(())
    }
}

// --- Quartile pay bands ----------------------------------------------------------------------

struct Bands {
    /// Per band, per group: share in percent.
    shares: Vec<Vec<f64>>,
    names: Vec<String>,
    colours: Vec<RGBColor>,
}

fn band_chart(args: &GapArgs, g: &Gaps) -> (Frame, Bands) {
    let total: f64 = g.groups.iter().map(|p| p.weighted_n).sum();
    let mut frame = Frame::new("Quartile pay bands: who is in each quarter of the pay ranking")
        .subtitle(
            "Everyone ranked by pay and cut into four quarters of equal size; each group's share of each quarter (UK reg. 13, EU Art. 9(1)(f)). Ties at a cut are split in proportion.",
        )
        .source(source_line(args, g));
    let colours: Vec<RGBColor> = (0..g.groups.len()).map(colour).collect();
    for (i, p) in g.groups.iter().enumerate() {
        frame = frame.legend(
            format!(
                "{} ({:.1}% of everyone)",
                group_label(&p.label),
                100.0 * p.weighted_n / total
            ),
            colours[i],
            Mark::Bar,
        );
    }
    let shares = g
        .bands
        .iter()
        .map(|b| b.share.iter().map(|s| 100.0 * s).collect())
        .collect();
    let names = g
        .bands
        .iter()
        .map(|b| format!("{} quarter", b.name))
        .collect();
    (
        frame,
        Bands {
            shares,
            names,
            colours,
        },
    )
}

impl Plot for Bands {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let names = self.names.clone();
        let cat = move |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-9 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let mut c = builder(area, s)
            .build_cartesian_2d(
                linear(-0.6..3.6, linear_ticks(0.0, 3.0, 1.0)),
                linear(0.0..100.0, linear_ticks(0.0, 100.0, 20.0)),
            )
            .map_err(chart::err)?;
        mesh(
            &mut c,
            s,
            "pay band, lowest paid first",
            "share of the band",
            &cat,
            &pct_tick,
        )?;
        let pa = c.plotting_area();
        let text = s.bold(s.note(), palette::BACKGROUND);
        let min_label = s.note() * 1.3;
        for (b, shares) in self.shares.iter().enumerate() {
            let x = b as f64;
            let mut bottom = 0.0;
            for (k, &v) in shares.iter().enumerate() {
                let top = (bottom + v).min(100.0);
                pa.draw(&Rectangle::new(
                    [(x - 0.32, bottom), (x + 0.32, top)],
                    self.colours[k].filled(),
                ))
                .map_err(chart::err)?;
                // The share inside its segment, where the segment is tall enough for it.
                let h = pa.map_coordinate(&(x, bottom)).1 - pa.map_coordinate(&(x, top)).1;
                if f64::from(h) >= min_label {
                    label_at(
                        pa,
                        (x, (bottom + top) / 2.0),
                        (0, -half(s.note())),
                        &format!("{v:.1}%"),
                        &text,
                        anchor("center", "top"),
                    )?;
                }
                bottom = top;
            }
        }
        Ok(())
    }
}

// --- Gaps by category ------------------------------------------------------------------------

struct Categories {
    labels: Vec<String>,
    /// Per drawn category (top to bottom), per group against the reference: the mean gap.
    gaps: Vec<Vec<Option<f64>>>,
    colours: Vec<RGBColor>,
    x: (f64, f64, f64),
}

fn category_chart(args: &GapArgs, g: &Gaps) -> Option<(Frame, Categories)> {
    let cats = g.categories.as_ref()?;
    let reference = group_label(&g.groups[g.reference].label);
    let mut order: Vec<usize> = (0..cats.len()).collect();
    let truncated = cats.len() > MAX_CATEGORIES;
    if truncated {
        let weight = |c: usize| cats[c].groups.iter().map(|f| f.weighted_n).sum::<f64>();
        order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
        order.truncate(MAX_CATEGORIES);
        order.sort_unstable();
    }
    let mut frame = Frame::new(format!(
        "Mean pay gap by category of workers, against {reference:?}"
    ))
    .subtitle(format!(
        "(mean of {reference:?} − mean of the group) / mean of {reference:?} within each {:?}; dashed: ±{ARTICLE_10_THRESHOLD}%, where EU Art. 10 calls for a joint pay assessment",
        args.within.as_deref().unwrap_or("")
    ))
    .source(source_line(args, g))
    .note("The 5% line is a threshold for an assessment, not a finding of discrimination.");
    if truncated {
        frame = frame.note(format!(
            "{} categories: the {MAX_CATEGORIES} largest are drawn; the output tables have them all",
            cats.len()
        ));
    }
    let colours: Vec<RGBColor> = (0..g.gaps.len()).map(colour).collect();
    for (k, x) in g.gaps.iter().enumerate() {
        frame = frame.legend(group_label(&g.groups[x.group].label), colours[k], Mark::Bar);
    }
    frame = frame.legend(
        format!("±{ARTICLE_10_THRESHOLD}% (Art. 10)"),
        palette::VERMILION,
        Mark::Dashed,
    );
    let gaps: Vec<Vec<Option<f64>>> = order
        .iter()
        .map(|&c| cats[c].gaps.iter().map(|k| k.mean_gap).collect())
        .collect();
    let (mut lo, mut hi) = (-ARTICLE_10_THRESHOLD, ARTICLE_10_THRESHOLD);
    for v in gaps.iter().flatten().flatten() {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    Some((
        frame,
        Categories {
            labels: order.iter().map(|&c| group_label(&cats[c].label)).collect(),
            gaps,
            colours,
            x: gap_axis(lo, hi, 0.16),
        },
    ))
}

impl Plot for Categories {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let n = self.labels.len();
        let (lo, hi, step) = self.x;
        let labels = self.labels.clone();
        // Categories top to bottom in label order: category i sits at y = n - 1 - i.
        let cat = move |v: &f64| {
            let i = v.round();
            if (v - i).abs() > 1e-9 || i < 0.0 {
                return String::new();
            }
            let i = n as i64 - 1 - i as i64;
            usize::try_from(i)
                .ok()
                .and_then(|i| labels.get(i).cloned())
                .unwrap_or_default()
        };
        let ts = s.text(s.tick(), palette::INK);
        let widest = self
            .labels
            .iter()
            .map(|l| area.estimate_text_size(l, &ts).map(|(w, _)| w).unwrap_or(0))
            .max()
            .unwrap_or(0);
        let mut c = builder(area, s)
            .y_label_area_size(widest + s.width(20.0))
            .build_cartesian_2d(
                linear(lo..hi, linear_ticks(lo, hi, step)),
                linear(-0.6..n as f64 - 0.4, linear_ticks(0.0, n as f64 - 1.0, 1.0)),
            )
            .map_err(chart::err)?;
        c.configure_mesh()
            .disable_y_mesh()
            .bold_line_style(palette::LIGHT.mix(0.6))
            .light_line_style(TRANSPARENT)
            .axis_style(s.stroke(palette::GREY, 1.5))
            .label_style(ts.clone())
            .axis_desc_style(s.text(s.label(), palette::INK))
            .x_desc("mean pay gap")
            .x_label_formatter(&pct_tick)
            .y_label_formatter(&cat)
            .set_all_tick_mark_size(s.width(6.0))
            .draw()
            .map_err(chart::err)?;
        let pa = c.plotting_area();
        let top = n as f64 - 0.4;
        for x in [-ARTICLE_10_THRESHOLD, ARTICLE_10_THRESHOLD] {
            dashed(
                pa,
                (x, -0.6),
                (x, top),
                s.width(8.0) as i32,
                s.stroke(palette::VERMILION, 2.0),
            )?;
        }
        pa.draw(&PathElement::new(
            vec![(0.0, -0.6), (0.0, top)],
            s.stroke(palette::GREY, 1.5),
        ))
        .map_err(chart::err)?;
        let groups = self.colours.len().max(1) as f64;
        let band = 0.7 / groups;
        let note = s.text(s.note(), palette::INK);
        for (i, row) in self.gaps.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (k, v) in row.iter().enumerate() {
                let y0 = y + 0.35 - band * (k as f64 + 1.0);
                let (y0, y1) = (y0 + band * 0.1, y0 + band * 0.9);
                match v {
                    Some(v) => {
                        pa.draw(&Rectangle::new(
                            [(0.0, y0), (*v, y1)],
                            self.colours[k].filled(),
                        ))
                        .map_err(chart::err)?;
                        // The value beside the bar's end, outside it.
                        let (dx, h) = if *v >= 0.0 {
                            (s.width(6.0) as i32, "left")
                        } else {
                            (-(s.width(6.0) as i32), "right")
                        };
                        label_at(
                            pa,
                            (*v, (y0 + y1) / 2.0),
                            (dx, -half(s.note())),
                            &format!("{v:.1}%"),
                            &note,
                            anchor(h, "top"),
                        )?;
                    }
                    None => {
                        label_at(
                            pa,
                            (0.0, (y0 + y1) / 2.0),
                            (s.width(6.0) as i32, -half(s.note())),
                            "no rows of one group",
                            &s.text(s.note(), palette::GREY),
                            anchor("left", "top"),
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}
