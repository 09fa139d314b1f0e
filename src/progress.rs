//! Progress of a long load (a large source read cold), reported to whoever watches it on
//! this thread: the desk's loader, which shows the count read and lists the patches built so
//! far while the rest are read. Reading a source goes through several layers (cache, source
//! kinds, mail decoding, patch building); a watcher set here spares each of them a callback
//! parameter. With no watcher nothing is reported and the load runs in one parallel pass
//! per stage, as before; with one, each stage runs in batches and reports after each.
//!
//! It sits below every layer that reads (it names no other module), so what a stage has
//! built so far is handed over type-erased ([`Event::Built`]): the patch stage hands its
//! `Vec<Patch>`, and the desk takes it back as one.

use std::any::Any;
use std::cell::RefCell;

/// How many messages a watched stage works on between two reports.
pub const BATCH: usize = 4096;

/// What a watched load reports.
pub enum Event<'a> {
    /// `done` of the `total` messages of the source are decoded.
    Read { done: usize, total: usize },
    /// What is built so far, in the source's order (of `total` messages): the patch stage's
    /// `Vec<Patch>`.
    Built { so_far: &'a dyn Any, total: usize },
}

type Watcher = Box<dyn FnMut(&Event<'_>)>;

thread_local! {
    static WATCHER: RefCell<Option<Watcher>> = const { RefCell::new(None) };
}

/// Runs `work` with `watcher` told of its progress (on this thread), then removes it.
pub fn watching<R>(watcher: impl FnMut(&Event<'_>) + 'static, work: impl FnOnce() -> R) -> R {
    with_watcher(Some(Box::new(watcher)), work)
}

/// Runs `work` unwatched (a part of a load whose progress would mislead: the new tail of a
/// cached source is not the queue), then puts the watcher back.
pub fn unwatched<R>(work: impl FnOnce() -> R) -> R {
    with_watcher(None, work)
}

fn with_watcher<R>(watcher: Option<Watcher>, work: impl FnOnce() -> R) -> R {
    struct Restore(Option<Watcher>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            WATCHER.with(|w| *w.borrow_mut() = before);
        }
    }
    let before = WATCHER.with(|w| std::mem::replace(&mut *w.borrow_mut(), watcher));
    // Restored even when `work` panics.
    let _restore = Restore(before);
    work()
}

/// Someone watches this thread's load: a stage should work in batches and report. (Asked
/// from inside the watcher itself: no.)
pub fn watched() -> bool {
    WATCHER.with(|w| w.try_borrow().is_ok_and(|w| w.is_some()))
}

/// Tells the watcher, if any. (A report made from inside the watcher is dropped.)
pub fn report(event: &Event<'_>) {
    WATCHER.with(|w| {
        if let Ok(mut watcher) = w.try_borrow_mut()
            && let Some(watcher) = watcher.as_mut()
        {
            watcher(event);
        }
    });
}

/// Maps `items` through `f` in parallel, in order: in one pass when no one watches, else
/// [`BATCH`] at a time, calling `after` with the results so far after each batch.
pub fn map_batched<T: Send, U: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> U + Sync + Send,
    mut after: impl FnMut(&Vec<U>),
) -> Vec<U> {
    use rayon::prelude::*;
    if !watched() {
        return items.into_par_iter().map(f).collect();
    }
    let mut out = Vec::with_capacity(items.len());
    let mut items = items.into_iter();
    loop {
        // Taken from the front without shifting the rest.
        let batch: Vec<T> = items.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        out.par_extend(batch.into_par_iter().map(&f));
        after(&out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_watched_map_reports_after_each_batch_and_gives_what_one_pass_gives() {
        let items: Vec<usize> = (0..BATCH * 2 + 5).collect();
        let plain = map_batched(items.clone(), |n| n * 3, |_| panic!("nobody watches"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let watched_out = watching(
            move |e| {
                if let Event::Read { done, total } = e {
                    sink.lock().unwrap().push((*done, *total));
                }
            },
            || {
                assert!(watched());
                map_batched(
                    items.clone(),
                    |n| n * 3,
                    |so_far| {
                        report(&Event::Read {
                            done: so_far.len(),
                            total: items.len(),
                        })
                    },
                )
            },
        );
        assert_eq!(watched_out, plain);
        assert_eq!(plain[7], 21);
        let total = BATCH * 2 + 5;
        assert_eq!(
            *seen.lock().unwrap(),
            [(BATCH, total), (BATCH * 2, total), (total, total)]
        );
        assert!(!watched(), "the watcher is gone after the work");
    }

    #[test]
    fn the_watcher_is_removed_even_when_the_work_panics() {
        let result = std::panic::catch_unwind(|| watching(|_| (), || panic!("boom")));
        assert!(result.is_err());
        assert!(!watched());
        report(&Event::Read { done: 1, total: 1 });
    }

    #[test]
    fn work_done_unwatched_reports_nothing_and_the_watcher_comes_back() {
        let seen = std::rc::Rc::new(std::cell::Cell::new(0));
        let count = Arc::new(Mutex::new(0));
        let sink = Arc::clone(&count);
        watching(
            move |_| *sink.lock().unwrap() += 1,
            || {
                unwatched(|| {
                    assert!(!watched());
                    report(&Event::Read { done: 1, total: 1 });
                });
                assert!(watched());
                report(&Event::Read { done: 2, total: 2 });
                seen.set(1);
            },
        );
        assert_eq!(seen.get(), 1);
        assert_eq!(*count.lock().unwrap(), 1, "only the watched report");
    }
}
