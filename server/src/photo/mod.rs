//! Photos: turning an upload into the copies the app stores and shows.

pub mod pipeline;
pub mod s3;
pub mod store;
