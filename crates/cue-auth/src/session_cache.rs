//! A short-lived, per-process cache of a token's check: its verified claims, its user and its
//! revocation state, so that a client sending many requests with one token costs one
//! signature check and one database round trip per `ttl` instead of one per request.
//!
//! The staleness is bounded by `ttl` (`AUTH_SESSION_CACHE_MS`): an entry is served only while
//! younger than that, counted from before the lookup that filled it. So a token revoked, or a
//! user changed or deleted, through another instance stops being honoured (or is seen
//! changed) here within `ttl`; through this instance at once, since logout and profile updates
//! drop the entries they affect. A `ttl` of zero turns the cache off. Revoked tokens, unknown
//! users and tokens that fail verification are never cached: a refusal always comes from the
//! signature check or the database.
//!
//! Entries are keyed by the token's exact text and filled only after [`TokenCodec::verify`]
//! accepted that text, so a hit stands for a signature check of the same bytes with the same
//! process-wide key: its outcome cannot differ, and only the time-dependent claims can. `nbf`
//! was passed already and stays passed; `exp` is checked again on every hit, more strictly than
//! the verification does (no leeway): a token is served from the cache only before its `exp`,
//! and after that every request goes through the full check, which refuses it.
//!
//! The cache holds at most [`MAX_ENTRIES`] sessions; when full it first drops expired ones, and
//! when they are all fresh it does not take more (those requests are checked in full).
//!
//! [`TokenCodec::verify`]: crate::jwt::TokenCodec::verify

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::jwt::VerifiedToken;
use crate::model::{User, UserId};

/// Most sessions held at once: bounds the memory (under a kilobyte each: the token's text,
/// its claims and the user) whatever the number of tokens presented within one `ttl`.
pub const MAX_ENTRIES: usize = 10_000;

struct Entry {
    token: VerifiedToken,
    user: User,
    /// When the lookup that filled it started.
    read_at: Instant,
}

/// What a hit gives: the token as verification gave it, and its user as last read.
pub(crate) struct Session {
    pub(crate) token: VerifiedToken,
    pub(crate) user: User,
}

pub(crate) struct SessionCache {
    ttl: Duration,
    max_entries: usize,
    /// By the token's exact text.
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

    /// The cached session of the token whose text is `token`, if it was read less than `ttl`
    /// before `now` and the token's `exp` is still after `wall` (the clock its claims use).
    pub(crate) fn get(&self, token: &str, now: Instant, wall: DateTime<Utc>) -> Option<Session> {
        if !self.enabled() {
            return None;
        }
        let entries = self.lock();
        let entry = entries.get(token)?;
        (self.fresh(entry, now) && wall < entry.token.expires_at).then(|| Session {
            token: entry.token.clone(),
            user: entry.user.clone(),
        })
    }

