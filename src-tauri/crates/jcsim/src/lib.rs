//! jcsim: a stateful JumpCloud simulator (being built; see issue 3).
