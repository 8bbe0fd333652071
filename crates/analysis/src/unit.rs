//! [`Unit`]: the one unit vocabulary of the toolkit, for figures and derived lines alike.

use serde::Serialize;

/// The unit of a figure or a derived line. Units are never mixed silently: formulas are
/// checked by dimension ([`Unit::dimension`], `ledger::units`).
///
/// Serde and [`Unit::key`] use the kebab-case words (`multiple-of-minimum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// Highest pay as a multiple of the lowest: "1:80" is stored as 80.
    Ratio,
    /// Pay as a multiple of the minimum wage.
    MultipleOfMinimum,
    /// Pay as a multiple of (unstated) workers' pay.
    MultipleOfWorkerPay,
    /// Head-count.
    Persons,
    /// A share, in percent (0-100).
    Percent,
    /// A supplement above a norm, in percent.
    PercentAboveNorm,
    /// An amount of money (for figures, the kind of ruble is stated beside it).
    Rubles,
    /// A grade number on a tariff scale.
    Grade,
    /// A Pareto or other exponent (derived lines only).
    Exponent,
    /// A share as a fraction of 1 (derived lines only).
    Share,
    /// A pure number (derived lines only).
    Number,
}

impl Unit {
    /// Every unit, in documentation order.
    pub const ALL: [Unit; 11] = [
        Unit::Ratio,
        Unit::MultipleOfMinimum,
        Unit::MultipleOfWorkerPay,
        Unit::Persons,
        Unit::Percent,
        Unit::PercentAboveNorm,
        Unit::Rubles,
        Unit::Grade,
        Unit::Exponent,
        Unit::Share,
        Unit::Number,
    ];

    /// The units a source's figure may have (the first eight).
    pub const FIGURE: [Unit; 8] = [
        Unit::Ratio,
        Unit::MultipleOfMinimum,
        Unit::MultipleOfWorkerPay,
        Unit::Persons,
        Unit::Percent,
        Unit::PercentAboveNorm,
        Unit::Rubles,
        Unit::Grade,
    ];

    /// The kebab-case word: `multiple-of-minimum`.
    pub fn key(self) -> &'static str {
        match self {
            Unit::Ratio => "ratio",
            Unit::MultipleOfMinimum => "multiple-of-minimum",
            Unit::MultipleOfWorkerPay => "multiple-of-worker-pay",
            Unit::Persons => "persons",
            Unit::Percent => "percent",
            Unit::PercentAboveNorm => "percent-above-norm",
            Unit::Rubles => "rubles",
            Unit::Grade => "grade",
            Unit::Exponent => "exponent",
            Unit::Share => "share",
            Unit::Number => "number",
        }
    }

    /// The unit a word names.
    pub fn from_key(s: &str) -> Option<Unit> {
        Unit::ALL.iter().copied().find(|u| u.key() == s)
    }

    /// The unit in words after a derived value: "times", "x the minimum", "%".
    pub fn words(self) -> &'static str {
        match self {
            Unit::Ratio => "times",
            Unit::MultipleOfMinimum => "x the minimum",
            Unit::MultipleOfWorkerPay => "x workers' pay",
            Unit::Persons => "persons",
            Unit::Percent => "%",
            Unit::PercentAboveNorm => "% above the norm",
            Unit::Rubles => "rubles",
            Unit::Grade => "grade",
            Unit::Exponent => "(exponent)",
            Unit::Share => "(share)",
            Unit::Number => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_serde_agrees() {
        for u in Unit::ALL {
            assert_eq!(Unit::from_key(u.key()), Some(u));
            assert_eq!(serde_json::to_value(u).unwrap(), u.key());
        }
        assert_eq!(Unit::from_key("people"), None);
    }
}
