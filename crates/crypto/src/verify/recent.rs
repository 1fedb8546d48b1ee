//! A short list of recently used entries behind a lock, most recent first:
//! the shape of both verification caches (parsed keys, verified
//! certificate signatures). Small enough that a linear scan is cheaper
//! than hashing the bytes an entry is found by.

use std::sync::{Mutex, PoisonError};

/// At most `capacity` entries; the least recently used one goes first.
pub(super) struct Recent<T> {
    capacity: usize,
    entries: Mutex<Vec<T>>,
}

impl<T> Recent<T> {
    /// An empty list (usable in a `static`).
    pub const fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on the first entry `matches` accepts, after moving it
    /// to the front so that the entries in use stay.
    pub fn find<R>(&self, matches: impl Fn(&T) -> bool, read: impl FnOnce(&T) -> R) -> Option<R> {
        let mut entries = self.lock();
        let i = entries.iter().position(matches)?;
        entries[..=i].rotate_right(1);
        Some(read(&entries[0]))
    }

    /// Adds `entry` at the front unless `matches` accepts one already there
    /// (another thread may have added it meanwhile), dropping the least
    /// recently used entry when full.
    pub fn insert(&self, entry: T, matches: impl Fn(&T) -> bool) {
        let mut entries = self.lock();
        if entries.iter().any(matches) {
            return;
        }
        if entries.len() == self.capacity {
            entries.pop();
        }
        entries.insert(0, entry);
    }

    /// How many entries are held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// A poisoned lock is still usable: the entries hold public data and
    /// every change to them is a single push, pop or rotation.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<T>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
