//! Photos: turning an upload into the copies the app stores and shows.

/// The pipeline itself lives in the `ingest` crate (only the photo libraries, so it can be fuzzed
/// on its own); it keeps its place here for the rest of the server.
pub use ingest as pipeline;
pub mod s3;
pub mod store;
