//! Devices (systems), System Insights and Directory Insights, Apple MDM.

use super::post;
use crate::client::{Answer, Api, Call, Client, Repeat};
use crate::error::Result;
use crate::models::*;
use crate::paging::List;
use futures_util::stream::BoxStream;
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------- systems

/// `/api/systems` and the device routes.
pub struct Systems<'a>(pub(super) &'a Client);

impl Systems<'_> {
    pub fn list_spec(&self) -> List {
        List::v1("/systems", "devices")
    }
    pub fn list(&self) -> BoxStream<'static, Result<System>> {
        self.0.stream(self.list_spec())
    }
    pub async fn list_all(&self) -> Result<Vec<System>> {
        self.0.collect_all(self.list_spec()).await
    }
    pub async fn search(&self, filter: Value) -> Result<Vec<System>> {
        let env: ListEnvelope<System> = self
            .0
            .value(
                post(Api::V1, "/search/systems", "search devices")
                    .body(json!({ "filter": filter }))
                    .repeat(Repeat::Safe)
                    .query("limit", 100),
            )
            .await?;
        Ok(env.results)
    }
    pub async fn get(&self, id: &str) -> Result<System> {
        self.0
            .value(Call::get(Api::V1, format!("/systems/{id}"), "read devices"))
            .await
    }
    pub async fn update(&self, id: &str, fields: &Value) -> Result<System> {
        self.0
            .value(Call::new(Method::PUT, Api::V1, format!("/systems/{id}"), "edit devices").body(fields.clone()))
            .await
    }
    pub async fn delete(&self, id: &str) -> Result<System> {
        self.0
            .value(Call::new(
                Method::DELETE,
                Api::V1,
                format!("/systems/{id}"),
                "delete devices",
            ))
            .await
    }
    /// The spec defines no request body for the builtin commands, so none is sent (a proxy that
    /// validates requests against the spec refuses one with 415).
    async fn builtin(&self, id: &str, cmd: &str) -> Result<()> {
        self.0
            .unit(post(
                Api::V1,
                format!("/systems/{id}/command/builtin/{cmd}"),
                &format!("{cmd} devices"),
            ))
            .await
    }
    /// Agent lock (Linux and Windows only; macOS goes through Apple MDM). Sent once.
    pub async fn lock(&self, id: &str) -> Result<()> {
        self.builtin(id, "lock").await
    }
    /// Agent erase (wipe). Sent once.
    pub async fn erase(&self, id: &str) -> Result<()> {
        self.builtin(id, "erase").await
    }
    pub async fn restart(&self, id: &str) -> Result<()> {
        self.builtin(id, "restart").await
    }
    pub async fn shutdown(&self, id: &str) -> Result<()> {
        self.builtin(id, "shutdown").await
    }
    /// Users who can reach the device; direct bindings have 1-hop paths.
    pub async fn users(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(format!("/systems/{id}/users"), "bound users"))
            .await
    }
    pub async fn groups(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(format!("/systems/{id}/memberof"), "device groups"))
            .await
    }
    /// Users bound directly to the device (`associations?targets=user`), with sudo in
    /// `attributes`. Cheaper than `users`, which also walks every group path.
    pub async fn user_bindings(&self, id: &str) -> Result<Vec<GraphConnection>> {
        self.0
            .collect_all(List::graph(format!("/systems/{id}/associations"), "bound users").query("targets", "user"))
            .await
    }
    /// Binds a user to the device (optionally with sudo).
    pub async fn bind_user(&self, system: &str, user: &str, sudo: bool) -> Result<()> {
        let body = json!({ "op": "add", "type": "user", "id": user, "attributes": { "sudo": { "enabled": sudo, "withoutPassword": false } } });
        self.0
            .unit(
                post(
                    Api::V2,
                    format!("/systems/{system}/associations"),
                    "bind users to devices",
                )
                .body(body)
                .repeat(Repeat::GraphAdd),
            )
            .await
    }
    /// Changes whether a bound user is an administrator (sudo) on the device; the binding
    /// stays. Setting it twice leaves it the same.
    pub async fn set_user_sudo(&self, system: &str, user: &str, sudo: bool) -> Result<()> {
        let body = json!({ "op": "update", "type": "user", "id": user, "attributes": { "sudo": { "enabled": sudo, "withoutPassword": false } } });
        self.0
            .unit(
                post(
                    Api::V2,
                    format!("/systems/{system}/associations"),
                    "change administrator rights on devices",
                )
                .body(body)
                .repeat(Repeat::Safe),
            )
            .await
    }
    pub async fn unbind_user(&self, system: &str, user: &str) -> Result<()> {
        let body = json!({ "op": "remove", "type": "user", "id": user });
        self.0
            .unit(
                post(
                    Api::V2,
                    format!("/systems/{system}/associations"),
                    "unbind users from devices",
                )
                .body(body)
                .repeat(Repeat::GraphRemove),
            )
            .await
    }
}

// ---------------------------------------------------------------- System Insights and DI

/// System Insights tables and Directory Insights events.
pub struct Insights<'a>(pub(super) &'a Client);

