use super::parse::{parse_claim, parse_formula};
use super::*;
use crate::interval::Interval;
use crate::unit::Unit;

fn q(point: f64, lo: f64, hi: f64, unit: &str) -> Quantity {
    Quantity {
        point: Some(point),
        interval: Interval::new(lo, hi).unwrap(),
        unit: Unit::from_key(unit).unwrap(),
        assumptions: Vec::new(),
    }
}

fn derived(id: &str, formula: &str, unit: &str) -> Spec {
    Spec::Derived(DerivedSpec {
        id: id.into(),
        body: Body::Formula(parse_formula(formula).unwrap()),
        unit: Unit::from_key(unit).unwrap(),
        assumes: Vec::new(),
    })
}

fn check(id: &str, claim: &str) -> Spec {
    Spec::Check(CheckSpec {
        id: id.into(),
        claim: parse_claim(claim).unwrap(),
        assumes: Vec::new(),
    })
}

/// Vovsi's counts: more than 80,000 above 8x ([80,000, 90,000]), 15,400 at 15-30x (exact),
/// about 1,500 above 30x ([1,450, 1,550]); 13.8% printed to one decimal ([13.75, 13.85]).
fn vovsi() -> BTreeMap<String, Quantity> {
    let mut m = BTreeMap::new();
    m.insert("t".into(), q(80_000.0, 80_000.0, 90_000.0, "persons"));
    m.insert("b".into(), q(15_400.0, 15_400.0, 15_400.0, "persons"));
    m.insert("c".into(), q(1_500.0, 1_450.0, 1_550.0, "persons"));
    m.insert("s".into(), q(13.8, 13.75, 13.85, "percent"));
    m
}

fn value(o: &Outcome) -> &DerivedValue {
    match o {
        Outcome::Derived(d) => d,
        other => panic!("not derived: {other:?}"),
    }
}

