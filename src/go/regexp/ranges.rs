//! Character classes as Go keeps them: a list of `lo, hi` rune pairs, appended to with on-the-fly
//! merging and cleaned (sorted, merged) on demand (parse.go:1830-2072).

use super::unicode;

/// `unicode.MaxRune`.
pub(super) const MAX_RUNE: i32 = 0x10_FFFF;

/// The `(lo, hi)` pairs of a flat class.
pub(super) fn pairs(class: &[i32]) -> impl Iterator<Item = (i32, i32)> + '_ {
    class.chunks_exact(2).filter_map(|pair| Some((*pair.first()?, *pair.get(1)?)))
}

/// `appendRange` (parse.go:1885-1907): adds `lo-hi`, widening one of the last two ranges
/// when it overlaps or abuts.
pub(super) fn append_range(class: &mut Vec<i32>, lo: i32, hi: i32) {
    let n = class.len();
    for back in [2usize, 4] {
        let Some(start) = n.checked_sub(back) else { continue };
        let (Some(&rlo), Some(&rhi)) = (class.get(start), class.get(start.saturating_add(1))) else { continue };
        if lo <= rhi.saturating_add(1) && rlo <= hi.saturating_add(1) {
            if let Some(slot) = class.get_mut(start)
                && lo < rlo
            {
                *slot = lo;
            }
            if let Some(slot) = class.get_mut(start.saturating_add(1))
                && hi > rhi
            {
                *slot = hi;
            }
            return;
        }
    }
    class.push(lo);
    class.push(hi);
}

/// `appendLiteral` (parse.go:1877-1882).
pub(super) fn append_literal(class: &mut Vec<i32>, r: i32, fold: bool) {
    if fold { append_folded_range(class, r, r) } else { append_range(class, r, r) }
}

/// `appendFoldedRange` (parse.go:1918-1949): adds `lo-hi` and every rune that simple case
/// folding makes equivalent to one of them. Go walks each rune of the range; the same runes are
/// added here by visiting only the runes that have other case forms.
pub(super) fn append_folded_range(class: &mut Vec<i32>, lo: i32, hi: i32) {
    append_range(class, lo, hi);
    if lo <= unicode::MIN_FOLD && hi >= unicode::MAX_FOLD {
        return;
    }
    for folding in unicode::folding_runes(lo, hi) {
        for other in unicode::orbit(folding) {
            append_range(class, other, other);
        }
    }
}

/// `appendClass` (parse.go:1953-1958): adds a clean class.
pub(super) fn append_class(class: &mut Vec<i32>, add: &[i32]) {
    for (lo, hi) in pairs(add) {
        append_range(class, lo, hi);
    }
}

/// `appendFoldedClass` (parse.go:1961-1966).
pub(super) fn append_folded_class(class: &mut Vec<i32>, add: &[i32]) {
    for (lo, hi) in pairs(add) {
        append_folded_range(class, lo, hi);
    }
}

/// `appendNegatedClass` (parse.go:1970-1983): adds the complement of a clean class.
pub(super) fn append_negated_class(class: &mut Vec<i32>, add: &[i32]) {
    let mut next_lo = 0i32;
    for (lo, hi) in pairs(add) {
        if next_lo <= lo.saturating_sub(1) {
            append_range(class, next_lo, lo.saturating_sub(1));
        }
        next_lo = hi.saturating_add(1);
    }
    if next_lo <= MAX_RUNE {
        append_range(class, next_lo, MAX_RUNE);
    }
}

/// `cleanClass` (parse.go:1830-1858): sorts by `lo` (ties: larger `hi` first) and merges
/// overlapping or abutting ranges.
pub(super) fn clean_class(class: &mut Vec<i32>) {
    let mut ranges: Vec<(i32, i32)> = pairs(class).collect();
    ranges.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut merged: Vec<(i32, i32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    class.clear();
    for (lo, hi) in merged {
        class.push(lo);
        class.push(hi);
    }
}

/// `negateClass` (parse.go:2053-2072): the complement of a clean class.
pub(super) fn negate_class(class: &mut Vec<i32>) {
    let original = std::mem::take(class);
    append_negated_class(class, &original);
}
