//! `--chart DIR`: each group's fitted survival curve on log-log axes with the bracket points
//! (share of the membership at or above each threshold, with its rounding interval), drawn
//! with the shared chart layer (crates/cli/chart).

use crate::chart::{
    self, builder, error_bar_v, fmt_multiple, fmt_tick, log_ticks, mesh, palette, Area, DrawResult,
    Format, Frame, Mark, Plot, Style,
};
use plotters::prelude::*;
use wages_analysis::tabulation::format::{clip, esc, short};
use wages_analysis::tabulation::{GroupTabulation, Method};

struct Survival<'a> {
    g: &'a GroupTabulation,
    x: (f64, f64),
    y: (f64, f64),
}

/// Axis range: a little beyond the data, on whole 1-2-5 steps where possible.
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in values.filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo.is_finite() && hi > 0.0).then(|| {
        let lo = 10f64.powf(lo.log10().floor());
        let hi = 10f64.powf(hi.log10().ceil());
        (lo, if hi > lo { hi } else { lo * 10.0 })
    })
}

impl Plot for Survival<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let mut c = builder(area, s)
            .build_cartesian_2d(
                chart::log(self.x.0..self.x.1, log_ticks(self.x.0, self.x.1, true)),
                chart::log(self.y.0..self.y.1, log_ticks(self.y.0, self.y.1, true)),
            )
            .map_err(chart::err)?;
        mesh(
            &mut c,
            s,
            "pay, multiple of the minimum (log scale)",
            "% of members at or above (log scale)",
            &fmt_multiple,
            &fmt_tick,
        )?;
        let in_range =
            |&(x, y): &(f64, f64)| x >= self.x.0 && x <= self.x.1 && y >= self.y.0 && y <= self.y.1;
        let curve: Vec<(f64, f64)> = self.g.curve.iter().copied().filter(in_range).collect();
        c.draw_series(LineSeries::new(curve, s.line(palette::BLUE)))
            .map_err(chart::err)?;
        let pa = c.plotting_area();
        let r = (6.0 * s.scale).max(4.0) as i32;
        for a in &self.g.above {
            let v = a.share_percent.value();
            if v.is_nan() || v <= 0.0 {
                continue;
            }
            let lo = a.share_percent.lo().unwrap_or(v).max(self.y.0);
            let hi = a.share_percent.hi().unwrap_or(v).min(self.y.1);
            if hi > lo {
                error_bar_v(
                    pa,
                    a.threshold,
                    lo,
                    hi,
                    s.width(10.0) as i32,
                    s.stroke(palette::VERMILION, 2.0),
                )?;
            }
            pa.draw(&Circle::new(
                (a.threshold, v),
                r,
                palette::VERMILION.filled(),
            ))
            .map_err(chart::err)?;
        }
        Ok(())
    }
}

/// A file-name stem from a group name: lower-case letters, digits and dashes.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let t = out.trim_end_matches('-').to_string();
    if t.is_empty() {
        "group".into()
    } else {
        t
    }
}

/// Rendered files `(name, bytes)` and the groups that got no chart, with the reason.
pub type Rendered = (Vec<(String, Vec<u8>)>, Vec<(String, String)>);

/// Why a group has no fitted curve: the fits' own errors (too few brackets, a missing mean, a
/// figure not computable in floating point...), as the report's `not computed` lines say.
fn no_fit_reason(g: &GroupTabulation) -> String {
    let reasons: Vec<String> = g
        .not_fitted
        .iter()
        .filter(|nf| nf.method != Method::GiniBounds)
        .map(|nf| format!("{}: {}", nf.method, nf.reason))
        .collect();
    if reasons.is_empty() {
        "no fitted distribution".into()
    } else {
        format!("no fitted distribution ({})", reasons.join("; "))
    }
}

/// Renders every group (and the total) that has a fit: `(file name, bytes)`, PNG and SVG.
/// Groups without a fit are skipped; their names and the reason are returned second.
pub fn render_all(input: &str, groups: &[&GroupTabulation]) -> Result<Rendered, String> {
    let mut files = Vec::new();
    let skipped = render_with(
        input,
        groups,
        &[Format::Png, Format::Svg],
        |_, stem, _, f, bytes| files.push((format!("{stem}.{}", f.extension()), bytes)),
    )?;
    Ok((files, skipped))
}

