//! The typed records of a dataset. Built only by the loader, which validates every field, so a
//! value of these types always satisfies the data conventions of `data/README.md`.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A closed set of words a data file may use for a field (`qualifier = "about"`).
pub trait Keyword: Copy + 'static {
    /// Every value, in documentation order.
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    /// The value a word names, if any.
    fn from_key(s: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.key() == s)
    }
}

/// How the source words a figure ("about", "more than", ...). It decides the interval the figure
/// stands for: one type shared with the analysis crate, whose interval rules consume it.
pub use wages_analysis::interval::Qualifier;

impl Keyword for Qualifier {
    fn all() -> &'static [Self] {
        &Qualifier::ALL
    }

    fn key(self) -> &'static str {
        self.as_str()
    }
}

/// The unit of a figure: one vocabulary with the derived lines', written once in the analysis
/// crate. A figure may have the first eight ([`Unit::FIGURE`]).
pub use wages_analysis::unit::Unit;

impl Keyword for Unit {
    fn all() -> &'static [Self] {
        &Unit::FIGURE
    }

    fn key(self) -> &'static str {
        Unit::key(self)
    }
}

/// Which rubles an amount is in. The paper warns three kinds circulated in 1922.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RubleKind {
    /// The source does not say.
    NotStated,
    /// 1922 sovznaki, presumed by the author, not stated by the document.
    // kebab-case would split no hyphen before the digits: the JSON writes the data files' word.
    #[serde(rename = "sovznaki-1922-presumed")]
    Sovznaki1922Presumed,
    /// 1922 sovznaki, stated.
    #[serde(rename = "sovznaki-1922")]
    Sovznaki1922,
    /// Commodity (tovarnye) rubles, stated.
    Commodity,
    /// Gold (chervonets) rubles, stated.
    Gold,
}

impl RubleKind {
    pub const ALL: [RubleKind; 5] = [
        RubleKind::NotStated,
        RubleKind::Sovznaki1922Presumed,
        RubleKind::Sovznaki1922,
        RubleKind::Commodity,
        RubleKind::Gold,
    ];

    /// Human words, shown after "rubles".
    pub fn describe(self) -> &'static str {
        match self {
            RubleKind::NotStated => "kind not stated",
            RubleKind::Sovznaki1922Presumed => "presumably 1922 sovznaki",
            RubleKind::Sovznaki1922 => "1922 sovznaki",
            RubleKind::Commodity => "commodity rubles",
            RubleKind::Gold => "gold rubles",
        }
    }
}

impl Keyword for RubleKind {
    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn key(self) -> &'static str {
        match self {
            RubleKind::NotStated => "not-stated",
            RubleKind::Sovznaki1922Presumed => "sovznaki-1922-presumed",
            RubleKind::Sovznaki1922 => "sovznaki-1922",
            RubleKind::Commodity => "commodity",
            RubleKind::Gold => "gold",
        }
    }
}

/// Reported by a source, or an explicit assumption of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Reported,
    Assumption,
}

impl Keyword for Status {
    fn all() -> &'static [Self] {
        &[Status::Reported, Status::Assumption]
    }

    fn key(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::Assumption => "assumption",
        }
    }
}

/// A figure's value: a single number or a low-high range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Point { value: f64 },
    Range { low: f64, high: f64 },
}

impl Value {
    /// The single value, or the midpoint of a range.
    pub fn central(self) -> f64 {
        match self {
            Value::Point { value } => value,
            Value::Range { low, high } => (low + high) / 2.0,
        }
    }

    pub fn low(self) -> f64 {
        match self {
            Value::Point { value } => value,
            Value::Range { low, .. } => low,
        }
    }

    pub fn high(self) -> f64 {
        match self {
            Value::Point { value } => value,
            Value::Range { high, .. } => high,
        }
    }
}

