//! [`Parsed`]: the messages of a source each built into its patch model, before they are
//! grouped into a queue; what the cache keeps.

use super::Patch;
use crate::source::Loaded;

/// The messages of a source, each built into its patch model ([`Patch::from_message`]), not
/// yet grouped (by `queue::build_parsed`): what the cache keeps, so that reopening a
/// source parses no mail.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// One for every message read, in the source's order.
    pub patches: Vec<Patch>,
    pub skipped: Vec<crate::source::Skipped>,
    /// What a time window read and left out; `None`: the whole source.
    pub window: Option<crate::source::window::Window>,
}

impl Parsed {
    /// Builds the patch model of every message (in parallel), telling a watcher of the load
    /// ([`crate::progress`]) of the patches built so far.
    pub fn from_loaded(loaded: Loaded) -> Parsed {
        let total = loaded.messages.len();
        Parsed {
            patches: crate::progress::map_batched(loaded.messages, Patch::from_message, |built| {
                crate::progress::report(&crate::progress::Event::Built {
                    so_far: built,
                    total,
                })
            }),
            skipped: loaded.skipped,
            window: loaded.window,
        }
    }

    /// Keeps the messages dated `since` or later (undated ones too) and says what the window
    /// left out, as [`crate::source::filter_since`] does for messages; a source that was
    /// read as a window already is kept as it is.
    pub fn since(mut self, since: Option<chrono::DateTime<chrono::FixedOffset>>) -> Parsed {
        if let (Some(since), None) = (since, &self.window) {
            let before = self.patches.len();
            self.patches
                .retain(|p| p.mail.date.is_none_or(|d| d >= since));
            self.window = Some(crate::source::window::Window::filtered(
                since,
                self.patches.len(),
                before - self.patches.len(),
            ));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(subject: &str, date: Option<&str>) -> crate::mail::Message {
        let date = date.map_or(String::new(), |d| format!("Date: {d}\n"));
        let raw = format!("From: A <a@example.org>\nSubject: {subject}\n{date}\nbody\n");
        crate::mail::parse_message(raw.as_bytes(), crate::mail::Origin::default()).expect("mail")
    }

    #[test]
    fn a_watched_build_reports_the_patches_so_far_and_builds_the_same_patches() {
        use crate::progress::{BATCH, Event, watching};
        use std::sync::{Arc, Mutex};
        let loaded = || Loaded {
            messages: (0..BATCH + 10)
                .map(|n| mail(&format!("[PATCH] change {n}"), None))
                .collect(),
            ..Loaded::default()
        };
        let plain = Parsed::from_loaded(loaded());
        let built = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&built);
        let watched = watching(
            move |e| {
                if let Event::Built { so_far, total } = e {
                    let patches = so_far.downcast_ref::<Vec<Patch>>().unwrap();
                    let last = patches.last().map(|p| p.subject.title.clone());
                    sink.lock().unwrap().push((patches.len(), *total, last));
                }
            },
            || Parsed::from_loaded(loaded()),
        );
        assert_eq!(
            format!("{:?}", watched.patches),
            format!("{:?}", plain.patches)
        );
        let total = BATCH + 10;
        assert_eq!(
            *built.lock().unwrap(),
            [
                (BATCH, total, Some(format!("change {}", BATCH - 1))),
                (total, total, Some(format!("change {}", total - 1)))
            ]
        );
    }

    #[test]
    fn a_window_keeps_the_newer_and_the_undated_and_says_what_it_cut() {
        let loaded = Loaded {
            messages: vec![
                mail("old", Some("Mon, 2 Nov 2026 10:00:00 +0000")),
                mail("new", Some("Fri, 20 Nov 2026 10:00:00 +0000")),
                mail("undated", None),
            ],
            skipped: Vec::new(),
            window: None,
        };
        let since = chrono::DateTime::parse_from_rfc3339("2026-11-15T00:00:00Z").expect("date");
        let parsed = Parsed::from_loaded(loaded).since(Some(since));
        let subjects: Vec<&str> = parsed
            .patches
            .iter()
            .map(|p| p.mail.subject.as_str())
            .collect();
        assert_eq!(subjects, ["new", "undated"]);
        let window = parsed.window.expect("a window");
        assert_eq!((window.read, window.left_out), (2, Some(1)));
        // Without a start, everything stays and there is no window.
        let all = Parsed::from_loaded(Loaded::default()).since(None);
        assert!(all.window.is_none());
    }
}
