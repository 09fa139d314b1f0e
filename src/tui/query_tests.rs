//! Tests of the query stage (`crate::query`) over the TUI's sample queues.

#[cfg(test)]
mod filter {
    use crate::query::filter::*;
    use crate::query::summary;
    use crate::tui::sample;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;

    fn run(q: &str) -> Vec<usize> {
        let (queue, f) = sample::small_queue();
        let s = summary::summarise(&queue, &f);
        Filter::default()
            .run(&s, 0..s.len(), &|_| "new", &Query::parse(q))
            .into_iter()
            .map(|m| m.index)
            .collect()
    }

    #[test]
    fn parses_field_terms_and_fuzzy_words() {
        let q = Query::parse("author:Ada ring has:error rule:ai- free status:new");
        assert_eq!(q.fuzzy, "ringfree");
        assert_eq!(q.authors, vec!["ada"]);
        assert_eq!(q.has, vec!["error"]);
        assert_eq!(q.rules, vec!["ai-"]);
        assert_eq!(q.statuses, vec!["new"]);
        assert!(Query::parse("ringf").narrows(&Query::parse("ring")));
        assert!(!Query::parse("ring author:x").narrows(&Query::parse("ring")));
    }

    #[test]
    fn empty_query_keeps_everything_in_order() {
        assert_eq!(run(""), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn field_filters_narrow() {
        assert_eq!(run("author:grace"), vec![5]);
        assert_eq!(run("has:error"), vec![2, 4]);
        assert_eq!(run("rule:ai-"), vec![4]);
        assert_eq!(run("status:new has:warning"), vec![2, 4]);
        assert_eq!(run("status:accepted"), Vec::<usize>::new());
    }

    #[test]
    fn fuzzy_ranks_tight_matches_first() {
        let hits = run("free");
        assert_eq!(hits.first(), Some(&2), "{hits:?}");
        // A contiguous word beats a scattered subsequence.
        let hits = run("docs");
        assert_eq!(hits.first(), Some(&4), "{hits:?}");
        // Message-Ids are searched too.
        assert_eq!(run("1700000200"), vec![5]);
    }

    fn score(hay: &str, pattern: &str) -> Option<i64> {
        field_score(
            hay.as_bytes(),
            hay.to_ascii_lowercase().as_bytes(),
            pattern.as_bytes(),
        )
    }

    #[test]
    fn one_character_prefers_word_starts_and_early_positions() {
        assert!(score("free the ring", "f") > score("net: free", "f"));
        assert!(score("net: free", "f") > score("buffer", "f"));
        assert!(score("fooBar", "b") > score("foobar", "b"));
        assert_eq!(score("abc", "x"), None);
        assert!(score("aBc", "b").is_some());
    }

    #[test]
    fn contiguous_and_word_start_matches_beat_scattered_ones() {
        // The greedy window would take f(ix) r(ing) e e; the contiguous word wins.
        assert!(score("fix ring, see free", "free") > score("fix ring, see", "free"));
        assert!(
            score("net: free the ring", "free") > score("net: fix ring use-after-free", "free")
        );
        assert!(score("virtio-net: ring", "vnr") > score("avoid unrelated ring", "vnr"));
        assert_eq!(score("ring", "ringo"), None);
        assert_eq!(score("", "a"), None);
        assert_eq!(score("anything", ""), Some(0));
    }

    #[test]
    fn a_query_never_runs_from_the_subject_into_the_author() {
        // Sample patch 5 is "MAINTAINERS: add ring reviewers" by Grace: "reviewersgrace"
        // only matches across the two fields.
        assert_eq!(run("reviewersgrace"), Vec::<usize>::new());
        assert_eq!(run("reviewers"), vec![5]);
        assert_eq!(run("grace"), vec![5]);
    }

    #[test]
    fn the_byte_scorer_matches_exactly_what_skim_matches() {
        let skim = SkimMatcherV2::default().smart_case();
        let hays = [
            "net: free the ring on error",
            "Documentation: fix typo in virtio-net.rst",
            "hw/arm/virt: Add the GICv5 node",
            "MAINTAINERS: add ring reviewers",
            "Grace Hopper",
            "20240101.1700000200-1-ada@example.org",
        ];
        let patterns = [
            "a", "R", "ring", "fr", "vn", "GIC", "gicv", "mnt", "xyz", "doc", "-1-", "ADD", "e.o",
        ];
        let filter = Filter::default();
        for hay in hays {
            for p in patterns {
                let ours = filter.rank(hay, &hay.to_ascii_lowercase(), &Pattern::new(p));
                assert_eq!(
                    ours.is_some(),
                    skim.fuzzy_match(hay, p).is_some(),
                    "{p:?} in {hay:?}"
                );
            }
        }
    }

    #[test]
    fn non_ascii_queries_fall_back_to_skim() {
        let f = Filter::default();
        let p = Pattern::new("\u{e9}t\u{e9}");
        assert!(
            f.rank("caf\u{e9} \u{e9}t\u{e9}", "caf\u{e9} \u{e9}t\u{e9}", &p)
                .is_some()
        );
        assert!(f.rank("cafe", "cafe", &p).is_none());
    }

    #[test]
    fn highlights_map_back_to_fields() {
        let (queue, f) = sample::small_queue();
        let s = summary::summarise(&queue, &f);
        let filter = Filter::default();
        let h = filter.highlights(&s[2], "free");
        // "net: free the ring on error": f r e e at 5..9.
        assert_eq!(h.title, vec![5, 6, 7, 8]);
        assert!(h.author.is_empty());
        let h = filter.highlights(&s[5], "grace");
        assert_eq!(h.author, vec![0, 1, 2, 3, 4], "{h:?}");
    }
}

#[cfg(test)]
mod summary {
    use crate::patch::Trailer;
    use crate::query::summary::*;
    use crate::tui::sample;
    use std::collections::BTreeMap;

    #[test]
    fn reviews_count_own_reply_and_cover_trailers_once() {
        let (q, f) = sample::small_queue();
        let s = summarise(&q, &f);
        // p1: own Reviewed-by; cover reply Tested-by.
        assert_eq!(
            s[1].reviews,
            Reviews {
                acked: 0,
                reviewed: 1,
                tested: 1
            }
        );
        // p2: reply Acked-by; cover Tested-by.
        assert_eq!(
            s[2].reviews,
            Reviews {
                acked: 1,
                reviewed: 0,
                tested: 1
            }
        );
        // p3: own Acked-by by Linus; Kim's Reviewed-by in a reply names another address, so
        // it is not counted (the desk shows it as a warning to accept); cover Tested-by.
        assert_eq!(
            s[3].reviews,
            Reviews {
                acked: 1,
                reviewed: 0,
                tested: 1
            }
        );
        // A lone patch has none.
        assert_eq!(s[5].reviews, Reviews::default());
    }

    #[test]
    fn recorded_trailers_join_the_counts_once_per_person_and_undo_resets() {
        let (q, f) = sample::small_queue();
        let mut s = summarise(&q, &f);
        let trailer = |key: &str, value: &str| Trailer {
            key: key.into(),
            value: value.into(),
            line: 0,
        };
        let mut recorded = BTreeMap::new();
        // p2 has Linus's Acked-by from a reply: his own recorded ack is not a second one.
        recorded.insert(
            q.patches[2].key.clone(),
            vec![
                trailer("Acked-by", "Linus Torvalds <TORVALDS@example.org>"),
                trailer("Reviewed-by", "Linus Torvalds <torvalds@example.org>"),
            ],
        );
        // p5 had none.
        recorded.insert(
            q.patches[5].key.clone(),
            vec![trailer("Acked-by", "Mae Maintainer <mae@example.org>")],
        );
        with_recorded(&mut s, &q, &recorded);
        assert_eq!(
            s[2].reviews,
            Reviews {
                acked: 1,
                reviewed: 1,
                tested: 1
            }
        );
        assert_eq!(
            s[5].reviews,
            Reviews {
                acked: 1,
                ..Reviews::default()
            }
        );
        assert_eq!(s[1].reviews, s[1].queue_reviews);
        // The desk forgot them (undo): the queue's counts again.
        with_recorded(&mut s, &q, &BTreeMap::new());
        assert_eq!(s[5].reviews, Reviews::default());
        assert_eq!(s[2].reviews, s[2].queue_reviews);
    }

    #[test]
    fn counts_by_severity_and_rules() {
        let (q, f) = sample::small_queue();
        let s = summarise(&q, &f);
        assert_eq!(
            s[2].counts,
            Counts {
                errors: 1,
                warnings: 1,
                infos: 1
            }
        );
        assert_eq!(
            s[4].rules,
            vec![
                "ai-assisted-by".to_string(),
                "ai-generated-text".to_string()
            ]
        );
        assert!(
            Counts {
                errors: 1,
                ..Counts::default()
            }
            .weight()
                > Counts {
                    warnings: 50,
                    ..Counts::default()
                }
                .weight()
        );
    }
}

mod owner_terms {
    use crate::query::{Filter, Mine, Query, owners, summarise};
    use crate::tui::sample;

    #[test]
    fn maintainer_section_and_mine_terms_parse_and_match() {
        let q = Query::parse("mine maintainer:Bo@ section:Block fifo");
        assert!(q.mine);
        assert_eq!(q.maintainers, vec!["bo@"]);
        assert_eq!(q.sections, vec!["block"]);
        assert_eq!(q.fuzzy, "fifo");
        assert!(!Query::parse("fifo").narrows(&Query::parse("fifo mine")));
        let (queue, f) = sample::small_queue();
        let mut s = summarise(&queue, &f);
        // Without a tree, mine is To/Cc; the sample's patches are addressed to nobody here.
        owners::apply(&mut s, &queue, &[], &Mine::new(["nobody@example.org"]));
        assert!(s.iter().all(|x| !x.mine));
        s[2].mine = true;
        s[2].sections_lower = vec!["block layer".into()];
        s[2].people_lower = vec!["bo lock <bo@example.org>".into()];
        let run = |text: &str| -> Vec<usize> {
            Filter::default()
                .run(&s, 0..s.len(), &|_| "new", &Query::parse(text))
                .into_iter()
                .map(|m| m.index)
                .collect()
        };
        assert_eq!(run("mine"), vec![2]);
        assert_eq!(run("maintainer:bo@example"), vec![2]);
        assert_eq!(run("section:block"), vec![2]);
        assert_eq!(run("section:net"), Vec::<usize>::new());
    }
}
