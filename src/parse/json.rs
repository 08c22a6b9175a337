//! A JSON document as a [`Source`]: decoding, locating and mapping serde_json's errors.

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

pub(super) struct Json<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) limits: Limits,
    /// Line of the input on which the JSON starts (1-based): a JSON document in a YAML stream.
    pub(super) first_line: usize,
}

impl Source for Json<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        struct D<'a>(&'a Json<'a>);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<Doc, RunError> {
                let budget = Budget::new(self.0.limits, strict);
                let mut de = serde_json::Deserializer::from_slice(self.0.bytes);
                let value = decode(BudgetDe::new(&mut de, &budget), ignored)
                    .map_err(|(path, e)| json_error(path, &e, self.0, &budget))?;
                de.end().map_err(|e| json_error(Vec::new(), &e, self.0, &budget))?;
                Ok(value)
            }
            fn clean(&mut self) -> Option<Doc> {
                let budget = Budget::new(self.0.limits, true);
                let mut de = serde_json::Deserializer::from_slice(self.0.bytes);
                let value = Doc::deserialize(BudgetDe::new(&mut de, &budget)).ok()?;
                de.end().ok()?;
                (!budget.ignored_any()).then_some(value)
            }
        }
        f(&mut D(self))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        self.locate_nth(path, 0)
    }

    fn locate_nth(&self, path: &[Seg], occurrence: usize) -> Option<Location> {
        let budget = Budget::new(self.limits, false);
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        let err = Locator { path, depth: 0, occurrence, first_child: false }
            .deserialize(BudgetDe::new(&mut de, &budget))
            .err()?;
        if !err.to_string().contains(LOCATED) {
            return None;
        }
        self.location(err.line(), err.column())
    }

    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        let budget = Budget::new(self.limits, strict);
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        let value = decode(BudgetDe::new(&mut de, &budget), &mut |_| {})
            .map_err(|(path, e)| json_error(path, &e, self, &budget))
            .and_then(|v| de.end().map(|()| v).map_err(|e| json_error(Vec::new(), &e, self, &budget)));
        value.map_err(|e| e.into_whole_document_error(&self.limits))
    }

    fn duplicates(&self) -> Result<Vec<Vec<Seg>>, ParseError> {
        let budget = Budget::new(self.limits, false);
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        let mut found = Vec::new();
        super::duplicates::find(BudgetDe::new(&mut de, &budget), &mut found)
            .map_err(|e| json_error(Vec::new(), &e, self, &budget).into_whole_document_error(&self.limits))?;
        Ok(found)
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn type_meta(&self) -> Option<TypeMeta> {
        let budget = Budget::new(self.limits, false);
        TypeMeta::deserialize(BudgetDe::new(&mut serde_json::Deserializer::from_slice(self.bytes), &budget)).ok()
    }
}

impl Json<'_> {
    /// A location of serde_json (which counts lines from 1, and reports line 0 when it has none).
    fn location(&self, line: usize, column: usize) -> Option<Location> {
        // serde_json says column 0 for an error before the first character of a line.
        let column = column.max(1);
        (line > 0).then(|| Location { line: line.saturating_add(self.first_line).saturating_sub(1), column })
    }
}

fn json_error(path: Vec<Seg>, e: &serde_json::Error, json: &Json<'_>, budget: &Budget) -> RunError {
    let location = json.location(e.line(), e.column());
    let full = e.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m).to_owned();
    let exceeded = exceeded_of(&message, budget);
    // A document that is not an object at all is reported as for YAML.
    let syntax = e.is_syntax() || e.is_eof() || (path.is_empty() && message.starts_with("invalid type"));
    RunError { path, message, location, syntax, exceeded }
}
