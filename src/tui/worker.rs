//! The desk worker: runs desk effects (saves with their fsync, exports, `apply`, trailer
//! plans) on a thread of their own, so a slow disk or a long `git am` never holds a key
//! press. The event loop [`submit`](Worker::submit)s each effect with a [`Snapshot`] of what
//! it reads; the worker runs them one after another, in the order sent, and sends each result
//! back as [`Incoming::Worked`]. Until it comes back the state lists the effect as in flight
//! ([`AppState::in_flight`]) and the status line says so.
//!
//! Effects run in order, so a decision never overtakes the one before it; [`Worker::finish`]
//! waits for every effect sent, so quitting never loses one. The desk is opened shared
//! ([`crate::triage::desk::Desk::open_shared`]): before each effect, and every
//! [`REFRESH_EVERY`] while idle, the worker reads in what another patchdesk saved meanwhile
//! and sends it as [`Incoming::Desk`] with the desk's notice.

use super::desk_link::{DeskLink, Snapshot};
use super::state::AppState;
use super::update::{Effect, Incoming};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often an idle worker looks whether another patchdesk changed the desk.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

struct Job {
    at: Snapshot,
    effect: Effect,
}

/// The thread that owns the [`DeskLink`].
pub struct Worker {
    jobs: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Moves `link` onto a new thread; results go to `results` (the event loop's channel).
    pub fn spawn(mut link: DeskLink, results: Sender<Incoming>) -> Worker {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("patchdesk-desk".into())
            .spawn(move || {
                let mut last: Option<Snapshot> = None;
                loop {
                    let job = match queue.recv_timeout(REFRESH_EVERY) {
                        Ok(job) => job,
                        // Idle: read in what a `patchdesk` command changed meanwhile.
                        Err(RecvTimeoutError::Timeout) => {
                            if let Some(told) = last.as_ref().and_then(|at| link.refresh(at)) {
                                let _ = results.send(told);
                            }
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return,
                    };
                    // Plans and exports read the decisions: bring them up to date first.
                    if let Some(told) = link.refresh(&job.at) {
                        let _ = results.send(told);
                    }
                    let result = link.execute(&job.at, &job.effect).map(Box::new);
                    // Once the desk has closed nobody reads the result, but every effect
                    // sent still runs: quitting never drops a decision.
                    let _ = results.send(Incoming::Worked(result));
                    last = Some(job.at);
                }
            })
            .ok();
        Worker {
            jobs: thread.is_some().then_some(jobs),
            thread,
        }
    }

    /// Sends `effect` to the worker over the state as it is now, and marks it in flight.
    /// False when the worker is gone (it could not start, or it panicked).
    pub fn submit(&self, state: &mut AppState, effect: Effect) -> bool {
        let Some(jobs) = &self.jobs else {
            return false;
        };
        let label = in_flight_label(&effect);
        let job = Job {
            at: Snapshot::of(state),
            effect,
        };
        if jobs.send(job).is_err() {
            return false;
        }
        state.in_flight.push_back(label.to_string());
        state.dirty = true;
        true
    }

    /// Waits until every effect sent has run (their results still go to the channel).
    pub fn finish(mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the status line says while `effect` runs.
fn in_flight_label(effect: &Effect) -> &'static str {
    match effect {
        Effect::OpenDesk => "opening the desk",
        Effect::PlanTrailer(_) => "planning the trailer",
        Effect::PreviewExport(_) => "preparing the preview",
        Effect::RunExport(ask) if ask.kind == super::update::ExportKind::Apply => "applying",
        Effect::RunExport(_) => "exporting",
        _ => "saving",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::headless;
    use crate::tui::sample;
    use crate::tui::update::{handle_key, receive};

    fn state() -> AppState {
        sample::small_state()
    }

    fn key(state: &mut AppState, worker: &Worker, keys: &str) {
        for k in headless::parse_script(keys).unwrap() {
            for effect in handle_key(state, k) {
                assert!(worker.submit(state, effect));
            }
        }
    }

    /// Takes results until nothing is in flight, feeding back the effects they cause.
    fn settle(state: &mut AppState, worker: &Worker, rx: &mpsc::Receiver<Incoming>) {
        while !state.in_flight.is_empty() {
            let got = rx.recv_timeout(Duration::from_secs(10)).expect("a result");
            for effect in receive(state, got) {
                assert!(worker.submit(state, effect));
            }
        }
    }

    #[test]
    fn a_slow_save_does_not_hold_the_keys_and_lands_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let link = DeskLink::new(Some(dir.path().to_path_buf()), None)
            .with_save_delay(Duration::from_millis(400));
        let (tx, rx) = mpsc::channel();
        let worker = Worker::spawn(link, tx);
        let mut s = state();
        receive(&mut s, Incoming::Resize(100, 30));
        assert!(worker.submit(&mut s, Effect::OpenDesk));
        settle(&mut s, &worker, &rx);
        let first = s.list.selected;
        // Mark the selected patch, then move on while the save sleeps.
        key(&mut s, &worker, "jSjjj<enter>");
        let marked = s.list.selected;
        let asked = std::time::Instant::now();
        key(&mut s, &worker, "jj");
        assert!(
            asked.elapsed() < Duration::from_millis(200),
            "keys waited for the save"
        );
        assert!(
            s.list.selected > marked,
            "{first} {marked} {}",
            s.list.selected
        );
        assert_eq!(s.in_flight.front().map(String::as_str), Some("saving"));
        let screen = headless::plain(&headless::draw(&s, (100, 30)).unwrap());
        assert!(screen.contains("saving…"), "{screen}");
        let key_of = |s: &AppState, p: usize| s.queue.patches[p].key.clone();
        let patch = s.list.patch_of(s.list.rows[marked]).expect("a patch row");
        assert!(!s.statuses.contains_key(&key_of(&s, patch)));
        settle(&mut s, &worker, &rx);
        assert!(
            s.statuses.contains_key(&key_of(&s, patch)),
            "{:?}",
            s.statuses
        );
        let screen = headless::plain(&headless::draw(&s, (100, 30)).unwrap());
        assert!(!screen.contains("saving…"), "{screen}");
        worker.finish();
    }

    #[test]
    fn finishing_waits_for_every_effect_sent() {
        let dir = tempfile::tempdir().unwrap();
        let link = DeskLink::new(Some(dir.path().to_path_buf()), None)
            .with_save_delay(Duration::from_millis(150));
        let (tx, rx) = mpsc::channel();
        let worker = Worker::spawn(link, tx);
        let mut s = state();
        assert!(worker.submit(&mut s, Effect::OpenDesk));
        settle(&mut s, &worker, &rx);
        key(&mut s, &worker, "jSjjj<enter>jSjjj<enter>");
        let sent = s.in_flight.len();
        assert!(sent >= 2, "{sent}");
        worker.finish();
        let mut results = 0;
        while let Ok(got) = rx.try_recv() {
            assert!(matches!(got, Incoming::Worked(Some(_))));
            results += 1;
        }
        assert_eq!(results, sent);
        // And the decisions are on disk: a new desk over the same data dir has them.
        let mut again = DeskLink::new(Some(dir.path().to_path_buf()), None);
        let Some(Incoming::Desk { view, .. }) = again.open(&Snapshot::of(&s)) else {
            panic!("the desk did not open");
        };
        assert_eq!(view.statuses.len(), 2, "{:?}", view.statuses);
    }

    #[test]
    fn an_idle_desk_reads_in_what_a_command_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let worker = Worker::spawn(DeskLink::new(Some(dir.path().to_path_buf()), None), tx);
        let mut s = state();
        assert!(worker.submit(&mut s, Effect::OpenDesk));
        settle(&mut s, &worker, &rx);
        // `patchdesk status` in another terminal: the waiting, locking open.
        let mut command = crate::triage::desk::Desk::open_waiting(dir.path(), &s.queue).unwrap();
        command
            .set_status(&s.queue, 1, crate::triage::status::Status::Rejected)
            .unwrap();
        command.save().unwrap();
        drop(command);
        let got = rx
            .recv_timeout(REFRESH_EVERY * 3)
            .expect("the desk reads the change in");
        receive(&mut s, got);
        assert_eq!(s.status_of(1), "rejected");
        let told = s.message.clone().unwrap_or_default();
        assert!(told.contains("another patchdesk changed"), "{told}");
        worker.finish();
    }
}
