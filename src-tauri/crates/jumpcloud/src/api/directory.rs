//! Users and user/device groups.

use super::post;
use crate::client::{Api, Call, Client, Repeat};
use crate::error::Result;
use crate::models::*;
use crate::paging::List;
use futures_util::stream::BoxStream;
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------- users

/// `/api/systemusers`
pub struct Users<'a>(pub(super) &'a Client);

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
    /// Schedules a state change (`SUSPENDED` or `ACTIVATED`) for `at` (RFC 3339), with
    /// `/api/v2/bulk/userstates`: one job per person. Sent at most once.
    pub async fn schedule_state(&self, ids: &[String], state: &str, at: &str) -> Result<Vec<ScheduledState>> {
        self.0
            .value(
                post(Api::V2, "/bulk/userstates", "schedule user state changes")
                    .body(json!({ "user_ids": ids, "state": state, "start_date": at })),
            )
            .await
    }
    /// The pending scheduled state changes of `user_id`.
    pub async fn scheduled_states(&self, user_id: &str) -> Result<Vec<ScheduledState>> {
        self.0
            .value(Call::get(
                Api::V2,
                format!("/bulk/userstates?userid={user_id}"),
                "read scheduled user state changes",
            ))
            .await
    }
    /// Cancels a pending scheduled state change.
    pub async fn cancel_scheduled_state(&self, job_id: &str) -> Result<()> {
        self.0
            .unit(Call::new(
                Method::DELETE,
                Api::V2,
                format!("/bulk/userstates/{job_id}"),
                "cancel scheduled user state changes",
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
    pub(super) c: &'a Client,
    pub(super) kind: GroupKind,
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
