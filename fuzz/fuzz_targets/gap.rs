//! The measures of `wages gap` (`wages_analysis::gap::gaps`) on arbitrary rows.
//!
//! Each row is 12 bytes: group (byte 0, 1 to 4 groups by byte 0 of the input), category (byte
//! 1), pay (bytes 2-5, an f32 bit pattern), weight (6-7, as u16 + 1 when weighted), bonus
//! (8-11, an f32 bit pattern, zero half the time). Rows the readers would refuse (pay not
//! finite and positive, negative or non-finite bonus) are left out, as the readers leave
//! nothing else through. Whatever `gaps` accepts must give: bands that hold a quarter of the
//! weight each and shares that sum to 1; quantiles in order; finite gaps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wages_analysis::gap::{gaps, GapOptions};
use wages_analysis::payroll::{Groups, Payroll};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let n_groups = 1 + (mode & 3) as u32;
    let weighted = mode & 4 != 0;
    let with_categories = mode & 8 != 0;
    let with_bonus = mode & 16 != 0;
    let (mut pay, mut weight, mut groups, mut cats, mut bonus) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rest.chunks_exact(12) {
        let p = f32::from_le_bytes(row[2..6].try_into().unwrap()) as f64;
        let b = f32::from_le_bytes(row[8..12].try_into().unwrap()) as f64;
        let b = if row[8] & 1 == 0 { 0.0 } else { b.abs() };
        if !(p.is_finite() && p > 0.0 && b.is_finite()) {
            continue;
        }
        pay.push(p);
        weight.push(f64::from(u16::from_le_bytes([row[6], row[7]])) + 1.0);
        groups.push(u32::from(row[0]) % n_groups);
        cats.push(u32::from(row[1]) % 5);
        bonus.push(b);
    }
    if pay.is_empty() {
        return;
    }
    let labels = |k: u32, prefix: &str| (0..k).map(|i| format!("{prefix}{i}")).collect();
    let payroll = Payroll {
        rows_read: pay.len(),
        pay,
        weight: weighted.then_some(weight),
        groups: Some(Groups {
            labels: labels(n_groups, "g"),
            codes: groups,
        }),
        bonus: with_bonus.then_some(bonus),
        within: with_categories.then(|| Groups {
            labels: labels(5, "c"),
            codes: cats,
        }),
        covariates: Vec::new(),
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    };
    let Ok(g) = gaps(payroll, &GapOptions::default()) else {
        return;
    };
    let total: f64 = g.groups.iter().map(|p| p.weighted_n).sum();
    for b in &g.bands {
        let held: f64 = b.weight.iter().sum();
        assert!(
            (held - total / 4.0).abs() <= 1e-6 * total,
            "band {} holds {held} of {total}",
            b.name
        );
        let shares: f64 = b.share.iter().sum();
        assert!((shares - 1.0).abs() < 1e-9, "shares sum to {shares}");
        assert!(b.pay_from <= b.pay_to);
    }
    for p in &g.groups {
        assert!(p.quantiles.windows(2).all(|q| q[0] <= q[1]), "{:?}", p.quantiles);
        assert!(p.mean.is_finite() && p.median.is_finite());
    }
    for x in &g.gaps {
        assert!(x.mean_gap.is_finite() && x.median_gap.is_finite());
        assert!(x.quantile_gaps.iter().all(|v| v.is_finite()));
    }
});
