//! Go's `%q` string quoting, as the API server and Envoy Gateway print values in messages.

use std::fmt::Write as _;

use super::isprint::is_print;

/// Go's `%q` for a string (`strconv.Quote`: `appendQuotedWith` and `appendEscapedRune` of
/// `src/strconv/quote.go` at go1.24). A Rust string is valid UTF-8, so Go's `\x` escape of
/// invalid bytes never applies.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().saturating_add(2));
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // Every rune that is not printable is escaped: controls, format and bidirectional
            // characters, separators (NBSP, U+2000..U+200A, U+3000), tag characters,
            // private-use and unassigned code points. A tenant's invisible characters do not
            // reach an operator's terminal unescaped.
            c if is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row: a rune, how `%q` writes it, and the go1.24 `isprint.go` table entry (or
    /// `quote.go` branch) that decides it.
    #[test]
    fn quotes_like_go() {
        let rows: &[(&str, &str, &str)] = &[
            ("a\"b\\", r#""a\"b\\""#, "quote.go appendEscapedRune: quote and backslash"),
            ("\u{7}\u{8}\u{c}\n\r\t\u{b}", r#""\a\b\f\n\r\t\v""#, "quote.go: the C escapes"),
            ("\u{0}\u{1f}\u{7f}", r#""\x00\x1f\x7f""#, "quote.go: r < ' ' || r == 0x7f"),
            ("\u{80}\u{9f}", r#""\u0080\u009f""#, "IsPrint Latin-1 path: C1 controls"),
            ("\u{a0}", r#""\u00a0""#, "isGraphic 0x00a0: NBSP is graphic, not printable"),
            ("\u{ad}", r#""\u00ad""#, "IsPrint Latin-1 path: r != 0xAD"),
            ("é¡ÿ", "\"é¡ÿ\"", "IsPrint Latin-1 path: 0xA1..=0xFF"),
            ("\u{1680}", r#""\u1680""#, "isNotPrint16 0x1680 (ogham space mark)"),
            ("\u{2000}\u{200a}", r#""\u2000\u200a""#, "isPrint16 0x2010..: U+2000..U+200A outside every range"),
            ("\u{200b}\u{200f}", r#""\u200b\u200f""#, "isPrint16: zero-width and bidi marks outside"),
            ("\u{2010}\u{2027}", "\"\u{2010}\u{2027}\"", "isPrint16 0x2010, 0x2027"),
            ("\u{2028}\u{202e}\u{202f}", r#""\u2028\u202e\u202f""#, "isPrint16 0x2030..: separators, bidi, NNBSP"),
            ("\u{205f}\u{2060}", r#""\u205f\u2060""#, "isPrint16 0x2030, 0x205e: U+205F, U+2060 outside"),
            ("\u{3000}", r#""\u3000""#, "isPrint16 0x3001..: the ideographic space"),
            ("\u{3001}", "\"\u{3001}\"", "isPrint16 0x3001, 0x3096"),
            ("\u{061c}", r#""\u061c""#, "isNotPrint16 0x061c (Arabic letter mark)"),
            ("\u{180e}", r#""\u180e""#, "isNotPrint16 0x180e (Mongolian vowel separator)"),
            ("\u{e000}\u{f8ff}", r#""\ue000\uf8ff""#, "isPrint16 0xd7fb .. 0xf900: private use outside"),
            ("\u{feff}", r#""\ufeff""#, "isPrint16 0xfe70, 0xfefc: the BOM outside"),
            ("\u{fffd}", "\"\u{fffd}\"", "isPrint16 0xfffc, 0xfffd"),
            ("\u{fffe}", r#""\ufffe""#, "isPrint16 ends at 0xfffd"),
            ("\u{10000}", "\"\u{10000}\"", "isPrint32 0x010000, 0x01004d"),
            ("\u{1000c}", r#""\U0001000c""#, "isNotPrint32 0x000c"),
            ("\u{1f600}", "\"\u{1f600}\"", "isPrint32 0x01f300, 0x01f6d7"),
            ("\u{1f6d8}", r#""\U0001f6d8""#, "isPrint32: U+1F6D8 unassigned in Unicode 15.0"),
            ("\u{11f00}", "\"\u{11f00}\"", "isPrint32 0x011f00 (Kawi, new in Unicode 15.0)"),
            ("\u{11f11}", r#""\U00011f11""#, "isNotPrint32 0x1f11"),
            ("\u{2a6df}", "\"\u{2a6df}\"", "isPrint32 0x020000, 0x02a6df (>= 0x20000 skips isNotPrint32)"),
            ("\u{2a6e0}", r#""\U0002a6e0""#, "isPrint32: between 0x02a6df and 0x02a700"),
            ("\u{323af}", "\"\u{323af}\"", "isPrint32 0x031350, 0x0323af (CJK extension H)"),
            (
                "\u{e0001}\u{e0041}\u{e007f}",
                r#""\U000e0001\U000e0041\U000e007f""#,
                "isPrint32 0x0e0100..: tag characters outside",
            ),
            ("\u{e0100}", "\"\u{e0100}\"", "isPrint32 0x0e0100, 0x0e01ef (variation selectors)"),
            ("\u{f0000}\u{10ffff}", r#""\U000f0000\U0010ffff""#, "isPrint32 ends at 0x0e01ef"),
        ];
        for (input, quoted, source) in rows {
            assert_eq!(go_quote(input), *quoted, "{input:?} ({source})");
        }
    }
}
