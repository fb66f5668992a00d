//! One method per endpoint, grouped as JumpCloud's docs group them:
//! `client.users().reset_mfa(id)`, `client.systems().lock(id)`,
//! `client.user_groups().add_member(g, u)`, `client.insights().events(q)`, …

use crate::client::{Answer, Api, Call, Client, Repeat};
use crate::error::Result;
use crate::models::*;
use crate::paging::List;
use futures_util::stream::BoxStream;
use reqwest::Method;
use serde_json::{json, Value};

fn post(api: Api, path: impl Into<String>, op: &str) -> Call {
    Call::new(Method::POST, api, path, op)
}

impl Client {
    pub fn users(&self) -> Users<'_> {
        Users(self)
    }
    /// The groups of one kind.
    pub fn groups(&self, kind: GroupKind) -> Groups<'_> {
        Groups { c: self, kind }
    }
    pub fn user_groups(&self) -> Groups<'_> {
        Groups {
            c: self,
            kind: GroupKind::User,
        }
    }
    pub fn system_groups(&self) -> Groups<'_> {
        Groups {
            c: self,
            kind: GroupKind::System,
        }
    }
    pub fn systems(&self) -> Systems<'_> {
        Systems(self)
    }
    pub fn insights(&self) -> Insights<'_> {
        Insights(self)
    }
    pub fn apple_mdm(&self) -> AppleMdms<'_> {
        AppleMdms(self)
    }
    pub fn applications(&self) -> Applications<'_> {
        Applications(self)
    }
    pub fn commands(&self) -> Commands<'_> {
        Commands(self)
    }
    pub fn admins(&self) -> Admins<'_> {
        Admins(self)
    }
    pub fn organizations(&self) -> Organizations<'_> {
        Organizations(self)
    }

    async fn value<T: serde::de::DeserializeOwned + Send + 'static>(&self, call: Call) -> Result<T> {
        Ok(self.json::<T>(&call).await?.0)
    }

    async fn unit(&self, call: Call) -> Result<()> {
        self.send(&call).await.map(|_: Answer| ())
    }
}

// ---------------------------------------------------------------- users

/// `/api/systemusers`
pub struct Users<'a>(&'a Client);

