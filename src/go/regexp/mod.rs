//! Whether Go's `regexp.Compile` (Go 1.24, package `regexp/syntax` with Perl flags) accepts a
//! pattern, and if not the exact text of its error.
//!
//! Envoy Gateway checks every regular expression of a rate-limit match with Go's
//! `regexp.Compile` and quotes the error in the policy's condition. Go's texts (``missing
//! argument to repetition operator: `*` ``, ``invalid named capture: `(?<x` ``, ...) and even its
//! verdicts differ from those of Rust's `regex-syntax`, which accepts `a**`, `x{2}{3}`,
//! `a{1001}`, `\p{Letter}` and `[[:foo:]]`, refuses `a{,5}` (a literal to Go) and words every
//! error differently (`unclosed group` for Go's ``missing closing ): `(abc` ``). So this module
//! ports the parser of Go's `regexp/syntax/parse.go` as a validator: it builds the same parse
//! tree Go builds (literal merging, alternation factoring, node reuse), because Go's size and
//! nesting limits are measured on that tree, and matches nothing.
//!
//! Line references (`parse.go:NNN`) are to Go 1.24.7's `regexp/syntax/parse.go` as the Envoy
//! Gateway oracle vendors it (`modernre/syntax/parse.go`).
//!
//! Envoy Gateway v1.9.0's `go.mod` asks for Go 1.26.6. Since Go 1.25 the parser also accepts
//! `\p{..}` names Go 1.24 refuses (`Cn`, `LC`, `ASCII`, `Assigned`, long aliases such as
//! `Letter`, names matched ignoring case, spaces, `_` and `-`); this port follows Go 1.24, as
//! the oracle does, and refuses those.
//!
//! Limits of the port, all outside what a stored policy can hold (values are at most 1024
//! characters, see `limits.rs`):
//! - Unicode tables (`\p{Greek}`, `(?i)` folding) come from `regex-syntax`'s Unicode data, one
//!   version newer than Go 1.24's Unicode 15.0.0; only the rune counts behind Go's 32M-rune limit
//!   can differ. The *names* accepted are Go 1.24's (`unicode.rs`).
//! - A Rust `&str` is valid UTF-8, so Go's `invalid UTF-8` error cannot arise.
//! - Alternation factoring nested deeper than [`limits::MAX_FACTOR_DEPTH`] levels stops with
//!   `expression nests too deeply` instead of recursing further (Go would report that error
//!   or `expression too large` for such a pattern).

mod class;
mod escape;
mod factor;
mod limits;
mod node;
mod parse;
mod ranges;
mod stack;
mod unicode;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::table_patterns;

use std::fmt;

/// What Go's `regexp.Compile(pattern)` reports: `None` when it compiles, else the error's text
/// (`error parsing regexp: <code>: `<fragment>``).
pub(crate) fn compile_error(pattern: &str) -> Option<String> {
    let run = || parse::parse(pattern).err().map(|error| error.to_string());
    if pattern.len() <= INLINE_LIMIT {
        return run();
    }
    // Alternation factoring recurses about once per two characters, as deep as Go allows
    // (`limits::MAX_FACTOR_DEPTH`); a long pattern is parsed on a thread with room for that.
    std::thread::scope(|scope| {
        std::thread::Builder::new().stack_size(LONG_PATTERN_STACK).spawn_scoped(scope, run).ok()?.join().ok()
    })
    .unwrap_or_else(|| Some(GoError::internal().to_string()))
}

/// The longest pattern parsed on the caller's stack: at most about 128 levels of factoring,
/// well within a 2 MiB thread stack even unoptimised.
const INLINE_LIMIT: usize = 256;
/// The stack of the thread that parses longer patterns: room for the deepest factoring.
const LONG_PATTERN_STACK: usize = 64 << 20;

/// Go's `syntax.ErrorCode`: the kinds of parse failure, with Go's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Code {
    /// `ErrInternalError`: an invariant of the port broke (never expected).
    Internal,
    /// `ErrInvalidCharClass`.
    #[allow(dead_code)] // Go declares it but its parser never returns it.
    InvalidCharClass,
    /// `ErrInvalidCharRange`.
    InvalidCharRange,
    /// `ErrInvalidEscape`.
    InvalidEscape,
    /// `ErrInvalidNamedCapture`.
    InvalidNamedCapture,
    /// `ErrInvalidPerlOp`.
    InvalidPerlOp,
    /// `ErrInvalidRepeatOp`.
    InvalidRepeatOp,
    /// `ErrInvalidRepeatSize`.
    InvalidRepeatSize,
    /// `ErrMissingBracket`.
    MissingBracket,
    /// `ErrMissingParen`.
    MissingParen,
    /// `ErrMissingRepeatArgument`.
    MissingRepeatArgument,
    /// `ErrTrailingBackslash`.
    TrailingBackslash,
    /// `ErrUnexpectedParen`.
    UnexpectedParen,
    /// `ErrNestingDepth`.
    NestingDepth,
    /// `ErrLarge`.
    Large,
}

impl Code {
    /// The code's text (parse.go:28-47).
    fn text(self) -> &'static str {
        match self {
            Code::Internal => "regexp/syntax: internal error",
            Code::InvalidCharClass => "invalid character class",
            Code::InvalidCharRange => "invalid character class range",
            Code::InvalidEscape => "invalid escape sequence",
            Code::InvalidNamedCapture => "invalid named capture",
            Code::InvalidPerlOp => "invalid or unsupported Perl syntax",
            Code::InvalidRepeatOp => "invalid nested repetition operator",
            Code::InvalidRepeatSize => "invalid repeat count",
            Code::MissingBracket => "missing closing ]",
            Code::MissingParen => "missing closing )",
            Code::MissingRepeatArgument => "missing argument to repetition operator",
            Code::TrailingBackslash => "trailing backslash at end of expression",
            Code::UnexpectedParen => "unexpected )",
            Code::NestingDepth => "expression nests too deeply",
            Code::Large => "expression too large",
        }
    }
}

/// Go's `*syntax.Error`: a code and the offending part of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct GoError {
    code: Code,
    expr: String,
}

impl GoError {
    /// An error of `code` about the fragment `expr`.
    pub(super) fn new(code: Code, expr: &str) -> Self {
        GoError { code, expr: expr.to_owned() }
    }

    /// A broken invariant of the port.
    pub(super) fn internal() -> Self {
        GoError::new(Code::Internal, "")
    }
}

/// `(*Error).Error` (parse.go:21-23).
impl fmt::Display for GoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code.text(), self.expr)
    }
}

/// The prefix of `whole` that ends where its suffix `rest` begins (Go's
/// `before[:len(before)-len(after)]`).
pub(super) fn up_to<'a>(whole: &'a str, rest: &str) -> &'a str {
    whole.get(..whole.len().saturating_sub(rest.len())).unwrap_or(whole)
}

/// `whole` without its first `n` bytes (Go's `t[n:]`), empty when shorter.
pub(super) fn skip(whole: &str, n: usize) -> &str {
    whole.get(n..).unwrap_or("")
}
