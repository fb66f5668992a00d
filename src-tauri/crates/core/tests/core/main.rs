//! The sync engine and the cache against jcsim.

mod actions;
mod common;
mod sync;
