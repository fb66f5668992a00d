//! Integration tests against jcsim (being written).
