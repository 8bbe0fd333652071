//! Group labels to codes: the one merge of label tables that every reader uses.
//!
//! Each reader codes a group column in parts (a range of lines per thread, or the whole file),
//! each part numbering its labels in the order it first meets them. [`merge`] turns those
//! local tables into the sorted distinct labels (byte order, so the output order does not
//! depend on the row order or on how the rows were split) and, for each part, the global code
//! of each local code; [`renumber`] applies that to a part's codes.

/// Merges label tables: `locals[p][c]` is the label of local code `c` of part `p` (distinct
/// within a part). Returns the distinct labels, sorted ascending, and for each part the map
/// from its local codes to indexes into them.
pub(crate) fn merge<L: Ord + Clone>(locals: &[&[L]]) -> (Vec<L>, Vec<Vec<u32>>) {
    let mut labels: Vec<L> = locals.iter().flat_map(|l| l.iter().cloned()).collect();
    labels.sort_unstable();
    labels.dedup();
    let remaps = locals
        .iter()
        .map(|local| {
            local
                .iter()
                .map(|l| labels.binary_search(l).unwrap_or(0) as u32)
                .collect()
        })
        .collect();
    (labels, remaps)
}

/// Makes the label `""` (sorted first, if there) a missing value, as explanatory columns
/// need: it leaves `labels`, the local codes that mapped to it map to
/// [`MISSING_CODE`](wages_analysis::payroll::MISSING_CODE), the others move down by one.
pub(crate) fn empty_is_missing<L: AsRef<[u8]>>(labels: &mut Vec<L>, remaps: &mut [Vec<u32>]) {
    if labels.first().is_some_and(|l| l.as_ref().is_empty()) {
        labels.remove(0);
        for c in remaps.iter_mut().flatten() {
            // 0 (the label "") becomes u32::MAX, the missing code.
            *c = c.wrapping_sub(1);
        }
    }
}

/// Replaces each local code by its global one (`remap` from [`merge`]).
pub(crate) fn renumber(codes: &mut [u32], remap: &[u32]) {
    for c in codes {
        *c = remap[*c as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_get_codes_of_the_sorted_union() {
        let a = ["b", "", "c"];
        let b = ["a", "b"];
        let (labels, remaps) = merge(&[&a[..], &b[..]]);
        assert_eq!(labels, ["", "a", "b", "c"]);
        assert_eq!(remaps, [vec![2, 0, 3], vec![1, 2]]);
        let mut codes = [0, 2, 1, 0];
        renumber(&mut codes, &remaps[0]);
        assert_eq!(codes, [2, 3, 0, 2]);
        let none: (Vec<&str>, _) = merge(&[]);
        assert!(none.0.is_empty() && none.1.is_empty());
    }

    #[test]
    fn the_empty_label_can_be_made_missing() {
        use wages_analysis::payroll::MISSING_CODE;
        let (mut labels, mut remaps) = merge(&[&["b", "", "c"][..], &["a", "b"][..]]);
        empty_is_missing(&mut labels, &mut remaps);
        assert_eq!(labels, ["a", "b", "c"]);
        assert_eq!(remaps, [vec![1, MISSING_CODE, 2], vec![0, 1]]);
        // Without an empty label nothing changes.
        let (mut labels, mut remaps) = merge(&[&["b", "a"][..]]);
        empty_is_missing(&mut labels, &mut remaps);
        assert_eq!((labels, remaps), (vec!["a", "b"], vec![vec![1, 0]]));
    }
}