/// A date with the precision the source gives: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1700-2100).
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let year: i32 = parse_digits(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_digits::<u8>(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_digits::<u8>(d, 2)?),
            None => None,
        };
        if parts.next().is_some() || !(1700..=2100).contains(&year) {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = day {
                if d == 0 || d > days_in_month(year, m) {
                    return None;
                }
            }
        }
        Some(Date { year, month, day })
    }

    /// The year as a fraction (mid-point of the period), for plotting on a time axis.
    pub fn fractional_year(self) -> f64 {
        match (self.month, self.day) {
            (None, _) => self.year as f64 + 0.5,
            (Some(m), None) => self.year as f64 + (m as f64 - 0.5) / 12.0,
            (Some(m), Some(d)) => self.year as f64 + (m as f64 - 1.0 + d as f64 / 31.0) / 12.0,
        }
    }
}

fn parse_digits<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// One figure as a source reports it (or as an explicit assumption).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub id: String,
    /// Which part of the story the figure belongs to (e.g. `vovsi`), for grouping.
    pub group: String,
    pub description: String,
    #[serde(flatten)]
    pub value: Value,
    pub qualifier: Qualifier,
    /// The unit of the last printed digit, when the printed precision says the figure is rounded
    /// ("13.8" has rounding 0.1).
    pub rounding: Option<f64>,
    pub unit: Unit,
    pub ruble_kind: Option<RubleKind>,
    /// Pay period for money amounts, when stated ("month").
    pub period: Option<String>,
    pub date: Option<Date>,
    pub date_note: Option<String>,
    pub status: Status,
    /// For assumptions: what the assumption rests on.
    pub basis: Option<String>,
    pub source: String,
    pub footnote: Option<u32>,
    pub cites: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// The file the figure was loaded from (relative to the dataset directory).
    pub file: String,
}

impl Figure {
    /// The value as a person would say it: "more than 80,000", "20-50", "13.8".
    pub fn value_text(&self) -> String {
        let number = match self.value {
            Value::Point { value } => format_number(value),
            Value::Range { low, high } => format!("{}-{}", format_number(low), format_number(high)),
        };
        match self.qualifier_phrase() {
            "" => number,
            phrase => format!("{phrase} {number}"),
        }
    }

    /// The qualifier's words before the value; none for a range, whose two ends say it.
    fn qualifier_phrase(&self) -> &'static str {
        match self.qualifier {
            Qualifier::Range => "",
            q => q.phrase(),
        }
    }

    /// The unit as a person would say it, with the kind of ruble and the period.
    pub fn unit_text(&self) -> String {
        match self.unit {
            Unit::Ratio => "max:min ratio".to_string(),
            Unit::MultipleOfMinimum => "x the minimum".to_string(),
            Unit::MultipleOfWorkerPay => "x workers' pay".to_string(),
            Unit::Persons => "persons".to_string(),
            Unit::Percent => "%".to_string(),
            Unit::PercentAboveNorm => "% above the norm".to_string(),
            Unit::Grade => "grade".to_string(),
            // Not a figure unit (validation refuses them for figures); words for completeness.
            Unit::Exponent | Unit::Share | Unit::Number => self.unit.words().to_string(),
            Unit::Rubles => {
                let kind = self.ruble_kind.unwrap_or(RubleKind::NotStated).describe();
                match &self.period {
                    Some(p) => format!("rubles/{p} ({kind})"),
                    None => format!("rubles ({kind})"),
                }
            }
        }
    }

    /// "1:80" for ratios, otherwise the value text with its unit.
    pub fn display(&self) -> String {
        match (self.unit, self.value) {
            (Unit::Ratio, Value::Point { value }) => {
                let phrase = self.qualifier_phrase();
                let ratio = format!("1:{}", format_number(value));
                if phrase.is_empty() {
                    ratio
                } else {
                    format!("{phrase} {ratio}")
                }
            }
            (Unit::Percent | Unit::PercentAboveNorm, _) => {
                format!("{}{}", self.value_text(), self.unit_text())
            }
            _ => format!("{} {}", self.value_text(), self.unit_text()),
        }
    }

    /// The source with its footnote: "Pirani 2006, fn 28 (cites Vovsi ...)".
    pub fn citation(&self) -> String {
        let mut s = self.source.clone();
        if let Some(c) = &self.cites {
            s.push_str("; citing ");
            s.push_str(c);
        }
        s
    }
}

