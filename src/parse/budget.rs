//! The limits of [`Limits`](super::Limits) enforced while a document is decoded.
//!
//! [`BudgetDe`] wraps a format's `Deserializer` and sees every value the format hands to a
//! visitor, so YAML aliases, which the format replays as if their anchored value were written
//! again, are counted as often as they are expanded. It counts values (nodes), nesting depth,
//! string sizes and the items of each list or map, and, in strict mode, rejects a key repeated
//! in one map (a struct's repeated field is serde's own error). Values a caller would skip (`IgnoredAny`, unknown fields) are read through
//! the same counting visitor instead of being skipped, so the limits hold for the whole
//! document and not only for the fields the policy has.
//!
//! It also holds both formats to the types the API server sees: a list is no object (serde_json
//! would fill a struct's fields in order from one), and in YAML a string value must be a string
//! scalar and a number or boolean field takes that type only (serde-saphyr would convert the
//! text to the field's type: `123` or `yes` into a string field as text; map keys are still read
//! as text).
//!
//! The first limit exceeded is remembered in the [`Budget`] and raised as a custom error of the
//! format, which attaches its position; the parse API turns it into the typed
//! [`ParseError`](super::ParseError) variant.

use std::{
    cell::{Cell, RefCell},
    fmt,
};

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::Limits;

/// The deepest nesting JSON is read to: serde_json stops at 127 levels whatever
/// [`Limits::max_depth`] says, so a larger limit is reported as this one.
pub(super) const JSON_DEPTH: usize = 127;

/// The deepest nesting YAML is read to, whatever [`Limits::max_depth`] says. serde-saphyr's
/// recursive descent takes some 30 KiB of stack per level in a debug build (measured: a 2 MiB
/// thread overflows between 60 and 64 levels of `- - -`; a release build takes under 5 KiB),
/// so 48 levels keep a debug build of a controller within a 2 MiB thread stack (tokio's
/// default, and the test harness's) with room for its own frames.
pub(super) const YAML_DEPTH: usize = 48;

/// Which limit stopped the decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Exceeded {
    /// More levels of lists and maps than the depth limit.
    Depth {
        /// The limit in force: the configured one, at most what the format allows.
        limit: usize,
    },
    /// More values than [`Limits::max_nodes`].
    Nodes,
    /// serde-saphyr's own alias and anchor guards.
    Aliases,
    /// One string longer than [`Limits::max_string_bytes`].
    StringLength {
        /// Its length in bytes.
        actual: usize,
    },
    /// All strings together longer than [`Limits::max_total_string_bytes`].
    TotalStrings,
    /// One list or map with more entries than [`Limits::max_items`].
    Items,
}

/// The counters of one decoding pass.
pub(super) struct Budget {
    limits: Limits,
    nodes: Cell<usize>,
    string_bytes: Cell<usize>,
    depth: Cell<usize>,
    exceeded: Cell<Option<Exceeded>>,
    /// A value was read as `IgnoredAny`: a field the target type does not have.
    ignored: Cell<bool>,
    /// The keys of the mappings being read, when repeated keys are rejected.
    keys: Option<RefCell<KeyStack>>,
    /// While a mapping key is being read: where that mapping's keys start in the key stack.
    reading_key: Cell<Option<usize>>,
    /// A string value must be a string scalar: YAML's `123` or `true` is no string (map keys
    /// excepted, which Kubernetes' YAML-to-JSON turns into strings).
    typed_strings: bool,
    /// YAML's fast pass: structs and maps below the root are asked of the format as what they
    /// are, not through `deserialize_any` (see [`Budget::yaml_fast`]).
    direct_containers: bool,
}

/// The keys of the open mappings, innermost last, kept in one buffer so that reading a key does
/// not allocate once the buffer has grown.
#[derive(Default)]
struct KeyStack {
    text: String,
    /// Hash, start and end (in `text`) of each key.
    entries: Vec<(u64, usize, usize)>,
}

impl Budget {
    /// A fresh budget; `reject_duplicate_keys` makes a key repeated in one mapping an error.
    pub(super) fn new(limits: Limits, reject_duplicate_keys: bool) -> Self {
        Self::with_typed_strings(limits, reject_duplicate_keys, false)
    }

