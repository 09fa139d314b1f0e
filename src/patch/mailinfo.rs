//! Extracting author, commit message, notes and diff from a message as `git mailinfo` and `git am` do.
