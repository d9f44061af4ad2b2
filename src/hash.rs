//! A fast seeded hash for the in-memory tables keyed by short strings: the analyzer's word
//! memo, the words a query matched (looked up once per word of every hit's passage) and the
//! term caches of the searcher.
//!
//! The standard library's SipHash was about a tenth of a word memo lookup and a few percent of
//! a query. Multiply-rotate over 8-byte chunks is a few times faster on words of a few bytes.
//! Each table starts from its own random seed, so no text can be written to make its words
//! collide.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// A set hashed with [`FastHash`].
pub(crate) type FastSet<T> = HashSet<T, FastHash>;

/// A map hashed with [`FastHash`].
pub(crate) type FastMap<K, V> = HashMap<K, V, FastHash>;

/// Builds [`FastHasher`]s from one random seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastHash(u64);

impl FastHash {
    /// A hash with a fresh random seed.
    pub(crate) fn new() -> FastHash {
        FastHash(std::collections::hash_map::RandomState::new().hash_one(0u64))
    }
}

impl Default for FastHash {
    fn default() -> FastHash {
        FastHash::new()
    }
}

impl BuildHasher for FastHash {
    type Hasher = FastHasher;

    fn build_hasher(&self) -> FastHasher {
        FastHasher(self.0)
    }
}

/// The hasher of [`FastHash`]: multiply-rotate over little-endian 8-byte chunks.
pub(crate) struct FastHasher(u64);

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // The length first: the last chunk is padded with zeros, which would otherwise make
        // `ab` and `ab\0` collide.
        self.add(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown picks buckets from the low bits and tags from the top seven: bring the
        // well-mixed high bits down.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_alike_and_different_seeds_differ() {
        let a = FastHash::new();
        assert_eq!(a.hash_one("thể"), a.hash_one(String::from("thể")));
        assert_ne!(a.hash_one("hòa"), a.hash_one("hoà"));
        // Two tables almost surely get different seeds, so a collision found in one says
        // nothing of another.
        let b = FastHash::new();
        assert_ne!(a.hash_one("việt nam"), b.hash_one("việt nam"));
    }

    #[test]
    fn a_word_and_its_extension_by_zero_bytes_differ() {
        // The last chunk is padded with zeros: the length tells these apart.
        let h = FastHash::new();
        assert_ne!(h.hash_one("ab"), h.hash_one("ab\0"));
        assert_ne!(h.hash_one("abcdefgh"), h.hash_one("abcdefgh\0"));
    }

    #[test]
    fn sets_and_maps_work_with_borrowed_keys() {
        let mut set = FastSet::default();
        set.insert(String::from("chiến"));
        assert!(set.contains("chiến"));
        assert!(!set.contains("chien"));
        let mut map: FastMap<String, u32> = FastMap::default();
        map.insert(String::from("nam"), 2);
        assert_eq!(map.get("nam"), Some(&2));
    }
}
