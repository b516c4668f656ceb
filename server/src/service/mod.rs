//! The product's operations, one function each: who may do it, what changes, what is audited.
//! Handlers and server functions call these and nothing below them.

pub mod accounts;
pub mod home;
pub mod photos;
pub mod schools;
pub mod scope;