    /// A fresh budget for YAML, whose string values must be string scalars (see `typed_strings`).
    pub(super) fn yaml(limits: Limits, reject_duplicate_keys: bool) -> Self {
        Self::with_typed_strings(limits, reject_duplicate_keys, true)
    }

    /// The budget of YAML's fast pass (repeated keys rejected), which only succeeds on a clean
    /// document: a struct or map below the root is read with the format's own
    /// `deserialize_struct` / `deserialize_map`. On a mapping that reads as through
    /// `deserialize_any`; on anything else it fails (where `deserialize_any` would hand the
    /// visitor a scalar or a list for serde's `invalid type` message), and a failed fast pass
    /// is read again with [`Budget::yaml`], which says what and where. serde-saphyr's
    /// `deserialize_any` tests the visitor's type name against serde's content buffer on every
    /// call; with our wrappers' long type names that was about 2 % of a document's instructions.
    pub(super) fn yaml_fast(limits: Limits) -> Self {
        Self { direct_containers: true, ..Self::yaml(limits, true) }
    }

    fn with_typed_strings(limits: Limits, reject_duplicate_keys: bool, typed_strings: bool) -> Self {
        Self {
            limits,
            nodes: Cell::new(0),
            string_bytes: Cell::new(0),
            depth: Cell::new(0),
            exceeded: Cell::new(None),
            ignored: Cell::new(false),
            keys: reject_duplicate_keys.then(|| RefCell::new(KeyStack::default())),
            reading_key: Cell::new(None),
            typed_strings,
            direct_containers: false,
        }
    }

    /// Whether some value was skipped, as the value of a field the target type does not have.
    pub(super) fn ignored_any(&self) -> bool {
        self.ignored.get()
    }

    /// The limit that stopped the decoding, if one did.
    pub(super) fn exceeded(&self) -> Option<Exceeded> {
        self.exceeded.get()
    }

    /// The depth limit in force: the configured one, at most what the format allows.
    pub(super) fn depth_limit(&self) -> usize {
        self.limits.max_depth.min(if self.typed_strings { YAML_DEPTH } else { JSON_DEPTH })
    }

    /// The error message of an exceeded limit.
    pub(super) fn message(&self, what: Exceeded) -> String {
        Message { what, limits: &self.limits }.to_string()
    }

    fn trip<E: de::Error>(&self, what: Exceeded) -> E {
        self.exceeded.set(Some(what));
        E::custom(Message { what, limits: &self.limits })
    }

    /// Counts one value.
    fn node<E: de::Error>(&self) -> Result<(), E> {
        let nodes = self.nodes.get().saturating_add(1);
        self.nodes.set(nodes);
        if nodes > self.limits.max_nodes { Err(self.trip(Exceeded::Nodes)) } else { Ok(()) }
    }

    /// Counts one scalar that is not a string; records it when it is a mapping key.
    fn scalar<E: de::Error>(&self, key: &dyn fmt::Display) -> Result<(), E> {
        self.node()?;
        if self.reading_key.get().is_some() {
            let mut text = String::new();
            // Writing to a String cannot fail.
            let _ = fmt::write(&mut text, format_args!("{key}"));
            return self.key(&text);
        }
        Ok(())
    }

    /// Counts one string of `len` bytes, whose text (`key`) is recorded when it is a mapping key.
    fn string<E: de::Error>(&self, len: usize, key: &str) -> Result<(), E> {
        self.node()?;
        if len > self.limits.max_string_bytes {
            return Err(self.trip(Exceeded::StringLength { actual: len }));
        }
        let total = self.string_bytes.get().saturating_add(len);
        self.string_bytes.set(total);
        if total > self.limits.max_total_string_bytes {
            return Err(self.trip(Exceeded::TotalStrings));
        }
        self.key(key)
    }

