//! Go behaviours that messages depend on, reproduced exactly (formatting, parsing).

mod cidr;
mod isprint;
mod prime;
mod quote;
mod regexp;

pub(crate) use cidr::parse_cidr_error;
pub(crate) use prime::is_prime;
pub(crate) use quote::go_quote;
pub(crate) use regexp::compile_error;
#[cfg(test)]
pub(crate) use regexp::table_patterns;
