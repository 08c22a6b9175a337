//! The root package's test helpers, plus the kube-cel oracle that only this package can build.
#![allow(dead_code)]

#[path = "../../../tests/common/mod.rs"]
mod root;

pub mod cel;

// Not every test of this package uses every helper.
#[allow(unused_imports)]
pub use root::*;
