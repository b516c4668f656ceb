//! The product's operations, one function each: who may do it, what changes, what is audited.
//! Handlers and server functions call these and nothing below them.

pub mod accounts;
pub mod checklists;
pub mod hazards;
pub mod home;
pub mod inspections;
pub mod notifications;
pub mod photos;
pub mod plans;
pub mod registers;
pub mod reports;
pub mod schools;
pub mod scope;
pub mod sync;
