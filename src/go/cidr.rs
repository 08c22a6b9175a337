//! Whether Go's `net.ParseCIDR` accepts a string, and its error text when not.
//!
//! Ported from Go 1.24's `net/ip.go` (`ParseCIDR`, `dtoi`) and `net/netip/netip.go`
//! (`ParseAddr`, `parseIPv4Fields`, `parseIPv6`) rather than taken from `std::net`: Go refuses
//! IPv4 octets with leading zeros (`01.2.3.4`) and zones (`fe80::1%eth0/64`), accepts IPv6
//! groups with more than four digits when the value fits 16 bits (`00001::/64`) and prefix
//! lengths with leading zeros (`10.0.0.0/008`); Rust's parsers draw some of these lines
//! differently.

/// `net.ParseCIDR(s)`'s error text (`invalid CIDR address: <s>`), `None` when Go accepts `s`.
pub(crate) fn parse_cidr_error(s: &str) -> Option<String> {
    (!accepts(s)).then(|| format!("invalid CIDR address: {s}"))
}

/// `ParseCIDR`: an address without zone, `/`, and a prefix length within the address's bits
/// (32 for IPv4, 128 for IPv6 including IPv4-mapped forms).
fn accepts(s: &str) -> bool {
    let Some((addr, mask)) = s.split_once('/') else { return false };
    let Some(bits) = address_bits(addr) else { return false };
    matches!(dtoi(mask), Some((n, used)) if used == mask.len() && n <= bits)
}

/// `netip.ParseAddr` without zone: the address's bit length, `None` when it is not an address
/// or carries a zone. The first `.`, `:` or `%` decides the family, as in Go.
fn address_bits(addr: &str) -> Option<u32> {
    match addr.bytes().find(|b| matches!(b, b'.' | b':' | b'%'))? {
        b'.' => ipv4(addr.as_bytes()).then_some(32),
        // A zone (`%...`) is either refused by ParseAddr (empty) or by ParseCIDR.
        b':' if !addr.contains('%') => ipv6(addr.as_bytes()).then_some(128),
        _ => None,
    }
}

/// `parseIPv4Fields`: four dot-separated decimal octets, each at most 255, without leading
/// zeros.
fn ipv4(s: &[u8]) -> bool {
    let mut value = 0u32;
    let mut digits = 0u32;
    let mut dots = 0u32;
    for (i, &b) in s.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                if digits == 1 && value == 0 {
                    return false;
                }
                value = value.saturating_mul(10).saturating_add(u32::from(b.saturating_sub(b'0')));
                digits = digits.saturating_add(1);
                if value > 255 {
                    return false;
                }
            }
            b'.' => {
                let previous = i.checked_sub(1).and_then(|p| s.get(p));
                if i == 0 || i.saturating_add(1) == s.len() || previous == Some(&b'.') || dots == 3 {
                    return false;
                }
                dots = dots.saturating_add(1);
                value = 0;
                digits = 0;
            }
            _ => return false,
        }
    }
    dots == 3
}

