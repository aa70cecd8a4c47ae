//! A read cache of profile owners, so that viewing a profile costs no
//! database query in the steady state.
//!
//! An entry is everything a profile can show about one member, as
//! [`crate::profiles::load_owner`] reads it: every field and the history, and
//! the first page of each follow list as someone signed out may see it (a
//! signed-in viewer's pages are read for them). The cache decides nothing
//! about who sees what: every answer is still cut per viewer by
//! [`crate::visibility::visible_profile`]. Members that do
//! not exist are never cached, so looking up made-up names grows nothing.
//!
//! # Invalidation
//!
//! One generation counter covers the whole cache. A reader takes the
//! generation *before* it queries the database and tags its entry with it; a
//! lookup accepts only an entry tagged with the current generation. Every
//! write to profile data bumps the generation *after* its transaction
//! committed: [`invalidate_after_writes`] does so for every API request whose
//! method is not GET, HEAD or OPTIONS, once the handler has finished.
//!
//! That order is what makes it safe. Take a write that commits and then
//! bumps, and a reader that takes the generation and then queries:
//!
//! - if the reader took the generation before the bump, its entry carries an
//!   older generation and is refused from the moment of the bump on, whatever
//!   its queries saw;
//! - if the reader took the generation after the bump, the bump happened
//!   after the commit (acquire/release on the counter), so its queries start
//!   after the commit and see the write.
//!
//! So no entry made from rows older than a write outlives that write's bump,
//! and since the bump happens before the writer's response is sent, whoever
//! made a change sees it on their next request. Bumping before committing, or
//! reading the generation after querying, would let an entry built from
//! pre-write rows carry the post-write generation and be served until the
//! next write.
//!
//! A write this process does not make (a command-line tool, someone at the
//! `sqlite3` prompt) cannot bump the counter, so entries also expire
//! [`MAX_AGE`] after they were read: such a write shows within that time.
//! On PostgreSQL, where several replicas write, the cache is
//! [`ProfileCache::disabled`]: a privacy setting changed through one replica
//! must hold on every other at once, not within a second.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::visibility::ProfileOwner;

/// At most this many members are cached at once.
pub const MAX_ENTRIES: usize = 4096;
/// And at most about this many bytes of profile data (a member with long
/// lists weighs far more than one without).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// How long an entry is trusted without a write this process has seen.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// A member as the cache holds them.
#[derive(Debug)]
pub struct CachedOwner {
    pub user_id: i64,
    /// Loaded with the history, and the first page of each follow list as
    /// someone signed out sees it: `load_owner(db, user_id, true, None)`.
    pub owner: ProfileOwner,
}

/// The cache generation a reader saw before it queried the database; the
/// only way to [`ProfileCache::insert`] an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

/// Profile owners by username key (`accounts::key`).
pub struct ProfileCache {
    generation: AtomicU64,
    entries: RwLock<Entries>,
    max_entries: usize,
    max_bytes: usize,
    max_age: Duration,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    /// Sum of the entries' weights.
    bytes: usize,
}

struct Entry {
    generation: u64,
    read_at: Instant,
    bytes: usize,
    value: Arc<CachedOwner>,
}

impl Default for ProfileCache {
    fn default() -> Self {
        ProfileCache::new(MAX_ENTRIES, MAX_BYTES, MAX_AGE)
    }
}

impl ProfileCache {
    pub fn new(max_entries: usize, max_bytes: usize, max_age: Duration) -> Self {
        ProfileCache {
            generation: AtomicU64::new(0),
            entries: RwLock::default(),
            max_entries,
            max_bytes,
            max_age,
        }
    }

    /// A cache that keeps nothing, for several replicas on one PostgreSQL
    /// database: another replica's write could not bump this one's
    /// generation, and even a short window would show a field its owner has
    /// just hidden. Every view then reads the database.
    pub fn disabled() -> Self {
        ProfileCache::new(0, 0, Duration::ZERO)
    }

