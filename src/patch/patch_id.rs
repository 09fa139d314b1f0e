//! `git patch-id --stable` of a diff, so decisions and notes can follow a re-rolled series.