/// Charts by group name, and the groups without one with why.
pub type ChartsByGroup = (Vec<(String, crate::html::Chart)>, Vec<(String, String)>);

/// Each group's chart as SVG for `--format html`, with its frame (the text alternative), and
/// the groups without a chart, with why.
pub fn svgs(input: &str, groups: &[&GroupTabulation]) -> Result<ChartsByGroup, String> {
    let mut charts = Vec::new();
    let skipped = render_with(
        input,
        groups,
        &[Format::Svg],
        |group, stem, frame, _, bytes| {
            charts.push((
                group.to_string(),
                crate::html::Chart::from_frame(stem, frame, bytes),
            ))
        },
    )?;
    Ok((charts, skipped))
}

/// Draws each group's chart in `formats`, handing `(file stem, frame, format, bytes)` to
/// `sink`; returns the groups without a chart, with why.
fn render_with(
    input: &str,
    groups: &[&GroupTabulation],
    formats: &[Format],
    mut sink: impl FnMut(&str, &str, &Frame, Format, Vec<u8>),
) -> Result<Vec<(String, String)>, String> {
    let mut skipped = Vec::new();
    let mut used = std::collections::HashSet::new();
    for g in groups {
        let method = match g.gini.fit_method {
            Some(m) if !g.curve.is_empty() => m,
            Some(m) => {
                skipped.push((
                    g.group.clone(),
                    format!("the {m} has no finite curve to plot"),
                ));
                continue;
            }
            None => {
                skipped.push((g.group.clone(), no_fit_reason(g)));
                continue;
            }
        };
        let points = g.above.iter().map(|a| a.share_percent.value());
        let (Some(x), Some(y)) = (
            range(
                g.curve
                    .iter()
                    .map(|p| p.0)
                    .chain(g.above.iter().map(|a| a.threshold)),
            ),
            range(
                points
                    .chain(g.curve.iter().map(|p| p.1))
                    .filter(|&v| v >= 1e-3),
            ),
        ) else {
            skipped.push((
                g.group.clone(),
                "no positive points to plot on log-log axes".into(),
            ));
            continue;
        };
        let mut stem = format!("tabulate-{}", slug(&g.group));
        let mut k = 2;
        while !used.insert(stem.clone()) {
            stem = format!("tabulate-{}-{k}", slug(&g.group));
            k += 1;
        }
        // Labels from the file are drawn escaped (a control character is not XML: an SVG
        // `<text>` with U+0001 does not parse, and it has no glyph in a PNG) and at most 100
        // characters long (a 100 KB label would take seconds to lay out, and not fit).
        let frame = Frame::new(format!(
            "Fitted survival curve: {}",
            clip(&crate::output::printable(&g.group), 100)
        ))
        .subtitle(format!(
            "Log-log. Line: {method} fitted to the brackets; the fit describes {}.",
            g.fit_population
        ))
        .legend(format!("fitted ({method})"), palette::BLUE, Mark::Line)
        .legend(
            "% at or above each threshold, from the table (bar: rounding interval)",
            palette::VERMILION,
            Mark::Point,
        )
        .note(format!(
            "Membership: {} ({}).",
            wages_analysis::tabulation::format::fmt_estimate(&g.membership.members),
            g.membership.origin
        ))
        .source(format!(
            "Source: {}; computed by wages tabulate.",
            clip(input, 100)
        ));
        let plot = Survival { g, x, y };
        for &f in formats {
            let bytes = chart::render(&frame, &plot, f, 1200, 800).map_err(|e| {
                format!(
                    "chart for group \"{}\": cannot draw: {e}",
                    short(&esc(&g.group))
                )
            })?;
            sink(&g.group, &stem, &frame, f, bytes);
        }
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_file_safe() {
        assert_eq!(
            slug("soviet, industrial, trade, banking and co-operative institutions"),
            "soviet-industrial-trade-banking-and-co-operative"
        );
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("***"), "group");
    }
}
