//! Holds the README's code blocks as doctests; the conformance tests and benchmarks of
//! backend-traffic-policy live in this package's `tests/` and `benches/`.
//!
//! The README's controller example needs `kube::Client`, whose dependency tree (an HTTP client
//! stack) the crate's own tests and examples do not build; this package has it.
#![forbid(unsafe_code)]

/// The code blocks of the README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
