//! The schema pass: walks a policy through its `Serialize` implementation against the compiled
//! schema of [`BackendTrafficPolicy::crd`], reporting what the API server's OpenAPI validation
//! reports, with its messages. Allocates only when it records an error.

use std::{fmt::Write as _, sync::OnceLock};

use serde::{
    Serialize,
    ser::{self, Impossible},
};
use serde_json::Value;

use super::{ErrorKind, Path, ValidationError, ValidationErrors};
use crate::{BackendTrafficPolicy, go::go_quote};

/// Runs the schema pass over the policy as created: `spec` only. The root's other properties
/// have no constraint (`apiVersion` and `kind` are plain strings, `metadata` is checked by
/// [`super::metadata`]) and `status` is dropped on create.
pub(super) fn check_schema(policy: &BackendTrafficPolicy, errors: &mut ValidationErrors) {
    let root = Path::Root;
    let path = root.key("spec");
    if let Some((_, node)) = compiled().property("spec") {
        // `Serialize` of our types never fails; the walker records problems in `errors` instead.
        let _ = policy.spec.serialize(Walker { node, path: &path, errors, rewalk: None });
    }
}

/// Runs the schema pass over `status` as a status update does: against the status sub-schema,
/// so messages name paths below `status` while error paths start with it.
pub(super) fn check_status(policy: &BackendTrafficPolicy, errors: &mut ValidationErrors) {
    let path = Path::Under("status");
    if let (Some(status), Some((_, node))) = (&policy.status, compiled().property("status")) {
        let _ = status.serialize(Walker { node, path: &path, errors, rewalk: None });
    }
}

/// The compiled schema of the CRD, built on first use.
fn compiled() -> &'static Node {
    static ROOT: OnceLock<Node> = OnceLock::new();
    ROOT.get_or_init(|| Node::compile(crate::crd::schema_value()))
}

// ---------------------------------------------------------------------------------------------
// The compiled schema.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    IntOrString,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Object => "object",
            Ty::Array => "array",
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::Boolean => "boolean",
            Ty::IntOrString => "int-or-string",
        }
    }
}

#[derive(Debug)]
enum ListKind {
    Atomic,
    Set,
    Map(Vec<String>),
}

/// A pattern with a native matcher for the hot ones and the regex engine for the rest.
#[derive(Debug)]
struct Pattern {
    source: String,
    matcher: Matcher,
}

#[derive(Debug)]
enum Matcher {
    Duration,
    PositiveQuantity,
    /// A fully built DFA: matching needs no cache, so it never allocates.
    Dfa(Box<regex_automata::dfa::regex::Regex>),
    /// A pattern the regex engine cannot compile; reported as such instead of panicking.
    Broken,
}

impl Pattern {
    fn new(source: &str) -> Self {
        let matcher = if source == crate::duration::DURATION_PATTERN {
            Matcher::Duration
        } else if source == crate::quantity::POSITIVE_QUANTITY_PATTERN {
            Matcher::PositiveQuantity
        } else {
            regex_automata::dfa::regex::Regex::new(source).map_or(Matcher::Broken, |re| Matcher::Dfa(Box::new(re)))
        };
        Self { source: source.to_owned(), matcher }
    }

    fn is_match(&self, s: &str) -> bool {
        match &self.matcher {
            Matcher::Duration => crate::duration::parse(s).is_ok(),
            Matcher::PositiveQuantity => crate::quantity::is_positive_quantity(s),
            Matcher::Dfa(re) => re.is_match(s),
            Matcher::Broken => false,
        }
    }
}

/// One schema of an `allOf`: the CRD uses it for an enum or a pattern.
#[derive(Debug)]
struct Part {
    enum_values: Option<Vec<Value>>,
    pattern: Option<Pattern>,
}

/// The string formats the API server checks (kube-openapi's `strfmt.Default`) that the CRD uses
/// on fields of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `byte`: base64, checked by [`crate::base64::is_base64`].
    Byte,
}

#[derive(Debug, Default)]
struct Node {
    ty: Option<Ty>,
    /// Object nodes without declared properties (`metadata`) and free JSON are not walked.
    opaque: bool,
    /// Nothing at or below this node can fail for a value of the Rust type that serializes into
    /// it (the types match the schema by construction, which `tests/schema.rs` checks): the
    /// walk does not enter it.
    inert: bool,
    properties: Vec<(String, Node)>,
    /// Open-addressing table over `properties`, see [`Node::property`].
    slots: Vec<u8>,
    /// Required properties without a default, as indices into `properties`.
    required: Vec<usize>,
    additional: Option<Box<Node>>,
    items: Option<Box<Node>>,
    enum_values: Option<Vec<Value>>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    patterns: Vec<Pattern>,
    /// The schemas of `allOf`, each checked on its own (kube-openapi `schema_props.go:195`).
    all_of: Vec<Part>,
    format: Option<Format>,
    list: Option<ListKind>,
    has_default: bool,
}