impl Users<'_> {
    pub fn list_spec(&self) -> List {
        List::v1("/systemusers", "users")
    }
    /// Every user, as a stream of pages fetched concurrently.
    pub fn list(&self) -> BoxStream<'static, Result<User>> {
        self.0.stream(self.list_spec())
    }
    pub async fn list_all(&self) -> Result<Vec<User>> {
        self.0.collect_all(self.list_spec()).await
    }
    /// Users whose `field` equals `value` (v1 filter `field:$eq:value`).
    pub async fn find_by(&self, field: &str, value: &str) -> Result<Vec<User>> {
        self.0
            .collect_all(self.list_spec().query("filter", format!("{field}:$eq:{value}")))
            .await
    }
    /// `POST /search/systemusers` with a free-text term over `fields`.
    pub async fn search(&self, term: &str, fields: &[&str]) -> Result<Vec<User>> {
        let body = json!({ "searchFilter": { "searchTerm": term, "fields": fields } });
        let env: ListEnvelope<User> = self
            .0
            .value(
                post(Api::V1, "/search/systemusers", "search users")
                    .body(body)
                    .repeat(Repeat::Safe)
                    .query("limit", 100),
            )
            .await?;
        Ok(env.results)
    }
    pub async fn get(&self, id: &str) -> Result<User> {
        self.0
            .value(Call::get(Api::V1, format!("/systemusers/{id}"), "read users"))
            .await
    }
    /// Creates a user (`username` and `email` required). Sent once.
    pub async fn create(&self, user: &Value) -> Result<User> {
        self.0
            .value(post(Api::V1, "/systemusers", "create users").body(user.clone()))
            .await
    }
    /// Changes the given fields. Sent once.
    pub async fn update(&self, id: &str, fields: &Value) -> Result<User> {
        self.0
            .value(Call::new(Method::PUT, Api::V1, format!("/systemusers/{id}"), "edit users").body(fields.clone()))
            .await
    }
    pub async fn delete(&self, id: &str) -> Result<User> {
        self.0
            .value(Call::new(
                Method::DELETE,
                Api::V1,
                format!("/systemusers/{id}"),
                "delete users",
            ))
            .await
    }
    /// STAGED → ACTIVATED; `send_email` sends the welcome email.
    pub async fn activate(&self, id: &str, send_email: bool) -> Result<()> {
        self.0
            .unit(
                post(Api::V1, format!("/systemusers/{id}/state/activate"), "activate users")
                    .body(json!({ "email": send_email })),
            )
            .await
    }
    pub async fn suspend(&self, id: &str) -> Result<()> {
        self.0
            .unit(post(
                Api::V1,
                format!("/systemusers/{id}/state/suspend"),
                "suspend users",
            ))
            .await
    }
    /// Lifts a suspension (`PUT state=ACTIVATED`).
    pub async fn unsuspend(&self, id: &str) -> Result<User> {
        self.update(id, &json!({ "state": "ACTIVATED" })).await
    }
    pub async fn unlock(&self, id: &str) -> Result<()> {
        self.0
            .unit(post(Api::V1, format!("/systemusers/{id}/unlock"), "unlock users"))
            .await
    }
    pub async fn reset_mfa(&self, id: &str) -> Result<()> {
        self.0
            .unit(post(Api::V1, format!("/systemusers/{id}/resetmfa"), "reset MFA").body(json!({ "exclusion": false })))
            .await
    }
    pub async fn expire_password(&self, id: &str) -> Result<()> {
        self.0
            .unit(post(Api::V1, format!("/systemusers/{id}/expire"), "expire passwords"))
            .await
    }
    /// Sends the activation / password reset email again.
    pub async fn resend_email(&self, id: &str, email: &str) -> Result<()> {
        self.0
            .unit(
                post(
                    Api::V1,
                    format!("/systemusers/{id}/reactivate"),
                    "send activation emails",
                )
                .body(json!({ "email": email })),
            )
            .await
    }
    pub async fn totp_info(&self, id: &str) -> Result<TotpInfo> {
        self.0
            .value(Call::get(
                Api::V1,
                format!("/systemusers/{id}/totpinfo"),
                "read MFA status",
            ))
            .await
    }
    /// The user's groups (`/v2/users/{id}/memberof`).
    pub async fn groups(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(format!("/users/{id}/memberof"), "group memberships"))
            .await
    }
    /// Devices the user can reach (`/v2/users/{id}/systems`); direct bindings have 1-hop paths.
    pub async fn systems(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(format!("/users/{id}/systems"), "devices"))
            .await
    }
    pub async fn applications(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(format!("/users/{id}/applications"), "applications"))
            .await
    }
    /// Devices the user is bound to directly (`associations?targets=system`).
    pub async fn system_bindings(&self, id: &str) -> Result<Vec<GraphConnection>> {
        self.0
            .collect_all(List::graph(format!("/users/{id}/associations"), "bound devices").query("targets", "system"))
            .await
    }
}

// ---------------------------------------------------------------- groups

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    User,
    System,
}

/// `/api/v2/usergroups` and `/api/v2/systemgroups`.
pub struct Groups<'a> {
    c: &'a Client,
    kind: GroupKind,
}

