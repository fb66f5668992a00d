//! Applications, commands, admins, roles and organisations.

use super::post;
use crate::client::{Api, Call, Client, Repeat};
use crate::error::Result;
use crate::models::*;
use crate::paging::List;
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------- applications

/// SSO applications and who can reach them.
pub struct Applications<'a>(pub(super) &'a Client);

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
        self.0.collect_all(self.users_spec(id)).await
    }
    /// The listing of [`Self::users`], to read page by page.
    pub fn users_spec(&self, id: &str) -> List {
        List::graph(format!("/applications/{id}/users"), "application users")
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
    async fn associate(&self, app: &str, add: bool, kind: GraphType, id: &str) -> Result<()> {
        let (op, repeat) = if add {
            ("add", Repeat::GraphAdd)
        } else {
            ("remove", Repeat::GraphRemove)
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
        self.associate(app, true, GraphType::User, user).await
    }
    pub async fn unassign_user(&self, app: &str, user: &str) -> Result<()> {
        self.associate(app, false, GraphType::User, user).await
    }
    pub async fn assign_group(&self, app: &str, group: &str) -> Result<()> {
        self.associate(app, true, GraphType::UserGroup, group).await
    }
    pub async fn unassign_group(&self, app: &str, group: &str) -> Result<()> {
        self.associate(app, false, GraphType::UserGroup, group).await
    }
}

// ---------------------------------------------------------------- commands

/// The command runner.
pub struct Commands<'a>(pub(super) &'a Client);

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
pub struct Admins<'a>(pub(super) &'a Client);

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
pub struct Organizations<'a>(pub(super) &'a Client);

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