impl Node {
    fn compile(schema: &Value) -> Node {
        let get = |k: &str| schema.get(k);
        let mut node = Node {
            has_default: get("default").is_some(),
            enum_values: get("enum").and_then(Value::as_array).cloned(),
            minimum: get("minimum").and_then(Value::as_f64),
            maximum: get("maximum").and_then(Value::as_f64),
            min_length: get("minLength").and_then(Value::as_u64),
            max_length: get("maxLength").and_then(Value::as_u64),
            min_items: get("minItems").and_then(Value::as_u64),
            max_items: get("maxItems").and_then(Value::as_u64),
            ..Node::default()
        };
        if let Some(p) = get("pattern").and_then(Value::as_str) {
            node.patterns.push(Pattern::new(p));
        }
        node.all_of = get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|part| Part {
                enum_values: part.get("enum").and_then(Value::as_array).cloned(),
                pattern: part.get("pattern").and_then(Value::as_str).map(Pattern::new),
            })
            .collect();
        node.format = match get("format").and_then(Value::as_str) {
            Some("byte") => Some(Format::Byte),
            _ => None,
        };
        node.ty = if get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
            Some(Ty::IntOrString)
        } else {
            match get("type").and_then(Value::as_str) {
                Some("object") => Some(Ty::Object),
                Some("array") => Some(Ty::Array),
                Some("string") => Some(Ty::String),
                Some("integer") => Some(Ty::Integer),
                Some("number") => Some(Ty::Number),
                Some("boolean") => Some(Ty::Boolean),
                _ => None,
            }
        };
        if let Some(props) = get("properties").and_then(Value::as_object) {
            node.properties = props.iter().map(|(k, v)| (k.clone(), Node::compile(v))).collect();
            node.index_properties();
        }
        if let Some(extra) = get("additionalProperties").filter(|v| v.is_object()) {
            node.additional = Some(Box::new(Node::compile(extra)));
        }
        if let Some(items) = get("items") {
            node.items = Some(Box::new(Node::compile(items)));
        }
        node.opaque = get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
            || (node.ty == Some(Ty::Object) && node.properties.is_empty() && node.additional.is_none())
            || node.ty.is_none();
        for name in get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if let Some(i) = node.properties.iter().position(|(k, _)| k == name)
                && node.properties.get(i).is_some_and(|(_, p)| !p.has_default)
            {
                node.required.push(i);
            }
        }
        node.list = match get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("set") => Some(ListKind::Set),
            Some("map") => Some(ListKind::Map(
                get("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            )),
            Some(_) => Some(ListKind::Atomic),
            None => None,
        };
        node.inert = node.opaque || node.has_no_checks();
        node
    }

    fn has_no_checks(&self) -> bool {
        let own = self.enum_values.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && self.patterns.is_empty()
            && self.all_of.is_empty()
            && self.format.is_none()
            && self.required.is_empty()
            && matches!(self.list, None | Some(ListKind::Atomic));
        own && self.properties.iter().all(|(_, n)| n.inert)
            && self.items.as_deref().is_none_or(|n| n.inert)
            && self.additional.as_deref().is_none_or(|n| n.inert)
    }

    /// Finds a property by name in an open-addressing table keyed by [`tag_of`]: one multiply,
    /// a probe or two, and one string comparison to confirm.
    fn property(&self, key: &str) -> Option<(usize, &Node)> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = slot_of(tag_of(key), mask);
        loop {
            let index = usize::from(*self.slots.get(at)?).checked_sub(1)?;
            match self.properties.get(index) {
                Some((k, node)) if k == key => return Some((index, node)),
                Some(_) => at = at.wrapping_add(1) & mask,
                None => return None,
            }
        }
    }

    /// Builds the property table: a power of two at least twice the number of properties,
    /// each slot holding a property index plus one (0 is empty).
    fn index_properties(&mut self) {
        let size = self.properties.len().saturating_mul(2).max(1).next_power_of_two();
        let mask = size.saturating_sub(1);
        let mut slots = vec![0u8; size];
        for (i, (key, _)) in self.properties.iter().enumerate() {
            let Ok(value) = u8::try_from(i.saturating_add(1)) else { continue };
            let mut at = slot_of(tag_of(key), mask);
            while let Some(slot) = slots.get_mut(at) {
                if *slot == 0 {
                    *slot = value;
                    break;
                }
                at = at.wrapping_add(1) & mask;
            }
        }
        self.slots = slots;
    }
}

