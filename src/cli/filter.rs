//! `--filter QUERY` of `list` and `check`: the desk's query language, parsed and matched by
//! the same code ([`crate::query`]) over the same summaries, so a query keeps the patches the
//! desk's filter would show. Statuses are read from the desk's state only when the query asks
//! for `status:`; "mine" is the identity's email and `[maintainers] mine` of the config.

use crate::Result;
use crate::maintainers::{Lookup, Maintainers};
use crate::policy::Finding;
use crate::query::{Filter, Mine, Query, owners, summarise};
use crate::queue::Queue;
use crate::revisions::{Versions, stale};

/// The maintainer's own addresses: the identity (config, else git config here) and the
/// config's `[maintainers] mine`.
pub fn mine() -> Result<Mine> {
    let config = crate::triage::config::load_default()?;
    Ok(mine_of(&config, identity_here(&config).as_ref()))
}

/// The identity the trailers name, from the config, else git config here.
pub fn identity_here(config: &crate::triage::config::DeskConfig) -> Option<crate::mail::Address> {
    let configured = config.identity();
    crate::triage::identity::find(configured.as_ref(), Some(std::path::Path::new(".")))
        .ok()
        .map(|i| i.address)
}

/// [`mine`] from a config and identity already read.
pub fn mine_of(
    config: &crate::triage::config::DeskConfig,
    identity: Option<&crate::mail::Address>,
) -> Mine {
    Mine::new(
        identity
            .map(|a| a.email.as_str())
            .into_iter()
            .chain(config.maintainers.mine.iter().map(String::as_str)),
    )
}

/// The queue's findings under `profile`, with the MAINTAINERS rule when a tree is known and
/// the stale reviews across versions, and each patch's sections and people (empty without
/// a tree).
pub fn check_owned(
    queue: &Queue,
    profile: &crate::policy::profile::Profile,
    maintainers: Option<&Maintainers>,
) -> (Vec<Vec<Finding>>, Vec<Lookup>) {
    let (findings, owners, _) = check_versions(queue, profile, maintainers);
    (findings, owners)
}

/// [`check_owned`] with the versions of every series, their findings carried.
pub fn check_versions(
    queue: &Queue,
    profile: &crate::policy::profile::Profile,
    maintainers: Option<&Maintainers>,
) -> (Vec<Vec<Finding>>, Vec<Lookup>, Versions) {
    let owners: Vec<Lookup> = maintainers
        .map(|m| owners::owners_of(queue, m))
        .unwrap_or_default();
    let mut findings = crate::policy::check_queue_owned(queue, profile, &owners);
    let families = crate::revisions::link(queue);
    if families.previous.iter().all(Option::is_none) {
        let versions = Versions::build(queue, families, &findings);
        return (findings, owners, versions);
    }
    let mut versions = Versions::build(queue, families, &[]);
    add_stale(queue, &versions, profile, &mut findings);
    versions.carry_findings(queue, &findings);
    (findings, owners, versions)
}

/// [`check_versions`] with the archive of reviewed patches (`archive`, from
/// `triage::archive::beside`) beside the queue, so that a series' earlier version reviewed
/// from another source is compared too; the queue comes back as it was.
pub fn check_versions_beside(
    queue: &mut Queue,
    profile: &crate::policy::profile::Profile,
    maintainers: Option<&Maintainers>,
    archive: Option<Queue>,
) -> (Vec<Vec<Finding>>, Vec<Lookup>, Versions) {
    let Some(archive) = archive else {
        return check_versions(queue, profile, maintainers);
    };
    let owners: Vec<Lookup> = maintainers
        .map(|m| owners::owners_of(queue, m))
        .unwrap_or_default();
    let mut findings = crate::policy::check_queue_owned(queue, profile, &owners);
    let archive_findings = crate::policy::check_queue(&archive, profile);
    let versions = crate::revisions::older::versions_with(
        queue,
        &mut findings,
        archive,
        archive_findings,
        |queue, versions, findings| add_stale(queue, versions, profile, findings),
    );
    (findings, owners, versions)
}

/// Adds the stale-review findings (reviews given in replies to an earlier version that no
/// longer cover the newer one) when the profile has the rule.
fn add_stale(
    queue: &Queue,
    versions: &Versions,
    profile: &crate::policy::profile::Profile,
    findings: &mut [Vec<Finding>],
) {
    if profile.severity(stale::RULE).is_some() {
        let replies = crate::triage::replies::collect(queue);
        let given = |patch: usize| given_in_replies(&replies, patch);
        stale::add(queue, versions, profile, findings, &given);
    }
}

/// The review trailer lines (`Acked-by: Name <addr>`) given in replies to a patch.
pub fn given_in_replies(replies: &crate::triage::replies::Collected, patch: usize) -> Vec<String> {
    replies
        .for_patch(patch)
        .filter(|t| stale::is_review_key(&t.key))
        .map(|t| format!("{}: {}", t.key, t.value))
        .collect()
}

/// Which patches of `queue` the query keeps, indexed like `queue.patches`.
pub fn keep(
    queue: &Queue,
    findings: &[Vec<Finding>],
    owners: &[Lookup],
    text: &str,
) -> Result<Vec<bool>> {
    let query = Query::parse(text);
    let mine = if query.mine { mine()? } else { Mine::default() };
    let mut summaries = summarise(queue, findings);
    owners::apply(&mut summaries, queue, owners, &mine);
    let statuses: Vec<String> = if query.statuses.is_empty() {
        Vec::new()
    } else {
        statuses(queue)?
    };
    let status = |i: usize| statuses.get(i).map_or("new", String::as_str);
    let mut kept = vec![query.is_empty(); queue.patches.len()];
    if !query.is_empty() {
        let matches = Filter::default().run(&summaries, 0..summaries.len(), &status, &query);
        for m in matches {
            kept[m.index] = true;
        }
    }
    Ok(kept)
}

/// Each patch's status as the desk's filter reads it (`new` without a desk).
fn statuses(queue: &Queue) -> Result<Vec<String>> {
    let Ok(dir) = crate::triage::store::default_data_dir() else {
        return Ok(vec!["new".into(); queue.patches.len()]);
    };
    let desk = crate::triage::desk::Desk::open_shared(&dir, queue)?;
    let map = desk.statuses(queue);
    Ok(queue
        .patches
        .iter()
        .map(|p| map.get(&p.key).map_or("new".into(), |s| s.to_string()))
        .collect())
}