    /// Enters a list or map.
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        // A list or map used as a key is not recorded; its items are no keys.
        self.reading_key.set(None);
        self.node()?;
        let depth = self.depth.get().saturating_add(1);
        self.depth.set(depth);
        let limit = self.depth_limit();
        if depth > limit { Err(self.trip(Exceeded::Depth { limit })) } else { Ok(()) }
    }

    /// Whether the struct or map about to be read is asked of the format directly: on YAML's
    /// fast pass, below the root (the root of an empty stream would read as an empty map).
    fn direct_container(&self) -> bool {
        self.direct_containers && self.depth.get() > 0
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// Checks the `count`th entry of one list or map.
    fn item<E: de::Error>(&self, count: usize) -> Result<(), E> {
        if count > self.limits.max_items { Err(self.trip(Exceeded::Items)) } else { Ok(()) }
    }

    /// The number of keys in the key stack.
    fn key_count(&self) -> usize {
        self.keys.as_ref().map_or(0, |keys| keys.borrow().entries.len())
    }

    /// Called by a mapping whose keys start at `start` and which has read `own` keys, before it
    /// reads the next one: drops the keys of the mappings nested in its values, complete by now,
    /// and marks the next value read as one of its keys.
    fn before_key(&self, start: usize, own: usize) {
        if let Some(keys) = &self.keys {
            let mut keys = keys.borrow_mut();
            let keep = start.saturating_add(own);
            if keys.entries.len() > keep {
                keys.entries.truncate(keep);
                let end = keys.entries.last().map_or(0, |e| e.2);
                keys.text.truncate(end);
            }
            self.reading_key.set(Some(start));
        }
    }

    /// Records `key`, the text of a mapping key, when one is being read; a key the mapping
    /// already has is an error.
    fn key<E: de::Error>(&self, key: &str) -> Result<(), E> {
        let Some(frame) = self.reading_key.replace(None) else { return Ok(()) };
        let Some(keys) = &self.keys else { return Ok(()) };
        let mut stack = keys.borrow_mut();
        let KeyStack { text, entries } = &mut *stack;
        let start = text.len();
        text.push_str(key);
        let end = text.len();
        let new = text.get(start..end).unwrap_or_default();
        let hash = fnv1a(new.as_bytes());
        let repeated =
            entries.get(frame..).unwrap_or_default().iter().any(|&(h, s, e)| h == hash && text.get(s..e) == Some(new));
        // serde's own message for a struct field given twice.
        let error = repeated.then(|| E::custom(format_args!("duplicate field `{new}`")));
        entries.push((hash, start, end));
        error.map_or(Ok(()), Err)
    }
}

/// FNV-1a: a fast hash for short keys. Two keys of the same hash are compared as text.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The error message of an exceeded limit.
struct Message<'a> {
    what: Exceeded,
    limits: &'a Limits,
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limits = self.limits;
        match self.what {
            Exceeded::Depth { limit } => write!(f, "nesting deeper than {limit} levels"),
            Exceeded::Nodes => write!(f, "more than {} values, YAML aliases expanded", limits.max_nodes),
            Exceeded::Aliases => f.write_str("too many YAML alias expansions"),
            Exceeded::StringLength { actual } => {
                write!(f, "a string of {actual} bytes, more than the limit of {}", limits.max_string_bytes)
            }
            Exceeded::TotalStrings => {
                write!(f, "strings of more than {} bytes in all, YAML aliases expanded", limits.max_total_string_bytes)
            }
            Exceeded::Items => write!(f, "more than {} items in one list or map", limits.max_items),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The wrappers: a deserializer, and the visitor, accesses and seeds it hands out.

/// A format's deserializer whose values are counted against a [`Budget`].
pub(super) struct BudgetDe<'b, D> {
    de: D,
    budget: &'b Budget,
    /// This value is a mapping key.
    key: bool,
}

impl<'b, D> BudgetDe<'b, D> {
    pub(super) fn new(de: D, budget: &'b Budget) -> Self {
        Self { de, budget, key: false }
    }

    /// Whether this value is read through `deserialize_any`, so that its visitor sees the type
    /// the format resolved (YAML values; map keys are text, and a container on the fast pass is
    /// asked for directly).
    fn resolved(&self, container: bool) -> bool {
        self.budget.typed_strings && !self.key && !(container && self.budget.direct_container())
    }
}