/// The slot of a tag in a table of `mask + 1` entries (Fibonacci hashing).
fn slot_of(tag: u64, mask: usize) -> usize {
    // Keeping the top bits of the product; they mix every byte of the tag.
    let mixed = tag.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40;
    usize::try_from(mixed).unwrap_or(0) & mask
}

/// The length of a key and its first seven bytes, packed in one word.
fn tag_of(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let mut word = [0u8; 8];
    let n = bytes.len().min(7);
    if let (Some(dst), Some(src)) = (word.get_mut(..n), bytes.get(..n)) {
        dst.copy_from_slice(src);
    }
    if let Some(last) = word.last_mut() {
        *last = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    }
    u64::from_le_bytes(word)
}

// ---------------------------------------------------------------------------------------------
// Formatting values as the API server (Go's fmt) prints them.

/// Go's `%v` for a float64: shortest representation, exponent form from 1e21 down to 1e6 and
/// below 1e-4, as `strconv.FormatFloat(f, 'g', -1, 64)` does.
pub(crate) fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Go's shortest formatting.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

// ---------------------------------------------------------------------------------------------
// The walker.

/// Never produced: the walker records problems instead of failing. Serde needs an error type.
#[derive(Debug)]
pub(crate) struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("schema walk stopped")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

/// Walks the same list again, calling back with each item's index and fingerprint: how a
/// `set` or `map` list longer than the inline fingerprint buffer finds its duplicates without
/// allocating (the parent holds the list and can serialize it as often as needed).
type Rewalk<'r> = &'r dyn Fn(&mut dyn FnMut(usize, u64));

struct Walker<'a, 'p> {
    node: &'a Node,
    path: &'p Path<'p>,
    errors: &'a mut ValidationErrors,
    /// For a `set` or `map` list: walks its items again (see [`Rewalk`]).
    rewalk: Option<Rewalk<'a>>,
}

impl Walker<'_, '_> {
    fn push(&mut self, kind: ErrorKind) {
        self.errors.push(ValidationError::new(self.path.render(), kind));
    }

    fn invalid(&mut self, value: String, detail: String) {
        self.push(ErrorKind::Invalid { value, detail });
    }

    /// Checks the JSON type; returns `false` (after recording) when it does not fit.
    fn check_type(&mut self, actual: Ty, value: impl FnOnce() -> String) -> bool {
        let fits = match (self.node.ty, actual) {
            (None, _) => true,
            (Some(Ty::IntOrString), Ty::Integer | Ty::String) => true,
            (Some(Ty::Number), Ty::Integer) => true,
            (Some(expected), actual) => expected == actual,
        };
        if !fits {
            let expected = self.node.ty.map_or("any", Ty::name);
            self.push(ErrorKind::TypeInvalid { value: value(), expected, actual: actual.name() });
        }
        fits
    }

    fn check_enum(&mut self, matches: impl Fn(&Value) -> bool, value: impl FnOnce() -> String) {
        if let Some(values) = &self.node.enum_values
            && !values.iter().any(matches)
        {
            let supported = values.iter().map(enum_shown).collect();
            self.push(ErrorKind::Unsupported { value: value(), supported });
        }
    }

    /// The path as the schema validator writes it inside a message.
    fn message_path(&self) -> String {
        self.path.render_in_message()
    }

    /// `minimum` then `maximum` (kube-openapi `numberValidator.Validate` merges them in that
    /// order). The bound prints as the value's kind: an integer value is compared with
    /// `MinimumInt`/`MaximumInt`, which print `int64(bound)` (`4294967295`); a float value with
    /// `Minimum`/`Maximum`, which print the float64 with `%v` (`4.294967295e+09`)
    /// (kube-openapi `validate/values.go:252`, `errors/schema.go:306`).
    fn check_number(&mut self, f: f64, integer: bool, shown: impl Fn() -> String) {
        let bound = |b: f64| {
            if integer {
                // The bounds of this CRD are integral and fit an i64.
                #[allow(clippy::cast_possible_truncation)]
                let b = b as i64;
                b.to_string()
            } else {
                go_float(b)
            }
        };
        if let Some(min) = self.node.minimum
            && f < min
        {
            let detail = format!("{} in body should be greater than or equal to {}", self.message_path(), bound(min));
            self.invalid(shown(), detail);
        }
        if let Some(max) = self.node.maximum
            && f > max
        {
            let detail = format!("{} in body should be less than or equal to {}", self.message_path(), bound(max));
            self.invalid(shown(), detail);
        }
    }

