//! Go's factoring of alternations (parse.go:588-864): common literal prefixes, common leading
//! classes, runs of single characters merged into one class, runs of empty matches.

use super::{
    GoError,
    node::{FOLD_CASE, Id, Op, Parser},
};

impl Parser<'_> {
    /// `factor` (parse.go:588-773): the alternatives `sub`, factored.
    pub(super) fn factor(&mut self, sub: Vec<Id>) -> Result<Vec<Id>, GoError> {
        if sub.len() < 2 {
            return Ok(sub);
        }
        let sub = self.factor_strings(sub)?;
        let sub = self.factor_leading(sub)?;
        let sub = self.merge_char_runs(sub)?;
        // Round 4: runs of empty matches become one.
        let mut out = Vec::with_capacity(sub.len());
        for (index, &id) in sub.iter().enumerate() {
            if let Some(&next) = sub.get(index.saturating_add(1))
                && self.op_of(id)? == Op::EmptyMatch
                && self.op_of(next)? == Op::EmptyMatch
            {
                continue;
            }
            out.push(id);
        }
        Ok(out)
    }

    /// Round 1 (parse.go:593-655): alternatives sharing a leading literal string become
    /// `prefix(suffix1|suffix2|...)`.
    fn factor_strings(&mut self, mut sub: Vec<Id>) -> Result<Vec<Id>, GoError> {
        let mut prefix_runes: Vec<i32> = Vec::new();
        let mut prefix_flags = 0u16;
        let mut start = 0usize;
        let mut out = Vec::with_capacity(sub.len());
        for i in 0..=sub.len() {
            let mut runes = Vec::new();
            let mut flags = 0u16;
            if let Some(&id) = sub.get(i) {
                (runes, flags) = self.leading_string(id)?;
                if flags == prefix_flags {
                    let same = prefix_runes.iter().zip(&runes).take_while(|(a, b)| a == b).count();
                    if same > 0 {
                        prefix_runes.truncate(same);
                        continue;
                    }
                }
            }
            let run = sub.get(start..i).unwrap_or(&[]).to_vec();
            if run.len() == 1 {
                out.extend(run);
            } else if run.len() > 1 {
                let prefix = self.new_regexp(Op::Literal);
                let node = self.node_mut(prefix)?;
                node.flags = prefix_flags;
                node.runes = prefix_runes.clone();
                let mut suffixes = Vec::with_capacity(run.len());
                for id in run {
                    let rest = self.remove_leading_string(id, prefix_runes.len(), 0)?;
                    self.check_limits(rest)?;
                    suffixes.push(rest);
                }
                if let Some(slots) = sub.get_mut(start..i) {
                    slots.copy_from_slice(&suffixes);
                }
                let suffix = self.collapse(suffixes, Op::Alternate)?;
                let concat = self.new_regexp(Op::Concat);
                self.node_mut(concat)?.sub = vec![prefix, suffix];
                out.push(concat);
            }
            start = i;
            prefix_runes = runes;
            prefix_flags = flags;
        }
        Ok(out)
    }

    /// Round 2 (parse.go:657-712): alternatives starting with the same class, or the same fixed
    /// repeat of a class, become `first(rest1|rest2|...)`.
    fn factor_leading(&mut self, mut sub: Vec<Id>) -> Result<Vec<Id>, GoError> {
        let mut start = 0usize;
        let mut out = Vec::with_capacity(sub.len());
        let mut first: Option<Id> = None;
        for i in 0..=sub.len() {
            let mut leading = None;
            if let Some(&id) = sub.get(i) {
                leading = self.leading_regexp(id)?;
                if let (Some(first), Some(leading)) = (first, leading)
                    && self.equal(first, leading)?
                    && self.factorable(first)?
                {
                    continue;
                }
            }
            let run = sub.get(start..i).unwrap_or(&[]).to_vec();
            if run.len() == 1 {
                out.extend(run);
            } else if run.len() > 1 {
                let prefix = first.ok_or_else(GoError::internal)?;
                let mut suffixes = Vec::with_capacity(run.len());
                for (offset, id) in run.into_iter().enumerate() {
                    let rest = self.remove_leading_regexp(id, offset != 0)?;
                    self.check_limits(rest)?;
                    suffixes.push(rest);
                }
                if let Some(slots) = sub.get_mut(start..i) {
                    slots.copy_from_slice(&suffixes);
                }
                let suffix = self.collapse(suffixes, Op::Alternate)?;
                let concat = self.new_regexp(Op::Concat);
                self.node_mut(concat)?.sub = vec![prefix, suffix];
                out.push(concat);
            }
            start = i;
            first = leading;
        }
        Ok(out)
    }

    /// Whether a leading node may be factored out: a class, or a fixed repeat of one.
    fn factorable(&self, first: Id) -> Result<bool, GoError> {
        if self.is_char_class(first)? {
            return Ok(true);
        }
        let node = self.node(first)?;
        Ok(node.op == Op::Repeat && node.min == node.max && self.is_char_class(self.sub0(first)?)?)
    }

    /// Round 3 (parse.go:714-759): runs of single characters and classes become one class.
    fn merge_char_runs(&mut self, sub: Vec<Id>) -> Result<Vec<Id>, GoError> {
        let mut start = 0usize;
        let mut out = Vec::with_capacity(sub.len());
        let mut sub = sub;
        for i in 0..=sub.len() {
            if let Some(&id) = sub.get(i)
                && self.is_char_class(id)?
            {
                continue;
            }
            if i == start.saturating_add(1) {
                out.extend(sub.get(start).copied());
            } else if i > start {
                let mut most = start;
                for j in start.saturating_add(1)..i {
                    let (best, candidate) = (
                        self.node(*sub.get(most).ok_or_else(GoError::internal)?)?,
                        self.node(*sub.get(j).ok_or_else(GoError::internal)?)?,
                    );
                    if best.op < candidate.op || best.op == candidate.op && best.runes.len() < candidate.runes.len() {
                        most = j;
                    }
                }
                sub.swap(start, most);
                let dst = *sub.get(start).ok_or_else(GoError::internal)?;
                for j in start.saturating_add(1)..i {
                    let src = *sub.get(j).ok_or_else(GoError::internal)?;
                    self.merge_char_class(dst, src)?;
                    self.reuse(src);
                }
                self.clean_alt(dst)?;
                out.push(dst);
            }
            out.extend(sub.get(i).copied());
            start = i.saturating_add(1);
        }
        Ok(out)
    }

    /// `leadingString` (parse.go:777-785): the literal runes `re` starts with and their case flag.
    fn leading_string(&self, re: Id) -> Result<(Vec<i32>, u16), GoError> {
        let mut node = self.node(re)?;
        if node.op == Op::Concat
            && let Some(&first) = node.sub.first()
        {
            node = self.node(first)?;
        }
        if node.op != Op::Literal {
            return Ok((Vec::new(), 0));
        }
        Ok((node.runes.clone(), node.flags & FOLD_CASE))
    }

    /// `removeLeadingString` (parse.go:789-822): `re` without its first `n` literal runes.
    fn remove_leading_string(&mut self, re: Id, n: usize, depth: u8) -> Result<Id, GoError> {
        // A concatenation's first element is never itself a concatenation: one level suffices.
        if depth > 1 {
            return Err(GoError::internal());
        }
        let node = self.node(re)?;
        if node.op == Op::Concat
            && let Some(&first) = node.sub.first()
        {
            let first = self.remove_leading_string(first, n, depth.saturating_add(1))?;
            if let Some(slot) = self.node_mut(re)?.sub.first_mut() {
                *slot = first;
            }
            if self.op_of(first)? == Op::EmptyMatch {
                self.reuse(first);
                let node = self.node_mut(re)?;
                match node.sub.len() {
                    0 | 1 => {
                        node.op = Op::EmptyMatch;
                        node.sub.clear();
                    }
                    2 => {
                        let second = *node.sub.get(1).ok_or_else(GoError::internal)?;
                        self.reuse(re);
                        return Ok(second);
                    }
                    _ => {
                        node.sub.remove(0);
                    }
                }
            }
            return Ok(re);
        }
        if node.op == Op::Literal {
            let node = self.node_mut(re)?;
            let n = n.min(node.runes.len());
            node.runes.drain(..n);
            if node.runes.is_empty() {
                node.op = Op::EmptyMatch;
            }
        }
        Ok(re)
    }

    /// `leadingRegexp` (parse.go:826-838): the node `re` starts with, `None` for an empty match.
    fn leading_regexp(&self, re: Id) -> Result<Option<Id>, GoError> {
        let node = self.node(re)?;
        if node.op == Op::EmptyMatch {
            return Ok(None);
        }
        if node.op == Op::Concat
            && let Some(&first) = node.sub.first()
        {
            return Ok(if self.op_of(first)? == Op::EmptyMatch { None } else { Some(first) });
        }
        Ok(Some(re))
    }

    /// `removeLeadingRegexp` (parse.go:843-864): `re` without its leading node, which is handed
    /// back for reuse when `reuse`.
    fn remove_leading_regexp(&mut self, re: Id, reuse: bool) -> Result<Id, GoError> {
        let node = self.node(re)?;
        if node.op == Op::Concat
            && let Some(&first) = node.sub.first()
        {
            if reuse {
                self.reuse(first);
            }
            let node = self.node_mut(re)?;
            node.sub.remove(0);
            match node.sub.len() {
                0 => {
                    node.op = Op::EmptyMatch;
                    node.sub.clear();
                }
                1 => {
                    let only = *node.sub.first().ok_or_else(GoError::internal)?;
                    self.reuse(re);
                    return Ok(only);
                }
                _ => {}
            }
            return Ok(re);
        }
        if reuse {
            self.reuse(re);
        }
        Ok(self.new_regexp(Op::EmptyMatch))
    }
}