impl Groups<'_> {
    fn base(&self) -> &'static str {
        match self.kind {
            GroupKind::User => "/usergroups",
            GroupKind::System => "/systemgroups",
        }
    }
    fn member_type(&self) -> &'static str {
        match self.kind {
            GroupKind::User => "user",
            GroupKind::System => "system",
        }
    }
    pub fn list_spec(&self) -> List {
        List::v2(self.base(), "groups")
    }
    pub async fn list_all(&self) -> Result<Vec<Group>> {
        self.c.collect_all(self.list_spec()).await
    }
    pub async fn get(&self, id: &str) -> Result<Group> {
        self.c
            .value(Call::get(Api::V2, format!("{}/{id}", self.base()), "read groups"))
            .await
    }
    pub async fn create(&self, name: &str, description: &str) -> Result<Group> {
        self.c
            .value(
                post(Api::V2, self.base(), "create groups").body(json!({ "name": name, "description": description })),
            )
            .await
    }
    pub async fn update(&self, id: &str, fields: &Value) -> Result<Group> {
        self.c
            .value(Call::new(Method::PUT, Api::V2, format!("{}/{id}", self.base()), "edit groups").body(fields.clone()))
            .await
    }
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.c
            .unit(Call::new(
                Method::DELETE,
                Api::V2,
                format!("{}/{id}", self.base()),
                "delete groups",
            ))
            .await
    }
    pub fn members_spec(&self, id: &str) -> List {
        List::graph(format!("{}/{id}/members", self.base()), "group members")
    }
    /// Direct members, paged by the total (pages may come back short mid-list).
    pub async fn members(&self, id: &str) -> Result<Vec<GraphConnection>> {
        self.c.collect_all(self.members_spec(id)).await
    }
    /// Effective membership (`/membership`).
    pub async fn membership(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.c
            .collect_all(List::graph(format!("{}/{id}/membership", self.base()), "group members"))
            .await
    }
    /// Adds a member. Safe to repeat: a repeat that finds it done succeeds.
    pub async fn add_member(&self, group: &str, member: &str) -> Result<()> {
        let body = json!({ "op": "add", "type": self.member_type(), "id": member });
        self.c
            .unit(
                post(
                    Api::V2,
                    format!("{}/{group}/members", self.base()),
                    "change group membership",
                )
                .body(body)
                .repeat(Repeat::GraphAdd),
            )
            .await
    }
    pub async fn remove_member(&self, group: &str, member: &str) -> Result<()> {
        let body = json!({ "op": "remove", "type": self.member_type(), "id": member });
        self.c
            .unit(
                post(
                    Api::V2,
                    format!("{}/{group}/members", self.base()),
                    "change group membership",
                )
                .body(body)
                .repeat(Repeat::GraphRemove),
            )
            .await
    }
    /// Direct associations of a group with `targets` (e.g. `system_group`, `application`).
    pub async fn associations(&self, id: &str, targets: &str) -> Result<Vec<GraphConnection>> {
        self.c
            .collect_all(
                List::graph(format!("{}/{id}/associations", self.base()), "associations").query("targets", targets),
            )
            .await
    }
}

// ---------------------------------------------------------------- systems

/// `/api/systems` and the device routes.
pub struct Systems<'a>(&'a Client);

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
pub struct Insights<'a>(&'a Client);

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
pub struct AppleMdms<'a>(&'a Client);

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

// ---------------------------------------------------------------- applications

/// SSO applications and who can reach them.
pub struct Applications<'a>(&'a Client);

impl Applications<'_> {
    pub fn list_spec(&self) -> List {
        List::v1("/applications", "applications")
    }
    pub async fn list_all(&self) -> Result<Vec<Application>> {
        self.0.collect_all(self.list_spec()).await
    }
    pub async fn get(&self, id: &str) -> Result<Application> {
        self.0
            .value(Call::get(Api::V1, format!("/applications/{id}"), "read applications"))
            .await
    }
    /// Users who can reach the app (directly or through a group).
    pub async fn users(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(format!("/applications/{id}/users"), "application users"))
            .await
    }
    pub async fn user_groups(&self, id: &str) -> Result<Vec<GraphObjectWithPaths>> {
        self.0
            .collect_all(List::graph(
                format!("/applications/{id}/usergroups"),
                "application groups",
            ))
            .await
    }
    /// Direct assignments (`targets`: `user`, `user_group`).
    pub async fn associations(&self, id: &str, targets: &str) -> Result<Vec<GraphConnection>> {
        self.0
            .collect_all(
                List::graph(format!("/applications/{id}/associations"), "associations").query("targets", targets),
            )
            .await
    }
    async fn associate(&self, app: &str, op: &str, kind: &str, id: &str) -> Result<()> {
        let repeat = if op == "add" {
            Repeat::GraphAdd
        } else {
            Repeat::GraphRemove
        };
        let body = json!({ "op": op, "type": kind, "id": id });
        self.0
            .unit(
                post(
                    Api::V2,
                    format!("/applications/{app}/associations"),
                    "change application access",
                )
                .body(body)
                .repeat(repeat),
            )
            .await
    }
    pub async fn assign_user(&self, app: &str, user: &str) -> Result<()> {
        self.associate(app, "add", "user", user).await
    }
    pub async fn unassign_user(&self, app: &str, user: &str) -> Result<()> {
        self.associate(app, "remove", "user", user).await
    }
    pub async fn assign_group(&self, app: &str, group: &str) -> Result<()> {
        self.associate(app, "add", "user_group", group).await
    }
    pub async fn unassign_group(&self, app: &str, group: &str) -> Result<()> {
        self.associate(app, "remove", "user_group", group).await
    }
}

