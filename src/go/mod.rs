//! Go behaviours that messages depend on, reproduced exactly (formatting, parsing).

mod prime;
mod quote;

pub(crate) use prime::is_prime;
pub(crate) use quote::go_quote;
