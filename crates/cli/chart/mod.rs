//! Chart rendering: one drawing, two formats (PNG and SVG), in the house style.
//!
//! The charts of `wages chart` are data: a dataset declares them as `[[chart]]` records of
//! `derivations/*.toml` (docs/charts.md), and [`kinds`] draws each declared kind (`timeline`,
//! `bars`, `tail`) from the evaluated ledger, by id. The rest of this module is the layout
//! every chart shares, also used by `analyze` and `tabulate`.
//!
//! # The API (for `chart`, `analyze`, `tabulate`, ...)
//!
//! A chart is a [`Frame`] (title, subtitle, legend, source line and notes at the foot) around a
//! plot body. The body implements [`Plot`]: one generic `draw` method that receives the plot
//! area (a `DrawingArea<DB, Shift>` for any plotters backend) and the [`Style`] (font sizes and
//! line widths scaled to the output size). [`render`] lays the frame out, calls the body once
//! for the chosen [`Format`], and returns the file's bytes (PNG encoded in memory, SVG as UTF-8),
//! ready for `crate::output::write_atomic`.
//!
//! ```ignore
//! struct Lorenz<'a>(&'a [(f64, f64)]);
//! impl chart::Plot for Lorenz<'_> {
//!     fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> chart::DrawResult {
//!         let mut c = chart::builder(area, s).build_cartesian_2d(
//!             (0.0..1.0).with_key_points(chart::linear_ticks(0.0, 1.0, 0.2)),
//!             (0.0..1.0).with_key_points(chart::linear_ticks(0.0, 1.0, 0.2)))
//!             .map_err(chart::err)?;
//!         chart::mesh(&mut c, s, "share of people", "share of pay", &chart::fmt_tick, &chart::fmt_tick)?;
//!         c.draw_series(LineSeries::new(self.0.iter().copied(), s.line(chart::palette::BLUE)))
//!             .map_err(chart::err)?;
//!         Ok(())
//!     }
//! }
//! let frame = Frame::new("Lorenz curve").source("Source: payroll.csv");
//! let bytes = chart::render(&frame, &Lorenz(&points), Format::Png, 1200, 800)?;
//! ```
//!
//! Pieces:
//! - [`render`], [`Format`], [`MIN_WIDTH`]/[`MIN_HEIGHT`]/[`MAX_SIDE`], [`check_size`].
//! - [`Frame`] with [`LegendItem`] and [`Mark`]: the legend is drawn by the frame, in a band
//!   under the subtitle, never over the data. Legend swatches are drawn as polygons and
//!   polylines, never as `<rect>` or `<circle>`, so an SVG's `<rect>`/`<circle>` elements of a
//!   series' colour are exactly that series' bars/points (tests count them).
//! - [`Style`]: font sizes (`title`, `label`, `tick`, `note`), [`Style::text`],
//!   [`Style::line`], [`Style::width`].
//! - Axes: [`builder`] (house margins and label areas), [`mesh`] (grid, axis descriptions,
//!   tick formatters), tick helpers [`log_ticks`], [`linear_ticks`], [`fmt_tick`],
//!   [`fmt_multiple`].
//! - Marks: [`error_bar_v`], [`error_bar_h`], [`dashed`], [`label_at`].
//! - [`palette`]: the house colours (colour-blind safe, from Okabe & Ito); one colour per series.
//!
//! Fonts: DejaVu Sans (regular and bold, assets/fonts/, Bitstream Vera licence) is embedded and
//! registered under the family name [`FAMILY`] on first use, so a PNG renders the same on a
//! machine without fonts. SVG keeps its text as `<text>` elements (searchable, selectable) with
//! `font-family="DejaVu Sans, sans-serif"`; the output is byte-identical across runs.

use plotters::coord::combinators::LogCoord;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, RGBColor, ShapeStyle, TextStyle};
use std::sync::Once;

mod bars;
pub mod kinds;
mod tail;
mod text;
mod timeline;

/// The drawing area a [`Plot`] draws into.
pub type Area<DB> = DrawingArea<DB, Shift>;
/// What drawing code returns: a message on failure.
pub type DrawResult = Result<(), String>;

