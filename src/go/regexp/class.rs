//! Character classes in Go's parser: `[...]` (parse.go:1734-1826), `\p{Name}` (parse.go:1661-1730),
//! Perl `\d \s \w` and POSIX `[:alpha:]` groups (parse.go:1584-1640, perl_groups.go).

use super::{
    Code, GoError,
    escape::{byte_at, first_byte, next_rune, parse_escape},
    node::{CLASS_NL, FOLD_CASE, Op, PERL_X, Parser, UNICODE_GROUPS},
    ranges::{
        append_class, append_folded_class, append_folded_range, append_negated_class, append_range, clean_class,
        negate_class,
    },
    skip, unicode, up_to,
};

/// A Perl or POSIX group: `negated` and its clean class.
struct Group {
    negated: bool,
    class: &'static [i32],
}

/// `\d`, `\s`, `\w` (perl_groups.go:8-30).
fn perl_group(name: &str) -> Option<Group> {
    let (class, negated): (&'static [i32], bool) = match name {
        "\\d" => (&[0x30, 0x39], false),
        "\\D" => (&[0x30, 0x39], true),
        "\\s" => (&[0x9, 0xa, 0xc, 0xd, 0x20, 0x20], false),
        "\\S" => (&[0x9, 0xa, 0xc, 0xd, 0x20, 0x20], true),
        "\\w" => (&[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a], false),
        "\\W" => (&[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a], true),
        _ => return None,
    };
    Some(Group { negated, class })
}

