//! `wages analyze --chart DIR`: a Lorenz curve (whole table and the largest groups) and a
//! histogram of pay as a multiple of the minimum on a log scale, each as PNG and SVG, drawn with
//! the house chart layer (`crate::chart`). The curves come from
//! `wages_analysis::payroll::ChartData`, computed from each sorted `Sample` while the
//! statistics are (nothing is re-sorted); this module only lays them out.

use super::AnalyzeArgs;
use crate::chart::{
    self, anchor, builder, dashed, fmt_multiple, fmt_tick, label_at, linear, linear_ticks,
    log_ticks, mesh, nice_step, palette, Area, DrawResult, Format, Frame, Mark, Plot, Style,
};
use crate::error::{CliError, Result};

use plotters::prelude::*;
use plotters::style::RGBColor;
use wages_analysis::inequality::Histogram;
use wages_analysis::payroll::{Analysis, ChartData, MinimumSource, MAX_LORENZ_GROUPS};

/// File stems, without extension.
pub const LORENZ: &str = "analyze-lorenz";
pub const MULTIPLES: &str = "analyze-multiples";

/// One colour per group curve; the whole table is drawn in ink, thicker.
const GROUP_COLOURS: [RGBColor; MAX_LORENZ_GROUPS] = [
    palette::BLUE,
    palette::ORANGE,
    palette::VERMILION,
    palette::GREEN,
    palette::SKY,
    palette::PURPLE,
];

/// Every chart file: `(file name, bytes)`.
pub fn render_all(args: &AnalyzeArgs, a: &Analysis) -> Result<Vec<(String, Vec<u8>)>> {
    let data = a
        .charts
        .as_ref()
        .ok_or_else(|| CliError::Output("internal: chart data was not computed".into()))?;
    let (w, h) = (args.chart_width, args.chart_height);
    let (lorenz_frame, lorenz) = lorenz_chart(args, a, data);
    let (hist_frame, hist) = multiples_chart(args, a, &data.histogram);
    let mut files = Vec::new();
    for f in [Format::Png, Format::Svg] {
        let fail = |e: String| CliError::Output(format!("cannot draw the charts: {e}"));
        let bytes = chart::render(&lorenz_frame, &lorenz, f, w, h).map_err(fail)?;
        files.push((format!("{LORENZ}.{}", f.extension()), bytes));
        let bytes = chart::render(&hist_frame, &hist, f, w, h).map_err(fail)?;
        files.push((format!("{MULTIPLES}.{}", f.extension()), bytes));
    }
    Ok(files)
}

/// The charts as SVG for `--format html`, each with its frame (the text alternative): the
/// Lorenz curves, and the histogram of multiples when there is a reference minimum.
pub fn svgs(args: &AnalyzeArgs, a: &Analysis) -> Result<Vec<crate::html::Chart>> {
    let data = a
        .charts
        .as_ref()
        .ok_or_else(|| CliError::Output("internal: chart data was not computed".into()))?;
    let (w, h) = (args.chart_width, args.chart_height);
    let fail = |e: String| CliError::Output(format!("cannot draw the charts: {e}"));
    let (lorenz_frame, lorenz) = lorenz_chart(args, a, data);
    let bytes = chart::render(&lorenz_frame, &lorenz, Format::Svg, w, h).map_err(fail)?;
    let mut out = vec![crate::html::Chart::from_frame(LORENZ, &lorenz_frame, bytes)];
    if a.multiples_defined {
        let (hist_frame, hist) = multiples_chart(args, a, &data.histogram);
        let bytes = chart::render(&hist_frame, &hist, Format::Svg, w, h).map_err(fail)?;
        out.push(crate::html::Chart::from_frame(
            MULTIPLES,
            &hist_frame,
            bytes,
        ));
    }
    Ok(out)
}

fn source_line(args: &AnalyzeArgs, a: &Analysis) -> String {
    let mut s = format!(
        "Source: {}, pay column {:?}, {} rows",
        args.file.display(),
        args.pay,
        output_count(a.all.n as f64)
    );
    if let Some(w) = &args.weight {
        s.push_str(&format!(", weighted by column {w:?}"));
    }
    s
}

fn output_count(x: f64) -> String {
    fmt_tick(&x)
}