/// Converts any plotters error to the message [`DrawResult`] carries.
pub fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The font family every text uses. It is also a valid CSS font list for SVG viewers.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";
static FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts (once per process). Also under `sans-serif`, the family
/// plotters falls back to for any text without an explicit font.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for name in [FAMILY, "sans-serif"] {
            // The bytes are a font we ship; a failure here is a build defect, surfaced by
            // every test, not something a user's input can cause.
            let _ = plotters::style::register_font(name, FontStyle::Normal, FONT_REGULAR);
            let _ = plotters::style::register_font(name, FontStyle::Bold, FONT_BOLD);
        }
    });
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Smallest width a chart is laid out for (labels checked not to overlap at this size).
pub const MIN_WIDTH: u32 = 640;
/// Smallest height a chart is laid out for.
pub const MIN_HEIGHT: u32 = 480;
/// Largest side (keeps a PNG buffer under ~200 MB).
pub const MAX_SIDE: u32 = 8000;

/// `Err(message)` if `width` x `height` is outside what the layout supports.
pub fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Err(format!(
            "--width {width} --height {height} is too small: charts need at least {MIN_WIDTH}x{MIN_HEIGHT} pixels for their labels to fit"
        ));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "--width {width} --height {height} is too large: at most {MAX_SIDE} pixels a side"
        ));
    }
    if width > 3 * height || height > 2 * width {
        return Err(format!(
            "--width {width} --height {height}: the aspect ratio must lie between 1:2 (tall) and 3:1 (wide)"
        ));
    }
    Ok(())
}

/// The house colours (Okabe & Ito's colour-blind-safe palette, plus greys).
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const VERMILION: RGBColor = RGBColor(213, 94, 0);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const INK: RGBColor = RGBColor(34, 34, 34);
    pub const GREY: RGBColor = RGBColor(96, 96, 96);
    pub const LIGHT: RGBColor = RGBColor(200, 200, 200);
    pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
    /// Emphasis for conditions and assumptions printed on a chart.
    pub const CAUTION: RGBColor = RGBColor(160, 40, 0);
}

/// Sizes scaled to the output: 1.0 at 1200x800.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub scale: f64,
}

impl Style {
    pub fn for_size(width: u32, height: u32) -> Style {
        Style {
            scale: (width as f64 / 1200.0).min(height as f64 / 800.0),
        }
    }
    fn px(&self, at_1200: f64, min: f64) -> f64 {
        (at_1200 * self.scale).max(min)
    }
    pub fn title(&self) -> f64 {
        self.px(34.0, 20.0)
    }
    pub fn subtitle(&self) -> f64 {
        self.px(21.0, 14.0)
    }
    /// Axis descriptions and legend entries.
    pub fn label(&self) -> f64 {
        self.px(20.0, 14.0)
    }
    pub fn tick(&self) -> f64 {
        self.px(18.0, 13.0)
    }
    /// Labels next to data, annotations.
    pub fn note(&self) -> f64 {
        self.px(17.0, 12.5)
    }
    /// The source line and notes at the foot.
    pub fn foot(&self) -> f64 {
        self.px(16.0, 12.0)
    }
    /// A length in pixels (1.0 at 1200x800), at least 1.
    pub fn width(&self, at_1200: f64) -> u32 {
        (at_1200 * self.scale).round().max(1.0) as u32
    }
    /// Text in the embedded font.
    pub fn text(&self, size: f64, color: RGBColor) -> TextStyle<'static> {
        (FAMILY, size).into_font().color(&color)
    }
    pub fn bold(&self, size: f64, color: RGBColor) -> TextStyle<'static> {
        (FAMILY, size, FontStyle::Bold).into_font().color(&color)
    }
    /// A stroke of `color`, `at_1200` pixels wide at 1200x800.
    pub fn stroke(&self, color: RGBColor, at_1200: f64) -> ShapeStyle {
        color.stroke_width(self.width(at_1200))
    }
    /// The house line width for a data series.
    pub fn line(&self, color: RGBColor) -> ShapeStyle {
        self.stroke(color, 3.0)
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    Bar,
    Point,
    Line,
    Dashed,
    /// A translucent band (a window or interval).
    Band,
    /// A vertical interval with caps.
    ErrorBar,
}

