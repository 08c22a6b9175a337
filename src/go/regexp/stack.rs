//! The parse stack (parse.go:292-571, 1301-1440): pushing nodes with literal merging,
//! repetition, concatenation, alternation, `|` and `)`.

use super::{
    Code, GoError,
    limits::MAX_FACTOR_DEPTH,
    node::{FOLD_CASE, Id, NON_GREEDY, Op, PERL_X, Parser},
    ranges::{MAX_RUNE, append_class, append_literal, clean_class, pairs},
    unicode::{min_fold_rune, simple_fold},
    up_to,
};

impl Parser<'_> {
    /// `push` (parse.go:292-327): pushes `re`, turning one-rune classes into literals and
    /// merging adjacent literals; `None` when the rune went into the previous literal.
    pub(super) fn push(&mut self, re: Id) -> Result<Option<Id>, GoError> {
        let flags = self.flags;
        let rune_count = i64::try_from(self.node(re)?.runes.len()).unwrap_or(i64::MAX);
        self.num_runes = self.num_runes.saturating_add(rune_count);
        let node = self.node(re)?;
        let class = node.op == Op::CharClass;
        let runes = node.runes.as_slice();
        let single = class && matches!(runes, [a, b] if a == b);
        let folded_pair = class
            && match *runes {
                [a, b, c, d] => a == b && c == d && simple_fold(a) == c && simple_fold(c) == a,
                [a, b] => a.saturating_add(1) == b && simple_fold(a) == b && simple_fold(b) == a,
                _ => false,
            };
        let first = runes.first().copied().unwrap_or(0);
        if single || folded_pair {
            let literal_flags = if single { flags & !FOLD_CASE } else { flags | FOLD_CASE };
            if self.maybe_concat(first, literal_flags)? {
                return Ok(None);
            }
            let node = self.node_mut(re)?;
            node.op = Op::Literal;
            node.runes.truncate(1);
            node.flags = literal_flags;
        } else {
            self.maybe_concat(-1, 0)?;
        }
        self.stack.push(re);
        self.check_limits(re)?;
        Ok(Some(re))
    }

    /// `maybeConcat` (parse.go:338-364): merges the top two literals when their case flags
    /// agree; with `r >= 0`, reuses the top node for `r` and reports `true`.
    fn maybe_concat(&mut self, r: i32, flags: u16) -> Result<bool, GoError> {
        if self.stack.len() < 2 {
            return Ok(false);
        }
        let (re1, re2) = (self.stack_back(0)?, self.stack_back(1)?);
        let (top, below) = (self.node(re1)?, self.node(re2)?);
        if top.op != Op::Literal || below.op != Op::Literal || top.flags & FOLD_CASE != below.flags & FOLD_CASE {
            return Ok(false);
        }
        let moved = top.runes.clone();
        self.node_mut(re2)?.runes.extend(moved);
        if r >= 0 {
            let top = self.node_mut(re1)?;
            top.runes = vec![r];
            top.flags = flags;
            return Ok(true);
        }
        self.stack.pop();
        self.reuse(re1);
        Ok(false)
    }

    /// `literal` (parse.go:367-376).
    pub(super) fn literal(&mut self, r: i32) -> Result<(), GoError> {
        let re = self.new_regexp(Op::Literal);
        let flags = self.flags;
        let node = self.node_mut(re)?;
        node.flags = flags;
        node.runes = vec![if flags & FOLD_CASE != 0 { min_fold_rune(r) } else { r }];
        self.push(re)?;
        Ok(())
    }

    /// `op` (parse.go:393-397): pushes a new node of `op`.
    pub(super) fn op(&mut self, op: Op) -> Result<Id, GoError> {
        let re = self.new_regexp(op);
        self.node_mut(re)?.flags = self.flags;
        self.push(re)?.ok_or_else(GoError::internal)
    }

    /// `repeat` (parse.go:403-440): applies `op` to the top of the stack. `before` starts at the
    /// operator, `after` follows it, `last_repeat` is the previous operator's text when it
    /// directly precedes. Returns the input after an optional non-greedy `?`.
    pub(super) fn repeat<'s>(
        &mut self,
        op: Op,
        min: i32,
        max: i32,
        before: &'s str,
        after: &'s str,
        last_repeat: &'s str,
    ) -> Result<&'s str, GoError> {
        let mut flags = self.flags;
        let mut after = after;
        if self.flags & PERL_X != 0 {
            if let Some(rest) = after.strip_prefix('?') {
                after = rest;
                flags ^= NON_GREEDY;
            }
            if !last_repeat.is_empty() {
                return Err(GoError::new(Code::InvalidRepeatOp, up_to(last_repeat, after)));
            }
        }
        let Some(&sub) = self.stack.last() else {
            return Err(GoError::new(Code::MissingRepeatArgument, up_to(before, after)));
        };
        if self.op_of(sub)? >= Op::LeftParen {
            return Err(GoError::new(Code::MissingRepeatArgument, up_to(before, after)));
        }
        let re = self.new_regexp(op);
        let node = self.node_mut(re)?;
        node.min = min;
        node.max = max;
        node.flags = flags;
        node.sub = vec![sub];
        self.set_stack_back(0, re)?;
        self.check_limits(re)?;
        if op == Op::Repeat && (min >= 2 || max >= 2) && !self.repeat_is_valid(re, 1000)? {
            return Err(GoError::new(Code::InvalidRepeatSize, up_to(before, after)));
        }
        Ok(after)
    }

    /// The stack entries above the topmost pseudo-operator, removed from the stack.
    fn take_above_pseudo(&mut self) -> Result<Vec<Id>, GoError> {
        let mut start = self.stack.len();
        while let Some(index) = start.checked_sub(1) {
            let id = self.stack.get(index).copied().ok_or_else(GoError::internal)?;
            if self.op_of(id)? >= Op::LeftParen {
                break;
            }
            start = index;
        }
        Ok(self.stack.split_off(start))
    }

    /// `concat` (parse.go:476-493): replaces the top of the stack (above `|` or `(`) with its
    /// concatenation.
    pub(super) fn concat(&mut self) -> Result<(), GoError> {
        self.maybe_concat(-1, 0)?;
        let subs = self.take_above_pseudo()?;
        let re = if subs.is_empty() { self.new_regexp(Op::EmptyMatch) } else { self.collapse(subs, Op::Concat)? };
        self.push(re)?;
        Ok(())
    }

    /// `alternate` (parse.go:496-519): replaces the top of the stack (above `(`) with its
    /// alternation.
    pub(super) fn alternate(&mut self) -> Result<(), GoError> {
        let subs = self.take_above_pseudo()?;
        if let Some(&last) = subs.last() {
            self.clean_alt(last)?;
        }
        let re = if subs.is_empty() { self.new_regexp(Op::NoMatch) } else { self.collapse(subs, Op::Alternate)? };
        self.push(re)?;
        Ok(())
    }

    /// `cleanAlt` (parse.go:522-542): cleans a class before it joins an alternation, turning
    /// "everything" and "everything but newline" into their own operators.
    pub(super) fn clean_alt(&mut self, re: Id) -> Result<(), GoError> {
        let node = self.node_mut(re)?;
        if node.op != Op::CharClass {
            return Ok(());
        }
        clean_class(&mut node.runes);
        if node.runes == [0, MAX_RUNE] {
            node.runes.clear();
            node.op = Op::AnyChar;
        } else if node.runes == [0, 9, 11, MAX_RUNE] {
            node.runes.clear();
            node.op = Op::AnyCharNotNl;
        }
        Ok(())
    }

    /// `collapse` (parse.go:548-571): one `op` node over `subs`, hoisting nested nodes of the
    /// same `op`, and factoring alternations.
    pub(super) fn collapse(&mut self, subs: Vec<Id>, op: Op) -> Result<Id, GoError> {
        if let [only] = subs.as_slice() {
            return Ok(*only);
        }
        let re = self.new_regexp(op);
        let mut list = Vec::with_capacity(subs.len());
        for sub in subs {
            let node = self.node(sub)?;
            if node.op == op {
                list.extend(node.sub.iter().copied());
                self.reuse(sub);
            } else {
                list.push(sub);
            }
        }
        if op == Op::Alternate {
            self.factor_depth = self.factor_depth.saturating_add(1);
            if self.factor_depth > MAX_FACTOR_DEPTH {
                return Err(self.whole_error(Code::NestingDepth));
            }
            list = self.factor(list)?;
            self.factor_depth = self.factor_depth.saturating_sub(1);
            if let [only] = list.as_slice() {
                let only = *only;
                self.reuse(re);
                return Ok(only);
            }
        }
        self.node_mut(re)?.sub = list;
        Ok(re)
    }

    /// `isCharClass` (parse.go:1301-1306): a one-rune literal, a class, `.` or `(?s:.)`.
    pub(super) fn is_char_class(&self, re: Id) -> Result<bool, GoError> {
        let node = self.node(re)?;
        Ok(match node.op {
            Op::Literal => node.runes.len() == 1,
            Op::CharClass | Op::AnyCharNotNl | Op::AnyChar => true,
            _ => false,
        })
    }

    /// `matchRune` (parse.go:1309-1326).
    fn match_rune(&self, re: Id, r: i32) -> Result<bool, GoError> {
        let node = self.node(re)?;
        Ok(match node.op {
            Op::Literal => node.runes == [r],
            Op::CharClass => pairs(&node.runes).any(|(lo, hi)| lo <= r && r <= hi),
            Op::AnyCharNotNl => r != i32::from(b'\n'),
            Op::AnyChar => true,
            _ => false,
        })
    }

    /// `parseVerticalBar` (parse.go:1329-1339).
    pub(super) fn parse_vertical_bar(&mut self) -> Result<(), GoError> {
        self.concat()?;
        if !self.swap_vertical_bar()? {
            self.op(Op::VerticalBar)?;
        }
        Ok(())
    }

    /// `mergeCharClass` (parse.go:1344-1369): `dst = dst|src` for class-like nodes, `dst` the
    /// more complex.
    pub(super) fn merge_char_class(&mut self, dst: Id, src: Id) -> Result<(), GoError> {
        let source = self.node(src)?;
        let (src_op, src_flags, src_runes) = (source.op, source.flags, source.runes.clone());
        let src_first = src_runes.first().copied().unwrap_or(0);
        match self.op_of(dst)? {
            Op::AnyCharNotNl if self.match_rune(src, i32::from(b'\n'))? => {
                self.node_mut(dst)?.op = Op::AnyChar;
            }
            Op::CharClass => {
                let node = self.node_mut(dst)?;
                if src_op == Op::Literal {
                    append_literal(&mut node.runes, src_first, src_flags & FOLD_CASE != 0);
                } else {
                    append_class(&mut node.runes, &src_runes);
                }
            }
            Op::Literal => {
                let node = self.node_mut(dst)?;
                let dst_first = node.runes.first().copied().unwrap_or(0);
                if src_first == dst_first && src_flags == node.flags {
                    return Ok(());
                }
                node.op = Op::CharClass;
                node.runes.clear();
                append_literal(&mut node.runes, dst_first, node.flags & FOLD_CASE != 0);
                append_literal(&mut node.runes, src_first, src_flags & FOLD_CASE != 0);
            }
            _ => {}
        }
        Ok(())
    }

    /// `swapVerticalBar` (parse.go:1374-1407): merges two class-like alternatives around a `|`,
    /// or moves the finished alternative below the `|`.
    pub(super) fn swap_vertical_bar(&mut self) -> Result<bool, GoError> {
        let n = self.stack.len();
        if n >= 3
            && self.op_of(self.stack_back(1)?)? == Op::VerticalBar
            && self.is_char_class(self.stack_back(0)?)?
            && self.is_char_class(self.stack_back(2)?)?
        {
            let mut re1 = self.stack_back(0)?;
            let mut re3 = self.stack_back(2)?;
            if self.op_of(re1)? > self.op_of(re3)? {
                std::mem::swap(&mut re1, &mut re3);
                self.set_stack_back(2, re3)?;
            }
            self.merge_char_class(re3, re1)?;
            self.reuse(re1);
            self.stack.pop();
            return Ok(true);
        }
        if n >= 2 {
            let re1 = self.stack_back(0)?;
            let re2 = self.stack_back(1)?;
            if self.op_of(re2)? == Op::VerticalBar {
                if n >= 3 {
                    self.clean_alt(self.stack_back(2)?)?;
                }
                self.set_stack_back(1, re1)?;
                self.set_stack_back(0, re2)?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `parseRightParen` (parse.go:1410-1440).
    pub(super) fn parse_right_paren(&mut self) -> Result<(), GoError> {
        self.concat()?;
        if self.swap_vertical_bar()? {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() < 2 {
            return Err(self.whole_error(Code::UnexpectedParen));
        }
        let re1 = self.stack_back(0)?;
        let re2 = self.stack_back(1)?;
        self.stack.truncate(self.stack.len().saturating_sub(2));
        let paren = self.node(re2)?;
        let (paren_op, paren_flags, paren_cap) = (paren.op, paren.flags, paren.cap);
        if paren_op != Op::LeftParen {
            return Err(self.whole_error(Code::UnexpectedParen));
        }
        self.flags = paren_flags;
        if paren_cap == 0 {
            self.push(re1)?;
        } else {
            let node = self.node_mut(re2)?;
            node.op = Op::Capture;
            node.sub = vec![re1];
            self.push(re2)?;
        }
        Ok(())
    }
}
