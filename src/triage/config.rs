//! The desk's part of patchdesk's config file, `$XDG_CONFIG_HOME/patchdesk/config.toml`:
//!
//! ```toml
//! [identity]            # who the trailers name (else git config user.name/user.email)
//! name = "Mia Maintainer"
//! email = "mia@example.org"
//!
//! [notes]
//! editor = "nvim -f"    # else $VISUAL, $EDITOR, vi; split on spaces, never run by a shell
//! ```
//!
//! Other tables and keys are left to the rest of patchdesk (they are ignored here). A file
//! that is not valid TOML, or whose `[identity]`/`[notes]` have the wrong shape, is an error
//! naming the file.

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

/// What the desk reads from the config file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DeskConfig {
    pub identity: Option<IdentityConfig>,
    pub notes: NotesConfig,
}

impl DeskConfig {
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
    fn missing_file_is_defaults_and_bad_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(load(&path).unwrap(), DeskConfig::default());
        std::fs::write(&path, "[identity]\nname = 3\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml"), "{err}");
    }
}
