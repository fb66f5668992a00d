//! One method per endpoint, grouped as JumpCloud's docs group them:
//! `client.users().reset_mfa(id)`, `client.systems().lock(id)`,
//! `client.user_groups().add_member(g, u)`, `client.insights().events(q)`, …

use crate::client::{Answer, Api, Call, Client};
use crate::error::Result;
use reqwest::Method;

mod apps;
mod devices;
mod directory;
mod reports;

pub use apps::*;
pub use devices::*;
pub use directory::*;
pub use reports::*;

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
    pub fn reports(&self) -> Reports<'_> {
        Reports(self)
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
