//! Extracting author, commit message, notes and diff from a message as `git mailinfo` and
//! `git am` do.
use super::Patch;
use crate::mail::Message;

/// Builds the patch model from a decoded message.
pub fn build(mail: Message) -> Patch {
    Patch {
        mail,
        ..Patch::default()
    }
}