    /// The schemas of `allOf`, each on its own, then the composite error when any failed:
    /// kube-openapi adds `errors.New(CompositeErrorCode, "%q must validate all the schemas
    /// (allOf)%s")` (`validate/schema_messages.go:61`), which is not a `*Validation`, so the
    /// apiextensions apiserver reports it as `field.Invalid(nil, "", msg)`
    /// (`pkg/apiserver/validation/validation.go:237`): `<nil>: Invalid value: ""`. Identical
    /// messages of two parts are reported once (`Result.AddErrors` drops repeats).
    fn check_all_of(&mut self, matches_enum: impl Fn(&Value) -> bool, text: Option<&str>, shown: impl Fn() -> String) {
        let parts = &self.node.all_of;
        if parts.is_empty() {
            return;
        }
        let mut failed = 0usize;
        for (i, part) in parts.iter().enumerate() {
            let earlier = parts.get(..i).unwrap_or(&[]);
            let mut part_failed = false;
            if let (Some(pattern), Some(text)) = (&part.pattern, text)
                && !pattern.is_match(text)
            {
                part_failed = true;
                let repeated = earlier.iter().any(|e| e.pattern.as_ref().is_some_and(|p| p.source == pattern.source));
                if !repeated {
                    let detail = format!("{} in body should match '{}'", self.message_path(), pattern.source);
                    self.invalid(shown(), detail);
                }
            }
            if let Some(values) = &part.enum_values
                && !values.iter().any(&matches_enum)
            {
                part_failed = true;
                if !earlier.iter().any(|e| e.enum_values.as_ref() == Some(values)) {
                    let supported = values.iter().map(enum_shown).collect();
                    self.push(ErrorKind::Unsupported { value: shown(), supported });
                }
            }
            failed = failed.saturating_add(usize::from(part_failed));
        }
        if failed > 0 {
            let none = if failed == parts.len() { ". None validated" } else { "" };
            let detail = format!("{} must validate all the schemas (allOf){none}", go_quote(&self.message_path()));
            self.errors.push(ValidationError::new("<nil>", ErrorKind::Invalid { value: "\"\"".to_owned(), detail }));
        }
    }

    fn int(self, v: i128) -> Result<(), Never> {
        let mut this = self;
        if !this.check_type(Ty::Integer, || v.to_string()) {
            return Ok(());
        }
        if this.node.ty == Some(Ty::IntOrString) {
            return Ok(()); // the API server does not pattern-check the integer form
        }
        let matches = |e: &Value| e.as_i64().is_some_and(|x| i128::from(x) == v);
        this.check_all_of(matches, None, || v.to_string());
        // i128 -> f64 is exact for every value a JSON integer field can hold here.
        #[allow(clippy::cast_precision_loss)]
        let f = v as f64;
        this.check_number(f, true, || v.to_string());
        this.check_enum(matches, || v.to_string());
        Ok(())
    }

    fn float(self, v: f64) -> Result<(), Never> {
        let mut this = self;
        let integral = v.fract() == 0.0;
        let actual = if integral { Ty::Integer } else { Ty::Number };
        if !this.check_type(actual, || go_float(v)) {
            return Ok(());
        }
        let matches = |e: &Value| e.as_f64() == Some(v);
        this.check_all_of(matches, None, || go_float(v));
        this.check_number(v, false, || go_float(v));
        this.check_enum(matches, || go_float(v));
        Ok(())
    }

    /// A string, in the order of kube-openapi's validators (`validate/schema.go:89`): type,
    /// `allOf`, then the string validator, which stops at the first of `maxLength`,
    /// `minLength` and `pattern` that fails (`validate/validator.go:233`), then `format`, then
    /// `enum`.
    fn string(self, s: &str) -> Result<(), Never> {
        let mut this = self;
        if !this.check_type(Ty::String, || go_quote(s)) {
            return Ok(());
        }
        let matches = |e: &Value| e.as_str() == Some(s);
        this.check_all_of(matches, Some(s), || go_quote(s));
        this.check_string(s);
        if this.node.format == Some(Format::Byte) && !crate::base64::is_base64(s) {
            let detail = format!("{} in body must be of type byte: {}", this.message_path(), go_quote(s));
            this.push(ErrorKind::FormatInvalid { value: go_quote(s), detail });
        }
        this.check_enum(matches, || go_quote(s));
        Ok(())
    }

