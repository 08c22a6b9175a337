//! The parse tree of Go's `regexp/syntax`: operators, flags, nodes in an arena whose free list
//! reuses nodes in Go's order (node counts and cached sizes depend on it), and `Regexp.Equal`.

use std::collections::HashMap;

use super::{Code, GoError};

/// Index of a node in the parser's arena (Go's `*Regexp`).
pub(super) type Id = usize;

/// Go's `syntax.Op`, in Go's order: the parser compares operators numerically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Op {
    NoMatch = 1,
    EmptyMatch,
    Literal,
    CharClass,
    AnyCharNotNl,
    AnyChar,
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
    Capture,
    Star,
    Plus,
    Quest,
    Repeat,
    Concat,
    Alternate,
    /// `opLeftParen`, the first pseudo-operator (`opPseudo`, parse.go:77).
    LeftParen = 128,
    /// `opVerticalBar`.
    VerticalBar,
}

/// Go's `syntax.Flags` bits (parse.go:57-72).
pub(super) const FOLD_CASE: u16 = 1;
pub(super) const CLASS_NL: u16 = 1 << 2;
pub(super) const DOT_NL: u16 = 1 << 3;
pub(super) const ONE_LINE: u16 = 1 << 4;
pub(super) const NON_GREEDY: u16 = 1 << 5;
pub(super) const PERL_X: u16 = 1 << 6;
pub(super) const UNICODE_GROUPS: u16 = 1 << 7;
pub(super) const WAS_DOLLAR: u16 = 1 << 8;
/// `syntax.Perl`, the flags `regexp.Compile` parses with.
pub(super) const PERL: u16 = CLASS_NL | ONE_LINE | PERL_X | UNICODE_GROUPS;

/// One `Regexp` node.
#[derive(Clone, Debug)]
pub(super) struct Node {
    pub(super) op: Op,
    pub(super) flags: u16,
    pub(super) sub: Vec<Id>,
    /// Literal runes, or a class as `lo, hi` pairs.
    pub(super) runes: Vec<i32>,
    pub(super) min: i32,
    pub(super) max: i32,
    pub(super) cap: i32,
    pub(super) name: String,
}

impl Node {
    fn new(op: Op) -> Self {
        Node { op, flags: 0, sub: Vec::new(), runes: Vec::new(), min: 0, max: 0, cap: 0, name: String::new() }
    }
}

/// Go's `parser` state (parse.go:126-138).
pub(super) struct Parser<'a> {
    pub(super) flags: u16,
    pub(super) stack: Vec<Id>,
    nodes: Vec<Node>,
    free: Vec<Id>,
    pub(super) num_cap: i32,
    pub(super) whole: &'a str,
    /// Nodes ever allocated (reuse does not count), `numRegexp`.
    pub(super) num_regexp: i64,
    pub(super) num_runes: i64,
    pub(super) repeats: i64,
    pub(super) height: Option<HashMap<Id, i64>>,
    pub(super) size: Option<HashMap<Id, i64>>,
    /// Current depth of the factoring recursion (collapse → factor → collapse).
    pub(super) factor_depth: u32,
    /// The classes of the `\p{..}` names met so far, by name and case folding.
    pub(super) tables: HashMap<(String, bool), Vec<i32>>,
}

impl<'a> Parser<'a> {
    /// A parser of `whole` with `flags`.
    pub(super) fn new(whole: &'a str, flags: u16) -> Self {
        Parser {
            flags,
            stack: Vec::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            num_cap: 0,
            whole,
            num_regexp: 0,
            num_runes: 0,
            repeats: 0,
            height: None,
            size: None,
            factor_depth: 0,
            tables: HashMap::new(),
        }
    }

    /// `newRegexp` (parse.go:140-151): a fresh node, from the free list when it has one.
    pub(super) fn new_regexp(&mut self, op: Op) -> Id {
        if let Some(id) = self.free.pop()
            && let Some(node) = self.nodes.get_mut(id)
        {
            *node = Node::new(op);
            return id;
        }
        self.nodes.push(Node::new(op));
        self.num_regexp = self.num_regexp.saturating_add(1);
        self.nodes.len().saturating_sub(1)
    }

    /// `reuse` (parse.go:153-159): hands a node back; its cached height is forgotten, its cached
    /// size is not (as in Go).
    pub(super) fn reuse(&mut self, id: Id) {
        if let Some(height) = &mut self.height {
            height.remove(&id);
        }
        self.free.push(id);
    }

    /// The node `id`.
    pub(super) fn node(&self, id: Id) -> Result<&Node, GoError> {
        self.nodes.get(id).ok_or_else(GoError::internal)
    }

    /// The node `id`, to change.
    pub(super) fn node_mut(&mut self, id: Id) -> Result<&mut Node, GoError> {
        self.nodes.get_mut(id).ok_or_else(GoError::internal)
    }

    /// The operator of node `id`.
    pub(super) fn op_of(&self, id: Id) -> Result<Op, GoError> {
        Ok(self.node(id)?.op)
    }

    /// The first sub-expression of `id`.
    pub(super) fn sub0(&self, id: Id) -> Result<Id, GoError> {
        self.node(id)?.sub.first().copied().ok_or_else(GoError::internal)
    }

    /// The stack entry `back` places below the top (0 = top).
    pub(super) fn stack_back(&self, back: usize) -> Result<Id, GoError> {
        self.stack.iter().rev().nth(back).copied().ok_or_else(GoError::internal)
    }

    /// Replaces the stack entry `back` places below the top.
    pub(super) fn set_stack_back(&mut self, back: usize, id: Id) -> Result<(), GoError> {
        let slot = self.stack.iter_mut().rev().nth(back).ok_or_else(GoError::internal)?;
        *slot = id;
        Ok(())
    }

    /// The error Go's recovered panics become: the code with the whole pattern (parse.go:891-902).
    pub(super) fn whole_error(&self, code: Code) -> GoError {
        GoError::new(code, self.whole)
    }

    /// `Regexp.Equal` (regexp.go:59-99) on `x` and `y`, without recursion.
    pub(super) fn equal(&self, x: Id, y: Id) -> Result<bool, GoError> {
        let mut work = vec![(x, y)];
        while let Some((x, y)) = work.pop() {
            let (a, b) = (self.node(x)?, self.node(y)?);
            if a.op != b.op {
                return Ok(false);
            }
            let same = match a.op {
                Op::EndText => a.flags & WAS_DOLLAR == b.flags & WAS_DOLLAR,
                Op::Literal | Op::CharClass => a.runes == b.runes,
                Op::Alternate | Op::Concat => a.sub.len() == b.sub.len(),
                Op::Star | Op::Plus | Op::Quest => a.flags & NON_GREEDY == b.flags & NON_GREEDY,
                Op::Repeat => a.flags & NON_GREEDY == b.flags & NON_GREEDY && a.min == b.min && a.max == b.max,
                Op::Capture => a.cap == b.cap && a.name == b.name,
                _ => true,
            };
            if !same {
                return Ok(false);
            }
            match a.op {
                Op::Alternate | Op::Concat => work.extend(a.sub.iter().copied().zip(b.sub.iter().copied())),
                Op::Star | Op::Plus | Op::Quest | Op::Repeat | Op::Capture => work.push((self.sub0(x)?, self.sub0(y)?)),
                _ => {}
            }
        }
        Ok(true)
    }
}
