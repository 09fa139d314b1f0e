//! The desk's part of patchdesk's config file, `$XDG_CONFIG_HOME/patchdesk/config.toml`:
//!
//! ```toml
//! [identity]            # who the trailers name (else git config user.name/user.email)
//! name = "Mia Maintainer"
//! email = "mia@example.org"
//!
//! [notes]
//! editor = "nvim -f"    # else $VISUAL, $EDITOR, vi; split on spaces, never run by a shell
//!
//! [maintainers]
//! mine = ["qemu-block@nongnu.org"]   # addresses that are "mine" besides the identity's
//!
//! [[source]]            # settings for one source, found by its path
//! path = "~/mail/qemu-devel.mbox"
//! tree = "~/src/qemu"   # its MAINTAINERS, as --tree
//! since = "4w"          # its window, as --since
//! ```
//!
//! Other tables and keys are left to the rest of patchdesk (they are ignored here). A file
//! that is not valid TOML, or whose tables have the wrong shape, is an error naming the file.
//! A command-line `--tree` or `--since` wins over the source's setting.

use crate::mail::Address;
use crate::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `[identity]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct IdentityConfig {
    pub name: String,
    pub email: String,
}

/// The `[notes]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NotesConfig {
    pub editor: Option<String>,
}

/// The `[maintainers]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MaintainersConfig {
    /// Addresses (people or lists) that make a patch "mine", besides the identity's email.
    pub mine: Vec<String>,
}

/// One `[[source]]` table: settings for the source at `path`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SourceConfig {
    /// The source's path (`~/` is the home directory).
    pub path: String,
    /// The tree whose MAINTAINERS applies, as `--tree`.
    pub tree: Option<String>,
    /// The window to read, as `--since`.
    pub since: Option<String>,
}

/// What the desk reads from the config file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DeskConfig {
    pub identity: Option<IdentityConfig>,
    pub notes: NotesConfig,
    pub maintainers: MaintainersConfig,
    pub source: Vec<SourceConfig>,
}

/// `~/x` as a path under the home directory; other text as it is.
pub fn expand_home(text: &str) -> PathBuf {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(text),
    }
}

impl DeskConfig {
    /// The `[[source]]` settings of the source at `path` (compared canonically), if any.
    pub fn source_for(&self, path: &Path) -> Option<&SourceConfig> {
        let wanted = std::fs::canonicalize(path).ok()?;
        self.source
            .iter()
            .find(|s| std::fs::canonicalize(expand_home(&s.path)).is_ok_and(|p| p == wanted))
    }

    /// The configured identity, when it names an email.
    pub fn identity(&self) -> Option<Address> {
        self.identity
            .as_ref()
            .filter(|i| !i.email.trim().is_empty())
            .map(|i| Address {
                name: i.name.trim().to_string(),
                email: i.email.trim().to_string(),
            })
    }
}

/// patchdesk's config file (`$XDG_CONFIG_HOME/patchdesk/config.toml` or the platform's
/// equivalent).
pub fn default_path() -> Option<PathBuf> {
    crate::fsutil::config_dir().map(|d| d.join("config.toml"))
}

/// Reads the config file at [`default_path`] (the defaults when there is none).
pub fn load_default() -> Result<DeskConfig> {
    match default_path() {
        Some(path) => load(&path),
        None => Ok(DeskConfig::default()),
    }
}

/// Reads the desk's settings from `path`; a missing file gives the defaults.
pub fn load(path: &Path) -> Result<DeskConfig> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DeskConfig::default()),
        Err(e) => return Err(Error::io(path, e)),
    };
    toml::from_str(&text).map_err(|e| Error::BadInput {
        source_name: path.display().to_string(),
        what: e.to_string().trim_end().replace('\n', " "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_identity_and_editor_and_ignores_other_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[identity]\nname = \"Mia\"\nemail = \"mia@example.org\"\n[notes]\neditor = \"nvim -f\"\n[tui]\nkeymap = \"vim\"\n",
        )
        .unwrap();
        let config = load(&path).unwrap();
        assert_eq!(
            config.identity(),
            Some(Address {
                name: "Mia".into(),
                email: "mia@example.org".into()
            })
        );
        assert_eq!(config.notes.editor.as_deref(), Some("nvim -f"));
    }

    #[test]
    fn reads_mine_and_per_source_settings_found_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let mbox = dir.path().join("qemu.mbox");
        std::fs::write(&mbox, "").unwrap();
        let path = dir.path().join("config.toml");
        let text = format!(
            "[maintainers]\nmine = [\"qemu-block@nongnu.org\"]\n[[source]]\npath = {:?}\ntree = \"/src/qemu\"\nsince = \"4w\"\n[[source]]\npath = \"/elsewhere\"\ntree = \"/src/other\"\n",
            mbox.display().to_string()
        );
        std::fs::write(&path, text).unwrap();
        let config = load(&path).unwrap();
        assert_eq!(config.maintainers.mine, vec!["qemu-block@nongnu.org"]);
        // Found through another spelling of the same path.
        let other = dir.path().join(".").join("qemu.mbox");
        let found = config
            .source_for(&other)
            .expect("found by its canonical path");
        assert_eq!(found.tree.as_deref(), Some("/src/qemu"));
        assert_eq!(found.since.as_deref(), Some("4w"));
        assert!(config.source_for(&dir.path().join("config.toml")).is_none());
    }

    #[test]
    fn missing_file_is_defaults_and_bad_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(load(&path).unwrap(), DeskConfig::default());
        std::fs::write(&path, "[identity]\nname = 3\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml"), "{err}");
    }
}