#[derive(Debug, Clone)]
pub struct LegendItem {
    pub label: String,
    pub color: RGBColor,
    pub mark: Mark,
}

/// Everything around the plot: title, subtitle, legend, source and notes.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub title: String,
    pub subtitle: String,
    pub legend: Vec<LegendItem>,
    /// The source line at the foot ("Source: ...").
    pub source: String,
    /// Further foot lines in the caution colour: conditions, assumptions.
    pub notes: Vec<String>,
}

/// Text for a chart: every control character but a line break (which [`wrap`] turns into a new
/// line) written as its escape, as `output::printable` does. A control character drawn as
/// text is an empty box in a PNG and makes an SVG file ill-formed XML (`<text>` may not hold
/// U+0001, not even as `&#1;`).
pub fn chart_text(s: impl Into<String>) -> String {
    let s = s.into();
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

impl Frame {
    pub fn new(title: impl Into<String>) -> Frame {
        Frame {
            title: chart_text(title),
            ..Frame::default()
        }
    }
    pub fn subtitle(mut self, s: impl Into<String>) -> Frame {
        self.subtitle = chart_text(s);
        self
    }
    pub fn source(mut self, s: impl Into<String>) -> Frame {
        self.source = chart_text(s);
        self
    }
    pub fn note(mut self, s: impl Into<String>) -> Frame {
        self.notes.push(chart_text(s));
        self
    }
    pub fn legend(mut self, label: impl Into<String>, color: RGBColor, mark: Mark) -> Frame {
        self.legend.push(LegendItem {
            label: crate::output::printable(&label.into()).into_owned(),
            color,
            mark,
        });
        self
    }
}

/// The last guard of an SVG document: any character XML 1.0 does not allow (C0 controls but
/// tab and line breaks, U+FFFE, U+FFFF) becomes U+FFFD. Text is escaped before it is drawn
/// ([`chart_text`]); this catches whatever reaches the backend by another way (a tick label).
fn xml_safe(svg: String) -> String {
    let bad = |c: char| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{fffe}'
            || c == '\u{ffff}'
    };
    if !svg.chars().any(bad) {
        return svg;
    }
    svg.chars()
        .map(|c| if bad(c) { '\u{fffd}' } else { c })
        .collect()
}

/// A chart body: draws into the plot area the frame leaves.
pub trait Plot {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, style: &Style) -> DrawResult;
}

/// Renders `frame` around `plot` as `format`, `width` x `height` pixels; returns the bytes.
pub fn render<P: Plot>(
    frame: &Frame,
    plot: &P,
    format: Format,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    check_size(width, height)?;
    register_fonts();
    match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                draw_all(&root, frame, plot, width, height)?;
                root.present().map_err(err)?;
            }
            Ok(xml_safe(svg).into_bytes())
        }
        Format::Png => {
            let mut rgb = vec![0u8; width as usize * height as usize * 3];
            {
                let root =
                    BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
                draw_all(&root, frame, plot, width, height)?;
                root.present().map_err(err)?;
            }
            encode_png(&rgb, width, height)
        }
    }
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(err)?;
        w.write_image_data(rgb).map_err(err)?;
        w.finish().map_err(err)?;
    }
    Ok(out)
}

/// Greedy word wrap to `max_width` pixels.
pub fn wrap<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    style: &TextStyle,
    max_width: u32,
) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            let w = area
                .estimate_text_size(&candidate, style)
                .map(|(w, _)| w)
                .unwrap_or(u32::MAX);
            if w > max_width && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

fn text_width<DB: DrawingBackend>(area: &Area<DB>, text: &str, style: &TextStyle) -> u32 {
    area.estimate_text_size(text, style)
        .map(|(w, _)| w)
        .unwrap_or(0)
}

fn line_height(size: f64) -> i32 {
    (size * 1.08).ceil() as i32
}

