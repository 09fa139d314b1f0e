//! Time windows (`--since`): what a source reads when only recent mail matters. A
//! public-inbox is walked from its tip and stops at the window's start (its commits are in
//! arrival order), so a window of a huge archive costs what the window holds; other sources
//! are read whole and filtered by each message's `Date:`. What a window left out is
//! reported in [`Window`], for the list to say.

use crate::{Error, Result};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};

/// Parses a `--since` value against `now`: `YYYY-MM-DD` (midnight UTC), an RFC 3339 time,
/// or an age `N` followed by `h` (hours), `d` (days) or `w` (weeks).
pub fn parse_since(text: &str, now: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>> {
    let text = text.trim();
    let bad = || {
        Error::Usage(format!(
            "--since {text:?}: give a date (2026-11-20), a time (2026-11-20T08:00:00Z) or an age (36h, 14d, 2w)"
        ))
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t);
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_time(NaiveTime::MIN).and_utc().fixed_offset());
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (count, unit) = text.split_at(split);
    let count: i64 = count.parse().map_err(|_| bad())?;
    let age = match unit {
        "h" => Duration::try_hours(count),
        "d" => Duration::try_days(count),
        "w" => Duration::try_weeks(count),
        _ => None,
    }
    .ok_or_else(bad)?;
    now.checked_sub_signed(age).ok_or_else(bad)
}

/// What a window read and left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    /// The window's start, RFC 3339.
    pub since: String,
    /// Messages read in the window.
    pub read: usize,
    /// Messages read but older than the window, left out (`None`: older history was not
    /// read at all, as in a public-inbox).
    pub left_out: Option<usize>,
    /// Earlier messages taken in because a message in the window answers them (the start
    /// of a series that began before the window), within [`REACH`] messages of its start.
    pub reached: usize,
}

/// How far before a public-inbox window's start the walk goes on looking for the earlier
/// messages of threads in the window.
pub const REACH: usize = 2_000;

impl Window {
    /// The window of a source filtered by Date: `read` messages kept, `left_out` older.
    pub fn filtered(since: DateTime<FixedOffset>, read: usize, left_out: usize) -> Window {
        Window {
            since: since.to_rfc3339(),
            read,
            left_out: Some(left_out),
            reached: 0,
        }
    }

    /// One line for the list: what was read and what was cut.
    pub fn describe(&self) -> String {
        let day = self.since.get(..10).unwrap_or(&self.since);
        let mut out = format!("window since {day}: {} messages read", self.read);
        match self.left_out {
            Some(0) => {}
            Some(n) => out.push_str(&format!(", {n} older left out")),
            None => out.push_str(", older history not read"),
        }
        if self.reached > 0 {
            out.push_str(&format!(
                ", {} earlier message{} of threads in the window taken in",
                self.reached,
                if self.reached == 1 { "" } else { "s" }
            ));
        }
        out.push_str("; series begun earlier may be incomplete");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-12-04T12:00:00+00:00").unwrap()
    }

    #[test]
    fn since_takes_dates_times_and_ages() {
        let at = |t: &str| parse_since(t, now()).unwrap().to_rfc3339();
        assert_eq!(at("2026-11-20"), "2026-11-20T00:00:00+00:00");
        assert_eq!(at("2026-11-20T08:30:00+01:00"), "2026-11-20T08:30:00+01:00");
        assert_eq!(at("36h"), "2026-12-03T00:00:00+00:00");
        assert_eq!(at("14d"), "2026-11-20T12:00:00+00:00");
        assert_eq!(at("2w"), "2026-11-20T12:00:00+00:00");
        for bad in [
            "",
            "d",
            "14",
            "14y",
            "-3d",
            "2026-13-01",
            "99999999999999999999d",
        ] {
            let e = parse_since(bad, now()).unwrap_err().to_string();
            assert!(e.contains("--since"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_window_says_what_was_cut() {
        let w = Window {
            since: "2026-11-20T00:00:00+00:00".into(),
            read: 12,
            left_out: Some(30),
            reached: 1,
        };
        assert_eq!(
            w.describe(),
            "window since 2026-11-20: 12 messages read, 30 older left out, 1 earlier message of threads in the window taken in; series begun earlier may be incomplete"
        );
        let pi = Window {
            left_out: None,
            reached: 0,
            ..w
        };
        assert!(pi.describe().contains("older history not read"));
    }
}