pub use wages_analysis::format::format_number;

/// How a grade rule uses the grade(s) it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// A person placed on a grade.
    Placement,
    /// Salaries of a band of grades, possibly with a supplement.
    SalaryBand,
    /// Pay above `threshold_multiple` x the grade's pay is (partly) given up.
    DonateExcess,
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [
        RuleKind::Placement,
        RuleKind::SalaryBand,
        RuleKind::DonateExcess,
    ];
}

impl Keyword for RuleKind {
    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn key(self) -> &'static str {
        match self {
            RuleKind::Placement => "placement",
            RuleKind::SalaryBand => "salary-band",
            RuleKind::DonateExcess => "donate-excess",
        }
    }
}

/// A reference a source makes to a pay grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeRule {
    pub id: String,
    pub kind: RuleKind,
    pub description: String,
    pub grade_low: u32,
    pub grade_high: u32,
    pub supplement_percent: Option<f64>,
    pub threshold_multiple: Option<f64>,
    /// "all" or "part" of the excess.
    pub share_taken: Option<String>,
    /// The id of the figure the rule concerns, if any.
    pub figure: Option<String>,
    pub date: Option<Date>,
    pub status: Status,
    pub source: String,
    pub footnote: Option<u32>,
    pub quote: Option<String>,
    pub note: Option<String>,
    pub file: String,
}

/// A pay scale: grade number to coefficient relative to grade 1 (or to an amount).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayScale {
    pub id: String,
    pub status: Status,
    pub description: String,
    pub basis: Option<String>,
    /// `grade-1` (coefficients) or a money unit such as `rubles` (amounts).
    pub relative_to: String,
    pub grades: BTreeMap<u32, f64>,
    pub source: Option<String>,
    pub file: String,
}

impl PayScale {
    /// The coefficient of `grade`, if the scale gives it. No interpolation: a grade the scale
    /// does not give is unknown.
    pub fn coefficient(&self, grade: u32) -> Option<f64> {
        self.grades.get(&grade).copied()
    }

    pub fn is_assumption(&self) -> bool {
        self.status == Status::Assumption
    }
}

/// A whole dataset directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Dataset {
    pub figures: Vec<Figure>,
    pub rules: Vec<GradeRule>,
    pub scales: Vec<PayScale>,
    /// The ledger: derived lines, checks, assumptions, sections and charts (`derivations/`).
    #[serde(skip)]
    pub derivations: crate::ledger::Derivations,
    /// Where it came from: "embedded" or a directory path.
    pub origin: String,
}

impl Dataset {
    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&GradeRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn scale(&self, id: &str) -> Option<&PayScale> {
        self.scales.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_like_the_paper() {
        assert_eq!(format_number(194000.0), "194,000");
        assert_eq!(format_number(7500.0), "7,500");
        assert_eq!(format_number(645.0), "645");
        assert_eq!(format_number(15325.0), "15,325");
        assert_eq!(format_number(13.8), "13.8");
        assert_eq!(format_number(5.0), "5");
    }

    #[test]
    fn dates_keep_their_precision() {
        assert_eq!(Date::parse("1922").unwrap().to_string(), "1922");
        assert_eq!(Date::parse("1922-12").unwrap().to_string(), "1922-12");
        assert_eq!(Date::parse("1923-11-10").unwrap().to_string(), "1923-11-10");
        for bad in [
            "22",
            "1922-13",
            "1922-02-30",
            "1600",
            "1922-1",
            "1922-01-01-01",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}

/// Inherent `key`/`from_key` on every keyword type, so callers need not import [`Keyword`].
macro_rules! inherent_keyword_methods {
    ($($t:ty),*) => {$(
        impl $t {
            /// The word used in data files.
            pub fn key(self) -> &'static str {
                <Self as Keyword>::key(self)
            }

            /// The value a word names, if any.
            pub fn from_key(s: &str) -> Option<Self> {
                <Self as Keyword>::from_key(s)
            }
        }
    )*};
}

inherent_keyword_methods!(RubleKind, RuleKind, Status);
