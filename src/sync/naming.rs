//! KubeLB's naming rule for tenant objects in the management cluster: [`name`].

use sha2::{Digest, Sha256};

/// A combined name at least this long (in bytes) is shortened by [`name`] (KubeLB's `MaxNameLength`).
const MAX_NAME: usize = 60;
/// How many bytes of a long combined name [`name`] keeps before the hash
/// (`MaxNameLength - (NameSuffixLength + 1)`).
const KEPT_PREFIX: usize = 55;

/// KubeLB's name, in the management cluster, for the object `name` of namespace `namespace`
/// of a tenant cluster: byte for byte what KubeLB's `GenerateName` (`internal/kubelb/utils.go`)
/// returns, so that the names a policy uses are the names KubeLB gave the synced objects.
///
/// `"{namespace}-{name}"`; when that is 60 bytes or longer, its first 55 bytes with trailing `-`
/// trimmed, then `-` and the first 4 hex digits of the SHA-256 of the whole
/// `"{namespace}-{name}"`. Kubernetes names are ASCII, so the result is then at most 60
/// characters. KubeLB cuts bytes, not characters: when the cut splits a multi-byte character,
/// the partial character becomes U+FFFD, as Go's JSON encoder writes it to the API server.
///
/// The rule is ambiguous: `name("a", "b-c") == name("a-b", "c")`, and shortened names share
/// 65536 suffixes. [`SyncedTarget::is_origin_of`](super::SyncedTarget::is_origin_of) and
/// [`collisions`](super::collisions) detect what the name alone cannot.
///
/// ```
/// use backend_traffic_policy::sync::name;
/// assert_eq!(name("default", "backend"), "default-backend");
/// assert_eq!(name("a", "b-c"), name("a-b", "c"));
/// assert_eq!(
///     name("production-eu-west-1", "payments-api-httproute-with-a-very-long-name"),
///     "production-eu-west-1-payments-api-httproute-with-a-very-40cb"
/// );
/// ```
#[must_use]
pub fn name(namespace: &str, name: &str) -> String {
    // Built by hand: `format!` costs more than the rest of a short name's work.
    let mut full = String::with_capacity(namespace.len().saturating_add(name.len()).saturating_add(1));
    full.push_str(namespace);
    full.push('-');
    full.push_str(name);
    if full.len() < MAX_NAME {
        return full;
    }
    let digest = Sha256::digest(full.as_bytes());
    let prefix = full.as_bytes().get(..KEPT_PREFIX).unwrap_or(full.as_bytes());
    let prefix = String::from_utf8_lossy(prefix);
    let kept = prefix.trim_end_matches('-');
    let hex: String = digest.iter().take(2).map(|byte| format!("{byte:02x}")).collect();
    format!("{kept}-{hex}")
}