/// A visitor, a seed or an access, wrapped to count what goes through it.
struct Wrap<'b, T> {
    inner: T,
    budget: &'b Budget,
    /// For a seed: it reads a mapping key. For a visitor: it reads a struct, which a list
    /// cannot be (serde_json would fill the fields in order; the API server refuses it).
    flag: bool,
}

impl<'b, T> Wrap<'b, T> {
    fn new(inner: T, budget: &'b Budget) -> Self {
        Self { inner, budget, flag: false }
    }
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.de.$method($($arg,)* Wrap::new(visitor, self.budget))
            }
        )*
    };
}

/// A scalar of YAML is read by its own type (`deserialize_any`), and the target's visitor says
/// whether that type fits, in serde's words (`invalid type: boolean `true`, expected a
/// string`), as for JSON. serde-saphyr would otherwise convert the text to the target's type
/// itself: `yes` into a string field would be the text `yes`, which the API server never sees.
macro_rules! typed {
    ($($method:ident();)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                if self.resolved(false) {
                    self.de.deserialize_any(Wrap::new(visitor, self.budget))
                } else {
                    self.de.$method(Wrap::new(visitor, self.budget))
                }
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for BudgetDe<'_, D> {
    type Error = D::Error;

    typed! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
    }

    forward! {
        deserialize_any();
        deserialize_char();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);

        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    typed! {
        deserialize_str();
        deserialize_string();
        deserialize_seq();
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = Wrap::new(visitor, self.budget);
        if self.resolved(true) { self.de.deserialize_any(visitor) } else { self.de.deserialize_map(visitor) }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = Wrap { inner: visitor, budget: self.budget, flag: true };
        if self.resolved(true) {
            // As for scalars: a list or a scalar here gets serde's `invalid type` message.
            self.de.deserialize_any(visitor)
        } else {
            self.de.deserialize_struct(name, fields, visitor)
        }
    }

    /// A skipped value is read all the same, so that the limits hold for the whole document.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.budget.ignored.set(true);
        self.de.deserialize_any(Wrap::new(visitor, self.budget))
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_bool(v)
    }
    fn visit_i8<E: de::Error>(self, v: i8) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_i8(v)
    }
    fn visit_i16<E: de::Error>(self, v: i16) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_i16(v)
    }
    fn visit_i32<E: de::Error>(self, v: i32) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_i32(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_i64(v)
    }
    /// An integer beyond 64 bits (which only YAML hands out) is read as a float, as serde_json
    /// reads one: it fits no field, and a JSON value can hold it.
    #[allow(clippy::cast_precision_loss, reason = "the value is out of every field's range anyway")]
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(v), _) => self.inner.visit_i64(v),
            (_, Ok(v)) => self.inner.visit_u64(v),
            _ => self.inner.visit_f64(v as f64),
        }
    }
    fn visit_u8<E: de::Error>(self, v: u8) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_u8(v)
    }
    fn visit_u16<E: de::Error>(self, v: u16) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_u16(v)
    }
    fn visit_u32<E: de::Error>(self, v: u32) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_u32(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_u64(v)
    }
    /// See `visit_i128`.
    #[allow(clippy::cast_precision_loss, reason = "the value is out of every field's range anyway")]
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        match u64::try_from(v) {
            Ok(v) => self.inner.visit_u64(v),
            Err(_) => self.inner.visit_f64(v as f64),
        }
    }
    fn visit_f32<E: de::Error>(self, v: f32) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_f32(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.budget.scalar(&v)?;
        self.inner.visit_f64(v)
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        self.budget.string(v.len_utf8(), v.encode_utf8(&mut [0; 4]))?;
        self.inner.visit_char(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.budget.string(v.len(), v)?;
        self.inner.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.budget.string(v.len(), v)?;
        self.inner.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.budget.string(v.len(), &v)?;
        self.inner.visit_string(v)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.budget.string(v.len(), &String::from_utf8_lossy(v))?;
        self.inner.visit_bytes(v)
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.budget.string(v.len(), &String::from_utf8_lossy(v))?;
        self.inner.visit_borrowed_bytes(v)
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.budget.string(v.len(), &String::from_utf8_lossy(&v))?;
        self.inner.visit_byte_buf(v)
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.budget.scalar(&"null")?;
        self.inner.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.budget.scalar(&"null")?;
        self.inner.visit_unit()
    }
    fn visit_some<D2: Deserializer<'de>>(self, de: D2) -> Result<V::Value, D2::Error> {
        self.inner.visit_some(BudgetDe::new(de, self.budget))
    }
    fn visit_newtype_struct<D2: Deserializer<'de>>(self, de: D2) -> Result<V::Value, D2::Error> {
        self.inner.visit_newtype_struct(BudgetDe::new(de, self.budget))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.flag {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self.inner));
        }
        self.budget.enter()?;
        // The result is handed on as it is, not taken apart and rebuilt: a policy's values are
        // large, and each rebuilt `Result` would copy one.
        let value = self.inner.visit_seq(Seq { seq, budget: self.budget, count: 0 });
        self.budget.leave();
        value
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.budget.enter()?;
        // A struct's repeated field is serde's own error, and its unknown fields are reported
        // one by one: only real maps (labels, free-form JSON, the document) track their keys.
        let track = self.budget.keys.is_some() && !self.flag;
        let start = self.budget.key_count();
        let value = self.inner.visit_map(Map { map, budget: self.budget, count: 0, track, start, own: 0 });
        self.budget.leave();
        value
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.budget.node()?;
        self.inner.visit_enum(Wrap::new(data, self.budget))
    }
}

