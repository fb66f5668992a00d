//! The client against jcsim: every method, its refusals, and behaviour under faults.

mod common;
mod faults;
mod methods;
mod secrets;
