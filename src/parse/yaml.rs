//! One YAML document as a [`Source`]: decoding, locating and mapping serde_yaml's errors.

use serde::{Deserialize, de::DeserializeSeed};
use serde_json::Value;

use super::{
    Limits, Location, ParseError,
    budget::{Budget, BudgetDe},
    locate::{LOCATED, Locator},
    path::Seg,
    root::{Doc, TypeMeta},
    source::{RunError, Source, decode, erased, exceeded_of},
};

pub(super) struct YamlDoc<'a> {
    pub(super) text: &'a str,
    /// Line of the input on which this document's text starts (1-based).
    pub(super) first_line: usize,
    pub(super) limits: Limits,
}

impl YamlDoc<'_> {
    /// A location of serde_yaml, which counts lines from the start of this document.
    fn location(&self, l: &serde_yaml::Location) -> Location {
        Location { line: l.line().saturating_add(self.first_line).saturating_sub(1), column: l.column() }
    }
}

impl Source for YamlDoc<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        struct D<'a>(&'a YamlDoc<'a>);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<Doc, RunError> {
                let budget = Budget::yaml(self.0.limits, strict);
                let de = serde_yaml::Deserializer::from_str(self.0.text);
                decode(BudgetDe::new(de, &budget), ignored).map_err(|(path, e)| yaml_error(path, &e, self.0, &budget))
            }
        }
        f(&mut D(self))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        let budget = Budget::yaml(self.limits, false);
        let de = serde_yaml::Deserializer::from_str(self.text);
        let err = Locator { path, depth: 0 }.deserialize(BudgetDe::new(de, &budget)).err()?;
        if !err.to_string().contains(LOCATED) {
            return None;
        }
        err.location().map(|l| self.location(&l))
    }

    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        let budget = Budget::yaml(self.limits, strict);
        let de = serde_yaml::Deserializer::from_str(self.text);
        decode(BudgetDe::new(de, &budget), &mut |_| {})
            .map_err(|(path, e)| yaml_error(path, &e, self, &budget).into_whole_document_error(&self.limits))
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn type_meta(&self) -> Option<TypeMeta> {
        let budget = Budget::yaml(self.limits, false);
        TypeMeta::deserialize(BudgetDe::new(serde_yaml::Deserializer::from_str(self.text), &budget)).ok()
    }
}

fn yaml_error(path: Vec<Seg>, e: &serde_yaml::Error, doc: &YamlDoc<'_>, budget: &Budget) -> RunError {
    let location = e.location().map(|l| doc.location(&l));
    let full = e.to_string();
    // serde_yaml prefixes "path: " and appends " at line L column C"; both are reported separately.
    let mut message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    if let Some((prefix, rest)) = message.split_once(": ")
        && !prefix.contains(' ')
    {
        message = rest;
    }
    let syntax = path.is_empty() && !message.starts_with("missing field") && !message.starts_with("duplicate field");
    let exceeded = exceeded_of(message, budget);
    RunError { path, message: message.to_owned(), location, syntax, exceeded }
}