/// System Insights pages hold up to 10,000 rows.
pub const INSIGHTS_PAGE: usize = 10_000;

impl Insights<'_> {
    /// A table listing (`system_info`, `os_version`, …), optionally for some devices only.
    pub fn table_spec(&self, table: &str, systems: Option<&[String]>) -> List {
        let l = List::graph(format!("/systeminsights/{table}"), "System Insights rows").page_size(INSIGHTS_PAGE);
        match systems {
            Some(ids) if ids.len() == 1 => l.query("filter", format!("system_id:eq:{}", ids[0])),
            Some(ids) => l.query("filter", format!("system_id:in:{}", ids.join("|"))),
            None => l,
        }
    }
    pub async fn system_info(&self, systems: Option<&[String]>) -> Result<Vec<SystemInfoRow>> {
        self.0.collect_all(self.table_spec("system_info", systems)).await
    }
    pub async fn os_version(&self, systems: Option<&[String]>) -> Result<Vec<OsVersionRow>> {
        self.0.collect_all(self.table_spec("os_version", systems)).await
    }
    pub async fn disk_encryption(&self, systems: Option<&[String]>) -> Result<Vec<DiskEncryptionRow>> {
        self.0.collect_all(self.table_spec("disk_encryption", systems)).await
    }
    pub async fn bitlocker_info(&self, systems: Option<&[String]>) -> Result<Vec<BitlockerRow>> {
        self.0.collect_all(self.table_spec("bitlocker_info", systems)).await
    }
    pub async fn logical_drives(&self, systems: Option<&[String]>) -> Result<Vec<LogicalDriveRow>> {
        self.0.collect_all(self.table_spec("logical_drives", systems)).await
    }
    pub async fn users(&self, systems: Option<&[String]>) -> Result<Vec<InsightsUserRow>> {
        self.0.collect_all(self.table_spec("users", systems)).await
    }
    /// Directory Insights events for `query` (`service`, `start_time` required), all pages.
    pub fn events(&self, query: Value) -> BoxStream<'static, Result<Event>> {
        self.0.events_stream(query)
    }
    pub async fn events_count(&self, query: Value) -> Result<u64> {
        let c: EventCount = self
            .0
            .value(
                post(Api::Insights, "/events/count", "count Directory Insights events")
                    .body(query)
                    .repeat(Repeat::Safe),
            )
            .await?;
        Ok(c.count)
    }
    /// The most recent successful portal login of `username`, if any in the last 90 days.
    pub async fn last_login(&self, username: &str, since_rfc3339: &str) -> Result<Option<Event>> {
        let q = json!({
            "service": ["directory"], "start_time": since_rfc3339, "sort": "DESC", "limit": 1,
            "search_term": { "and": [{ "event_type": "user_login_attempt" }, { "initiated_by.username": username }, { "success": true }] },
        });
        let (events, _): (Vec<Value>, Answer) = self
            .0
            .json(
                &post(Api::Insights, "/events", "read Directory Insights events")
                    .body(q)
                    .repeat(Repeat::Safe),
            )
            .await?;
        Ok(events.into_iter().next().map(|v| {
            let mut e: Event = serde_json::from_value(v.clone()).unwrap_or_default();
            e.raw = v;
            e
        }))
    }
}

// ---------------------------------------------------------------- Apple MDM

/// `/api/v2/applemdms`: macOS and iOS lock, erase, restart, shutdown.
pub struct AppleMdms<'a>(pub(super) &'a Client);

impl AppleMdms<'_> {
    pub async fn list(&self) -> Result<Vec<AppleMdm>> {
        self.0.value(Call::get(Api::V2, "/applemdms", "read Apple MDM")).await
    }
    pub async fn devices(&self, mdm: &str) -> Result<Vec<AppleMdmDevice>> {
        self.0
            .collect_all(List::graph(format!("/applemdms/{mdm}/devices"), "Apple MDM devices"))
            .await
    }
    /// `body` is None where the spec defines no request body (shutdown).
    async fn action(&self, mdm: &str, device: &str, action: &str, body: Option<Value>) -> Result<()> {
        let mut call = post(
            Api::V2,
            format!("/applemdms/{mdm}/devices/{device}/{action}"),
            &format!("{action} devices"),
        );
        call.body = body;
        self.0.unit(call).await
    }
    /// Locks with a 6-digit PIN the admin must record (JumpCloud keeps no copy). Sent once.
    pub async fn lock(&self, mdm: &str, device: &str, pin: &str) -> Result<()> {
        self.action(mdm, device, "lock", Some(json!({ "pin": pin }))).await
    }
    /// Erases with a 6-digit PIN. Sent once.
    pub async fn erase(&self, mdm: &str, device: &str, pin: &str) -> Result<()> {
        self.action(mdm, device, "erase", Some(json!({ "pin": pin }))).await
    }
    pub async fn restart(&self, mdm: &str, device: &str) -> Result<()> {
        self.action(mdm, device, "restart", Some(json!({}))).await
    }
    pub async fn shutdown(&self, mdm: &str, device: &str) -> Result<()> {
        self.action(mdm, device, "shutdown", None).await
    }
}
