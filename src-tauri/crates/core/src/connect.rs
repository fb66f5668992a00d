//! "Test connection": checks a key against an organisation and tells apart what can go wrong
//! (a wrong or revoked key, a multi-tenant key without an org ID, a wrong org ID, a role too
//! weak to read what Rollcall mirrors, no network, TLS) before anything is stored.

use crate::access::{probe, role_in_message, Access};
use crate::session::{OrgEntry, RegionName};
use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints, Error, Method};
use serde::{Deserialize, Serialize};

/// What the connect form sends. The key crosses IPC this once, into the keyring.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectInput {
    pub api_key: String,
    /// Empty for a single-organisation key.
    pub org_id: String,
    pub region: RegionName,
    /// Empty, or a custom API base URL (a proxy; the simulator).
    pub base_url: String,
}

impl std::fmt::Debug for ConnectInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectInput")
            .field("api_key", &"<redacted>")
            .field("org_id", &self.org_id)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl ConnectInput {
    /// What the form holds is usable: a key, a well-formed org ID (or none), an http(s) URL
    /// (or none).
    pub fn validate(&self) -> Result<(), ConnectError> {
        if self.api_key.trim().is_empty() {
            return Err(ConnectError::NoKey);
        }
        let org = self.org_id.trim();
        let well_formed = org.len() == 24 && org.chars().all(|c| c.is_ascii_hexdigit());
        if !org.is_empty() && !well_formed {
            return Err(ConnectError::MalformedOrgId(org.into()));
        }
        let base = self.base_url.trim();
        if !base.is_empty() {
            let u = url::Url::parse(base).map_err(|e| ConnectError::NotAUrl {
                url: base.into(),
                why: e.to_string(),
            })?;
            if !matches!(u.scheme(), "https" | "http") {
                return Err(ConnectError::NotHttp);
            }
        }
        Ok(())
    }

    /// The client the form describes.
    pub fn client(&self) -> Result<Client, ConnectError> {
        let endpoints = match self.base_url.trim() {
            "" => Endpoints::region(self.region.region()),
            b => Endpoints::custom(b),
        };
        let mut cfg = ClientConfig::new(endpoints, ApiKey::new(self.api_key.clone()));
        if !self.org_id.trim().is_empty() {
            cfg = cfg.with_org(self.org_id.trim().to_lowercase());
        }
        Ok(Client::new(cfg)?)
    }

    /// "Test connection": validates the form, then tests the key (nothing is stored).
    pub async fn check(&self) -> Result<ConnectionCheck, ConnectError> {
        self.validate()?;
        let org = self.org_id.trim();
        check(&self.client()?, (!org.is_empty()).then_some(org)).await
    }

    /// The org list's entry for the organisation a test `found`.
    pub fn entry(&self, found: &ConnectionCheck) -> OrgEntry {
        self.entry_for(&found.org, !self.org_id.trim().is_empty())
    }

    /// The entry of `org`, one of the organisations the key reaches; `send_org_id` for a
    /// multi-tenant key (JumpCloud needs `x-org-id` on each of its requests).
    pub fn entry_for(&self, org: &OrgChoice, send_org_id: bool) -> OrgEntry {
        OrgEntry {
            id: org.id.clone(),
            name: org.name.clone(),
            region: self.region,
            base_url: Some(self.base_url.trim().to_string()).filter(|b| !b.is_empty()),
            send_org_id,
            demo: false,
        }
    }
}

/// An organisation the key reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgChoice {
    pub id: String,
    pub name: String,
}