fn group_label(label: &str) -> String {
    if label.is_empty() {
        return "(blank)".into();
    }
    let mut s: String = label.chars().take(32).collect();
    if s.len() < label.len() {
        s.push('…');
    }
    // A control character is not XML: an SVG <text> with U+0001 would not open.
    crate::output::printable(&s).into_owned()
}

// --- Lorenz ----------------------------------------------------------------------------------

/// One curve: colour, line width at 1200x800, points in percent.
type Series = (RGBColor, f64, Vec<(f64, f64)>);

struct Lorenz {
    /// Drawn in order.
    series: Vec<Series>,
}

fn percent(c: &[(f64, f64)]) -> Vec<(f64, f64)> {
    c.iter().map(|&(x, y)| (100.0 * x, 100.0 * y)).collect()
}

fn lorenz_chart(args: &AnalyzeArgs, a: &Analysis, data: &ChartData) -> (Frame, Lorenz) {
    let people = if a.weighted {
        "people (weighted)"
    } else {
        "people"
    };
    let mut frame = Frame::new("Lorenz curve: how pay is shared")
        .subtitle(format!(
            "Share of total pay earned by the lowest-paid share of {people}; further below the diagonal: more unequal"
        ))
        .source(source_line(args, a))
        .legend("Equality", palette::GREY, Mark::Dashed)
        .legend(
            format!("All rows: Gini {:.3}", a.all.gini),
            palette::INK,
            Mark::Line,
        );
    let mut series = Vec::new();
    for (k, (i, curve)) in data.group_lorenz.iter().enumerate() {
        let g = &a.groups[*i];
        let colour = GROUP_COLOURS[k % GROUP_COLOURS.len()];
        frame = frame.legend(
            format!(
                "{}: Gini {:.3}",
                group_label(&g.label),
                g.summary.as_ref().map_or(f64::NAN, |s| s.gini)
            ),
            colour,
            Mark::Line,
        );
        series.push((colour, 2.5, percent(curve)));
    }
    // The whole table on top.
    series.push((palette::INK, 3.5, percent(&data.lorenz)));
    if a.groups.len() > data.group_lorenz.len() {
        frame = frame.note(format!(
            "{} groups by {:?}: only the {} largest (by {}) are drawn; the output tables have them all",
            a.groups.len(),
            args.group.as_deref().unwrap_or(""),
            data.group_lorenz.len(),
            if a.weighted { "weighted count" } else { "rows" },
        ));
    }
    (frame, Lorenz { series })
}

impl Plot for Lorenz {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let ticks = || linear_ticks(0.0, 100.0, 20.0);
        let mut c = builder(area, s)
            .build_cartesian_2d(linear(0.0..100.0, ticks()), linear(0.0..100.0, ticks()))
            .map_err(chart::err)?;
        let pct = |v: &f64| format!("{}%", fmt_tick(v));
        mesh(
            &mut c,
            s,
            "cumulative share of people, lowest paid first (%)",
            "cumulative share of total pay (%)",
            &pct,
            &pct,
        )?;
        dashed(
            c.plotting_area(),
            (0.0, 0.0),
            (100.0, 100.0),
            s.width(9.0) as i32,
            s.stroke(palette::GREY, 2.0),
        )?;
        for (colour, width, points) in &self.series {
            c.draw_series(LineSeries::new(
                points.iter().copied(),
                s.stroke(*colour, *width),
            ))
            .map_err(chart::err)?;
        }
        Ok(())
    }
}

// --- Histogram of multiples ------------------------------------------------------------------

struct Multiples {
    /// Non-empty bins: `(left edge, right edge, count)`.
    bars: Vec<(f64, f64, f64)>,
    caps: Vec<f64>,
    x: (f64, f64),
    y_max: f64,
    y_desc: &'static str,
}

