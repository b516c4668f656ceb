//! Photos: turning an upload into the copies the app stores and shows.

pub mod pipeline;
pub mod store;