/// What a successful test found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionCheck {
    pub org: OrgChoice,
    /// Every organisation this key reaches (more than one for a multi-tenant key).
    pub orgs: Vec<OrgChoice>,
    pub access: Access,
    pub users: u32,
    pub systems: u32,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConnectError {
    #[error("Enter the API key (Admin Portal → your name, top right → My API Key).")]
    NoKey,
    #[error("\"{0}\" is not an organisation ID: it has 24 hexadecimal characters (0-9, a-f).")]
    MalformedOrgId(String),
    #[error("The API URL \"{url}\" is not a URL ({why}).")]
    NotAUrl { url: String, why: String },
    #[error("The API URL must start with https://.")]
    NotHttp,
    #[error("This API key belongs to a multi-tenant (MSP) administrator, so JumpCloud needs the organisation's ID. Enter it under \"Organisation ID\" (Admin Portal → Settings → Organization Profile) and test again.")]
    NeedsOrgId,
    #[error("No organisation with ID {id} is reachable with this key ({message}). Check the ID (24 hexadecimal characters) or leave it empty for a single-organisation key.")]
    WrongOrgId { id: String, message: String },
    #[error("{}", role_too_weak(role, what))]
    RoleTooWeak { role: String, what: String },
    #[error(transparent)]
    Api(#[from] Error),
}

fn role_too_weak(role: &str, what: &str) -> String {
    let who = if role.is_empty() {
        "Your JumpCloud role".to_string()
    } else {
        format!("Your JumpCloud role ({role})")
    };
    format!("{who} may not read {what}, which Rollcall needs to mirror the organisation. Use the key of an administrator with at least Read Only access to users and devices.")
}

fn count(v: &serde_json::Value) -> u32 {
    v.get("totalCount").and_then(|t| t.as_u64()).unwrap_or(0) as u32
}

/// Every organisation the key reaches (`/api/organizations`, a hundred a page: an MSP may
/// run more).
async fn organizations(client: &Client) -> Result<Vec<serde_json::Value>, Error> {
    let mut all = vec![];
    loop {
        let path = format!("/api/organizations?limit=100&skip={}", all.len());
        let (_, v) = client.call(Method::GET, &path, None).await?;
        let page = v.get("results").and_then(|r| r.as_array()).cloned().unwrap_or_default();
        let total = v.get("totalCount").and_then(|t| t.as_u64()).unwrap_or(0) as usize;
        let short = page.len() < 100;
        all.extend(page);
        if short || all.len() >= total {
            return Ok(all);
        }
    }
}

/// Tests `client` (already carrying the key, region and optional org ID).
pub async fn check(client: &Client, org_id: Option<&str>) -> Result<ConnectionCheck, ConnectError> {
    let orgs = match organizations(client).await {
        Ok(v) => v,
        Err(Error::Unauthorized {
            refusal: jumpcloud::KeyRefusal::OrgIdMissing,
            ..
        }) => return Err(ConnectError::NeedsOrgId),
        Err(Error::NotFound { message } | Error::BadRequest { message, .. }) if org_id.is_some() => {
            return Err(ConnectError::WrongOrgId {
                id: org_id.unwrap_or_default().into(),
                message,
            })
        }
        Err(e) => return Err(e.into()),
    };
    let orgs: Vec<OrgChoice> = orgs
        .iter()
        .map(|o| OrgChoice {
            id: o.get("_id").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
            name: o
                .get("displayName")
                .and_then(|v| v.as_str())
                .unwrap_or("(unnamed organisation)")
                .to_string(),
        })
        .collect();
    let org = match org_id {
        Some(id) => orgs.iter().find(|o| o.id.eq_ignore_ascii_case(id)).cloned(),
        None => orgs.first().cloned(),
    }
    .ok_or_else(|| ConnectError::WrongOrgId {
        id: org_id.unwrap_or_default().into(),
        message: "JumpCloud listed no such organisation for this key".into(),
    })?;

    let mut totals = [0u32; 2];
    for (i, (path, what)) in [
        ("/api/systemusers?limit=1&fields=username", "users"),
        ("/api/systems?limit=1&fields=hostname", "devices"),
    ]
    .into_iter()
    .enumerate()
    {
        match client.call(Method::GET, path, None).await {
            Ok((_, v)) => totals[i] = count(&v),
            Err(Error::Forbidden { message, .. }) => {
                return Err(ConnectError::RoleTooWeak {
                    role: role_in_message(&message).unwrap_or_default(),
                    what: what.into(),
                })
            }
            Err(e) => return Err(e.into()),
        }
    }
    let access = probe(client).await?;
    Ok(ConnectionCheck {
        org,
        orgs,
        access,
        users: totals[0],
        systems: totals[1],
    })
}