fn draw_all<DB: DrawingBackend, P: Plot>(
    root: &Area<DB>,
    frame: &Frame,
    plot: &P,
    width: u32,
    height: u32,
) -> DrawResult {
    let s = Style::for_size(width, height);
    root.fill(&palette::BACKGROUND).map_err(err)?;
    let margin = (24.0 * s.scale).max(12.0) as i32;
    let inner_w = width as i32 - 2 * margin;
    // Wrap a little short of the edge: the estimate of text width is not exact.
    let wrap_w = (inner_w as f64 * 0.96) as u32;
    let mut y = margin;

    // Title and subtitle, wrapped.
    let title_style = s.bold(s.title(), palette::INK);
    for line in wrap(root, &frame.title, &title_style, wrap_w) {
        root.draw_text(&line, &title_style, (margin, y))
            .map_err(err)?;
        y += line_height(s.title());
    }
    if !frame.subtitle.is_empty() {
        y += (4.0 * s.scale) as i32;
        let st = s.text(s.subtitle(), palette::GREY);
        for line in wrap(root, &frame.subtitle, &st, wrap_w) {
            root.draw_text(&line, &st, (margin, y)).map_err(err)?;
            y += line_height(s.subtitle());
        }
    }

    // Legend: entries laid out left to right, wrapping to new rows.
    if !frame.legend.is_empty() {
        y += (10.0 * s.scale).max(6.0) as i32;
        let ls = s.text(s.label(), palette::INK);
        let swatch = (34.0 * s.scale).max(22.0) as i32;
        let gap = (28.0 * s.scale).max(14.0) as i32;
        let row_h = line_height(s.label()) + (6.0 * s.scale) as i32;
        let mut x = margin;
        for item in &frame.legend {
            let w = swatch + 8 + text_width(root, &item.label, &ls) as i32;
            if x > margin && x + w > margin + inner_w {
                x = margin;
                y += row_h;
            }
            let cy = y + (line_height(s.label()) as f64 * 0.42) as i32;
            draw_swatch(root, &s, item, (x, cy), swatch)?;
            root.draw_text(&item.label, &ls, (x + swatch + 8, y))
                .map_err(err)?;
            x += w + gap;
        }
        y += row_h;
    }
    y += (8.0 * s.scale) as i32;

    // Foot: source line, then notes, wrapped; measured first so the plot gets the rest.
    let fs = s.text(s.foot(), palette::GREY);
    let ns = s.text(s.foot(), palette::CAUTION);
    let mut foot: Vec<(String, &TextStyle)> = Vec::new();
    for note in &frame.notes {
        for line in wrap(root, note, &ns, wrap_w) {
            foot.push((line, &ns));
        }
    }
    for line in wrap(root, &frame.source, &fs, wrap_w) {
        foot.push((line, &fs));
    }
    let foot_h = foot.len() as i32 * line_height(s.foot());
    let mut fy = height as i32 - margin - foot_h;
    for (line, style) in &foot {
        root.draw_text(line, style, (margin, fy)).map_err(err)?;
        fy += line_height(s.foot());
    }

    let plot_bottom = height as i32 - margin - foot_h - (10.0 * s.scale) as i32;
    if plot_bottom - y < (150.0 * s.scale) as i32 {
        return Err(format!(
            "chart \"{}\": its title, legend and notes leave no room for the plot at {width}x{height}; choose a larger --height",
            frame.title
        ));
    }
    let plot_area = root
        .clone()
        .shrink((margin, y), (inner_w as u32, (plot_bottom - y) as u32));
    plot.draw(&plot_area, &s)
}

fn polygon_circle(c: (i32, i32), r: f64) -> Vec<(i32, i32)> {
    (0..20)
        .map(|i| {
            let t = i as f64 / 20.0 * std::f64::consts::TAU;
            (
                c.0 + (r * t.cos()).round() as i32,
                c.1 + (r * t.sin()).round() as i32,
            )
        })
        .collect()
}

