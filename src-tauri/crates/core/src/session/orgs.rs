//! The organisations the admin has connected, kept in `orgs.json` in the config dir. Holds no
//! secret: each org's API key is in the OS credential store under the org's id.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// JumpCloud region of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RegionName {
    #[default]
    US,
    EU,
    IN,
}

impl RegionName {
    pub fn region(self) -> jumpcloud::Region {
        match self {
            RegionName::US => jumpcloud::Region::Us,
            RegionName::EU => jumpcloud::Region::Eu,
            RegionName::IN => jumpcloud::Region::In,
        }
    }

    /// The Admin Portal host ("Open in JumpCloud" goes only there).
    pub fn console_host(self) -> &'static str {
        match self {
            RegionName::US => "console.jumpcloud.com",
            RegionName::EU => "console.eu.jumpcloud.com",
            RegionName::IN => "console.in.jumpcloud.com",
        }
    }
}

/// One connected organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgEntry {
    pub id: String,
    pub name: String,
    pub region: RegionName,
    /// A custom API base URL (a proxy, or a simulator) instead of the region's hosts.
    pub base_url: Option<String>,
    /// Sent as `x-org-id` (multi-tenant keys).
    pub send_org_id: bool,
    /// The built-in demo organisation (served by jcsim in-process; its key is not stored).
    pub demo: bool,
}

impl OrgEntry {
    pub fn endpoints(&self) -> jumpcloud::Endpoints {
        match &self.base_url {
            Some(b) => jumpcloud::Endpoints::custom(b),
            None => jumpcloud::Endpoints::region(self.region.region()),
        }
    }
}

/// A record's page in the Admin Portal ("Open in JumpCloud").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PortalPage {
    User,
    Device,
    UserGroup,
    DeviceGroup,
}

/// An ID that is not a JumpCloud object ID (24 hexadecimal characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a JumpCloud object ID.")]
pub struct NotAnObjectId(pub String);

/// The Admin Portal address of a record (`docs/jumpcloud-api.md` §8): only the region's console host,
/// only a JumpCloud object ID (24 hexadecimal characters), so nothing else can be opened.
pub fn portal_url(region: RegionName, page: PortalPage, id: &str) -> Result<String, NotAnObjectId> {
    if id.len() != 24 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(NotAnObjectId(id.to_string()));
    }
    let path = match page {
        PortalPage::User => format!("users/{id}/details"),
        PortalPage::Device => format!("devices/{id}/details"),
        PortalPage::UserGroup => format!("groups/user/{id}/details"),
        PortalPage::DeviceGroup => format!("groups/device/{id}/details"),
    };
    Ok(format!("https://{}/#/{path}", region.console_host()))
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RegistryFile {
    orgs: Vec<OrgEntry>,
    last_active: Option<String>,
}

/// The list of orgs and which one was open last.
#[derive(Debug)]
pub struct Registry {
    path: PathBuf,
    file: RegistryFile,
}

impl Registry {
    /// Loads `orgs.json`; a missing file is an empty list; an unreadable one is kept aside as
    /// `orgs.json.unreadable` (so nothing is lost) and the list starts empty.
    pub fn load(config_dir: &Path) -> Self {
        let path = config_dir.join("orgs.json");
        let file = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(f) => f,
                Err(e) => {
                    tracing::error!(error = %e, "orgs.json is unreadable; keeping it aside and starting with no organisations");
                    let _ = std::fs::rename(&path, config_dir.join("orgs.json.unreadable"));
                    RegistryFile::default()
                }
            },
            Err(_) => RegistryFile::default(),
        };
        Self { path, file }
    }

    fn save(&self) -> std::io::Result<()> {
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&self.file)?)?;
        std::fs::rename(tmp, &self.path)
    }

    pub fn orgs(&self) -> &[OrgEntry] {
        &self.file.orgs
    }

    pub fn get(&self, id: &str) -> Option<&OrgEntry> {
        self.file.orgs.iter().find(|o| o.id == id)
    }

    pub fn last_active(&self) -> Option<&OrgEntry> {
        self.file.last_active.as_deref().and_then(|id| self.get(id))
    }

    /// Adds or replaces an org and makes it the last active one.
    pub fn upsert(&mut self, org: OrgEntry) -> std::io::Result<()> {
        self.file.last_active = Some(org.id.clone());
        match self.file.orgs.iter_mut().find(|o| o.id == org.id) {
            Some(o) => *o = org,
            None => self.file.orgs.push(org),
        }
        self.save()
    }

    pub fn set_active(&mut self, id: &str) -> std::io::Result<()> {
        self.file.last_active = Some(id.to_string());
        self.save()
    }

    pub fn remove(&mut self, id: &str) -> std::io::Result<()> {
        self.file.orgs.retain(|o| o.id != id);
        if self.file.last_active.as_deref() == Some(id) {
            self.file.last_active = self.file.orgs.first().map(|o| o.id.clone());
        }
        self.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str) -> OrgEntry {
        OrgEntry {
            id: id.into(),
            name: format!("Org {id}"),
            region: RegionName::EU,
            base_url: None,
            send_org_id: false,
            demo: false,
        }
    }

    #[test]
    fn portal_links_go_only_to_the_console_host_and_an_object_id() {
        let id = "5f1b2c3d4e5f60718293a4b5";
        assert_eq!(
            portal_url(RegionName::EU, PortalPage::User, id).unwrap(),
            format!("https://console.eu.jumpcloud.com/#/users/{id}/details")
        );
        assert_eq!(
            portal_url(RegionName::US, PortalPage::Device, id).unwrap(),
            format!("https://console.jumpcloud.com/#/devices/{id}/details")
        );
        assert_eq!(
            portal_url(RegionName::IN, PortalPage::DeviceGroup, id).unwrap(),
            format!("https://console.in.jumpcloud.com/#/groups/device/{id}/details")
        );
        assert!(portal_url(RegionName::US, PortalPage::User, "../../x").is_err());
        assert!(portal_url(RegionName::US, PortalPage::User, "5f1b2c3d4e5f60718293a4bz").is_err());
    }

    #[test]
    fn registry_round_trips_and_survives_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Registry::load(dir.path());
        r.upsert(org("a")).unwrap();
        r.upsert(org("b")).unwrap();
        r.set_active("a").unwrap();
        let r2 = Registry::load(dir.path());
        assert_eq!(r2.orgs().len(), 2);
        assert_eq!(r2.last_active().unwrap().id, "a");
        let text = std::fs::read_to_string(dir.path().join("orgs.json")).unwrap();
        assert!(
            !text.to_lowercase().contains("key"),
            "no key material in orgs.json: {text}"
        );

        std::fs::write(dir.path().join("orgs.json"), b"{ not json").unwrap();
        let r3 = Registry::load(dir.path());
        assert!(r3.orgs().is_empty());
        assert!(
            dir.path().join("orgs.json.unreadable").exists(),
            "the unreadable file is kept"
        );
    }

    #[test]
    fn removing_the_active_org_moves_to_another() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Registry::load(dir.path());
        r.upsert(org("a")).unwrap();
        r.upsert(org("b")).unwrap();
        r.remove("b").unwrap();
        assert_eq!(r.last_active().unwrap().id, "a");
    }
}