struct Seq<'b, A> {
    seq: A,
    budget: &'b Budget,
    count: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let value = self.seq.next_element_seed(Wrap::new(seed, self.budget));
        if let Ok(Some(_)) = value {
            self.count = self.count.saturating_add(1);
            self.budget.item(self.count)?;
        }
        value
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

struct Map<'b, A> {
    map: A,
    budget: &'b Budget,
    count: usize,
    /// Its keys are recorded, to find a repeated one.
    track: bool,
    /// Where this mapping's keys start in the budget's key stack, and how many it recorded.
    start: usize,
    own: usize,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if !self.track {
            let key = self.map.next_key_seed(Wrap { inner: seed, budget: self.budget, flag: true })?;
            if key.is_some() {
                self.count = self.count.saturating_add(1);
                self.budget.item(self.count)?;
            }
            return Ok(key);
        }
        self.budget.before_key(self.start, self.own);
        let key = self.map.next_key_seed(Wrap { inner: seed, budget: self.budget, flag: true });
        self.budget.reading_key.set(None);
        match key? {
            Some(key) => {
                self.own = self.budget.key_count().saturating_sub(self.start);
                self.count = self.count.saturating_add(1);
                self.budget.item(self.count)?;
                Ok(Some(key))
            }
            None => {
                // The mapping is complete: its keys are no longer needed.
                self.budget.before_key(self.start, 0);
                self.budget.reading_key.set(None);
                Ok(None)
            }
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(Wrap::new(seed, self.budget))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<'_, S> {
    type Value = S::Value;

    fn deserialize<D2: Deserializer<'de>>(self, de: D2) -> Result<S::Value, D2::Error> {
        self.inner.deserialize(BudgetDe { de, budget: self.budget, key: self.flag })
    }
}

/// An enum access, used as `Wrap<EnumAccess>`; its variant access is `Variant`.
impl<'de, 'b, A: EnumAccess<'de>> EnumAccess<'de> for Wrap<'b, A> {
    type Error = A::Error;
    type Variant = Variant<'b, A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(Wrap::new(seed, self.budget))?;
        Ok((value, Variant { variant, budget: self.budget }))
    }
}

struct Variant<'b, A> {
    variant: A,
    budget: &'b Budget,
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.variant.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.variant.newtype_variant_seed(Wrap::new(seed, self.budget))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.variant.tuple_variant(len, Wrap::new(visitor, self.budget))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.variant.struct_variant(fields, Wrap::new(visitor, self.budget))
    }
}