fn draw_swatch<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Style,
    item: &LegendItem,
    (x, cy): (i32, i32),
    w: i32,
) -> DrawResult {
    let h = (w as f64 * 0.5) as i32;
    let box_pts = vec![
        (x, cy - h / 2),
        (x + w, cy - h / 2),
        (x + w, cy + h / 2),
        (x, cy + h / 2),
    ];
    match item.mark {
        Mark::Bar => root
            .draw(&Polygon::new(box_pts, item.color.filled()))
            .map_err(err),
        Mark::Band => root
            .draw(&Polygon::new(box_pts, item.color.mix(0.3).filled()))
            .map_err(err),
        Mark::Point => root
            .draw(&Polygon::new(
                polygon_circle((x + w / 2, cy), 6.0 * s.scale.max(0.7)),
                item.color.filled(),
            ))
            .map_err(err),
        Mark::Line => root
            .draw(&PathElement::new(
                vec![(x, cy), (x + w, cy)],
                s.line(item.color),
            ))
            .map_err(err),
        Mark::Dashed => {
            let seg = (w / 5).max(3);
            let mut x0 = x;
            while x0 < x + w {
                let x1 = (x0 + seg).min(x + w);
                root.draw(&PathElement::new(
                    vec![(x0, cy), (x1, cy)],
                    s.stroke(item.color, 2.0),
                ))
                .map_err(err)?;
                x0 += 2 * seg;
            }
            Ok(())
        }
        Mark::ErrorBar => {
            let st = s.stroke(item.color, 2.0);
            let m = x + w / 2;
            let c = w / 5;
            for pts in [
                vec![(m, cy - h), (m, cy + h / 2)],
                vec![(m - c, cy - h), (m + c, cy - h)],
                vec![(m - c, cy + h / 2), (m + c, cy + h / 2)],
            ] {
                root.draw(&PathElement::new(pts, st)).map_err(err)?;
            }
            Ok(())
        }
    }
}

// --- Axes ------------------------------------------------------------------------------------

/// A `ChartBuilder` with the house margins and label areas, scaled to the output size.
/// Call `.build_cartesian_2d(x, y)` on it with any coordinate specs.
pub fn builder<'a, 'b, DB: DrawingBackend>(
    area: &'a Area<DB>,
    s: &Style,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.margin_top((12.0 * s.scale) as u32)
        .margin_right((28.0 * s.scale).max(14.0) as u32)
        .x_label_area_size((s.tick() * 1.2 + s.label() * 1.5 + 10.0) as u32)
        .y_label_area_size((s.tick() * 3.2 + s.label() * 1.5 + 12.0) as u32);
    b
}

/// Draws the grid (horizontal lines at the y ticks only), the axes, tick labels and the axis
/// descriptions in the house style. Tick positions come from the coordinate specs (use
/// `.with_key_points(...)` for exact control); `xf`/`yf` format them.
pub fn mesh<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    s: &Style,
    x_desc: &str,
    y_desc: &str,
    xf: &dyn Fn(&f64) -> String,
    yf: &dyn Fn(&f64) -> String,
) -> DrawResult
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(palette::LIGHT.mix(0.6))
        .light_line_style(TRANSPARENT)
        .axis_style(s.stroke(palette::GREY, 1.5))
        .label_style(s.text(s.tick(), palette::INK))
        .axis_desc_style(s.text(s.label(), palette::INK))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(xf)
        .y_label_formatter(yf)
        .set_all_tick_mark_size(s.width(6.0))
        .draw()
        .map_err(err)
}

/// Tick values 1-2-5 per decade within `[lo, hi]` (both > 0), e.g. 1, 2, 5, 10, 20, 50, 100.
/// With `dense = false`: 1 and 3 per decade.
pub fn log_ticks(lo: f64, hi: f64, dense: bool) -> Vec<f64> {
    let mut out = Vec::new();
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return out;
    }
    let steps: &[f64] = if dense { &[1.0, 2.0, 5.0] } else { &[1.0, 3.0] };
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    while decade <= hi {
        for m in steps {
            let v = m * decade;
            if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                out.push(v);
            }
        }
        decade *= 10.0;
    }
    out
}

/// `lo, lo + step, ...` up to `hi`.
pub fn linear_ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if !(step > 0.0 && hi >= lo && lo.is_finite() && hi.is_finite()) {
        return out;
    }
    // A fixed step over extreme data (a figure of 1e14 in a user's dataset) would mean billions
    // of ticks; coarsen to a 1-2-5 step giving at most about MAX_TICKS instead.
    let mut step = step;
    if (hi - lo) / step > MAX_TICKS as f64 {
        step = nice_step((hi - lo) / 10.0);
    }
    let n = ((hi - lo) / step + 1e-9).floor() as i64;
    for i in 0..=n.min(MAX_TICKS) {
        out.push(lo + i as f64 * step);
    }
    out
}

