//! The small lexical pieces of Go's parser: runes, escapes (parse.go:1444-1556), decimal counts
//! and `{min,max}` (parse.go:1101-1135, 1272-1297).

use super::{Code, GoError, ranges::MAX_RUNE, skip, up_to};

/// `utf8.RuneError`, what Go decodes from an empty string.
const RUNE_ERROR: i32 = 0xFFFD;

/// `nextRune` (parse.go:2111-2117): the first rune of `s` and the rest. An empty `s` gives Go's
/// `RuneError` and an empty rest, as `utf8.DecodeRuneInString` does.
pub(super) fn next_rune(s: &str) -> (i32, &str) {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => (c as i32, chars.as_str()),
        None => (RUNE_ERROR, ""),
    }
}

/// The first byte of `s`, if any.
pub(super) fn first_byte(s: &str) -> Option<u8> {
    s.as_bytes().first().copied()
}

/// The byte at `index` of `s`, if any.
pub(super) fn byte_at(s: &str, index: usize) -> Option<u8> {
    s.as_bytes().get(index).copied()
}

/// `isalnum` (parse.go:2119-2121).
fn is_alnum(c: i32) -> bool {
    u8::try_from(c).is_ok_and(|b| b.is_ascii_alphanumeric())
}

/// `unhex` (parse.go:2123-2134): a hexadecimal digit's value, -1 for other runes.
fn unhex(c: i32) -> i32 {
    match u8::try_from(c) {
        Ok(b) if b.is_ascii_hexdigit() => char::from(b).to_digit(16).and_then(|v| i32::try_from(v).ok()).unwrap_or(-1),
        _ => -1,
    }
}

/// `parseEscape` (parse.go:1444-1556): the rune an escape at the start of `s` (which starts
/// with `\`) stands for, and the rest.
pub(super) fn parse_escape(s: &str) -> Result<(i32, &str), GoError> {
    let t = skip(s, 1);
    if t.is_empty() {
        return Err(GoError::new(Code::TrailingBackslash, ""));
    }
    let (c, mut t) = next_rune(t);
    let invalid = |t: &str| GoError::new(Code::InvalidEscape, up_to(s, t));
    let octal_digit = |t: &str| first_byte(t).filter(|b| (b'0'..=b'7').contains(b));
    match u8::try_from(c).map(char::from) {
        // A single non-zero digit would be a backreference, which Go does not support.
        Ok('1'..='7') if octal_digit(t).is_none() => Err(invalid(t)),
        Ok('0'..='7') => {
            let mut r = c.saturating_sub(i32::from(b'0'));
            for _ in 1..3 {
                let Some(digit) = octal_digit(t) else { break };
                r = r.saturating_mul(8).saturating_add(i32::from(digit.saturating_sub(b'0')));
                t = skip(t, 1);
            }
            Ok((r, t))
        }
        Ok('x') => {
            if t.is_empty() {
                return Err(invalid(t));
            }
            let (c, rest) = next_rune(t);
            t = rest;
            if c == i32::from(b'{') {
                // Any number of hexadecimal digits in braces, at least one, at most MaxRune.
                let mut digits = 0;
                let mut r = 0i32;
                loop {
                    if t.is_empty() {
                        return Err(invalid(t));
                    }
                    let (c, rest) = next_rune(t);
                    t = rest;
                    if c == i32::from(b'}') {
                        break;
                    }
                    let v = unhex(c);
                    if v < 0 {
                        return Err(invalid(t));
                    }
                    r = r.saturating_mul(16).saturating_add(v);
                    if r > MAX_RUNE {
                        return Err(invalid(t));
                    }
                    digits = 1;
                }
                if digits == 0 {
                    return Err(invalid(t));
                }
                return Ok((r, t));
            }
            // Exactly two hexadecimal digits.
            let x = unhex(c);
            let (c, rest) = next_rune(t);
            t = rest;
            let y = unhex(c);
            if x < 0 || y < 0 {
                return Err(invalid(t));
            }
            Ok((x.saturating_mul(16).saturating_add(y), t))
        }
        Ok('a') => Ok((0x07, t)),
        Ok('f') => Ok((0x0C, t)),
        Ok('n') => Ok((0x0A, t)),
        Ok('r') => Ok((0x0D, t)),
        Ok('t') => Ok((0x09, t)),
        Ok('v') => Ok((0x0B, t)),
        // Escaped ASCII punctuation and controls stand for themselves (`\_` included).
        Ok(other) if other.is_ascii() && !is_alnum(c) => Ok((c, t)),
        _ => Err(invalid(t)),
    }
}

/// `parseInt` (parse.go:1272-1297): a decimal count without leading zeros; -1 when it reaches
/// 10^8 (too large to be valid anyway).
fn parse_int(s: &str) -> Option<(i32, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits >= 2 && first_byte(s) == Some(b'0')) {
        return None;
    }
    let mut n = 0i32;
    for digit in s.bytes().take(digits) {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n.saturating_mul(10).saturating_add(i32::from(digit.saturating_sub(b'0')));
    }
    Some((n, skip(s, digits)))
}

/// `parseRepeat` (parse.go:1101-1135): `{n}`, `{n,}` (max -1) or `{n,m}` at the start of `s`;
/// `None` when `s` does not have that form (the `{` is then a literal). A count too large
/// gives `min == -1`.
pub(super) fn parse_repeat(s: &str) -> Option<(i32, i32, &str)> {
    let s = s.strip_prefix('{')?;
    let (mut min, mut s) = parse_int(s)?;
    let max;
    if first_byte(s)? != b',' {
        max = min;
    } else {
        s = skip(s, 1);
        if first_byte(s)? == b'}' {
            max = -1;
        } else {
            let (value, rest) = parse_int(s)?;
            s = rest;
            max = value;
            if max < 0 {
                min = -1;
            }
        }
    }
    let rest = s.strip_prefix('}')?;
    Some((min, max, rest))
}
