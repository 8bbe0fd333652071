//! `kind = "timeline"`: dated figures and derived lines on a time axis, one or more series,
//! linear or log scale. A point's date is its figure's, or that of the figure `date_of` names
//! (a derived line has no date of its own), or a `date` written in the record. A date given
//! only as a year is drawn mid-year with a bar spanning the year.

use super::kinds::{self, default_color, ChartError, NumFormat, Rec, Size, Source, Val};
use super::{
    anchor, builder, error_bar_h, error_bar_v, label_at, linear, linear_ticks, log, log_ticks,
    mesh, nice_step, Area, DrawResult, Mark, Plot, Style,
};
use plotters::prelude::*;
use wages_data::Date;

struct Point {
    x: f64,
    /// Half the width of the date's uncertainty in years (0.5 for a year-only date).
    half: f64,
    y: f64,
    v: Val,
    label: String,
}

struct Series {
    color: RGBColor,
    points: Vec<Point>,
    /// Labels above (true) or below (false) the points, or none.
    labels: Option<bool>,
    line: bool,
}

enum YAxis {
    Linear { lo: f64, hi: f64, step: f64 },
    Log { lo: f64, hi: f64 },
}

struct Timeline {
    series: Vec<Series>,
    x: (f64, f64, Vec<f64>),
    y: YAxis,
    x_label: String,
    y_label: String,
    fmt: NumFormat,
}

fn point_date(src: &Source, p: &Rec, v: &Val) -> Result<Date, ChartError> {
    if let Some(d) = p.str("date")? {
        return Date::parse(&d).ok_or_else(|| {
            src.error(format!(
                "point `{}`: date = \"{d}\" is not YYYY, YYYY-MM or YYYY-MM-DD",
                v.id
            ))
        });
    }
    if let Some(of) = p.str("date_of")? {
        let f = src.ds.figure(&of).ok_or_else(|| {
            src.error(format!(
                "point `{}`: date_of = \"{of}\" names no figure",
                v.id
            ))
        })?;
        return f.date.ok_or_else(|| {
            src.error(format!(
                "point `{}`: the figure `{of}` (date_of) has no date",
                v.id
            ))
        });
    }
    v.date.ok_or_else(|| {
        src.error(format!(
            "point `{}` has no date: give it date_of = \"figure-id\" or date = \"YYYY\"",
            v.id
        ))
    })
}

pub fn render(src: &Source, rec: &Rec, size: Size) -> Result<Vec<u8>, ChartError> {
    let mut frame = kinds::frame(src, rec)?;
    let fmt = NumFormat::read(rec, "y_format", "number")?;
    let scale = rec.choice("y_scale", &["linear", "log"])?;
    let year_bars = rec.bool("year_bars", true)?;
    let mut series = Vec::new();
    for (i, s) in rec.records("series")?.iter().enumerate() {
        let color = s.color("color", default_color(i))?;
        if let Some(l) = s.str("legend")? {
            frame = frame.legend(src.text(&l, None), color, Mark::Point);
        }
        let labels = match s.choice("labels", &["above", "below", "none"])? {
            "above" => Some(true),
            "below" => Some(false),
            _ => None,
        };
        let default_label = s.str("label")?;
        let mut points = Vec::new();
        for p in s.records("points")? {
            let v = src.get(&p.req_str("id")?)?;
            let y = src.value(&v)?;
            let d = point_date(src, &p, &v)?;
            let label = match p.str("label")?.or_else(|| default_label.clone()) {
                Some(t) => src.text(&t, Some(&v)),
                None => fmt.label(&v),
            };
            points.push(Point {
                x: d.fractional_year(),
                half: if d.month.is_none() && year_bars {
                    0.5
                } else {
                    0.0
                },
                y,
                v,
                label,
            });
        }
        series.push(Series {
            color,
            points,
            labels,
            line: s.bool("line", true)?,
        });
    }
    let all: Vec<&Point> = series.iter().flat_map(|s| &s.points).collect();
    if all.is_empty() {
        return Err(src.error("a timeline needs at least one [[chart.series]] with points"));
    }
    // Time axis: whole years around the points, a little room either side.
    let x0 = all
        .iter()
        .map(|p| p.x - p.half)
        .fold(f64::INFINITY, f64::min);
    let x1 = all
        .iter()
        .map(|p| p.x + p.half)
        .fold(f64::NEG_INFINITY, f64::max);
    let (xa, xb) = (x0.floor(), x1.ceil().max(x0.floor() + 1.0));
    let step = if xb - xa > 12.0 {
        nice_step((xb - xa) / 10.0)
    } else {
        1.0
    };
    let x = (
        xa - 0.3,
        xb + 0.3,
        linear_ticks((xa / step).ceil() * step, xb, step),
    );
    let ends = |p: &&Point| {
        let lo = if p.v.lo.is_finite() {
            p.v.lo.min(p.y)
        } else {
            p.y
        };
        let hi = if p.v.hi.is_finite() {
            p.v.hi.max(p.y)
        } else {
            p.y
        };
        (lo, hi)
    };
    let lo = all.iter().map(|p| ends(p).0).fold(f64::INFINITY, f64::min);
    let hi = all
        .iter()
        .map(|p| ends(p).1)
        .fold(f64::NEG_INFINITY, f64::max);
    let given = rec.range("y_range")?;
    let y = if scale == "log" {
        let (lo, hi) = match given {
            Some(r) => r,
            None => kinds::log_range(lo, hi, fmt, src)?,
        };
        if lo <= 0.0 {
            return Err(src.error("y_range of a log axis must start above 0"));
        }
        YAxis::Log { lo, hi }
    } else {
        let (lo, hi, step) = match given {
            Some((a, b)) => (a, b, nice_step((b - a) / 5.0)),
            None => kinds::linear_range(lo, hi, 1.18),
        };
        YAxis::Linear { lo, hi, step }
    };
    let plot = Timeline {
        series,
        x,
        y,
        x_label: src.text(&rec.str("x_label")?.unwrap_or_else(|| "date".into()), None),
        y_label: src.text(&rec.str("y_label")?.unwrap_or_default(), None),
        fmt,
    };
    kinds::draw(&frame, &plot, size)
}