/// The most ticks an axis gets, whatever the data.
const MAX_TICKS: i64 = 50;

/// The smallest 1-2-5 step (1, 2, 5, 10, 20, ...) at or above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= raw {
            return m * p;
        }
    }
    10.0 * p
}

/// A tick label: thousands separators, no trailing zeros (80000 -> "80,000", 2.5 -> "2.5").
pub fn fmt_tick(v: &f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    wages_data::format_number(r)
}

/// A multiple as "5x", "12x".
pub fn fmt_multiple(v: &f64) -> String {
    format!("{}x", fmt_tick(v))
}

/// An axis with exactly the given tick positions (no automatic ticks, no minor grid), formatted
/// by the formatter given to [`mesh`]. Build with [`linear`] or [`log`].
pub struct Ticked<R: Ranged<ValueType = f64>> {
    inner: R,
    ticks: Vec<f64>,
}

/// A linear axis over `range` with ticks at `ticks`.
pub fn linear(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked<RangedCoordf64> {
    Ticked {
        inner: range.into(),
        ticks,
    }
}

/// A log axis over `range` (both ends > 0) with ticks at `ticks` (e.g. from [`log_ticks`]).
pub fn log(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked<LogCoord<f64>> {
    Ticked {
        inner: range.log_scale().into(),
        ticks,
    }
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn axis_pixel_range(&self, limit: (i32, i32)) -> std::ops::Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

// --- Marks -----------------------------------------------------------------------------------

/// A vertical interval `[lo, hi]` at `x`, with caps `cap` pixels wide, drawn as polylines.
pub fn error_bar_v<DB, CT>(
    area: &DrawingArea<DB, CT>,
    x: f64,
    lo: f64,
    hi: f64,
    cap: i32,
    style: ShapeStyle,
) -> DrawResult
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let a = area.map_coordinate(&(x, lo));
    let b = area.map_coordinate(&(x, hi));
    pixel_paths(
        area,
        &[
            vec![a, b],
            vec![(a.0 - cap / 2, a.1), (a.0 + cap / 2, a.1)],
            vec![(b.0 - cap / 2, b.1), (b.0 + cap / 2, b.1)],
        ],
        style,
    )
}

/// A horizontal interval `[lo, hi]` at `y`, with caps `cap` pixels tall.
pub fn error_bar_h<DB, CT>(
    area: &DrawingArea<DB, CT>,
    y: f64,
    lo: f64,
    hi: f64,
    cap: i32,
    style: ShapeStyle,
) -> DrawResult
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let a = area.map_coordinate(&(lo, y));
    let b = area.map_coordinate(&(hi, y));
    pixel_paths(
        area,
        &[
            vec![a, b],
            vec![(a.0, a.1 - cap / 2), (a.0, a.1 + cap / 2)],
            vec![(b.0, b.1 - cap / 2), (b.0, b.1 + cap / 2)],
        ],
        style,
    )
}

/// A dashed straight line between two data points (dashes of `dash` pixels).
pub fn dashed<DB, CT>(
    area: &DrawingArea<DB, CT>,
    from: (f64, f64),
    to: (f64, f64),
    dash: i32,
    style: ShapeStyle,
) -> DrawResult
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let a = area.map_coordinate(&from);
    let b = area.map_coordinate(&to);
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    let n = (len / (2.0 * dash.max(1) as f64)).ceil().max(1.0) as i32;
    let mut paths = Vec::new();
    for i in 0..n {
        let t0 = (2 * i) as f64 * dash as f64 / len;
        let t1 = ((2 * i + 1) as f64 * dash as f64 / len).min(1.0);
        if t0 >= 1.0 {
            break;
        }
        let p = |t: f64| (a.0 + (dx * t).round() as i32, a.1 + (dy * t).round() as i32);
        paths.push(vec![p(t0), p(t1)]);
    }
    pixel_paths(area, &paths, style)
}

