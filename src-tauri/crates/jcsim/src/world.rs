//! The simulator's state: organisations with their records and the graph edges between them,
//! the admins and their keys, and the Directory Insights event log.
//!
//! Every record is kept typed and, beside it, as the JSON bytes JumpCloud would send, so that a
//! page of a listing is a concatenation rather than a re-serialization (the simulator must
//! never be the bottleneck of a sync benchmark).

use crate::model::*;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

/// A record kept only as the JSON JumpCloud would send: listings concatenate it, and the
/// typed form is parsed on demand (`rec`) for the rarer reads and writes. Keeping one form
/// halves the memory of a 50,000-user org.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub json: Bytes,
    _kind: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> Stored<T> {
    pub fn new(rec: T) -> Self {
        let json = Bytes::from(serde_json::to_vec(&rec).expect("records always serialize"));
        Self {
            json,
            _kind: PhantomData,
        }
    }

    /// The typed record (parsed from the stored JSON, which this type wrote).
    pub fn rec(&self) -> T {
        serde_json::from_slice(&self.json).expect("stored JSON always parses back")
    }

    pub fn set(&mut self, rec: T) {
        *self = Self::new(rec);
    }
}

/// Sudo attributes of a user↔system binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sudo {
    pub enabled: bool,
    pub without_password: bool,
}

/// One organisation.
#[derive(Debug, Default)]
pub struct Org {
    pub org: Option<Organization>,
    pub users: BTreeMap<Id, Stored<User>>,
    pub systems: BTreeMap<Id, Stored<System>>,
    /// Per device: insights facts and the Apple MDM link (not part of the JumpCloud record).
    pub system_extra: BTreeMap<Id, SystemExtra>,
    pub user_groups: BTreeMap<Id, Group>,
    pub system_groups: BTreeMap<Id, Group>,
    pub apps: BTreeMap<Id, Application>,
    pub commands: BTreeMap<Id, Command>,
    pub command_results: BTreeMap<Id, CommandResult>,
    pub apple_mdms: Vec<AppleMdm>,
    /// user group → direct user members
    pub ug_members: BTreeMap<Id, BTreeSet<Id>>,
    /// system group → direct system members
    pub sg_members: BTreeMap<Id, BTreeSet<Id>>,
    /// system → bound users (direct bindings)
    pub bindings: BTreeMap<Id, BTreeMap<Id, Sudo>>,
    /// user group → system groups it is bound to (nesting: user → group → system group → system)
    pub ug_system_groups: BTreeMap<Id, BTreeSet<Id>>,
    /// user group → systems it is bound to directly
    pub ug_systems: BTreeMap<Id, BTreeSet<Id>>,
    /// application → users assigned directly
    pub app_users: BTreeMap<Id, BTreeSet<Id>>,
    /// application → user groups assigned
    pub app_groups: BTreeMap<Id, BTreeSet<Id>>,
    /// command → targets (`system` or `system_group`, id)
    pub command_targets: BTreeMap<Id, BTreeSet<(String, Id)>>,
    /// Directory Insights events, in time order.
    pub events: Vec<Event>,
    /// State changes scheduled with `/api/v2/bulk/userstates`, pending, soonest last added.
    pub scheduled_states: Vec<ScheduledState>,
}

/// A user state change JumpCloud will make at a date (`/api/v2/bulk/userstates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledState {
    pub id: Id,
    pub user_id: Id,
    /// `SUSPENDED` or `ACTIVATED`.
    pub state: String,
    pub at_ms: i64,
}

impl Org {
    pub fn id(&self) -> &str {
        self.org.as_ref().map(|o| o.id.as_str()).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.org.as_ref().map(|o| o.display_name.as_str()).unwrap_or("")
    }

    /// The user groups a user belongs to directly.
    pub fn groups_of_user(&self, user: &str) -> Vec<Id> {
        self.ug_members
            .iter()
            .filter(|(_, m)| m.contains(user))
            .map(|(g, _)| g.clone())
            .collect()
    }

    /// The system groups a system belongs to directly.
    pub fn groups_of_system(&self, system: &str) -> Vec<Id> {
        self.sg_members
            .iter()
            .filter(|(_, m)| m.contains(system))
            .map(|(g, _)| g.clone())
            .collect()
    }

    /// Removes a user and every edge that points at it (what JumpCloud does on delete).
    pub fn remove_user_edges(&mut self, user: &str) {
        for m in self.ug_members.values_mut() {
            m.remove(user);
        }
        for b in self.bindings.values_mut() {
            b.remove(user);
        }
        for a in self.app_users.values_mut() {
            a.remove(user);
        }
    }

    pub fn remove_system_edges(&mut self, system: &str) {
        for m in self.sg_members.values_mut() {
            m.remove(system);
        }
        self.bindings.remove(system);
        self.system_extra.remove(system);
        for s in self.ug_systems.values_mut() {
            s.remove(system);
        }
        for t in self.command_targets.values_mut() {
            t.retain(|(_, id)| id != system);
        }
    }

    pub fn remove_group_edges(&mut self, group: &str) {
        self.ug_members.remove(group);
        self.sg_members.remove(group);
        self.ug_system_groups.remove(group);
        self.ug_systems.remove(group);
        for s in self.ug_system_groups.values_mut() {
            s.remove(group);
        }
        for a in self.app_groups.values_mut() {
            a.remove(group);
        }
        for t in self.command_targets.values_mut() {
            t.retain(|(_, id)| id != group);
        }
    }

    /// Appends an event keeping time order (events are nearly always appended at the end).
    pub fn push_event(&mut self, ev: Event) {
        let pos = self.events.partition_point(|e| (e.at_ms, e.seq) <= (ev.at_ms, ev.seq));
        self.events.insert(pos, ev);
    }
}

/// The whole simulated service.
#[derive(Debug, Default)]
pub struct World {
    pub orgs: Vec<Org>,
    pub admins: Vec<Admin>,
    /// Source of new object ids and event sequence numbers.
    pub counter: u64,
    /// The provider (MSP) id multi-tenant admins belong to.
    pub provider_id: Id,
}

impl World {
    pub fn next_id(&mut self, now_ms: i64) -> Id {
        self.counter += 1;
        object_id(now_ms / 1000, self.counter)
    }

    pub fn next_seq(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub fn admin_by_key(&self, key: &str) -> Option<&Admin> {
        // Constant-time compare is not needed for a simulator; exact match is.
        self.admins.iter().find(|a| a.api_key == key)
    }

    pub fn org_index(&self, org_id: &str) -> Option<usize> {
        self.orgs.iter().position(|o| o.id().eq_ignore_ascii_case(org_id))
    }
}