impl Timeline {
    fn marks<DB, CT>(&self, pa: &DrawingArea<DB, CT>, s: &Style) -> DrawResult
    where
        DB: DrawingBackend,
        CT: CoordTranslate<From = (f64, f64)>,
    {
        let r = (6.0 * s.scale).max(4.0) as i32;
        for series in &self.series {
            let color = series.color;
            if series.line && series.points.len() > 1 {
                pa.draw(&PathElement::new(
                    series.points.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>(),
                    s.stroke(kinds::tint(color, 0.55), 2.0),
                ))
                .map_err(super::err)?;
            }
            for p in &series.points {
                if p.half > 0.0 {
                    error_bar_h(
                        pa,
                        p.y,
                        p.x - p.half,
                        p.x + p.half,
                        s.width(10.0) as i32,
                        s.stroke(color, 1.5),
                    )?;
                }
                if p.v.has_interval() {
                    error_bar_v(
                        pa,
                        p.x,
                        p.v.lo,
                        p.v.hi,
                        s.width(10.0) as i32,
                        s.stroke(color, 1.5),
                    )?;
                }
                pa.draw(&Circle::new((p.x, p.y), r, color.filled()))
                    .map_err(super::err)?;
                if let Some(above) = series.labels {
                    let ts = s.bold(s.note(), color);
                    let (dy, v) = if above {
                        (-r - 4, "bottom")
                    } else {
                        (r + 4, "top")
                    };
                    label_at(pa, (p.x, p.y), (0, dy), &p.label, &ts, anchor("center", v))?;
                }
            }
        }
        Ok(())
    }
}

impl Plot for Timeline {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let (x0, x1, xt) = (self.x.0, self.x.1, self.x.2.clone());
        let xf = |v: &f64| format!("{v:.0}");
        let fmt = self.fmt;
        let yf = move |v: &f64| fmt.tick(*v);
        match self.y {
            YAxis::Log { lo, hi } => {
                let mut c = builder(area, s)
                    .build_cartesian_2d(linear(x0..x1, xt), log(lo..hi, log_ticks(lo, hi, true)))
                    .map_err(super::err)?;
                mesh(&mut c, s, &self.x_label, &self.y_label, &xf, &yf)?;
                self.marks(c.plotting_area(), s)
            }
            YAxis::Linear { lo, hi, step } => {
                let mut c = builder(area, s)
                    .build_cartesian_2d(
                        linear(x0..x1, xt),
                        linear(lo..hi, linear_ticks(lo, hi, step)),
                    )
                    .map_err(super::err)?;
                mesh(&mut c, s, &self.x_label, &self.y_label, &xf, &yf)?;
                self.marks(c.plotting_area(), s)
            }
        }
    }
}
