//! Decoding one raw message into a [`super::Message`].
use super::{Message, Origin};
use crate::Result;

/// Decodes one raw RFC 5322 message.
pub fn parse_message(_raw: &[u8], _origin: Origin) -> Result<Message> {
    unimplemented!("mail helper")
}