/// `[:alnum:]` ... `[:^xdigit:]` (perl_groups.go:32-133).
fn posix_group(name: &str) -> Option<Group> {
    let (negated, base) = match name.strip_prefix("[:^") {
        Some(rest) => (true, rest),
        None => (false, name.strip_prefix("[:")?),
    };
    let class: &'static [i32] = match base.strip_suffix(":]")? {
        "alnum" => &[0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
        "alpha" => &[0x41, 0x5a, 0x61, 0x7a],
        "ascii" => &[0x0, 0x7f],
        "blank" => &[0x9, 0x9, 0x20, 0x20],
        "cntrl" => &[0x0, 0x1f, 0x7f, 0x7f],
        "digit" => &[0x30, 0x39],
        "graph" => &[0x21, 0x7e],
        "lower" => &[0x61, 0x7a],
        "print" => &[0x20, 0x7e],
        "punct" => &[0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
        "space" => &[0x9, 0xd, 0x20, 0x20],
        "upper" => &[0x41, 0x5a],
        "word" => &[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
        "xdigit" => &[0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
        _ => return None,
    };
    Some(Group { negated, class })
}

impl Parser<'_> {
    /// `appendGroup` (parse.go:1616-1635): adds a group, case-folded under `(?i)`.
    fn append_group(&self, class: &mut Vec<i32>, group: &Group) {
        if self.flags & FOLD_CASE == 0 {
            if group.negated { append_negated_class(class, group.class) } else { append_class(class, group.class) }
        } else {
            let mut folded = Vec::new();
            append_folded_class(&mut folded, group.class);
            clean_class(&mut folded);
            if group.negated { append_negated_class(class, &folded) } else { append_class(class, &folded) }
        }
    }

    /// `parsePerlClassEscape` (parse.go:1584-1593): a `\d`-style escape at the start of `s`
    /// added to `class`; returns the rest.
    pub(super) fn parse_perl_class_escape<'s>(&self, s: &'s str, class: &mut Vec<i32>) -> Option<&'s str> {
        if self.flags & PERL_X == 0 || s.len() < 2 || first_byte(s) != Some(b'\\') {
            return None;
        }
        let group = perl_group(s.get(..2)?)?;
        self.append_group(class, &group);
        Some(skip(s, 2))
    }

    /// `parseNamedClass` (parse.go:1598-1614): a `[:alpha:]`-style class at the start of `s`.
    fn parse_named_class<'s>(&self, s: &'s str, class: &mut Vec<i32>) -> Result<Option<&'s str>, GoError> {
        if first_byte(s) != Some(b'[') || byte_at(s, 1) != Some(b':') {
            return Ok(None);
        }
        let Some(end) = skip(s, 2).find(":]") else { return Ok(None) };
        let end = end.saturating_add(4);
        let name = s.get(..end).unwrap_or(s);
        let Some(group) = posix_group(name) else { return Err(GoError::new(Code::InvalidCharRange, name)) };
        self.append_group(class, &group);
        Ok(Some(skip(s, end)))
    }

    /// `parseUnicodeClass` (parse.go:1661-1730): a `\p{Name}`, `\pL` or `\P...` at the start of
    /// `s` added to `class`; returns the rest. Errors on a name Go 1.24 does not know.
    pub(super) fn parse_unicode_class<'s>(
        &mut self,
        s: &'s str,
        class: &mut Vec<i32>,
    ) -> Result<Option<&'s str>, GoError> {
        if self.flags & UNICODE_GROUPS == 0
            || first_byte(s) != Some(b'\\')
            || !matches!(byte_at(s, 1), Some(b'p' | b'P'))
        {
            return Ok(None);
        }
        let mut negated = byte_at(s, 1) == Some(b'P');
        let (c, mut t) = next_rune(skip(s, 2));
        let (sequence, mut name) = if c != i32::from(b'{') {
            // A one-letter name (or none at all, at the end of the pattern).
            let sequence = up_to(s, t);
            (sequence, skip(sequence, 2))
        } else {
            let Some(end) = s.find('}') else { return Err(GoError::new(Code::InvalidCharRange, s)) };
            t = skip(s, end.saturating_add(1));
            (s.get(..=end).unwrap_or(s), s.get(3..end).unwrap_or(""))
        };
        if let Some(rest) = name.strip_prefix('^') {
            negated = !negated;
            name = rest;
        }
        let fold = self.flags & FOLD_CASE != 0;
        let key = (name.to_owned(), fold);
        let table = match self.tables.get(&key) {
            Some(table) => table,
            None => {
                let Some(mut table) = unicode::table(name) else {
                    return Err(GoError::new(Code::InvalidCharRange, sequence));
                };
                if fold {
                    let plain = table.clone();
                    append_folded_class(&mut table, &plain);
                    clean_class(&mut table);
                }
                self.tables.entry(key).or_insert(table)
            }
        };
        if negated {
            append_negated_class(class, table)
        } else {
            append_class(class, table)
        }
        Ok(Some(t))
    }

    /// `parseClass` (parse.go:1734-1826): the class `[...]` at the start of `s`, pushed on the
    /// stack; returns the rest.
    pub(super) fn parse_class<'s>(&mut self, s: &'s str) -> Result<&'s str, GoError> {
        let mut t = skip(s, 1);
        let re = self.new_regexp(Op::CharClass);
        let mut class: Vec<i32> = Vec::new();
        let mut negated = false;
        if let Some(rest) = t.strip_prefix('^') {
            negated = true;
            t = rest;
            // A negated class excludes newline unless ClassNL (always set by regexp.Compile).
            if self.flags & CLASS_NL == 0 {
                class.extend([0x0A, 0x0A]);
            }
        }
        let mut first = true;
        while t.is_empty() || first_byte(t) != Some(b']') || first {
            // Go's POSIX-mode check on `-` does not apply: Perl flags are always on here.
            first = false;
            if t.len() > 2
                && first_byte(t) == Some(b'[')
                && byte_at(t, 1) == Some(b':')
                && let Some(rest) = self.parse_named_class(t, &mut class)?
            {
                t = rest;
                continue;
            }
            if let Some(rest) = self.parse_unicode_class(t, &mut class)? {
                t = rest;
                continue;
            }
            if let Some(rest) = self.parse_perl_class_escape(t, &mut class) {
                t = rest;
                continue;
            }
            // A single character or a range `lo-hi` (`a-]` is `a` and `-`).
            let range_start = t;
            let (lo, rest) = parse_class_char(t, s)?;
            t = rest;
            let mut hi = lo;
            if t.len() >= 2 && first_byte(t) == Some(b'-') && byte_at(t, 1) != Some(b']') {
                let (end, rest) = parse_class_char(skip(t, 1), s)?;
                t = rest;
                hi = end;
                if hi < lo {
                    return Err(GoError::new(Code::InvalidCharRange, up_to(range_start, t)));
                }
            }
            if self.flags & FOLD_CASE == 0 {
                append_range(&mut class, lo, hi);
            } else {
                append_folded_range(&mut class, lo, hi);
            }
        }
        t = skip(t, 1);
        clean_class(&mut class);
        if negated {
            negate_class(&mut class);
        }
        let flags = self.flags;
        let node = self.node_mut(re)?;
        node.flags = flags;
        node.runes = class;
        self.push(re)?;
        Ok(t)
    }
}

/// `parseClassChar` (parse.go:1560-1572): one class character, escaped or not; a missing `]`
/// is reported with the whole class `whole`.
fn parse_class_char<'s>(s: &'s str, whole: &str) -> Result<(i32, &'s str), GoError> {
    if s.is_empty() {
        return Err(GoError::new(Code::MissingBracket, whole));
    }
    if first_byte(s) == Some(b'\\') {
        return parse_escape(s);
    }
    Ok(next_rune(s))
}
