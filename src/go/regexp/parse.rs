//! Go's `syntax.Parse` main loop (parse.go:890-1096) and Perl flag groups `(?i)`, `(?:`,
//! `(?P<name>` (parse.go:1140-1252).

use super::{
    Code, GoError,
    escape::{byte_at, first_byte, next_rune, parse_escape, parse_repeat},
    node::{DOT_NL, FOLD_CASE, NON_GREEDY, ONE_LINE, Op, PERL, PERL_X, Parser, WAS_DOLLAR},
    skip, up_to,
};

/// `syntax.Parse(s, syntax.Perl)`: `Ok` when Go accepts `s`.
pub(super) fn parse(s: &str) -> Result<(), GoError> {
    let mut p = Parser::new(s, PERL);
    let mut t = s;
    let mut last_repeat: &str = "";
    while let Some(byte) = first_byte(t) {
        let mut repeat: &str = "";
        match byte {
            b'(' => {
                if p.flags & PERL_X != 0 && byte_at(t, 1) == Some(b'?') {
                    t = p.parse_perl_flags(t)?;
                } else {
                    p.num_cap = p.num_cap.saturating_add(1);
                    let paren = p.op(Op::LeftParen)?;
                    p.node_mut(paren)?.cap = p.num_cap;
                    t = skip(t, 1);
                }
            }
            b'|' => {
                p.parse_vertical_bar()?;
                t = skip(t, 1);
            }
            b')' => {
                p.parse_right_paren()?;
                t = skip(t, 1);
            }
            b'^' => {
                p.op(if p.flags & ONE_LINE != 0 { Op::BeginText } else { Op::BeginLine })?;
                t = skip(t, 1);
            }
            b'$' => {
                if p.flags & ONE_LINE != 0 {
                    let end = p.op(Op::EndText)?;
                    p.node_mut(end)?.flags |= WAS_DOLLAR;
                } else {
                    p.op(Op::EndLine)?;
                }
                t = skip(t, 1);
            }
            b'.' => {
                p.op(if p.flags & DOT_NL != 0 { Op::AnyChar } else { Op::AnyCharNotNl })?;
                t = skip(t, 1);
            }
            b'[' => t = p.parse_class(t)?,
            b'*' | b'+' | b'?' => {
                let op = match byte {
                    b'*' => Op::Star,
                    b'+' => Op::Plus,
                    _ => Op::Quest,
                };
                let before = t;
                t = p.repeat(op, 0, 0, before, skip(t, 1), last_repeat)?;
                repeat = before;
            }
            b'{' => {
                let before = t;
                match parse_repeat(t) {
                    // Not a well-formed repeat: `{` is a literal.
                    None => {
                        p.literal(i32::from(b'{'))?;
                        t = skip(t, 1);
                    }
                    Some((min, max, after)) => {
                        if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
                            return Err(GoError::new(Code::InvalidRepeatSize, up_to(before, after)));
                        }
                        t = p.repeat(Op::Repeat, min, max, before, after, last_repeat)?;
                        repeat = before;
                    }
                }
            }
            b'\\' => t = p.parse_backslash(t)?,
            _ => {
                let (c, rest) = next_rune(t);
                p.literal(c)?;
                t = rest;
            }
        }
        last_repeat = repeat;
    }
    p.concat()?;
    if p.swap_vertical_bar()? {
        p.stack.pop();
    }
    p.alternate()?;
    if p.stack.len() != 1 {
        return Err(GoError::new(Code::MissingParen, s));
    }
    Ok(())
}