    /// Remembers that the token whose text is `token`, verified as `verified`, was valid for
    /// `user` at `read_at`, the moment before the lookup that said so.
    pub(crate) fn put(&self, token: &str, verified: &VerifiedToken, user: &User, read_at: Instant) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= self.max_entries && !entries.contains_key(token) {
            entries.retain(|_, e| read_at.saturating_duration_since(e.read_at) < self.ttl);
            if entries.len() >= self.max_entries {
                return;
            }
        }
        entries.insert(
            token.to_owned(),
            Entry {
                token: verified.clone(),
                user: user.clone(),
                read_at,
            },
        );
    }

    /// Drops the token whose id is `jti` (it was revoked here).
    pub(crate) fn forget_token(&self, jti: &str) {
        if self.enabled() {
            self.lock().retain(|_, e| e.token.jti != jti);
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
#[expect(clippy::unwrap_used, reason = "tests")]
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

    /// A token of `user` with id `jti`, expiring an hour from now.
    fn verified(user: &User, jti: &str) -> VerifiedToken {
        let now = Utc::now();
        VerifiedToken {
            user_id: user.id,
            jti: jti.into(),
            issued_at: now,
            expires_at: now + chrono::Duration::hours(1),
        }
    }

    const TTL: Duration = Duration::from_millis(1000);

    fn cached(cache: &SessionCache, token: &str, now: Instant) -> Option<Session> {
        cache.get(token, now, Utc::now())
    }

    #[test]
    fn serves_an_entry_only_while_younger_than_the_ttl() {
        let cache = SessionCache::new(TTL);
        let (u, t0) = (user(), Instant::now());
        assert!(cached(&cache, "t", t0).is_none());
        cache.put("t", &verified(&u, "j"), &u, t0);
        let hit = cached(&cache, "t", t0).unwrap();
        assert_eq!((hit.user.id, hit.token.jti.as_str()), (u.id, "j"));
        let almost = t0 + TTL - Duration::from_millis(1);
        assert!(cached(&cache, "t", almost).is_some());
        assert!(cached(&cache, "t", t0 + TTL).is_none(), "stale at the ttl");
    }

    #[test]
    fn an_entry_answers_only_for_the_exact_token_text() {
        let cache = SessionCache::new(TTL);
        let (u, now) = (user(), Instant::now());
        cache.put("header.claims.sig", &verified(&u, "j"), &u, now);
        for other in [
            "header.claims.sig ",
            "header.claims.siG",
            "header.claims",
            "",
        ] {
            assert!(cached(&cache, other, now).is_none(), "{other:?}");
        }
    }

    #[test]
    fn an_entry_is_not_served_at_or_after_the_tokens_expiry() {
        let cache = SessionCache::new(TTL);
        let (u, now) = (user(), Instant::now());
        let token = verified(&u, "j");
        let exp = token.expires_at;
        cache.put("t", &token, &u, now);
        let before = exp - chrono::Duration::milliseconds(1);
        assert!(cache.get("t", now, before).is_some());
        assert!(cache.get("t", now, exp).is_none(), "expired at exp");
        let after = exp + chrono::Duration::seconds(1);
        assert!(cache.get("t", now, after).is_none());
    }

    #[test]
    fn a_zero_ttl_turns_the_cache_off() {
        let cache = SessionCache::new(Duration::ZERO);
        let (u, now) = (user(), Instant::now());
        cache.put("t", &verified(&u, "j"), &u, now);
        assert!(cached(&cache, "t", now).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn forgetting_drops_the_token_or_every_session_of_the_user() {
        let cache = SessionCache::new(TTL);
        let (a, b, now) = (user(), user(), Instant::now());
        cache.put("ta1", &verified(&a, "a1"), &a, now);
        cache.put("ta2", &verified(&a, "a2"), &a, now);
        cache.put("tb1", &verified(&b, "b1"), &b, now);
        cache.forget_token("a1");
        assert!(cached(&cache, "ta1", now).is_none());
        assert!(cached(&cache, "ta2", now).is_some());
        cache.forget_user(a.id);
        assert!(cached(&cache, "ta2", now).is_none());
        assert!(cached(&cache, "tb1", now).is_some());
    }

    #[test]
    fn a_full_cache_drops_expired_entries_and_never_grows_past_its_bound() {
        let cache = SessionCache::with_capacity(TTL, 2);
        let (u, t0) = (user(), Instant::now());
        let token = verified(&u, "j");
        cache.put("old", &token, &u, t0);
        cache.put("new", &token, &u, t0 + TTL / 2);
        // Full of fresh entries: the third is not taken.
        cache.put("third", &token, &u, t0 + TTL / 2);
        assert_eq!(cache.len(), 2);
        assert!(cached(&cache, "third", t0 + TTL / 2).is_none());
        // "old" has expired by now: it makes room.
        let later = t0 + TTL + Duration::from_millis(1);
        cache.put("fourth", &token, &u, later);
        assert_eq!(cache.len(), 2);
        assert!(cached(&cache, "fourth", later).is_some());
        assert!(cached(&cache, "new", later).is_some());
        // Refreshing a key already held is always allowed.
        cache.put("new", &token, &u, later);
        assert_eq!(cache.len(), 2);
    }
}