fn verdict(o: &Outcome) -> &CheckValue {
    match o {
        Outcome::Check(c) => c,
        other => panic!("not a check: {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The min and max of `f` over a grid of the box of the inputs it names (corners included).
fn brute(
    inputs: &BTreeMap<String, Quantity>,
    keys: &[&str],
    f: impl Fn(&[f64]) -> f64,
) -> (f64, f64) {
    let steps = 20;
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let total = (steps + 1usize).pow(keys.len() as u32);
    for k in 0..total {
        let mut rest = k;
        let x: Vec<f64> = keys
            .iter()
            .map(|key| {
                let iv = inputs[*key].interval;
                let j = rest % (steps + 1);
                rest /= steps + 1;
                iv.lo() + (iv.hi() - iv.lo()) * j as f64 / steps as f64
            })
            .collect();
        let y = f(&x);
        lo = lo.min(y);
        hi = hi.max(y);
    }
    (lo, hi)
}

#[test]
fn derived_lines_rest_on_the_underlying_figures_not_on_intermediate_intervals() {
    let inputs = vovsi();
    let specs = vec![
        derived("n15", "{b} + {c}", "persons"),
        // ln(N(>15) / N(>30)) / ln 2: N(>15) contains c, so c varies once.
        derived("alpha", "ln({n15} / {c}) / ln(30 / 15)", "exponent"),
        derived(
            "mean",
            "{alpha} / ({alpha} - 1) * 30",
            "multiple-of-minimum",
        ),
        derived("pop", "{t} / ({s} / 100)", "persons"),
        derived("rest", "{t} - {b} - {c}", "persons"),
    ];
    assert!(validate(&inputs.clone().into(), &[], &specs).is_empty());
    let out = evaluate(&inputs.clone().into(), &specs);
    let alpha = value(&out[1]);
    // point: ln(16,900 / 1,500) / ln 2
    assert!(close(
        alpha.point.unwrap(),
        (16_900.0f64 / 1_500.0).ln() / 2f64.ln()
    ));
    // exact range: 1 + b / c is decreasing in c, so [ln(1 + 15,400/1,550), ln(1 + 15,400/1,450)] / ln 2
    let (blo, bhi) = brute(&inputs, &["c"], |x| {
        ((15_400.0 + x[0]) / x[0]).ln() / 2f64.ln()
    });
    assert!(
        close(alpha.interval.lo(), blo) && close(alpha.interval.hi(), bhi),
        "{alpha:?}"
    );
    assert_eq!(alpha.exactness, Exactness::Exact);
    assert_eq!(alpha.underlying, ["b", "c"]);
    assert_eq!(alpha.inputs, ["n15", "c"]);
    // Interval arithmetic on the intermediate N(>15) = [16,850, 16,950] would give a wider
    // [ln(16,850 / 1,550), ln(16,950 / 1,450)] / ln 2.
    assert!(alpha.interval.lo() > (16_850.0f64 / 1_550.0).ln() / 2f64.ln());
    let mean = value(&out[2]);
    let (mlo, mhi) = brute(&inputs, &["c"], |x| {
        let a = ((15_400.0 + x[0]) / x[0]).ln() / 2f64.ln();
        a / (a - 1.0) * 30.0
    });
    assert!(
        close(mean.interval.lo(), mlo) && close(mean.interval.hi(), mhi),
        "{mean:?}"
    );
    let pop = value(&out[3]);
    assert!(
        close(pop.interval.lo(), 80_000.0 / 0.1385) && close(pop.interval.hi(), 90_000.0 / 0.1375)
    );
    let rest = value(&out[4]);
    // 80,000 - 15,400 - 1,500 = 63,100 in [80,000 - 15,400 - 1,550, 90,000 - 15,400 - 1,450]
    assert_eq!(rest.point, Some(63_100.0));
    assert_eq!(
        (rest.interval.lo(), rest.interval.hi()),
        (63_050.0, 73_150.0)
    );
    assert_eq!(rest.formula, "80,000 - 15,400 - 1,500 = 63,100");
}

#[test]
fn non_monotone_formulas_give_an_enclosure_that_contains_the_sampled_range() {
    let mut inputs = BTreeMap::new();
    inputs.insert("x".into(), q(0.3, 0.0, 1.0, "share"));
    inputs.insert("y".into(), q(2.0, 1.0, 3.0, "number"));
    let specs = vec![
        derived("bump", "{x} * (1 - {x}) * {y}", "number"),
        derived("dip", "({x} - 0.5) ^ 2 + min({y}, 2)", "number"),
    ];
    let out = evaluate(&inputs.clone().into(), &specs);
    for (o, f) in out.iter().zip([
        (|x: &[f64]| x[0] * (1.0 - x[0]) * x[1]) as fn(&[f64]) -> f64,
        |x: &[f64]| (x[0] - 0.5).powi(2) + x[1].min(2.0),
    ]) {
        let d = value(o);
        let (slo, shi) = brute(&inputs, &["x", "y"], f);
        assert!(
            d.interval.lo() <= slo + 1e-12 && d.interval.hi() >= shi - 1e-12,
            "{d:?} vs [{slo}, {shi}]"
        );
        // tight: within 1% of the width of the sampled range
        let w = (shi - slo).max(1e-9);
        assert!(
            slo - d.interval.lo() < 0.01 * w + 1e-6 && d.interval.hi() - shi < 0.01 * w + 1e-6,
            "{d:?}"
        );
    }
}

#[test]
fn checks_are_three_valued() {
    let inputs = vovsi();
    let specs = vec![
        check("fits", "{b} + {c} <= {t}"),
        check("too-big", "{b} + {c} > {t}"),
        check("maybe", "{c} >= 1500"),
        check("exact-eq", "645 == 430 * 1.5"),
        check("exact-ne", "645 == 430 * 1.49"),
        check("point-ties", "12 >= 90000 / 7500"),
    ];
    let out = evaluate(&inputs.clone().into(), &specs);
    assert_eq!(verdict(&out[0]).verdict, Verdict::Pass);
    assert!(
        verdict(&out[0])
            .detail
            .starts_with("15,400 + 1,500 = 16,900 <= 80,000: PASS"),
        "{}",
        verdict(&out[0]).detail
    );
    assert_eq!(verdict(&out[1]).verdict, Verdict::Fail);
    let maybe = verdict(&out[2]);
    assert_eq!(maybe.verdict, Verdict::Undecided);
    // about 1,500 is [1,450, 1,550]: c >= 1,500 holds on [1,500, 1,550]
    assert_eq!(maybe.holds_for.len(), 1);
    let (k, h) = &maybe.holds_for[0];
    assert_eq!(k, "c");
    assert!(close(h.lo(), 1500.0) && h.hi() == 1550.0, "{h:?}");
    assert_eq!(verdict(&out[3]).verdict, Verdict::Pass);
    assert_eq!(verdict(&out[4]).verdict, Verdict::Fail);
    assert_eq!(verdict(&out[5]).verdict, Verdict::Pass);
}

#[test]
fn an_uncertain_equality_is_undecided_and_a_cancelling_one_passes() {
    let inputs = vovsi();
    let specs = vec![
        check("eq", "{c} == 1500"),
        check("same", "{c} * 2 == {c} + {c}"),
    ];
    let out = evaluate(&inputs.clone().into(), &specs);
    assert_eq!(verdict(&out[0]).verdict, Verdict::Undecided);
    // the difference is identically 0 on the box: holds for every value
    assert_eq!(verdict(&out[1]).verdict, Verdict::Pass);
}

#[test]
fn division_by_a_value_that_can_be_zero_is_unavailable_and_the_rest_still_evaluates() {
    let mut inputs = vovsi();
    inputs.insert("m".into(), q(5.0, 0.0, 5.0, "multiple-of-minimum"));
    let specs = vec![
        derived("bad", "30 / {m}", "ratio"),
        derived("uses-bad", "{bad} * 2", "ratio"),
        derived("good", "at_least(30 / hi({m}))", "ratio"),
        derived("log", "ln({m})", "number"),
        derived("fine", "{b} + {c}", "persons"),
    ];
    let out = evaluate(&inputs.clone().into(), &specs);
    let Outcome::Unavailable(u) = &out[0] else {
        panic!("{:?}", out[0])
    };
    assert!(
        u.reason.contains("division by a value that can be zero"),
        "{}",
        u.reason
    );
    let Outcome::Unavailable(u) = &out[1] else {
        panic!("{:?}", out[1])
    };
    assert!(u.reason.contains("`bad` is not available"), "{}", u.reason);
    let good = value(&out[2]);
    // at most 5 at the start, above 30 later: grew at least 30 / 5 = 6 times, [6, ∞)
    assert_eq!(good.point, Some(6.0));
    assert_eq!(
        (good.interval.lo(), good.interval.hi()),
        (6.0, f64::INFINITY)
    );
    assert_eq!(good.bound, Some(Bound::AtLeast));
    assert_eq!(good.formula, "30 / 5 = 6 (at least)");
    let Outcome::Unavailable(u) = &out[3] else {
        panic!("{:?}", out[3])
    };
    assert!(u.reason.contains("logarithm"), "{}", u.reason);
    assert_eq!(value(&out[4]).point, Some(16_900.0));
}

#[test]
fn windows_have_no_point_and_lo_hi_read_interval_ends() {
    let mut inputs = BTreeMap::new();
    inputs.insert("lo-pay".into(), q(300.0, 300.0, 300.0, "rubles"));
    inputs.insert("hi-pay".into(), q(645.0, 645.0, 645.0, "rubles"));
    inputs.insert(
        "m".into(),
        Quantity {
            point: None,
            interval: Interval::new(20.0, 50.0).unwrap(),
            unit: Unit::from_key("multiple-of-worker-pay").unwrap(),
            assumptions: Vec::new(),
        },
    );
    let specs = vec![
        Spec::Derived(DerivedSpec {
            id: "w".into(),
            body: Body::Window {
                low: parse_formula("{hi-pay} / hi({m})").unwrap(),
                high: parse_formula("{lo-pay} / lo({m})").unwrap(),
            },
            unit: Unit::from_key("rubles").unwrap(),
            assumes: Vec::new(),
        }),
        check("nonempty", "lo({w}) <= hi({w})"),
        derived("uses-point", "{m} * 2", "number"),
    ];
    let out = evaluate(&inputs.clone().into(), &specs);
    let w = value(&out[0]);
    assert_eq!(w.point, None);
    assert_eq!(
        (w.interval.lo(), w.interval.hi()),
        (645.0 / 50.0, 300.0 / 20.0)
    );
    assert_eq!(w.formula, "[645 / 50, 300 / 20] = [12.9, 15]");
    assert_eq!(verdict(&out[1]).verdict, Verdict::Pass);
    let Outcome::Unavailable(u) = &out[2] else {
        panic!("{:?}", out[2])
    };
    assert!(u.reason.contains("no single value"), "{}", u.reason);
}

#[test]
fn assumptions_are_inherited_through_every_level() {
    let mut inputs = vovsi();
    inputs.get_mut("t").unwrap().assumptions = vec!["more-than-upper".into()];
    let mut a = derived("a", "{t} - {b}", "persons");
    if let Spec::Derived(d) = &mut a {
        d.assumes = vec!["same-people".into()];
    }
    let specs = vec![
        a,
        derived("b2", "{a} * 2", "persons"),
        check("k", "{b2} > 0"),
    ];
    assert!(validate(&inputs.clone().into(), &["same-people".into()], &specs).is_empty());
    let out = evaluate(&inputs.clone().into(), &specs);
    assert_eq!(
        value(&out[0]).assumptions,
        ["same-people", "more-than-upper"]
    );
    assert_eq!(
        value(&out[1]).assumptions,
        ["same-people", "more-than-upper"]
    );
    assert_eq!(
        verdict(&out[2]).assumptions,
        ["same-people", "more-than-upper"]
    );
}

#[test]
fn validation_names_unknown_ids_cycles_units_and_bounds() {
    let inputs = vovsi();
    let specs = vec![
        derived("x", "{tt} + 1", "persons"),
        derived("p", "{q} + 1", "persons"),
        derived("q", "{r} * 2", "persons"),
        derived("r", "{p}", "persons"),
        derived("mix", "{b} + {s}", "persons"),
        derived("wrong-unit", "{b} / {t}", "persons"),
        derived("nested", "2 * at_least({b})", "persons"),
        check("chk", "{b} < {s}"),
        derived("refers-check", "{chk} + 1", "number"),
    ];
    let problems = validate(&inputs.clone().into(), &[], &specs);
    let text: Vec<String> = problems
        .iter()
        .map(|(i, p)| format!("{}: {p}", specs[*i].id()))
        .collect();
    let all = text.join("\n");
    assert!(
        all.contains(
            "x: column 1: `{tt}` names no figure, record or derived line; did you mean `{t}`?"
        ),
        "{all}"
    );
    assert!(
        all.contains("the lines depend on each other in a cycle: p -> q -> r -> p"),
        "{all}"
    );
    assert!(
        all.contains("mix: column 7: `{b} + {s}` adds persons and a pure number"),
        "{all}"
    );
    assert!(all.contains("wrong-unit: column 1: the formula gives a pure number, but the line's unit `persons` is persons"), "{all}");
    assert!(
        all.contains(
            "nested: column 5: at_least(...) and at_most(...) must wrap the whole formula"
        ),
        "{all}"
    );
    assert!(
        all.contains("chk: column 7: the claim compares persons with a pure number"),
        "{all}"
    );
    assert!(
        all.contains("refers-check: column 1: `{chk}` is a [[check]]"),
        "{all}"
    );
    // Evaluating anyway makes the cycle unavailable, not a hang.
    let out = evaluate(&inputs.clone().into(), &specs);
    assert!(matches!(out[1], Outcome::Unavailable(_)));
}

#[test]
fn nearest_suggests_only_likely_typos() {
    let ids = ["vovsi-count-above-8x", "vovsi-count-15-30x", "ratio-1919"];
    assert_eq!(
        nearest("vovsi-count-above-8", ids).as_deref(),
        Some("vovsi-count-above-8x")
    );
    assert_eq!(nearest("ratio-1991", ids).as_deref(), Some("ratio-1919"));
    assert_eq!(nearest("completely-else", ids), None);
}

#[test]
fn an_absent_input_makes_the_line_unavailable_with_its_reason_not_a_problem() {
    let inputs = Inputs {
        known: vovsi(),
        absent: [(
            "scale.grade-12".to_string(),
            "the scale gives no grade 12".to_string(),
        )]
        .into(),
    };
    let specs = vec![derived("x", "{scale.grade-12} * 1.5", "number")];
    assert!(validate(&inputs, &[], &specs).is_empty());
    let out = evaluate(&inputs, &specs);
    let Outcome::Unavailable(u) = &out[0] else {
        panic!("{:?}", out[0])
    };
    assert_eq!(u.reason, "the scale gives no grade 12");
    assert_eq!(u.inputs, ["scale.grade-12"]);
}

#[test]
fn long_chains_and_cycles_evaluate_without_deep_recursion_or_blow_up() {
    // 5,000 lines, each twice the previous minus itself, written last-first: evaluation order
    // comes from the dependencies, and expansion stops at MAX_INLINE_NODES (the value stays
    // right; the interval is marked an enclosure).
    let mut inputs = BTreeMap::new();
    inputs.insert("x".into(), q(1.0, 0.5, 1.5, "number"));
    let n = 5_000;
    let mut specs = Vec::new();
    for i in (0..n).rev() {
        let prev = if i == 0 {
            "x".to_string()
        } else {
            format!("l{}", i - 1)
        };
        specs.push(derived(
            &format!("l{i}"),
            &format!("{{{prev}}} + {{{prev}}} - {{{prev}}}"),
            "number",
        ));
    }
    // and a 2,000-line cycle (a test thread has a 2 MiB stack: recursion this deep would overflow it)
    for i in 0..2_000 {
        specs.push(derived(
            &format!("c{i}"),
            &format!("{{c{}}} + 1", (i + 1) % 2_000),
            "number",
        ));
    }
    let inputs: Inputs = inputs.into();
    let problems = validate(&inputs, &[], &specs);
    assert_eq!(problems.len(), 1, "one cycle");
    let out = evaluate(&inputs, &specs);
    let last = value(&out[0]);
    assert_eq!(last.id, format!("l{}", n - 1));
    assert!(close(last.point.unwrap(), 1.0));
    assert_eq!(last.exactness, Exactness::Enclosure);
    assert!(last.interval.lo() <= 0.5 && last.interval.hi() >= 1.5);
    let early = value(&out[n - 2]);
    assert_eq!(early.id, "l1");
    assert_eq!(early.exactness, Exactness::Exact);
    assert_eq!((early.interval.lo(), early.interval.hi()), (0.5, 1.5));
    let Outcome::Unavailable(u) = &out[n] else {
        panic!()
    };
    assert!(
        u.reason
            .starts_with("it is part of a cycle: c0 -> c1 -> c2"),
        "{}",
        &u.reason[..60]
    );
}

#[test]
fn a_range_or_a_window_used_as_a_value_is_a_problem() {
    let mut inputs = vovsi();
    inputs.insert(
        "m".into(),
        Quantity {
            point: None,
            interval: Interval::new(20.0, 50.0).unwrap(),
            unit: Unit::from_key("number").unwrap(),
            assumptions: Vec::new(),
        },
    );
    let specs = vec![
        Spec::Derived(DerivedSpec {
            id: "w".into(),
            body: Body::Window {
                low: parse_formula("1").unwrap(),
                high: parse_formula("2").unwrap(),
            },
            unit: Unit::from_key("number").unwrap(),
            assumes: Vec::new(),
        }),
        derived("uses-range", "{m} * 2", "number"),
        derived("uses-window", "{w} + hi({w}) + lo({m})", "number"),
    ];
    let problems = validate(&inputs.into(), &[], &specs);
    let text: Vec<String> = problems
        .iter()
        .map(|(i, p)| format!("{}: {p}", specs[*i].id()))
        .collect();
    assert_eq!(
        text,
        [
            "uses-range: column 1: `{m}` is a range with no single value; use lo({m}) or hi({m}), the ends of its interval",
            "uses-window: column 1: `{w}` is a window with no single value; use lo({w}) or hi({w}), the ends of its interval",
        ]
    );
}
