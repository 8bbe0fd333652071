//! `wages data list --format html` and `wages data show ID --format html`: the dataset's
//! figures (the same columns as `data list`), then each figure's full record (the fields of
//! `data show ID`), openable in place.

use super::{captioned, Made};
use maud::html;
use wages_data::{Dataset, Figure};

/// `data list`: the table of figures (from `output::export`), then each figure's record table.
pub fn list_page(d: &Dataset, table: &str, records: &[(&Figure, String)]) -> String {
    let origin = super::text(&d.origin);
    let made = Made::new()
        .fact("dataset", origin.clone())
        .fact("figures", d.figures.len().to_string())
        .fact("grade rules", d.rules.len().to_string())
        .fact("pay scales", d.scales.len().to_string());
    let body = html! {
        section {
            p {
                (d.figures.len()) " figures, " (d.rules.len()) " grade rules, " (d.scales.len())
                @if d.scales.len() == 1 { " pay scale (" } @else { " pay scales (" } (d.scales.iter().filter(|s| s.is_assumption()).count())
                " of them assumptions) from the " (origin) " dataset."
            }
            (captioned("Figures of the dataset: value with qualifier and unit, date, status, source", table))
        }
        section {
            h2 { "Each figure's record" }
            p class="small" { "Every field recorded, as " code { "wages data show ID" } " lists it." }
            @for (f, t) in records {
                details id={ "record-" (f.id) } {
                    summary { code { (f.id) } " — " (super::text(&f.description)) }
                    div class="prov-body" { (captioned(&format!("Record {}", f.id), t)) }
                }
                div class="print-only" {
                    h3 { code { (f.id) } }
                    (captioned(&format!("Record {}", f.id), t))
                }
            }
        }
    };
    super::page(
        "Figures of the dataset",
        &format!("Dataset: {origin}"),
        body,
        &made,
    )
}

/// `data show ID`: the record's fields.
pub fn show_page(d: &Dataset, id: &str, table: &str) -> String {
    let origin = super::text(&d.origin);
    let made = Made::new().fact("dataset", origin.clone());
    let body = html! {
        section { (captioned(&format!("Record {}", super::text(id)), table)) }
    };
    super::page(
        &format!("Record {}", super::text(id)),
        &format!("Dataset: {origin}"),
        body,
        &made,
    )
}