/// Draws polylines given in absolute backend pixels onto `area`.
fn pixel_paths<DB, CT>(
    area: &DrawingArea<DB, CT>,
    paths: &[Vec<(i32, i32)>],
    style: ShapeStyle,
) -> DrawResult
where
    DB: DrawingBackend,
    CT: CoordTranslate,
{
    let flat = area.strip_coord_spec();
    let base = flat.get_base_pixel();
    for p in paths {
        let rel: Vec<(i32, i32)> = p.iter().map(|(x, y)| (x - base.0, y - base.1)).collect();
        flat.draw(&PathElement::new(rel, style)).map_err(err)?;
    }
    Ok(())
}

/// Text at a data point, shifted by `(dx, dy)` pixels, anchored by `pos`.
pub fn label_at<DB, CT>(
    area: &DrawingArea<DB, CT>,
    at: (f64, f64),
    (dx, dy): (i32, i32),
    text: &str,
    style: &TextStyle,
    pos: plotters::style::text_anchor::Pos,
) -> DrawResult
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let p = area.map_coordinate(&at);
    let flat = area.strip_coord_spec();
    let base = flat.get_base_pixel();
    flat.draw_text(
        &crate::output::printable(text),
        &style.pos(pos),
        (p.0 - base.0 + dx, p.1 - base.1 + dy),
    )
    .map_err(err)
}

/// Anchor shorthand for [`label_at`].
pub fn anchor(h: &str, v: &str) -> plotters::style::text_anchor::Pos {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let h = match h {
        "left" => HPos::Left,
        "right" => HPos::Right,
        _ => HPos::Center,
    };
    let v = match v {
        "top" => VPos::Top,
        "bottom" => VPos::Bottom,
        _ => VPos::Center,
    };
    Pos::new(h, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_text_escapes_controls_but_line_breaks() {
        assert_eq!(chart_text("a\nb"), "a\nb");
        assert_eq!(chart_text("x\u{1}y\u{1b}z\t"), "x\\u{1}y\\u{1b}z\\t");
        let f = Frame::new("t\u{7}").legend("l\nm\u{0}", palette::INK, Mark::Bar);
        assert_eq!(f.title, "t\\u{7}");
        assert_eq!(f.legend[0].label, "l\\nm\\0");
    }

    #[test]
    fn svg_never_holds_a_character_xml_forbids() {
        assert_eq!(
            xml_safe("<text>a\u{1}b\tc\n</text>".into()),
            "<text>a\u{fffd}b\tc\n</text>"
        );
        assert_eq!(xml_safe("\u{ffff}\u{0}".into()), "\u{fffd}\u{fffd}");
        assert_eq!(xml_safe("ok é".into()), "ok é");
    }

    #[test]
    fn log_ticks_follow_1_2_5() {
        assert_eq!(
            log_ticks(1.0, 100.0, true),
            vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        );
        assert_eq!(log_ticks(3.0, 40.0, false), vec![3.0, 10.0, 30.0]);
        assert!(log_ticks(0.0, 10.0, true).is_empty());
    }

    #[test]
    fn linear_ticks_cover_the_range() {
        assert_eq!(
            linear_ticks(0.0, 1.0, 0.25),
            vec![0.0, 0.25, 0.5, 0.75, 1.0]
        );
    }

    #[test]
    fn linear_ticks_stay_few_on_extreme_ranges() {
        // 0..1e14 at step 5 would be 2e13 ticks; it becomes a 1-2-5 step of 1e13 (11 ticks).
        let t = linear_ticks(0.0, 1e14, 5.0);
        assert_eq!(t.len(), 11);
        assert_eq!(t[1], 1e13);
        assert!(linear_ticks(0.0, f64::INFINITY, 1.0).is_empty());
    }

    #[test]
    fn tick_labels_read_like_the_paper() {
        assert_eq!(fmt_tick(&80000.0), "80,000");
        assert_eq!(fmt_tick(&2.5), "2.5");
        assert_eq!(fmt_multiple(&12.0), "12x");
    }

    #[test]
    fn sizes_are_validated() {
        assert!(check_size(1200, 800).is_ok());
        assert!(check_size(MIN_WIDTH, MIN_HEIGHT).is_ok());
        assert!(check_size(MIN_WIDTH - 1, 800).is_err());
        assert!(check_size(1200, MIN_HEIGHT - 1).is_err());
        assert!(check_size(9000, 8000).is_err());
    }
}
