//! Go behaviours that messages depend on, reproduced exactly (formatting, parsing).

mod isprint;
mod quote;

pub(crate) use quote::go_quote;
