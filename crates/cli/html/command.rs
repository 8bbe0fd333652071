//! The page of a command over a user's file (`analyze`, `gap`, `tabulate`) or the dataset
//! (`data list`): its notes, its tables (each rendered by the shared exporter,
//! `output::export` with `Format::Html`, from the command's typed rows), its charts, and how
//! the page was made. The per-command files fill a [`Doc`] in the order the terminal shows.

use super::{captioned, chart, Chart, Made};
use maud::{html, Markup};

/// One part of a command's page, in order.
pub enum Part {
    /// A heading (`<h2>`): starts a new section of the page.
    Heading(String),
    /// Lines of text (a bulleted list).
    Notes(Vec<String>),
    /// A table from the shared exporter, with its caption.
    Table { caption: String, html: String },
    /// Charts, each a figure with its text alternative.
    Charts(Vec<Chart>),
}

/// A command's page.
pub struct Doc {
    pub title: String,
    pub subtitle: String,
    pub parts: Vec<Part>,
    pub made: Made,
}

impl Doc {
    pub fn new(title: impl Into<String>, subtitle: impl Into<String>, made: Made) -> Doc {
        Doc {
            title: title.into(),
            subtitle: subtitle.into(),
            parts: Vec::new(),
            made,
        }
    }

    pub fn heading(&mut self, h: impl Into<String>) {
        self.parts.push(Part::Heading(h.into()));
    }

    pub fn notes(&mut self, lines: Vec<String>) {
        if !lines.is_empty() {
            self.parts.push(Part::Notes(lines));
        }
    }

    /// A table; an empty one (a table the command leaves out) is skipped.
    pub fn table(&mut self, caption: impl Into<String>, html: String) {
        if !html.trim().is_empty() {
            self.parts.push(Part::Table {
                caption: caption.into(),
                html,
            });
        }
    }

    pub fn charts(&mut self, charts: Vec<Chart>) {
        if !charts.is_empty() {
            self.parts.push(Part::Charts(charts));
        }
    }

    /// The page's HTML.
    pub fn render(&self) -> String {
        // Sections: each heading opens one; parts before the first heading go first.
        let mut sections: Vec<(Option<&str>, Vec<&Part>)> = vec![(None, Vec::new())];
        for p in &self.parts {
            match p {
                Part::Heading(h) => sections.push((Some(h), Vec::new())),
                p => sections.last_mut().map(|s| s.1.push(p)).unwrap_or(()),
            }
        }
        let body = html! {
            @for (i, (h, parts)) in sections.iter().enumerate() {
                @if h.is_some() || !parts.is_empty() {
                    section id={ "part-" (i) } {
                        @if let Some(h) = h { h2 { (super::text(h)) } }
                        @for p in parts { (part(p, *h)) }
                    }
                }
            }
        };
        super::page(&self.title, &self.subtitle, body, &self.made)
    }
}

/// A part under `heading`: a table whose caption repeats the heading keeps it for screen
/// readers and print, hidden on screen.
fn part(p: &Part, heading: Option<&str>) -> Markup {
    match p {
        Part::Heading(h) => html! { h2 { (super::text(h)) } },
        Part::Notes(lines) => html! {
            ul class="notes" { @for l in lines { li { (super::text(l)) } } }
        },
        Part::Table { caption, html } if heading == Some(caption.as_str()) => {
            super::captioned_hidden(&super::text(caption), html)
        }
        Part::Table { caption, html } => captioned(&super::text(caption), html),
        Part::Charts(charts) => html! {
            div class="charts" { @for c in charts { (chart(c)) } }
        },
    }
}
