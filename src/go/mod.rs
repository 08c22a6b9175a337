//! Go behaviours that messages depend on, reproduced exactly (formatting, parsing).

mod cidr;
mod quote;
mod regexp;

#[allow(unused_imports)] // Interim: the rate-limit checks use it in the next commit.
pub(crate) use cidr::parse_cidr_error;
pub(crate) use quote::go_quote;
#[allow(unused_imports)] // Interim: the rate-limit checks use it in the next commit.
pub(crate) use regexp::compile_error;
