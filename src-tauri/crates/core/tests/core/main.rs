//! The sync engine and the cache against jcsim.

mod common;
mod sync;
