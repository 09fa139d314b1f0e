//! Versions over a real list: the leds archive holds dozens of re-rolled series. Every
//! revision must pair as `git range-diff` does where that is decidable without the tree:
//! each patch of either version in exactly one pair, equal patch-ids paired with each
//! other, `same` only for an equal diff and message, and an earlier version never newer.

use crate::corpus;
use patchdesk::policy::{Profile, check_queue};
use patchdesk::queue;
use patchdesk::revisions::{Change, Versions, link};
use patchdesk::source::SourceSpec;

#[test]
fn every_revision_of_the_leds_list_pairs_each_patch_once() {
    let Some(root) = corpus("every_revision_of_the_leds_list_pairs_each_patch_once") else {
        return;
    };
    let path = root.join("leds-list-1000.mbox");
    let q = queue::load(&SourceSpec::Path(path)).expect("leds list loads");
    let profile = Profile::builtin("linux").expect("linux profile");
    let findings = check_queue(&q, &profile);
    let versions = Versions::build(&q, link(&q), &findings);
    let mut compared = 0;
    for (k, revision) in versions.revisions.iter().enumerate() {
        let Some(r) = revision else { continue };
        compared += 1;
        let (old, new) = (&q.series[r.previous], &q.series[k]);
        assert!(
            (old.version, q.patches[old.patches[0]].date)
                <= (new.version, q.patches[new.patches[0]].date)
                || old.version < new.version,
            "{}: v{} is not earlier than v{}",
            new.title,
            old.version,
            new.version
        );
        for (side, list) in [(true, &old.patches), (false, &new.patches)] {
            for &i in list {
                let n = r
                    .pairs
                    .iter()
                    .filter(|p| {
                        if side {
                            p.old_patch == Some(i)
                        } else {
                            p.new_patch == Some(i)
                        }
                    })
                    .count();
                assert_eq!(n, 1, "{}: patch {i} in {n} pairs", new.title);
            }
        }
        for p in &r.pairs {
            let id = |i: Option<usize>| i.and_then(|i| q.patches[i].patch_id().map(str::to_string));
            match (p.old_patch, p.new_patch) {
                (Some(a), Some(b)) => {
                    let equal = id(Some(a)).is_some() && id(Some(a)) == id(Some(b));
                    if p.pair.change == Change::Same {
                        assert!(equal, "{}: same pair with other diffs", new.title);
                        assert_eq!(q.patches[a].message, q.patches[b].message);
                    }
                    // An unchanged diff has the patch-id of the other (the converse need not
                    // hold: patch-id ignores whitespace).
                    if !p.pair.diff_changed && q.patches[a].has_diff() {
                        assert!(equal, "{}: an equal diff with another patch-id", new.title);
                    }
                }
                (Some(a), None) => {
                    // A removed patch has no equal diff left unpaired in the newer version.
                    let twin = new.patches.iter().any(|&b| {
                        id(Some(a)).is_some()
                            && id(Some(a)) == id(Some(b))
                            && r.pairs
                                .iter()
                                .all(|o| o.new_patch != Some(b) || o.old_patch.is_none())
                    });
                    assert!(!twin, "{}: an exact match left unpaired", new.title);
                }
                _ => {}
            }
        }
    }
    assert!(compared >= 50, "only {compared} revisions compared");
    println!("leds list: {compared} revisions compared");
}
