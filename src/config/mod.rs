//! The validated settings of every experiment, one `Config` type each, with `Default` the lab's
//! defaults and a `validate()` every entry point calls.
//!
//! Below the engines and the results: the results ([`crate::report`]) embed the config they were
//! computed from, and the engines ([`crate::rfm`], [`crate::mlp`]) run one, so neither imports
//! the other for it. The data's own settings ([`crate::data::DataConfig`]) live with the data.

pub mod mlp;
pub mod rfm;