    /// Whether this cache keeps anything.
    pub fn enabled(&self) -> bool {
        self.max_entries > 0
    }

    /// The current generation. Take it *before* querying for an entry.
    pub fn generation(&self) -> Generation {
        Generation(self.generation.load(Ordering::Acquire))
    }

    /// Makes every entry read so far stale. Call it only *after* the write's
    /// transaction committed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The entry for `key`, if it was read in the current generation and is
    /// young enough.
    pub fn get(&self, key: &str) -> Option<Arc<CachedOwner>> {
        let current = self.generation.load(Ordering::Acquire);
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.map.get(key)?;
        (entry.generation == current && entry.read_at.elapsed() < self.max_age).then(|| entry.value.clone())
    }

    /// Keeps `owner`, read from the database after `read_in` was taken, and
    /// hands it back. An entry from a past generation is not kept: it is
    /// stale already.
    pub fn insert(&self, key: String, read_in: Generation, owner: CachedOwner) -> Arc<CachedOwner> {
        let value = Arc::new(owner);
        let bytes = weight(&key, &value.owner);
        if !self.enabled() || bytes > self.max_bytes {
            return value;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let current = self.generation.load(Ordering::Acquire);
        if read_in.0 != current {
            return value;
        }
        if let Some(old) = entries.map.remove(&key) {
            entries.bytes -= old.bytes;
        }
        if entries.map.len() >= self.max_entries || entries.bytes + bytes > self.max_bytes {
            // Full: first drop what no lookup would accept any more, then, if
            // that is not enough, everything.
            let max_age = self.max_age;
            entries.map.retain(|_, e| e.generation == current && e.read_at.elapsed() < max_age);
            entries.bytes = entries.map.values().map(|e| e.bytes).sum();
            if entries.map.len() >= self.max_entries || entries.bytes + bytes > self.max_bytes {
                entries.map.clear();
                entries.bytes = 0;
            }
        }
        entries.bytes += bytes;
        let entry = Entry { generation: current, read_at: Instant::now(), bytes, value: value.clone() };
        entries.map.insert(key, entry);
        value
    }

    /// How many entries are held (current or not).
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Roughly the bytes an entry holds.
fn weight(key: &str, o: &ProfileOwner) -> usize {
    const STRING: usize = std::mem::size_of::<String>();
    let text = [&o.username, &o.display_name, &o.location, &o.about, &o.gender];
    std::mem::size_of::<Entry>()
        + std::mem::size_of::<CachedOwner>()
        + key.len()
        + text.iter().map(|s| s.len()).sum::<usize>()
        + o.favourite_genres.iter().chain(&o.followers.members).chain(&o.following.members).map(|s| STRING + s.len()).sum::<usize>()
        + o.history.iter().map(|h| std::mem::size_of_val(h) + h.title.len() + h.watched_on.len()).sum::<usize>()
}

/// Middleware for the `/api` router: after any request that may write (every
/// method but GET, HEAD and OPTIONS) the cache generation is bumped, whether
/// the request succeeded, failed or panicked. The request runs in its own
/// task, so a client that hangs up cannot cancel it between its commit and
/// the bump.
pub async fn invalidate_after_writes(State(cache): State<Arc<ProfileCache>>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // A task of its own, which keeps the request's language (a task-local).
    let lang = crate::i18n::request_lang();
    let task = tokio::spawn(
        crate::i18n::scope(lang, async move {
            let _bump = BumpOnDrop(cache);
            next.run(req).await
        })
        .in_current_span(),
    );
    match task.await {
        Ok(response) => response,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Cancelled: the runtime is shutting down.
        Err(e) => crate::error::Error::Internal(e.into()).into_response(),
    }
}

/// Bumps the generation when dropped: after the request's handler returned,
/// or while it unwinds.
struct BumpOnDrop(Arc<ProfileCache>);

impl Drop for BumpOnDrop {
    fn drop(&mut self) {
        self.0.invalidate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(user_id: i64, username: &str) -> CachedOwner {
        CachedOwner { user_id, owner: ProfileOwner { username: username.into(), ..ProfileOwner::default() } }
    }

    fn cache(max_entries: usize) -> ProfileCache {
        ProfileCache::new(max_entries, MAX_BYTES, Duration::from_secs(3600))
    }

    #[test]
    fn an_entry_is_served_until_the_next_write() {
        let cache = cache(8);
        assert!(cache.get("ana").is_none());
        let g = cache.generation();
        cache.insert("ana".into(), g, owner(1, "ana"));
        assert_eq!(cache.get("ana").map(|o| o.user_id), Some(1));
        assert_eq!(cache.get("ana").unwrap().owner.username, "ana");
        cache.invalidate();
        assert!(cache.get("ana").is_none(), "a write makes every earlier entry stale");
        // Read again after the write: served again.
        cache.insert("ana".into(), cache.generation(), owner(1, "ana"));
        assert!(cache.get("ana").is_some());
    }

    /// A reader took the generation, a write committed and bumped while the
    /// reader was still querying: what it read may predate the write, so it
    /// must not be served, whether it arrives before or after the next reader.
    #[test]
    fn an_entry_read_before_a_write_is_never_served_after_it() {
        let cache = cache(8);
        let before = cache.generation();
        cache.invalidate();
        let stale = cache.insert("ana".into(), before, owner(1, "ana (old)"));
        assert_eq!(stale.owner.username, "ana (old)", "the reader still gets what it read");
        assert!(cache.get("ana").is_none());
        assert_eq!(cache.len(), 0, "and nothing is kept");

        let after = cache.generation();
        cache.insert("ana".into(), after, owner(1, "ana (new)"));
        cache.insert("ana".into(), before, owner(1, "ana (old)"));
        assert_eq!(cache.get("ana").unwrap().owner.username, "ana (new)", "a late stale reader does not replace it");
    }

    #[test]
    fn entries_expire() {
        let cache = ProfileCache::new(8, MAX_BYTES, Duration::from_millis(20));
        cache.insert("ana".into(), cache.generation(), owner(1, "ana"));
        assert!(cache.get("ana").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get("ana").is_none(), "a write by another process shows within the maximum age");
    }

    #[test]
    fn the_number_of_entries_stays_bounded() {
        let cache = cache(4);
        for i in 0..100 {
            cache.insert(format!("m{i}"), cache.generation(), owner(i, &format!("m{i}")));
            assert!(cache.len() <= 4, "{} entries", cache.len());
        }
        assert!(cache.get("m99").is_some(), "the newest entry is kept");
        // Stale entries go first when the cache is full.
        let cache = self::cache(4);
        for i in 0..3 {
            cache.insert(format!("old{i}"), cache.generation(), owner(i, "old"));
        }
        cache.invalidate();
        for i in 0..4 {
            cache.insert(format!("new{i}"), cache.generation(), owner(i, "new"));
        }
        assert_eq!(cache.len(), 4);
        assert!((0..4).all(|i| cache.get(&format!("new{i}")).is_some()));
    }

    #[test]
    fn the_bytes_held_stay_bounded() {
        let big = |i: i64| {
            let mut o = owner(i, "big");
            o.owner.about = "x".repeat(1000);
            o
        };
        let one = weight("k0", &big(0).owner);
        let cache = ProfileCache::new(1000, one * 3, Duration::from_secs(3600));
        for i in 0..20 {
            cache.insert(format!("k{i}"), cache.generation(), big(i));
            assert!(cache.entries.read().unwrap().bytes <= one * 3);
            assert!(cache.len() <= 3);
        }
        // What could never fit is not kept at all.
        let tiny = ProfileCache::new(1000, 100, Duration::from_secs(3600));
        tiny.insert("k".into(), tiny.generation(), big(1));
        assert!(tiny.is_empty());
    }
}
