//! [`Estimate`]: a point value and the closed interval it may lie in, the one point-plus-interval
//! type of the toolkit (a figure's reading, a derived line, an extrapolated count).

use crate::interval::{Interval, IntervalError};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A point value with the closed interval it may lie in. The interval always contains the
/// value; an infinite end is an open bound (`at least 12` is 12 in `[12, ∞)`).
///
/// Serialized as `{"value": v, "lo": lo, "hi": hi}`, an infinite end as `null`.
///
/// # Examples
/// ```
/// use wages_analysis::estimate::Estimate;
/// use wages_analysis::interval::Interval;
/// let e = Estimate::new(1_500.0, Interval::new(1_450.0, 1_550.0).unwrap()).unwrap();
/// assert_eq!(e.interval().width(), 100.0);
/// assert!(Estimate::new(2_000.0, Interval::new(1_450.0, 1_550.0).unwrap()).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    value: f64,
    interval: Interval,
}

impl Estimate {
    /// `value` in `interval`; errors if the value is not finite or lies outside the interval.
    pub fn new(value: f64, interval: Interval) -> Result<Self, IntervalError> {
        if !value.is_finite() {
            return Err(IntervalError::NonFinite {
                what: "point value",
                value,
            });
        }
        if !interval.contains(value) {
            return Err(IntervalError::Outside {
                value,
                lo: interval.lo(),
                hi: interval.hi(),
            });
        }
        Ok(Estimate { value, interval })
    }

    /// An exact value: the interval is the point itself.
    pub fn exact(value: f64) -> Result<Self, IntervalError> {
        Ok(Estimate {
            value,
            interval: Interval::point(value)?,
        })
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn interval(&self) -> Interval {
        self.interval
    }

    /// The lower end, `None` when unbounded.
    pub fn lo(&self) -> Option<f64> {
        self.interval.lo().is_finite().then_some(self.interval.lo())
    }

    /// The upper end, `None` when unbounded.
    pub fn hi(&self) -> Option<f64> {
        self.interval.hi().is_finite().then_some(self.interval.hi())
    }
}

impl Serialize for Estimate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Estimate", 3)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("lo", &self.lo())?;
        st.serialize_field("hi", &self.hi())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_open_ends_as_null() {
        let e = Estimate::new(12.0, Interval::at_least(12.0).unwrap()).unwrap();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"value":12.0,"lo":12.0,"hi":null}"#
        );
        assert!(Estimate::new(f64::NAN, Interval::point(1.0).unwrap()).is_err());
        assert_eq!(
            Estimate::exact(3.0).unwrap().interval(),
            Interval::point(3.0).unwrap()
        );
    }
}
