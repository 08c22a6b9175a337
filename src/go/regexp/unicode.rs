//! The Unicode data Go's parser reads: which `\p{..}` names Go 1.24 knows (`unicode.Categories`,
//! `unicode.Scripts`, Unicode 15.0.0), the runes of each, and simple case folding
//! (`unicode.SimpleFold`). Rune sets and folding come from `regex-syntax`'s tables.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

use super::ranges::{MAX_RUNE, clean_class};

/// The smallest and largest runes that take part in case folding (parse.go:1909-1914).
pub(super) const MIN_FOLD: i32 = 0x0041;
pub(super) const MAX_FOLD: i32 = 0x1_E943;

/// The keys of Go 1.24's `unicode.Categories`. Go 1.25 added `Cn`, `LC` and long aliases.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P",
    "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// The keys of Go 1.24's `unicode.Scripts` (Unicode 15.0.0).
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// `unicodeTable` (parse.go:1644-1656): the clean class a `\p{name}` stands for, `None` when Go
/// 1.24 does not know the name. Folding is applied by the caller: Go's fold tables hold exactly
/// the runes case folding adds.
pub(super) fn table(name: &str) -> Option<Vec<i32>> {
    if name == "Any" {
        return Some(vec![0, MAX_RUNE]);
    }
    if CATEGORIES.contains(&name) {
        return Some(match name {
            // Go's `C` is Cc, Cf, Co and Cs: unassigned code points (Cn) are not in it.
            "C" => {
                let mut class = vec![0xD800, 0xDFFF];
                for part in ["Cc", "Cf", "Co"] {
                    class.extend(property(&format!("gc={part}")));
                }
                clean_class(&mut class);
                class
            }
            "Cs" => vec![0xD800, 0xDFFF],
            _ => property(&format!("gc={name}")),
        });
    }
    SCRIPTS.contains(&name).then(|| property(&format!("sc={name}")))
}

/// The runes of a Unicode property, as `regex-syntax` knows it, as flat pairs.
fn property(query: &str) -> Vec<i32> {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(&format!("\\p{{{query}}}")) else {
        return Vec::new();
    };
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            class.ranges().iter().flat_map(|range| [range.start() as i32, range.end() as i32]).collect()
        }
        HirKind::Literal(literal) => std::str::from_utf8(&literal.0)
            .map(|text| text.chars().flat_map(|c| [c as i32, c as i32]).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Every rune with other simple case forms, sorted, with `unicode.SimpleFold` of it: the next
/// larger rune of its orbit, or the smallest when it is the largest.
fn fold_table() -> &'static [(i32, i32)] {
    static TABLE: OnceLock<Vec<(i32, i32)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::new();
        for code in MIN_FOLD..=MAX_FOLD {
            let Some(c) = u32::try_from(code).ok().and_then(char::from_u32) else { continue };
            if !has_case_mapping(c) {
                continue;
            }
            let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
            class.case_fold_simple();
            let orbit: Vec<i32> =
                class.ranges().iter().flat_map(|range| (range.start() as i32)..=(range.end() as i32)).collect();
            if orbit.len() > 1 {
                let next = orbit.iter().copied().find(|&other| other > code).or_else(|| orbit.first().copied());
                table.push((code, next.unwrap_or(code)));
            }
        }
        table
    })
}

/// Whether `c` changes under lower- or upper-casing: only such characters can have other
/// simple case forms, so only they need the (slower) folding lookup.
pub(super) fn has_case_mapping(c: char) -> bool {
    !c.to_lowercase().eq(std::iter::once(c)) || !c.to_uppercase().eq(std::iter::once(c))
}

/// `unicode.SimpleFold(r)`.
pub(super) fn simple_fold(r: i32) -> i32 {
    let table = fold_table();
    table.binary_search_by_key(&r, |entry| entry.0).ok().and_then(|at| table.get(at)).map_or(r, |entry| entry.1)
}

/// The runes in `lo..=hi` that have other simple case forms.
pub(super) fn folding_runes(lo: i32, hi: i32) -> impl Iterator<Item = i32> {
    let table = fold_table();
    let start = table.partition_point(|entry| entry.0 < lo);
    table.get(start..).unwrap_or(&[]).iter().map(|entry| entry.0).take_while(move |&r| r <= hi)
}

/// `minFoldRune` (parse.go:379-389): the smallest rune of `r`'s case orbit.
pub(super) fn min_fold_rune(r: i32) -> i32 {
    if !(MIN_FOLD..=MAX_FOLD).contains(&r) {
        return r;
    }
    orbit(r).fold(r, i32::min)
}

/// The other runes of `r`'s simple case orbit, in `SimpleFold` order. Orbits have at most four
/// runes; the walk is bounded so that no table inconsistency can make it loop.
pub(super) fn orbit(r: i32) -> impl Iterator<Item = i32> {
    let mut next = simple_fold(r);
    std::iter::from_fn(move || {
        if next == r {
            return None;
        }
        let current = next;
        next = simple_fold(next);
        Some(current)
    })
    .take(8)
}
