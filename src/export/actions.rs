//! The exports as actions a front end (the TUI) can offer: [`preview`] says what would be
//! written where — the lines of the confirm step — without writing anything, and [`run`]
//! does it and returns the line to show after (the file or the branch). Nothing here draws.

use super::apply::{ApplyRequest, apply, default_branch_name, describe_target};
use super::plan::ReviewPlan;
use super::record::{self, RecordFormat};
use super::replies::{self, Selection};
use super::series::{self, SeriesOptions};
use crate::queue::Queue;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use std::path::PathBuf;

/// One export or apply, with where its result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportAction {
    Replies {
        selection: Selection,
        out: PathBuf,
    },
    Series {
        series: usize,
        options: SeriesOptions,
        out: PathBuf,
    },
    Record {
        format: RecordFormat,
        out: PathBuf,
    },
    Apply {
        repo: PathBuf,
        request: ApplyRequest,
    },
}

fn file_line(out: &std::path::Path, force: bool) -> String {
    let exists = std::fs::symlink_metadata(out).is_ok();
    match (exists, force) {
        (false, _) => format!("to {} (new file)", out.display()),
        (true, true) => format!("to {} (REPLACES the existing file)", out.display()),
        (true, false) => format!(
            "to {} — it exists and will not be replaced without force",
            out.display()
        ),
    }
}

/// What the action would write where, as lines for a confirm step. Errors are what running
/// it would refuse (unknown series, missing patches, nothing to reply to).
pub fn preview(
    action: &ExportAction,
    queue: &Queue,
    plan: &ReviewPlan,
    now: DateTime<FixedOffset>,
    force: bool,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    match action {
        ExportAction::Replies { selection, out } => {
            let built = replies::build(queue, plan, *selection, now)?;
            if built.is_empty() {
                return Err(Error::Usage("nothing to reply to".into()));
            }
            lines.push(format!(
                "Write {} review repl{} {}:",
                built.len(),
                if built.len() == 1 { "y" } else { "ies" },
                file_line(out, force)
            ));
            for r in &built {
                let to: Vec<String> = r.mail.to.iter().map(|a| a.display()).collect();
                lines.push(format!("  {} → {}", r.mail.subject, to.join(", ")));
            }
        }
        ExportAction::Series {
            series: id,
            options,
            out,
        } => {
            let patches = series::build(queue, plan, *id, *options)?;
            lines.push(format!(
                "Write series {id} ({} patch{}) for git am {}:",
                patches.len(),
                if patches.len() == 1 { "" } else { "es" },
                file_line(out, force)
            ));
            if options.signoff {
                lines.push("  each patch gets your Signed-off-by last".into());
            }
            for p in &patches {
                lines.push(format!("  {}", p.mail.subject));
            }
        }
        ExportAction::Record { format, out } => {
            lines.push(format!(
                "Write the triage record of {} series as {} {}",
                queue.series.len(),
                match format {
                    RecordFormat::Mbox => "mbox",
                    RecordFormat::Json => "JSON",
                },
                file_line(out, force)
            ));
        }
        ExportAction::Apply { repo, request } => {
            let (s, indices) =
                series::patches_to_apply(queue, request.series, request.options.allow_missing)?;
            let (branch, base) =
                describe_target(repo, request, default_branch_name(&s.title, s.version))?;
            lines.push(format!(
                "Apply series {} ({} patch{}) as new branch {branch} in {}, onto {} ({base}); HEAD and the working tree stay as they are:",
                s.id,
                indices.len(),
                if indices.len() == 1 { "" } else { "es" },
                repo.display(),
                request.onto.as_deref().unwrap_or("HEAD")
            ));
            if request.options.signoff {
                lines.push("  each commit gets your Signed-off-by last".into());
            }
            for &i in &indices {
                lines.push(format!("  {}", queue.patches[i].subject.title));
            }
        }
    }
    Ok(lines)
}

