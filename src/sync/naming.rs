//! KubeLB's naming rule for tenant objects in the management cluster: [`name`].

use sha2::{Digest, Sha256};

/// A combined name at least this long (in characters) is shortened by [`name`].
const MAX_NAME: usize = 60;
/// How many characters of a long combined name [`name`] keeps before the hash.
const KEPT_PREFIX: usize = 55;

/// KubeLB's name, in the management cluster, for the object `name` of namespace `namespace`
/// of a tenant cluster.
///
/// `"{namespace}-{name}"`; when that is 60 characters or longer, its first 55 characters with
/// trailing `-` trimmed, then `-` and the first 4 hex digits of the SHA-256 of the whole
/// `"{namespace}-{name}"`. The result is never longer than 60 characters.
///
/// ```
/// use backend_traffic_policy::sync::name;
/// assert_eq!(name("default", "backend"), "default-backend");
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
    if full.len() < MAX_NAME || full.chars().count() < MAX_NAME {
        return full;
    }
    let cut = full.char_indices().nth(KEPT_PREFIX).map_or(full.len(), |(at, _)| at);
    let digest = Sha256::digest(full.as_bytes());
    let kept = full.get(..cut).unwrap_or(&full).trim_end_matches('-');
    let hex: String = digest.iter().take(2).map(|byte| format!("{byte:02x}")).collect();
    format!("{kept}-{hex}")
}