fn multiples_chart(args: &AnalyzeArgs, a: &Analysis, h: &Histogram) -> (Frame, Multiples) {
    let bars: Vec<(f64, f64, f64)> = h
        .edges
        .windows(2)
        .zip(&h.counts)
        .filter(|(_, &c)| c > 0.0)
        .map(|(e, &c)| (e[0], e[1], c))
        .collect();
    let mut caps = args.caps.clone();
    caps.sort_by(f64::total_cmp);
    caps.dedup();
    let first = h.edges.first().copied().unwrap_or(1.0);
    let last = h.edges.last().copied().unwrap_or(10.0);
    // The axis spans the data and every cap (a cap nobody reaches is shown as such), with a
    // margin of a factor 1.25 beyond the outermost caps.
    let lo = caps.first().map_or(first, |&k| first.min(k / 1.25));
    let hi = caps.last().map_or(last, |&k| last.max(k * 1.25));
    let count_max = bars.iter().map(|b| b.2).fold(0.0, f64::max);
    let y_max = nice_ceiling(count_max * 1.18);
    let minimum = match a.minimum_source {
        MinimumSource::Given => format!(
            "Minimum = {} (--minimum); dashed lines: caps at k x minimum, labelled 1:k",
            fmt_tick(&a.minimum)
        ),
        MinimumSource::SmallestPay => format!(
            "Minimum = {}, the smallest pay in the file (no --minimum given): multiples of the true minimum can only be lower. Dashed lines: caps at k x minimum, labelled 1:k",
            fmt_tick(&a.minimum)
        ),
    };
    let mut frame = Frame::new("Pay as a multiple of the minimum")
        .subtitle(format!(
            "{} per bin of pay / minimum (log scale, {} bins per decade)",
            if a.weighted {
                "People (weighted)"
            } else {
                "People"
            },
            h.per_decade
        ))
        .source(source_line(args, a))
        .note(minimum);
    if a.kept_nonpositive > 0 {
        // `Sample::histogram` bins the positive rows only: a log scale has no place for the rest.
        frame = frame.note(format!(
            "{} rows with zero or negative pay (--nonpositive keep) are not drawn: a log scale has no place for them",
            a.kept_nonpositive
        ));
    }
    (
        frame,
        Multiples {
            bars,
            caps,
            x: (lo, hi),
            y_max,
            y_desc: if a.weighted {
                "people per bin (weighted)"
            } else {
                "people per bin"
            },
        },
    )
}

/// The smallest 1-2-5 tick step multiple at or above `x` (a y axis top).
fn nice_ceiling(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    let step = nice_step(x / 5.0);
    (x / step).ceil() * step
}

impl Plot for Multiples {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let (lo, hi) = self.x;
        let decades = (hi / lo).log10();
        let mut xt = log_ticks(lo, hi, decades <= 3.5);
        if decades > 7.0 {
            // One tick a decade.
            xt.retain(|v| (v.log10() - v.log10().round()).abs() < 1e-9);
        }
        let step = nice_step(self.y_max / 5.0);
        let mut c = builder(area, s)
            .build_cartesian_2d(
                chart::log(lo..hi, xt),
                linear(0.0..self.y_max, linear_ticks(0.0, self.y_max, step)),
            )
            .map_err(chart::err)?;
        mesh(
            &mut c,
            s,
            "pay, multiple of the minimum (log scale)",
            self.y_desc,
            &fmt_multiple,
            &fmt_tick,
        )?;
        let pa = c.plotting_area();
        for &(l, r, count) in &self.bars {
            // A small gap between neighbouring bars: 4% of the bin's log width each side.
            let g = (r / l).powf(0.04);
            pa.draw(&Rectangle::new(
                [(l * g, 0.0), (r / g, count)],
                palette::BLUE.filled(),
            ))
            .map_err(chart::err)?;
        }
        // Caps: dashed reference lines, labelled at the top; labels of caps close together
        // alternate between two rows.
        let px = |k: f64| pa.map_coordinate(&(k, 0.0)).0;
        let label_w = (s.note() * 3.2) as i32;
        let mut last_x = i32::MIN / 2;
        let mut row = 0;
        for &k in &self.caps {
            dashed(
                pa,
                (k, 0.0),
                (k, self.y_max),
                s.width(7.0) as i32,
                s.stroke(palette::VERMILION, 2.0),
            )?;
            let x = px(k);
            row = if x - last_x < label_w { 1 - row } else { 0 };
            last_x = x;
            let dy = s.width(4.0) as i32 + row * (s.note() * 1.25) as i32;
            label_at(
                pa,
                (k, self.y_max),
                (s.width(5.0) as i32, dy),
                &format!("1:{}", fmt_tick(&k)),
                &s.bold(s.note(), palette::VERMILION),
                anchor("left", "top"),
            )?;
        }
        Ok(())
    }
}
