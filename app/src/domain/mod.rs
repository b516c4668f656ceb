//! Pure domain types and rules shared by the browser and the server: no I/O, no Leptos, no clock.

pub mod account;
pub mod campaign;
pub mod checklist;
pub mod hazard;
pub mod inspection;
pub mod notification;
pub mod org;
pub mod plan;
pub mod register;
pub mod report;
pub mod rule;
pub mod sync;
pub mod time;
pub mod workflow;

pub use account::{
    AuditEntry, AuditFilter, AuditPage, DisplayName, Me, Password, Role, UserSummary, Username,
};
pub use org::{OrgKind, SchoolName, SchoolSummary, SchoolType};
pub use rule::Rule;
