//! jcsim's integration tests: one binary, modules by topic.

mod common;
mod contract;
mod faults;
mod routes;