    /// `maxLength`, `minLength`, `pattern`: the first that fails is reported, alone.
    fn check_string(&mut self, s: &str) {
        // Lengths count characters, as the API server does; a UTF-8 string has between len/4
        // and len characters, so most strings are settled without counting.
        let bytes = s.len() as u64;
        if let Some(max) = self.node.max_length
            && bytes > max
            && (s.chars().count() as u64) > max
        {
            self.push(ErrorKind::TooLong { max });
            return;
        }
        if let Some(min) = self.node.min_length
            && bytes / 4 < min
            && (s.chars().count() as u64) < min
        {
            let detail = format!("{} in body should be at least {min} chars long", self.message_path());
            self.invalid(go_quote(s), detail);
            return;
        }
        if let Some(pattern) = self.node.patterns.iter().find(|p| !p.is_match(s)) {
            let detail = format!("{} in body should match '{}'", self.message_path(), pattern.source);
            self.invalid(go_quote(s), detail);
        }
    }
}

/// An enum value as the API server lists it among the supported values.
fn enum_shown(v: &Value) -> String {
    match v {
        Value::String(s) => go_quote(s),
        other => go_quote(&other.to_string()),
    }
}

macro_rules! ints {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), Never> {
            self.int(i128::from(v))
        }
    )*};
}

impl<'a, 'p> ser::Serializer for Walker<'a, 'p> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = SeqWalker<'a, 'p>;
    type SerializeTuple = SeqWalker<'a, 'p>;
    type SerializeTupleStruct = SeqWalker<'a, 'p>;
    type SerializeTupleVariant = SeqWalker<'a, 'p>;
    type SerializeMap = MapWalker<'a, 'p>;
    type SerializeStruct = StructWalker<'a, 'p>;
    type SerializeStructVariant = StructWalker<'a, 'p>;

    ints!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
          serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_u128(self, v: u128) -> Result<(), Never> {
        self.int(i128::try_from(v).unwrap_or(i128::MAX))
    }
    fn serialize_bool(mut self, v: bool) -> Result<(), Never> {
        self.check_type(Ty::Boolean, || v.to_string());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Never> {
        self.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.string(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Never> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_seq(mut self, len: Option<usize>) -> Result<SeqWalker<'a, 'p>, Never> {
        let fits = self.check_type(Ty::Array, || "\"array\"".into());
        Ok(SeqWalker::new(self, fits, len))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqWalker<'a, 'p>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqWalker<'a, 'p>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<SeqWalker<'a, 'p>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(mut self, _: Option<usize>) -> Result<MapWalker<'a, 'p>, Never> {
        let fits = self.check_type(Ty::Object, || "\"object\"".into());
        Ok(MapWalker { walker: self, fits })
    }
    fn serialize_struct(mut self, _: &'static str, _: usize) -> Result<StructWalker<'a, 'p>, Never> {
        let fits = self.check_type(Ty::Object, || "\"object\"".into());
        Ok(StructWalker { walker: self, fits, seen: 0 })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<StructWalker<'a, 'p>, Never> {
        self.serialize_struct(name, len)
    }
}

/// Walks the fields of an object; tracks which required fields were written.
struct StructWalker<'a, 'p> {
    walker: Walker<'a, 'p>,
    fits: bool,
    /// Bit `i` set when the `i`-th entry of `required` was seen (objects have few required fields).
    seen: u128,
}

impl StructWalker<'_, '_> {
    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) {
        let node = self.walker.node;
        if !self.fits || node.opaque {
            return;
        }
        let Some((index, child)) = node.property(key) else { return };
        if let Some(bit) = node.required.iter().position(|&r| r == index) {
            self.seen |= 1u128 << bit.min(127);
        }
        if child.inert {
            return;
        }
        let path = self.walker.path.key(key);
        let keys = match &child.list {
            Some(ListKind::Set) => Some(None),
            Some(ListKind::Map(keys)) => Some(Some(keys.as_slice())),
            _ => None,
        };
        let errors = &mut *self.walker.errors;
        if let Some(keys) = keys {
            let rewalk = |f: &mut dyn FnMut(usize, u64)| {
                let _ = value.serialize(ItemPrints { keys, f });
            };
            let _ = value.serialize(Walker { node: child, path: &path, errors, rewalk: Some(&rewalk) });
        } else {
            let _ = value.serialize(Walker { node: child, path: &path, errors, rewalk: None });
        }
    }

    fn finish(self) {
        if !self.fits || self.walker.node.opaque {
            return;
        }
        let node = self.walker.node;
        for (bit, &index) in node.required.iter().enumerate() {
            if self.seen & (1u128 << bit.min(127)) == 0 {
                let key = node.properties.get(index).map_or("", |(k, _)| k.as_str());
                let path = self.walker.path.key(key);
                self.walker.errors.push(ValidationError::new(path.render(), ErrorKind::Required));
            }
        }
    }
}

impl ser::SerializeStruct for StructWalker<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        self.field(key, value);
        Ok(())
    }
    fn skip_field(&mut self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStructVariant for StructWalker<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        self.field(key, value);
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        self.finish();
        Ok(())
    }
}

/// Walks free-form maps (`matchLabels`, `customTags`, and objects written through a map).
struct MapWalker<'a, 'p> {
    walker: Walker<'a, 'p>,
    fits: bool,
}

impl ser::SerializeMap for MapWalker<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), Never> {
        // Maps are written with `serialize_entry`, which has the key at hand.
        Ok(())
    }
    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), Never> {
        let node = self.walker.node;
        if !self.fits || node.opaque {
            return Ok(());
        }
        // The key is read inside its own `serialize_str`, where the value is walked: no copy
        // of the key, however long.
        let mut entry = Entry { node, parent: self.walker.path, errors: &mut *self.walker.errors, value };
        let _ = key.serialize(&mut entry);
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

/// The compound forms of a serializer that only takes scalars (a map key, a list-map key):
/// each fails, so the caller skips the value.
macro_rules! no_compound {
    () => {
        type SerializeSeq = Impossible<(), Never>;
        type SerializeTuple = Impossible<(), Never>;
        type SerializeTupleStruct = Impossible<(), Never>;
        type SerializeTupleVariant = Impossible<(), Never>;
        type SerializeMap = Impossible<(), Never>;
        type SerializeStructVariant = Impossible<(), Never>;
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
            Err(Never)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Never> {
            Err(Never)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Never> {
            Err(Never)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Never> {
            Err(Never)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
            Err(Never)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Never> {
            Err(Never)
        }
    };
}

/// Scalar forms written as their widest type of the same kind.
macro_rules! widen {
    ($($method:ident: $t:ty => $wide:ident: $w:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), Never> {
            self.$wide(<$w>::from(v))
        }
    )*};
}

/// Scalar forms a serializer refuses.
macro_rules! reject_scalars {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, _: $t) -> Result<(), Never> {
            Err(Never)
        }
    )*};
}

