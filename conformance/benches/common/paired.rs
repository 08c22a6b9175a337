//! Ratios of two operations timed in alternation, so that both see the same machine load.
//!
//! Criterion measures one benchmark after another, a few seconds each; on a shared machine the
//! load changes between them, and a ratio of two of its means moves with it (the strict JSON
//! ratio read 1.11 to 1.89 in five runs of one binary). Here the baseline and the subject run
//! in turns, each turn long enough to time (several passes over the corpus), the order swapped
//! every round, and the median of the per-round ratios is reported: a burst of load spoils a
//! round or two, not the median.

use std::{hint::black_box, time::Instant};

/// Rounds per ratio: an odd number, so the median is one round's ratio.
const ROUNDS: usize = 31;

/// Passes over the inputs per timed turn (a pass over the 389 corpus documents takes about a
/// millisecond, too short to time alone).
const PASSES: usize = 10;

/// The median over [`ROUNDS`] rounds of `subject`'s time divided by `baseline`'s, both timed in
/// the same round; each returns a count that is kept from the optimizer.
pub fn median_ratio(baseline: &dyn Fn() -> usize, subject: &dyn Fn() -> usize) -> f64 {
    let time = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        for _ in 0..PASSES {
            black_box(f());
        }
        start.elapsed().as_secs_f64()
    };
    // One untimed turn each, to warm caches and the allocator.
    black_box((baseline(), subject()));
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            if round % 2 == 0 {
                let b = time(baseline);
                time(subject) / b
            } else {
                let s = time(subject);
                s / time(baseline)
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}
