//! Go's `%q` string quoting, as the API server and Envoy Gateway print values in messages.

use std::fmt::Write as _;

/// Go's `%q` for a string.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().saturating_add(2));
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // Go's `%q` escapes every rune that is not printable: C1 controls, format and
            // bidirectional characters, line and paragraph separators. A tenant's invisible
            // characters must not reach an operator's terminal unescaped.
            c if !go_printable(c) => {
                let _ = if (c as u32) <= 0xffff {
                    write!(out, "\\u{:04x}", c as u32)
                } else {
                    write!(out, "\\U{:08x}", c as u32)
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether Go's `strconv.IsPrint` holds, for the non-ASCII characters a message may carry:
/// C1 controls, soft hyphen, zero-width and bidirectional controls, separators, the BOM and
/// private-use or unassigned planes are not printable.
fn go_printable(c: char) -> bool {
    let code = c as u32;
    !matches!(
        code,
        0x80..=0x9f
            | 0xad
            | 0x061c
            | 0x180e
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0xe000..=0xf8ff
            | 0xf0000..
    )
}
