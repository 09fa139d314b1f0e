//! Splitting an mbox into messages the way `git mailsplit` does.
