//! jumpcloud: the typed async client (being written).
pub mod config;
pub mod error;
pub mod limiter;
pub mod models;
pub mod secret;
