//! `kind = "tail"`: the upper tail of a distribution, log-log: N(>k), the number above each
//! threshold k (figures or derived lines by id), with Pareto segments drawn from exponent lines
//! by id (N(>a)·(k/a)^-α from threshold a to b) and dashed extensions ending at a derived count
//! (what one law would predict further out).

use super::kinds::{self, ChartError, NumFormat, Rec, Size, Source, Val};
use super::{
    anchor, builder, dashed, error_bar_v, label_at, log, log_ticks, mesh, palette, Area,
    DrawResult, Mark, Plot, Style,
};
use plotters::prelude::*;

struct Point {
    k: f64,
    n: f64,
    v: Val,
    label: String,
}

struct Segment {
    from: (f64, f64),
    to: (f64, f64),
    label: String,
}

struct Extension {
    from: (f64, f64),
    to: (f64, f64),
    label: String,
    color: RGBColor,
}

struct Tail {
    points: Vec<Point>,
    segments: Vec<Segment>,
    extensions: Vec<Extension>,
    color: RGBColor,
    x: (f64, f64, Vec<f64>),
    y: (f64, f64),
    x_label: String,
    y_label: String,
    x_fmt: NumFormat,
    y_fmt: NumFormat,
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

pub fn render(src: &Source, rec: &Rec, size: Size) -> Result<Vec<u8>, ChartError> {
    let mut frame = kinds::frame(src, rec)?;
    let color = rec.color("color", palette::BLUE)?;
    let x_fmt = NumFormat::read(rec, "x_format", "multiple")?;
    let y_fmt = NumFormat::read(rec, "y_format", "number")?;
    let mut points = Vec::new();
    for p in rec.records("points")? {
        let k = p.req_num("at")?;
        let v = src.get(&p.req_str("id")?)?;
        let n = src.value(&v)?;
        if !(k > 0.0 && n > 0.0) {
            return Err(src.error(format!(
                "point `{}` at {k}: a log-log tail needs thresholds and counts above 0",
                v.id
            )));
        }
        let label = match p.str("label")? {
            Some(t) => src.text(&t, Some(&v)),
            None => y_fmt.wrap(&super::text::value_text(&v, None)),
        };
        points.push(Point { k, n, v, label });
    }
    if points.len() < 2 {
        return Err(src.error("a tail needs at least two points (thresholds with counts)"));
    }
    points.sort_by(|a, b| a.k.total_cmp(&b.k));
    let count_at = |k: f64, what: &str| -> Result<f64, ChartError> {
        points
            .iter()
            .find(|p| same(p.k, k))
            .map(|p| p.n)
            .ok_or_else(|| src.error(format!("{what} = {k} is not the threshold of a point")))
    };
    if let Some(l) = rec.str("points_legend")? {
        frame = frame.legend(src.text(&l, None), color, Mark::Point);
    }
    if let Some(l) = rec.str("segments_legend")? {
        frame = frame.legend(src.text(&l, None), color, Mark::Line);
    }
    let mut segments = Vec::new();
    for s in rec.records("segments")? {
        let (a, b) = (s.req_num("from")?, s.req_num("to")?);
        let alpha = src.get(&s.req_str("exponent")?)?;
        let al = src.value(&alpha)?;
        let na = count_at(a, "segment from")?;
        let end = na * (b / a).powf(-al);
        let label = s
            .str("label")?
            .unwrap_or_else(|| "α ≈ {.:2} [{.lo:2}, {.hi:2}]".into());
        segments.push(Segment {
            from: (a, na),
            to: (b, end),
            label: src.text(&label, Some(&alpha)),
        });
    }
    let mut extensions = Vec::new();
    for e in rec.records("extension")? {
        let (a, b) = (e.req_num("from")?, e.req_num("to")?);
        let v = src.get(&e.req_str("id")?)?;
        let n = src.value(&v)?;
        let c = e.color("color", palette::VERMILION)?;
        if let Some(l) = e.str("legend")? {
            frame = frame.legend(src.text(&l, Some(&v)), c, Mark::Dashed);
        }
        let label = match e.str("label")? {
            Some(t) => src.text(&t, Some(&v)),
            None => y_fmt.label(&v),
        };
        extensions.push(Extension {
            from: (a, count_at(a, "extension from")?),
            to: (b, n),
            label,
            color: c,
        });
    }
    // Axes: thresholds and counts with room around them; the thresholds are ticks.
    let ks = points
        .iter()
        .map(|p| p.k)
        .chain(segments.iter().map(|s| s.to.0))
        .chain(extensions.iter().map(|e| e.to.0));
    let (kmin, kmax) = ks.fold((f64::INFINITY, 0f64), |(a, b), k| (a.min(k), b.max(k)));
    let (x0, x1) = match rec.range("x_range")? {
        Some(r) => r,
        None => (kinds::floor_125(kmin / 1.3), kinds::ceil_125(kmax * 1.3)),
    };
    let mut xt = log_ticks(x0, x1, true);
    xt.extend(points.iter().map(|p| p.k).filter(|k| *k >= x0 && *k <= x1));
    xt.sort_by(f64::total_cmp);
    xt.dedup_by(|a, b| same(*a, *b));
    let mut lo = f64::INFINITY;
    let mut hi = 0f64;
    for p in &points {
        for y in [p.n, p.v.lo, p.v.hi] {
            if y.is_finite() && y > 0.0 {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
    }
    for y in segments
        .iter()
        .map(|s| s.to.1)
        .chain(extensions.iter().map(|e| e.to.1))
    {
        if y.is_finite() && y > 0.0 {
            lo = lo.min(y);
            hi = hi.max(y);
        }
    }
    let y = match rec.range("y_range")? {
        Some(r) if r.0 > 0.0 => r,
        Some(_) => return Err(src.error("y_range of a log axis must start above 0")),
        None => kinds::log_range(lo, hi, y_fmt, src)?,
    };
    if x0 <= 0.0 {
        return Err(src.error("x_range of a log axis must start above 0"));
    }
    let plot = Tail {
        points,
        segments,
        extensions,
        color,
        x: (x0, x1, xt),
        y,
        x_label: src.text(&rec.str("x_label")?.unwrap_or_else(|| "k".into()), None),
        y_label: src.text(&rec.str("y_label")?.unwrap_or_else(|| "N(>k)".into()), None),
        x_fmt,
        y_fmt,
    };
    kinds::draw(&frame, &plot, size)
}

impl Plot for Tail {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let (xf, yf) = (self.x_fmt, self.y_fmt);
        let mut chart = builder(area, s)
            .build_cartesian_2d(
                log(self.x.0..self.x.1, self.x.2.clone()),
                log(self.y.0..self.y.1, log_ticks(self.y.0, self.y.1, true)),
            )
            .map_err(super::err)?;
        mesh(
            &mut chart,
            s,
            &self.x_label,
            &self.y_label,
            &move |v| xf.tick(*v),
            &move |v| yf.tick(*v),
        )?;
        let pa = chart.plotting_area();
        for seg in &self.segments {
            pa.draw(&PathElement::new(
                vec![seg.from, seg.to],
                s.line(self.color),
            ))
            .map_err(super::err)?;
            let mid = (
                (seg.from.0 * seg.to.0).sqrt(),
                (seg.from.1 * seg.to.1).sqrt(),
            );
            label_at(
                pa,
                mid,
                (-(s.width(8.0) as i32), s.width(8.0) as i32),
                &seg.label,
                &s.bold(s.note(), palette::INK),
                anchor("right", "top"),
            )?;
        }
        for e in &self.extensions {
            dashed(
                pa,
                e.from,
                e.to,
                s.width(9.0) as i32,
                s.stroke(e.color, 2.5),
            )?;
            label_at(
                pa,
                e.to,
                (s.width(10.0) as i32, 0),
                &e.label,
                &s.bold(s.note(), e.color),
                anchor("left", "center"),
            )?;
        }
        let r = (6.0 * s.scale).max(4.0) as i32;
        for p in &self.points {
            if p.v.has_interval() {
                error_bar_v(
                    pa,
                    p.k,
                    p.v.lo,
                    p.v.hi,
                    s.width(16.0) as i32,
                    s.stroke(palette::INK, 2.0),
                )?;
            }
            pa.draw(&Circle::new((p.k, p.n), r, self.color.filled()))
                .map_err(super::err)?;
            label_at(
                pa,
                (p.k, p.n),
                (-(s.width(12.0) as i32), 0),
                &p.label,
                &s.text(s.note(), palette::INK),
                anchor("right", "center"),
            )?;
        }
        Ok(())
    }
}
