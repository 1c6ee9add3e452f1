//! A short-lived, per-process cache of the session lookup (the token's user and its
//! revocation state), so that a client sending many requests with one token costs one
//! database round trip per `ttl` instead of one per request.
//!
//! The staleness is bounded by `ttl` (`AUTH_SESSION_CACHE_MS`): an entry is served only while
//! younger than that, counted from before the lookup that filled it. So a token revoked, or a
//! user changed or deleted, through another instance stops being honoured (or is seen
//! changed) here within `ttl`; through this instance at once, since logout and profile updates
//! drop the entries they affect. A `ttl` of zero turns the cache off. Revoked tokens and
//! unknown users are never cached: a refusal always comes from the database.
//!
//! The signature and expiry of the token are checked on every request, cached or not.
//! The cache holds at most [`MAX_ENTRIES`] sessions; when full it first drops expired ones, and
//! when they are all fresh it does not take more (those requests read the database).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::model::{User, UserId};

/// Most sessions held at once: bounds the memory (a few hundred bytes each) whatever the
/// number of tokens presented within one `ttl`.
pub const MAX_ENTRIES: usize = 10_000;

struct Entry {
    user: User,
    /// When the lookup that filled it started.
    read_at: Instant,
}

pub(crate) struct SessionCache {
    ttl: Duration,
    max_entries: usize,
    /// By token id.
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self::with_capacity(ttl, MAX_ENTRIES)
    }

    fn with_capacity(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            entries: Mutex::default(),
        }
    }

    fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh(&self, entry: &Entry, now: Instant) -> bool {
        now.saturating_duration_since(entry.read_at) < self.ttl
    }

    /// The cached user of token `jti`, if it was read less than `ttl` before `now` and
    /// belongs to `user`.
    pub(crate) fn get(&self, jti: &str, user: UserId, now: Instant) -> Option<User> {
        if !self.enabled() {
            return None;
        }
        let entries = self.lock();
        let entry = entries.get(jti)?;
        (entry.user.id == user && self.fresh(entry, now)).then(|| entry.user.clone())
    }

    /// Remembers that token `jti` was valid for `user` at `read_at`, the moment before the
    /// lookup that said so.
    pub(crate) fn put(&self, jti: &str, user: &User, read_at: Instant) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= self.max_entries && !entries.contains_key(jti) {
            entries.retain(|_, e| read_at.saturating_duration_since(e.read_at) < self.ttl);
            if entries.len() >= self.max_entries {
                return;
            }
        }
        entries.insert(
            jti.to_owned(),
            Entry {
                user: user.clone(),
                read_at,
            },
        );
    }

    /// Drops token `jti` (it was revoked here).
    pub(crate) fn forget_token(&self, jti: &str) {
        if self.enabled() {
            self.lock().remove(jti);
        }
    }

    /// Drops every session of `user` (it changed here).
    pub(crate) fn forget_user(&self, user: UserId) {
        if self.enabled() {
            self.lock().retain(|_, e| e.user.id != user);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::model::Profile;

    fn user() -> User {
        User {
            id: UserId::new(),
            email: Some("a@example.test".into()),
            email_verified: true,
            display_name: None,
            first_name: None,
            last_name: None,
            avatar_url: None,
            profile: Profile::default(),
            last_provider: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            sessions_valid_after: None,
        }
    }

    const TTL: Duration = Duration::from_millis(1000);

    #[test]
    fn serves_an_entry_only_while_younger_than_the_ttl() {
        let cache = SessionCache::new(TTL);
        let (u, t0) = (user(), Instant::now());
        assert!(cache.get("j", u.id, t0).is_none());
        cache.put("j", &u, t0);
        assert_eq!(cache.get("j", u.id, t0).map(|c| c.id), Some(u.id));
        let almost = t0 + TTL - Duration::from_millis(1);
        assert!(cache.get("j", u.id, almost).is_some());
        assert!(cache.get("j", u.id, t0 + TTL).is_none(), "stale at the ttl");
    }

    #[test]
    fn an_entry_answers_only_for_its_own_user() {
        let cache = SessionCache::new(TTL);
        let (u, now) = (user(), Instant::now());
        cache.put("j", &u, now);
        assert!(cache.get("j", UserId::new(), now).is_none());
    }

    #[test]
    fn a_zero_ttl_turns_the_cache_off() {
        let cache = SessionCache::new(Duration::ZERO);
        let (u, now) = (user(), Instant::now());
        cache.put("j", &u, now);
        assert!(cache.get("j", u.id, now).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn forgetting_drops_the_token_or_every_session_of_the_user() {
        let cache = SessionCache::new(TTL);
        let (a, b, now) = (user(), user(), Instant::now());
        cache.put("a1", &a, now);
        cache.put("a2", &a, now);
        cache.put("b1", &b, now);
        cache.forget_token("a1");
        assert!(cache.get("a1", a.id, now).is_none());
        assert!(cache.get("a2", a.id, now).is_some());
        cache.forget_user(a.id);
        assert!(cache.get("a2", a.id, now).is_none());
        assert!(cache.get("b1", b.id, now).is_some());
    }

    #[test]
    fn a_full_cache_drops_expired_entries_and_never_grows_past_its_bound() {
        let cache = SessionCache::with_capacity(TTL, 2);
        let (u, t0) = (user(), Instant::now());
        cache.put("old", &u, t0);
        cache.put("new", &u, t0 + TTL / 2);
        // Full of fresh entries: the third is not taken.
        cache.put("third", &u, t0 + TTL / 2);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("third", u.id, t0 + TTL / 2).is_none());
        // "old" has expired by now: it makes room.
        let later = t0 + TTL + Duration::from_millis(1);
        cache.put("fourth", &u, later);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("fourth", u.id, later).is_some());
        assert!(cache.get("new", u.id, later).is_some());
        // Refreshing a key already held is always allowed.
        cache.put("new", &u, later);
        assert_eq!(cache.len(), 2);
    }
}