// ---------------------------------------------------------------- commands

/// The command runner.
pub struct Commands<'a>(&'a Client);

impl Commands<'_> {
    pub async fn list_all(&self) -> Result<Vec<Command>> {
        self.0.collect_all(List::v1("/commands", "commands")).await
    }
    pub async fn get(&self, id: &str) -> Result<Command> {
        self.0
            .value(Call::get(Api::V1, format!("/commands/{id}"), "read commands"))
            .await
    }
    pub async fn create(&self, cmd: &Command) -> Result<Command> {
        let body = serde_json::to_value(cmd).unwrap_or_default();
        self.0
            .value(post(Api::V1, "/commands", "create commands").body(body))
            .await
    }
    pub async fn update(&self, id: &str, fields: &Value) -> Result<Command> {
        self.0
            .value(Call::new(Method::PUT, Api::V1, format!("/commands/{id}"), "edit commands").body(fields.clone()))
            .await
    }
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.0
            .unit(Call::new(
                Method::DELETE,
                Api::V1,
                format!("/commands/{id}"),
                "delete commands",
            ))
            .await
    }
    /// Binds the command to a device (`system`) or a device group (`system_group`).
    pub async fn bind(&self, id: &str, kind: &str, target: &str) -> Result<()> {
        let body = json!({ "op": "add", "type": kind, "id": target });
        self.0
            .unit(
                post(
                    Api::V2,
                    format!("/commands/{id}/associations"),
                    "change command targets",
                )
                .body(body)
                .repeat(Repeat::GraphAdd),
            )
            .await
    }
    pub async fn unbind(&self, id: &str, kind: &str, target: &str) -> Result<()> {
        let body = json!({ "op": "remove", "type": kind, "id": target });
        self.0
            .unit(
                post(
                    Api::V2,
                    format!("/commands/{id}/associations"),
                    "change command targets",
                )
                .body(body)
                .repeat(Repeat::GraphRemove),
            )
            .await
    }
    /// Runs now, on `systems` or (if empty) on the bound targets. Sent once.
    pub async fn run(&self, id: &str, systems: &[String]) -> Result<RunCommandResponse> {
        let mut body = json!({ "_id": id });
        if !systems.is_empty() {
            body["systemIds"] = json!(systems);
        }
        self.0
            .value(post(Api::V1, "/runCommand", "run commands").body(body))
            .await
    }
    pub async fn results(&self, id: &str) -> Result<Vec<CommandResult>> {
        self.0
            .value(Call::get(
                Api::V1,
                format!("/commands/{id}/results"),
                "read command results",
            ))
            .await
    }
}

// ---------------------------------------------------------------- admins, roles, orgs

/// Administrators (MSP route) and roles.
pub struct Admins<'a>(&'a Client);

impl Admins<'_> {
    /// `GET /v2/providers/{provider}/administrators`
    pub async fn list(&self, provider_id: &str) -> Result<Vec<Administrator>> {
        self.0
            .collect_all(List::graph(format!("/providers/{provider_id}/administrators"), "administrators").counted())
            .await
    }
    pub async fn roles(&self) -> Result<Vec<Role>> {
        self.0.collect_all(List::graph("/roles", "roles").counted()).await
    }
}

/// Organisations the key can reach.
pub struct Organizations<'a>(&'a Client);

impl Organizations<'_> {
    pub async fn list_all(&self) -> Result<Vec<Organization>> {
        self.0.collect_all(List::v1("/organizations", "organizations")).await
    }
    pub async fn get(&self, id: &str) -> Result<Organization> {
        self.0
            .value(Call::get(Api::V1, format!("/organizations/{id}"), "read organizations"))
            .await
    }
    /// `GET /v2/providers/{provider}/organizations` (MSP keys).
    pub async fn of_provider(&self, provider_id: &str) -> Result<Vec<Organization>> {
        self.0
            .collect_all(List::graph(format!("/providers/{provider_id}/organizations"), "organizations").counted())
            .await
    }
}
