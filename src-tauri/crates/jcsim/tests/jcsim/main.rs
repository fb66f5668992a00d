//! jcsim's integration tests: one binary, modules by topic.

mod common;
mod contract;
mod devices;
mod faults;
mod insights;
mod life;
mod msp;
mod reports;
mod routes;
mod seeding;