impl Parser<'_> {
    /// A `\` outside a class (parse.go:1011-1080): an assertion, `\Q...\E`, a class escape or a
    /// single-character escape.
    fn parse_backslash<'s>(&mut self, t: &'s str) -> Result<&'s str, GoError> {
        if self.flags & PERL_X != 0 && t.len() >= 2 {
            let assertion = match byte_at(t, 1) {
                Some(b'A') => Some(Op::BeginText),
                Some(b'b') => Some(Op::WordBoundary),
                Some(b'B') => Some(Op::NoWordBoundary),
                Some(b'z') => Some(Op::EndText),
                // Any byte: not supported.
                Some(b'C') => return Err(GoError::new(Code::InvalidEscape, t.get(..2).unwrap_or(t))),
                Some(b'Q') => {
                    // Everything up to `\E` (or the end) is literal.
                    let quoted = skip(t, 2);
                    let (literal, rest) = quoted.split_once("\\E").unwrap_or((quoted, ""));
                    for c in literal.chars() {
                        self.literal(c as i32)?;
                    }
                    return Ok(rest);
                }
                _ => None,
            };
            if let Some(op) = assertion {
                self.op(op)?;
                return Ok(skip(t, 2));
            }
        }
        let re = self.new_regexp(Op::CharClass);
        self.node_mut(re)?.flags = self.flags;
        let mut class = Vec::new();
        if matches!(byte_at(t, 1), Some(b'p' | b'P'))
            && let Some(rest) = self.parse_unicode_class(t, &mut class)?
        {
            self.node_mut(re)?.runes = class;
            self.push(re)?;
            return Ok(rest);
        }
        if let Some(rest) = self.parse_perl_class_escape(t, &mut class) {
            self.node_mut(re)?.runes = class;
            self.push(re)?;
            return Ok(rest);
        }
        self.reuse(re);
        let (c, rest) = parse_escape(t)?;
        self.literal(c)?;
        Ok(rest)
    }

    /// `parsePerlFlags` (parse.go:1140-1252): `(?P<name>`, `(?<name>`, or flags `(?i-s)` /
    /// `(?i:` at the start of `s` (which starts with `(?`).
    fn parse_perl_flags<'s>(&mut self, s: &'s str) -> Result<&'s str, GoError> {
        let t = s;
        let starts_with_p = t.len() > 4 && byte_at(t, 2) == Some(b'P') && byte_at(t, 3) == Some(b'<');
        let starts_with_name = t.len() > 3 && byte_at(t, 2) == Some(b'<');
        if starts_with_p || starts_with_name {
            let name_start = if starts_with_name { 3 } else { 4 };
            let Some(end) = t.find('>') else { return Err(GoError::new(Code::InvalidNamedCapture, s)) };
            let capture = t.get(..=end).unwrap_or(t);
            let name = t.get(name_start..end).unwrap_or("");
            if name.is_empty() || !name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()) {
                return Err(GoError::new(Code::InvalidNamedCapture, capture));
            }
            self.num_cap = self.num_cap.saturating_add(1);
            let paren = self.op(Op::LeftParen)?;
            let num_cap = self.num_cap;
            let node = self.node_mut(paren)?;
            node.cap = num_cap;
            node.name = name.to_owned();
            return Ok(skip(t, end.saturating_add(1)));
        }
        let mut t = skip(t, 2);
        let mut flags = self.flags;
        let mut negative = false;
        let mut saw_flag = false;
        while !t.is_empty() {
            let (c, rest) = next_rune(t);
            t = rest;
            match u8::try_from(c) {
                Ok(b'i') => flags |= FOLD_CASE,
                Ok(b'm') => flags &= !ONE_LINE,
                Ok(b's') => flags |= DOT_NL,
                Ok(b'U') => flags |= NON_GREEDY,
                Ok(b'-') => {
                    if negative {
                        break;
                    }
                    negative = true;
                    // Inverted, so that the flag settings above clear instead of set.
                    flags = !flags;
                    saw_flag = false;
                    continue;
                }
                Ok(end @ (b':' | b')')) => {
                    if negative {
                        if !saw_flag {
                            break;
                        }
                        flags = !flags;
                    }
                    if end == b':' {
                        self.op(Op::LeftParen)?;
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
            saw_flag = true;
        }
        Err(GoError::new(Code::InvalidPerlOp, up_to(s, t)))
    }
}