/// `parseIPv6` without zone: hexadecimal groups of any length whose value fits 16 bits, at
/// most one `::` standing for at least one zero group, and optionally an IPv4 address in place
/// of the last two groups.
fn ipv6(mut s: &[u8]) -> bool {
    let mut ellipsis: Option<usize> = None;
    if s.starts_with(b"::") {
        ellipsis = Some(0);
        s = s.get(2..).unwrap_or_default();
        if s.is_empty() {
            return true;
        }
    }
    let mut i = 0usize;
    while i < 16 {
        let mut off = 0usize;
        let mut acc = 0u32;
        while let Some(&c) = s.get(off) {
            let Some(digit) = char::from(c).to_digit(16) else { break };
            acc = acc.saturating_mul(16).saturating_add(digit);
            if acc > 0xFFFF {
                return false;
            }
            off = off.saturating_add(1);
        }
        if off == 0 {
            return false;
        }
        if s.get(off) == Some(&b'.') {
            // An embedded IPv4 address: only as the last 32 bits.
            if (ellipsis.is_none() && i != 12) || i.saturating_add(4) > 16 || !ipv4(s) {
                return false;
            }
            s = &[];
            i = i.saturating_add(4);
            break;
        }
        i = i.saturating_add(2);
        s = s.get(off..).unwrap_or_default();
        if s.is_empty() {
            break;
        }
        if s.first() != Some(&b':') || s.len() == 1 {
            return false;
        }
        s = s.get(1..).unwrap_or_default();
        if s.first() == Some(&b':') {
            if ellipsis.is_some() {
                return false;
            }
            ellipsis = Some(i);
            s = s.get(1..).unwrap_or_default();
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return false;
    }
    // Short of 16 bytes only with `::`; with all 16, `::` would stand for nothing.
    if i < 16 { ellipsis.is_some() } else { ellipsis.is_none() }
}

/// Go's `dtoi`: the leading decimal number of `s` and how many bytes it used; `None` when `s`
/// does not start with a digit or the number reaches 0xFFFFFF.
fn dtoi(s: &str) -> Option<(u32, usize)> {
    let mut n = 0u32;
    let mut used = 0usize;
    for b in s.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(u32::from(b.saturating_sub(b'0')));
        if n >= 0xFF_FFFF {
            return None;
        }
        used = used.saturating_add(1);
    }
    (used > 0).then_some((n, used))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

    use super::parse_cidr_error;

    /// `(provenance in Go 1.24's net and net/netip, input, accepted)`.
    const CASES: &[(&str, &str, bool)] = &[
        ("ip.go ParseCIDR", "10.0.0.0/8", true),
        ("ip.go ParseCIDR: a host address keeps its bits", "10.1.2.3/8", true),
        ("ip.go ParseCIDR: `/` required", "10.0.0.1", false),
        ("ip.go ParseCIDR: prefix within 32 bits", "10.0.0.0/33", false),
        ("ip.go ParseCIDR: prefix 0", "0.0.0.0/0", true),
        ("ip.go dtoi: leading zeros in the prefix", "10.0.0.0/008", true),
        ("ip.go dtoi: a digit first", "10.0.0.0/+8", false),
        ("ip.go ParseCIDR: the whole prefix is digits", "10.0.0.0/8 ", false),
        ("ip.go ParseCIDR: empty prefix", "10.0.0.0/", false),
        ("ip.go ParseCIDR: the first `/` splits", "10.0.0.0/8/8", false),
        ("netip.go parseIPv4Fields: leading zero", "010.0.0.0/8", false),
        ("netip.go parseIPv4Fields: a lone zero", "0.0.0.0/8", true),
        ("netip.go parseIPv4Fields: octet over 255", "256.0.0.0/8", false),
        ("netip.go parseIPv4Fields: three octets", "10.0.0/8", false),
        ("netip.go parseIPv4Fields: five octets", "10.0.0.0.0/8", false),
        ("netip.go parseIPv4Fields: empty octet", "10..0.0/8", false),
        ("netip.go parseIPv4Fields: trailing dot", "10.0.0./8", false),
        ("netip.go ParseAddr: no separator", "10/8", false),
        ("netip.go ParseAddr: `%` before any address", "%eth0/8", false),
        ("netip.go parseIPv6", "2001:db8::/32", true),
        ("netip.go parseIPv6: all zeros", "::/0", true),
        ("ip.go ParseCIDR: IPv6 prefix within 128 bits", "2001:db8::/129", false),
        ("ip.go ParseCIDR: IPv4-mapped is 128 bits", "::ffff:10.0.0.1/128", true),
        ("ip.go ParseCIDR: IPv4-mapped, over 128", "::ffff:10.0.0.1/129", false),
        ("ip.go ParseCIDR: zone refused", "fe80::1%eth0/64", false),
        ("netip.go parseIPv6: empty zone", "fe80::1%/64", false),
        ("netip.go parseIPv6: long group with a 16-bit value", "00001::/16", true),
        ("netip.go parseIPv6: group over 16 bits", "10000::/16", false),
        ("netip.go parseIPv6: two `::`", "1::2::3/64", false),
        ("netip.go parseIPv6: `::` for at least one group", "1:2:3:4:5:6:7:8::/64", false),
        ("netip.go parseIPv6: `::` for one group", "1:2:3:4:5:6:7::/64", true),
        ("netip.go parseIPv6: eight groups", "1:2:3:4:5:6:7:8/64", true),
        ("netip.go parseIPv6: seven groups", "1:2:3:4:5:6:7/64", false),
        ("netip.go parseIPv6: trailing colon", "1::2:/64", false),
        ("netip.go parseIPv6: embedded IPv4 last", "1:2:3:4:5:6:1.2.3.4/96", true),
        ("netip.go parseIPv6: embedded IPv4 misplaced", "1:2:3:4:5:1.2.3.4/96", false),
        ("netip.go parseIPv6: embedded IPv4 after `::`", "::1.2.3.4/96", true),
        ("netip.go parseIPv6: embedded IPv4 leading zero", "::ffff:01.2.3.4/96", false),
        ("netip.go parseIPv6: hex in embedded IPv4", "::a.2.3.4/96", false),
    ];

    #[test]
    fn go_verdicts() {
        for (provenance, input, accepted) in CASES {
            let expected = (!accepted).then(|| format!("invalid CIDR address: {input}"));
            assert_eq!(parse_cidr_error(input), expected, "{provenance}: {input:?}");
        }
    }
}