/// Runs the action; returns the line to show after it (what was written where).
pub fn run(
    action: &ExportAction,
    queue: &Queue,
    plan: &ReviewPlan,
    now: DateTime<FixedOffset>,
    force: bool,
) -> Result<String> {
    Ok(match action {
        ExportAction::Replies { selection, out } => {
            let n = replies::export(queue, plan, *selection, now, out, force)?;
            format!(
                "wrote {n} repl{} to {}",
                if n == 1 { "y" } else { "ies" },
                out.display()
            )
        }
        ExportAction::Series {
            series: id,
            options,
            out,
        } => {
            let n = series::export(queue, plan, *id, *options, out, force)?;
            format!(
                "wrote {n} patch{} of series {id} to {}",
                if n == 1 { "" } else { "es" },
                out.display()
            )
        }
        ExportAction::Record { format, out } => {
            let n = record::export(queue, plan, *format, now, out, force)?;
            format!("wrote the record of {n} series to {}", out.display())
        }
        ExportAction::Apply { repo, request } => {
            let applied = apply(queue, plan, repo, request, now)?;
            format!(
                "applied {} patch{} on branch {} in {}",
                applied.commits.len(),
                if applied.commits.len() == 1 { "" } else { "es" },
                applied.branch,
                repo.display()
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Address;
    use crate::patch::{FileDiff, Patch};
    use crate::queue::Series;

    fn queue() -> Queue {
        let mut p = Patch {
            key: "p1".into(),
            diff: vec![FileDiff::default()].into(),
            message: "t\n".into(),
            ..Patch::default()
        };
        p.subject.title = "uart: fix".into();
        p.mail.subject = "[PATCH] uart: fix".into();
        p.mail.message_id = Some("p1@x".into());
        p.author = Address {
            name: "A".into(),
            email: "a@x".into(),
        };
        p.mail.body = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n".into();
        Queue {
            source: "q".into(),
            patches: vec![p],
            series: vec![Series {
                id: 1,
                title: "uart: fix".into(),
                version: 1,
                patches: vec![0],
                ..Series::default()
            }],
            ..Queue::default()
        }
    }

    fn plan() -> ReviewPlan {
        let mut plan = ReviewPlan::new(Address {
            name: "M".into(),
            email: "m@x".into(),
        });
        plan.patch_mut("p1")
            .trailers
            .push(("Acked-by".into(), "M <m@x>".into()));
        plan
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T20:00:00+00:00").unwrap()
    }

    #[test]
    fn preview_lists_what_goes_where_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.mbox");
        let action = ExportAction::Replies {
            selection: Selection::All,
            out: out.clone(),
        };
        let lines = preview(&action, &queue(), &plan(), now(), false).unwrap();
        assert!(
            lines[0].starts_with("Write 1 review reply to "),
            "{lines:?}"
        );
        assert!(lines[0].ends_with("(new file):"), "{lines:?}");
        assert_eq!(lines[1], "  Re: [PATCH] uart: fix → A <a@x>");
        assert!(!out.exists());
        let done = run(&action, &queue(), &plan(), now(), false).unwrap();
        assert!(done.starts_with("wrote 1 reply to "), "{done}");
        let again = preview(&action, &queue(), &plan(), now(), false).unwrap();
        assert!(
            again[0].contains("exists and will not be replaced"),
            "{again:?}"
        );
        assert!(run(&action, &queue(), &plan(), now(), false).is_err());
    }

    /// A repository with one commit on its default branch.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::now("T", "t@x").unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let tree = repo.find_tree(tree).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "start here", &tree, &[])
            .unwrap();
        dir
    }

    #[test]
    fn apply_preview_names_the_branch_the_base_and_the_patches() {
        let dir = repo();
        let mut request = ApplyRequest {
            series: 1,
            ..ApplyRequest::default()
        };
        request.options.signoff = true;
        let action = ExportAction::Apply {
            repo: dir.path().to_path_buf(),
            request: request.clone(),
        };
        let lines = preview(&action, &queue(), &plan(), now(), false).unwrap();
        let repo_text = dir.path().display().to_string();
        assert!(
            lines[0].contains(&format!(
                "new branch patchdesk/uart-fix-v1 in {repo_text}, onto HEAD ("
            )) && lines[0].contains(" start here)"),
            "{lines:?}"
        );
        assert_eq!(lines[1], "  each commit gets your Signed-off-by last");
        assert_eq!(lines[2], "  uart: fix");
        // What apply would refuse, the preview refuses: no such base, not a repository.
        request.onto = Some("no-such-rev".into());
        let action = ExportAction::Apply {
            repo: dir.path().to_path_buf(),
            request: request.clone(),
        };
        let e = preview(&action, &queue(), &plan(), now(), false).unwrap_err();
        assert!(e.to_string().contains("no such commit"), "{e}");
        let elsewhere = tempfile::tempdir().unwrap();
        let action = ExportAction::Apply {
            repo: elsewhere.path().to_path_buf(),
            request,
        };
        let e = preview(&action, &queue(), &plan(), now(), false).unwrap_err();
        assert!(e.to_string().contains("not a git repository"), "{e}");
        let bad = ExportAction::Series {
            series: 9,
            options: SeriesOptions::default(),
            out: PathBuf::from("x"),
        };
        assert!(preview(&bad, &queue(), &plan(), now(), false).is_err());
    }
}
