//! Go's parse-time limits: the 32M-rune, 3.3M-instruction and 1000-level checks of
//! `checkLimits` (parse.go:161-167) and the repeat-count product of `repeatIsValid`.
//!
//! None of the three size limits can be reached by a pattern of at most 1024 characters (the
//! longest value the CRD admits): a repetition multiplies at most 1000 copies and each character
//! adds at most about 2 instructions, about 2M in all; nesting needs more than one character per
//! level; a class adds far fewer than 32K runes per character. They are ported for
//! `compile_error`'s other callers and for exactness on long input.

use super::{
    Code, GoError,
    node::{Id, Op, Parser},
};

/// `maxHeight` (parse.go:93).
const MAX_HEIGHT: i64 = 1000;
/// `maxSize` (parse.go:101-104): 128 MB of 40-byte instructions.
const MAX_SIZE: i64 = (128 << 20) / 40;
/// `maxRunes` (parse.go:121-124): 128 MB of 4-byte runes.
const MAX_RUNES: i64 = (128 << 20) / 4;
/// How deep alternation factoring may recurse before the port stops with `NestingDepth`: each
/// level adds at least one level to the tree, so Go's tree is then far over `maxHeight`.
pub(super) const MAX_FACTOR_DEPTH: u32 = 1200;

impl Parser<'_> {
    /// `checkLimits` (parse.go:161-167).
    pub(super) fn check_limits(&mut self, re: Id) -> Result<(), GoError> {
        if self.num_runes > MAX_RUNES {
            return Err(self.whole_error(Code::Large));
        }
        self.check_size(re)?;
        self.check_height(re)
    }

    /// `checkSize` (parse.go:169-209): starts measuring only once the nodes allocated times the
    /// product of the repeat counts seen could exceed the limit.
    fn check_size(&mut self, re: Id) -> Result<(), GoError> {
        if self.size.is_none() {
            if self.repeats == 0 {
                self.repeats = 1;
            }
            let node = self.node(re)?;
            if node.op == Op::Repeat {
                let mut n = if node.max == -1 { node.min } else { node.max };
                if n <= 0 {
                    n = 1;
                }
                let budget = MAX_SIZE.checked_div(self.repeats).unwrap_or(0);
                self.repeats = if i64::from(n) > budget { MAX_SIZE } else { self.repeats.saturating_mul(i64::from(n)) };
            }
            if self.num_regexp < MAX_SIZE.checked_div(self.repeats).unwrap_or(0) {
                return Ok(());
            }
            self.size = Some(Default::default());
            for id in self.stack.clone() {
                self.check_size(id)?;
            }
        }
        if self.calc_size(re, true)? > MAX_SIZE {
            return Err(self.whole_error(Code::Large));
        }
        Ok(())
    }

    /// `calcSize` (parse.go:211-255), walking the tree with an explicit stack. Only `re` itself is
    /// recomputed when `force`; below it, cached sizes are used even when stale, as in Go.
    fn calc_size(&mut self, re: Id, force: bool) -> Result<i64, GoError> {
        struct Frame {
            id: Id,
            next: usize,
            sizes: Vec<i64>,
        }
        let mut frames: Vec<Frame> = Vec::new();
        let mut result = None;
        let mut visit = Some((re, force));
        loop {
            if let Some((id, force)) = visit.take() {
                let cached = if force { None } else { self.size.as_ref().and_then(|sizes| sizes.get(&id)).copied() };
                match cached {
                    Some(size) => result = Some(size),
                    None => frames.push(Frame { id, next: 0, sizes: Vec::new() }),
                }
            }
            if let Some(size) = result.take() {
                match frames.last_mut() {
                    Some(parent) => parent.sizes.push(size),
                    None => return Ok(size),
                }
            }
            let Some(frame) = frames.last_mut() else { return Err(GoError::internal()) };
            let node = self.node(frame.id)?;
            let walked: &[Id] = match node.op {
                Op::Capture | Op::Star | Op::Plus | Op::Quest | Op::Repeat => node.sub.get(..1).unwrap_or(&[]),
                Op::Concat | Op::Alternate => &node.sub,
                _ => &[],
            };
            if let Some(&child) = walked.get(frame.next) {
                frame.next = frame.next.saturating_add(1);
                visit = Some((child, false));
                continue;
            }
            let sizes = &frame.sizes;
            let first = sizes.first().copied().unwrap_or(0);
            let sum = sizes.iter().fold(0i64, |total, size| total.saturating_add(*size));
            let size = match node.op {
                Op::Literal => i64::try_from(node.runes.len()).unwrap_or(i64::MAX),
                Op::Capture | Op::Star => first.saturating_add(2),
                Op::Plus | Op::Quest => first.saturating_add(1),
                Op::Concat => sum,
                Op::Alternate if sizes.len() > 1 => {
                    sum.saturating_add(i64::try_from(sizes.len()).unwrap_or(0)).saturating_sub(1)
                }
                Op::Alternate => sum,
                Op::Repeat if node.max == -1 && node.min == 0 => first.saturating_add(2),
                Op::Repeat if node.max == -1 => i64::from(node.min).saturating_mul(first).saturating_add(1),
                Op::Repeat => i64::from(node.max)
                    .saturating_mul(first)
                    .saturating_add(i64::from(node.max).saturating_sub(i64::from(node.min))),
                _ => 0,
            }
            .max(1);
            let id = frame.id;
            frames.pop();
            if let Some(cache) = &mut self.size {
                cache.insert(id, size);
            }
            result = Some(size);
        }
    }

    /// `checkHeight` (parse.go:257-270): measured only once 1000 nodes have been allocated.
    fn check_height(&mut self, re: Id) -> Result<(), GoError> {
        if self.num_regexp < MAX_HEIGHT {
            return Ok(());
        }
        if self.height.is_none() {
            self.height = Some(Default::default());
            for id in self.stack.clone() {
                self.check_height(id)?;
            }
        }
        if self.calc_height(re, true)? > MAX_HEIGHT {
            return Err(self.whole_error(Code::NestingDepth));
        }
        Ok(())
    }

    /// `calcHeight` (parse.go:272-287), walking every sub-expression with an explicit stack.
    fn calc_height(&mut self, re: Id, force: bool) -> Result<i64, GoError> {
        let mut frames: Vec<(Id, usize, i64)> = Vec::new();
        let mut result = None;
        let mut visit = Some((re, force));
        loop {
            if let Some((id, force)) = visit.take() {
                let cached =
                    if force { None } else { self.height.as_ref().and_then(|heights| heights.get(&id)).copied() };
                match cached {
                    Some(height) => result = Some(height),
                    None => frames.push((id, 0, 1)),
                }
            }
            if let Some(height) = result.take() {
                match frames.last_mut() {
                    Some(parent) => parent.2 = parent.2.max(height.saturating_add(1)),
                    None => return Ok(height),
                }
            }
            let Some(frame) = frames.last_mut() else { return Err(GoError::internal()) };
            if let Some(&child) = self.node(frame.0)?.sub.get(frame.1) {
                frame.1 = frame.1.saturating_add(1);
                visit = Some((child, false));
                continue;
            }
            let (id, _, height) = *frame;
            frames.pop();
            if let Some(cache) = &mut self.height {
                cache.insert(id, height);
            }
            result = Some(height);
        }
    }

    /// `repeatIsValid(re, n)` (parse.go:451-473): along every path below `re`, the product of
    /// the repeat counts stays within `n`.
    pub(super) fn repeat_is_valid(&self, re: Id, n: i32) -> Result<bool, GoError> {
        let mut work = vec![(re, n)];
        while let Some((id, mut n)) = work.pop() {
            let node = self.node(id)?;
            if node.op == Op::Repeat {
                let mut m = node.max;
                if m == 0 {
                    continue;
                }
                if m < 0 {
                    m = node.min;
                }
                if m > n {
                    return Ok(false);
                }
                if m > 0 {
                    n = n.checked_div(m).unwrap_or(0);
                }
            }
            work.extend(node.sub.iter().map(|&sub| (sub, n)));
        }
        Ok(true)
    }
}