/// One entry of a map: serializing its key walks its value, with the key in the path.
struct Entry<'a, 'p, 'v, V: ?Sized> {
    node: &'a Node,
    parent: &'p Path<'p>,
    errors: &'a mut ValidationErrors,
    value: &'v V,
}

impl<V: ?Sized + Serialize> Entry<'_, '_, '_, V> {
    fn visit(&mut self, key: &str) {
        // A struct written as a map (kube's root object) has properties; a free map has a
        // schema for its values.
        let child = if self.node.properties.is_empty() {
            self.node.additional.as_deref()
        } else {
            self.node.property(key).map(|(_, n)| n)
        };
        let Some(child) = child.filter(|c| !c.inert) else { return };
        let path = self.parent.key(key);
        let _ = self.value.serialize(Walker { node: child, path: &path, errors: &mut *self.errors, rewalk: None });
    }
}

impl<V: ?Sized + Serialize> ser::Serializer for &mut Entry<'_, '_, '_, V> {
    type Ok = ();
    type Error = Never;
    type SerializeStruct = Impossible<(), Never>;
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.visit(v);
        Ok(())
    }
    reject_scalars!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
                    serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32, serialize_f64: f64);
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.visit(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Never> {
        Err(Never)
    }
    fn serialize_none(self) -> Result<(), Never> {
        Err(Never)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Err(Never)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Err(Never)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Never> {
        self.visit(v);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Never> {
        Err(Never)
    }
    no_compound!();
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
        Err(Never)
    }
}

// ---------------------------------------------------------------------------------------------
// Lists: item counts, and uniqueness for `set` and `map` lists through 64-bit fingerprints kept
// on the stack (a small heap buffer only for lists longer than the inline capacity).

const INLINE: usize = 32;

struct SeqWalker<'a, 'p> {
    walker: Walker<'a, 'p>,
    fits: bool,
    index: usize,
    /// The fingerprints of the first items; later ones are recomputed by walking the list again.
    inline: [u64; INLINE],
}

impl<'a, 'p> SeqWalker<'a, 'p> {
    fn new(walker: Walker<'a, 'p>, fits: bool, _len: Option<usize>) -> Self {
        Self { walker, fits, index: 0, inline: [0; INLINE] }
    }

    fn seen_before(&mut self, print: u64) -> bool {
        let count = self.index;
        let inline = self.inline.get(..count.min(INLINE)).unwrap_or(&[]);
        if inline.contains(&print) {
            return true;
        }
        if let Some(slot) = self.inline.get_mut(count) {
            *slot = print;
            return false;
        }
        // Past the buffer: compare with the items between it and this one, O(n^2) only for
        // lists longer than `INLINE`.
        let mut seen = false;
        if let Some(rewalk) = self.walker.rewalk {
            rewalk(&mut |index, other| seen |= (INLINE..count).contains(&index) && other == print);
        }
        seen
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) {
        if !self.fits {
            return;
        }
        let node = self.walker.node;
        let index = self.index;
        let path = self.walker.path.index(index);
        let duplicate = match &node.list {
            Some(ListKind::Set) => {
                let mut h = Fingerprint::new(None);
                value.serialize(&mut h).is_ok() && self.seen_before(h.finish())
            }
            Some(ListKind::Map(keys)) => {
                let mut h = Fingerprint::new(Some(keys.as_slice()));
                value.serialize(&mut h).is_ok() && self.seen_before(h.finish())
            }
            _ => false,
        };
        if duplicate {
            let shown = duplicate_value(value, node.list.as_ref());
            self.walker.errors.push(ValidationError::new(path.render(), ErrorKind::Duplicate { value: shown }));
        }
        if let Some(items) = node.items.as_deref().filter(|n| !n.inert) {
            let _ = value.serialize(Walker { node: items, path: &path, errors: self.walker.errors, rewalk: None });
        }
        self.index = self.index.saturating_add(1);
    }

    fn finish(mut self) {
        if !self.fits {
            return;
        }
        let count = self.index as u64;
        if let Some(max) = self.walker.node.max_items
            && count > max
        {
            self.walker.push(ErrorKind::TooMany { actual: count, max });
        }
        if let Some(min) = self.walker.node.min_items
            && count < min
        {
            let detail = format!("{} in body should have at least {min} items", self.walker.path.render_in_message());
            self.walker.invalid(count.to_string(), detail);
        }
    }
}

/// How the API server prints a duplicate: the item itself for a set, the key fields of a map
/// list as a Go map literal.
fn duplicate_value<T: ?Sized + Serialize>(value: &T, list: Option<&ListKind>) -> String {
    let json = serde_json::to_value(value).unwrap_or(Value::Null);
    match (list, &json) {
        (Some(ListKind::Map(keys)), Value::Object(map)) => {
            let mut out = String::from("map[string]interface {}{");
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let shown = match map.get(key) {
                    Some(Value::String(s)) => go_quote(s),
                    Some(other) => other.to_string(),
                    None => "interface {}(nil)".into(),
                };
                let _ = write!(out, "{}:{shown}", go_quote(key));
            }
            out.push('}');
            out
        }
        (_, Value::String(s)) => go_quote(s),
        (_, other) => other.to_string(),
    }
}

