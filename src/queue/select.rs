//! Naming one patch of a queue on the command line: a Message-Id (with or without `<>`), a
//! commit id prefix, or `S.N` (series S, patch N as `list` numbers them; N = 0 is the cover).

use super::Queue;
use crate::{Error, Result};

impl Queue {
    /// Finds the patch a user named; `None` is allowed when the queue holds one patch.
    pub fn select(&self, name: Option<&str>) -> Result<usize> {
        let Some(name) = name.map(str::trim) else {
            let mut patches = self.series.iter().flat_map(|s| s.patches.iter());
            return match (patches.next(), patches.next()) {
                (Some(&only), None) => Ok(only),
                (None, _) => Err(Error::Usage(format!(
                    "{}: the queue holds no patch",
                    self.source
                ))),
                _ => Err(Error::Usage(format!(
                    "{}: the queue holds {} patches; name one as S.N, a Message-Id or a commit id",
                    self.source,
                    self.series.iter().map(|s| s.patches.len()).sum::<usize>()
                ))),
            };
        };
        if let Some(found) = self.select_numbered(name) {
            return found;
        }
        let id = name.trim_start_matches('<').trim_end_matches('>');
        if let Some(i) = self
            .patches
            .iter()
            .position(|p| p.mail.message_id.as_deref() == Some(id))
        {
            return Ok(i);
        }
        let is_hex = id.len() >= 4 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if is_hex {
            let lower = id.to_ascii_lowercase();
            let hits: Vec<usize> = (0..self.patches.len())
                .filter(|&i| {
                    self.patches[i]
                        .mail
                        .commit
                        .as_deref()
                        .is_some_and(|c| c.starts_with(&lower))
                })
                .collect();
            match hits.as_slice() {
                [one] => return Ok(*one),
                [] => {}
                _ => {
                    return Err(Error::Usage(format!(
                        "{}: commit id prefix {id} is ambiguous ({} patches)",
                        self.source,
                        hits.len()
                    )));
                }
            }
        }
        Err(Error::Usage(format!(
            "{}: no patch named {name:?} (use S.N as `patchdesk list` numbers them, a Message-Id, or a commit id)",
            self.source
        )))
    }

    fn select_numbered(&self, name: &str) -> Option<Result<usize>> {
        let (s, n) = name.split_once('.')?;
        let s: usize = s.parse().ok()?;
        let n: u32 = n.parse().ok()?;
        let Some(series) = self.series.iter().find(|x| x.id == s) else {
            return Some(Err(Error::Usage(format!(
                "{}: no series {s} (the queue has {})",
                self.source,
                self.series.len()
            ))));
        };
        let found = if n == 0 {
            series.cover
        } else {
            series
                .patches
                .iter()
                .copied()
                .find(|&i| self.patches[i].subject.index == Some(n))
                .or_else(|| {
                    // Lone and unnumbered patches are numbered by position.
                    let all_unnumbered = series
                        .patches
                        .iter()
                        .all(|&i| self.patches[i].subject.index.is_none());
                    all_unnumbered
                        .then(|| series.patches.get(n as usize - 1).copied())
                        .flatten()
                })
        };
        Some(found.ok_or_else(|| {
            Error::Usage(format!(
                "{}: series {s} has no patch {n}{}",
                self.source,
                if series.missing.contains(&n) {
                    " (it did not arrive)"
                } else {
                    ""
                }
            ))
        }))
    }
}
