//! jumpcloud: the only code in Rollcall that speaks HTTP to JumpCloud.
//!
//! A typed async client for API v1, v2 and Directory Insights: one method per endpoint
//! (`client.users().reset_mfa(id)`, `client.systems().lock(id)`, …), listings as streams that
//! page concurrently under one adaptive rate limiter, retries only where a repeat is safe, and
//! one error enum that keeps JumpCloud's status and message. No Tauri here.
//!
//! ```no_run
//! # async fn demo() -> jumpcloud::Result<()> {
//! use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints, Region};
//! let client = Client::new(ClientConfig::new(Endpoints::region(Region::Us), ApiKey::new("…")))?;
//! let users = client.users().list_all().await?;
//! client.users().reset_mfa(&users[0].id).await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod client;
pub mod config;
pub mod decode;
pub mod error;
pub mod limiter;
pub mod models;
pub mod paging;
pub mod secret;

pub use api::{GroupKind, ReportMeta, ReportType};
pub use client::{Api, Call, Client, Repeat};
pub use config::{ClientConfig, Endpoints, Region};
pub use error::{Error, KeyRefusal, Result};
pub use paging::List;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
pub use secret::ApiKey;