macro_rules! seq_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for SeqWalker<'_, '_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
                self.element(value);
                Ok(())
            }
            fn end(self) -> Result<(), Never> {
                self.finish();
                Ok(())
            }
        }
    )*};
}
seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Serializes a `set` or `map` list (possibly inside `Some`) only to call `f` with each item's
/// index and fingerprint; see [`Rewalk`].
struct ItemPrints<'k, 'f> {
    keys: Option<&'k [String]>,
    f: &'f mut dyn FnMut(usize, u64),
}

/// The items of the list [`ItemPrints`] walks.
struct ItemPrintsSeq<'k, 'f> {
    keys: Option<&'k [String]>,
    f: &'f mut dyn FnMut(usize, u64),
    index: usize,
}

impl ser::SerializeSeq for ItemPrintsSeq<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
        let mut h = Fingerprint::new(self.keys);
        if value.serialize(&mut h).is_ok() {
            (self.f)(self.index, h.finish());
        }
        self.index = self.index.saturating_add(1);
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl<'k, 'f> ser::Serializer for ItemPrints<'k, 'f> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = ItemPrintsSeq<'k, 'f>;
    type SerializeTuple = Impossible<(), Never>;
    type SerializeTupleStruct = Impossible<(), Never>;
    type SerializeTupleVariant = Impossible<(), Never>;
    type SerializeMap = Impossible<(), Never>;
    type SerializeStruct = Impossible<(), Never>;
    type SerializeStructVariant = Impossible<(), Never>;
    reject_scalars!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
                    serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32,
                    serialize_f64: f64, serialize_char: char, serialize_str: &str, serialize_bytes: &[u8]);
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        Err(Never)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Never> {
        Err(Never)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<ItemPrintsSeq<'k, 'f>, Never> {
        Ok(ItemPrintsSeq { keys: self.keys, f: self.f, index: 0 })
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Never> {
        Err(Never)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Never> {
        Err(Never)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Never> {
        Err(Never)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
        Err(Never)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Never> {
        Err(Never)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Never> {
        Err(Never)
    }
}

/// FNV-1a over the scalars of an item (or of its key fields, for map lists).
struct Fingerprint<'k> {
    hash: u64,
    keys: Option<&'k [String]>,
    depth: u8,
}

impl<'k> Fingerprint<'k> {
    fn new(keys: Option<&'k [String]>) -> Self {
        Self { hash: 0xcbf2_9ce4_8422_2325, keys, depth: 0 }
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.hash ^= u64::from(*b);
            self.hash = self.hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.hash ^= 0xff;
        self.hash = self.hash.wrapping_mul(0x0100_0000_01b3);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

struct FingerprintStruct<'f, 'k> {
    fp: &'f mut Fingerprint<'k>,
}

impl ser::SerializeStruct for FingerprintStruct<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        let keep = self.fp.keys.is_none_or(|keys| keys.iter().any(|k| k == key));
        if keep {
            self.fp.bytes(key.as_bytes());
            self.fp.depth = self.fp.depth.saturating_add(1);
            let r = value.serialize(&mut *self.fp);
            self.fp.depth = self.fp.depth.saturating_sub(1);
            r?;
        }
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl<'f, 'k> ser::Serializer for &'f mut Fingerprint<'k> {
    type Ok = ();
    type Error = Never;
    type SerializeStruct = FingerprintStruct<'f, 'k>;
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.bytes(b"s");
        self.bytes(v.as_bytes());
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.bytes(if v { b"t" } else { b"f" });
        Ok(())
    }
    widen!(serialize_i8: i8 => serialize_i64: i64, serialize_i16: i16 => serialize_i64: i64,
           serialize_i32: i32 => serialize_i64: i64, serialize_u8: u8 => serialize_i64: i64,
           serialize_u16: u16 => serialize_i64: i64, serialize_u32: u32 => serialize_i64: i64,
           serialize_f32: f32 => serialize_f64: f64);
    fn serialize_i64(self, v: i64) -> Result<(), Never> {
        self.bytes(b"i");
        self.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Never> {
        self.bytes(b"u");
        self.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.bytes(b"d");
        self.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.bytes(b"n");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.bytes(b"n");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Never> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        v.serialize(self)
    }
    no_compound!();
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<FingerprintStruct<'f, 'k>, Never> {
        // Only the item itself (depth 0) is a struct; nested objects are not list-map keys.
        if self.depth > 0 {
            return Err(Never);
        }
        Ok(FingerprintStruct { fp: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        // (value, Go's fmt %v); from the Go playground's output of fmt.Println(float64(x)).
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (1.0, "1"),
            (100.0, "100"),
            (599.0, "599"),
            (65535.0, "65535"),
            (999_999.0, "999999"),
            (5_000_011.0, "5.000011e+06"),
            (1_000_000.0, "1e+06"),
            (4_294_967_295.0, "4.294967295e+09"),
            (2_147_483_647.0, "2.147483647e+09"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
        ];
        for (value, expected) in cases {
            assert_eq!(go_float(*value), *expected, "{value}");
        }
        assert_eq!(go_quote("a\"b\n\u{0}"), "\"a\\\"b\\n\\x00\"");
    }

    #[test]
    fn every_pattern_compiles() {
        fn walk(node: &Node, out: &mut Vec<String>) {
            out.extend(node.patterns.iter().filter(|p| matches!(p.matcher, Matcher::Broken)).map(|p| p.source.clone()));
            node.properties.iter().for_each(|(_, n)| walk(n, out));
            node.items.iter().chain(node.additional.iter()).for_each(|n| walk(n, out));
        }
        let mut broken = Vec::new();
        walk(compiled(), &mut broken);
        assert!(broken.is_empty(), "patterns the regex engine rejects: {broken:?}");
    }
}
