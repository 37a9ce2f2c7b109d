//! A map from numeric job ids to the row each was first seen in, laid out for a cache miss per
//! lookup.
//!
//! A 200 MB export of short rows holds a million ids, so the map outgrows the caches and each
//! lookup of a new id goes to memory. A general hash map (hashbrown) keeps its control bytes
//! apart from its entries: two misses a lookup, 17% of the wall time of the pandas benchmark
//! shape (perf, bench/README.md). Here a slot holds the id and its row side by side (16 bytes,
//! four to a cache line), found by linear probing from a multiplicative hash, at most 3/4 full:
//! a lookup reads one line, rarely two.

/// Numeric id -> first row. Ids are below `u64::MAX` (at most 19 decimal digits), so a slot
/// stores `id + 1` and 0 marks it empty.
#[derive(Debug, Default)]
pub(super) struct Numbers {
    /// `[id + 1, row]`, or `[0, _]` when empty; a power of two long (or empty).
    slots: Vec<[u64; 2]>,
    len: usize,
}

impl Numbers {
    /// The number of ids held.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The row `id` was first seen in, if it was; else records it as first seen in `row`.
    pub(super) fn first_row_or_insert(&mut self, id: u64, row: u64) -> Option<u64> {
        debug_assert!(id < u64::MAX);
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let key = id + 1;
        let i = self.probe(key);
        let slot = &mut self.slots[i];
        if slot[0] == key {
            return Some(slot[1]);
        }
        *slot = [key, row];
        self.len += 1;
        None
    }

    /// Starts loading the slot a probe for `id` begins at, so that a lookup of it a little
    /// later finds it in the cache instead of waiting on memory (about 190 ns a lookup on our
    /// machines once the table outgrows the caches: 18% of the pandas shape's wall time).
    pub(super) fn prefetch(&self, id: u64) {
        if !self.slots.is_empty() {
            prefetch(self.slots[self.home(id + 1)].as_ptr());
        }
    }

    /// The slot a key's probe starts at: the top bits of a multiplicative (Fibonacci) hash, so
    /// ids that differ only in their low digits spread over the table.
    fn home(&self, key: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// The slot holding `key`, else the empty slot where its probe ends.
    fn probe(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i][0] != key && self.slots[i][0] != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// Doubles the table (the first one has 1,024 slots) and moves every entry over.
    #[cold]
    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![[0, 0]; capacity]);
        for slot in old.into_iter().filter(|s| s[0] != 0) {
            let i = self.probe(slot[0]);
            self.slots[i] = slot;
        }
    }
}

/// A hint to load the cache line at `p` (no fault, no wait; nothing on other targets).
#[inline(always)]
fn prefetch(p: *const u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch hint reads nothing and never faults.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above (PRFM, preload to L1 for a load).
    unsafe {
        std::arch::asm!("prfm pldl1keep, [{0}]", in(reg) p, options(nostack, readonly, preserves_flags));
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_hash_map_through_every_growth() {
        // Ids from a small range (so many repeat), the extremes, and ids that differ only in
        // their low digits, over 300,000 rows: the table grows from 1,024 slots to 256 Ki.
        let mut numbers = Numbers::default();
        let mut reference = std::collections::HashMap::new();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for row in 0..300_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = match x % 8 {
                0 => 0,
                1 => 9_999_999_999_999_999_999,
                2 => u64::MAX - 1,
                3 => 1_798_000_000_000_000_000 + x % 1_000,
                _ => x % 1_000_000,
            };
            let first = *reference.entry(id).or_insert(row);
            assert_eq!(numbers.first_row_or_insert(id, row), (first != row).then_some(first), "{id}");
        }
        assert_eq!(numbers.len(), reference.len());
        assert!(numbers.len() > 100_000, "grown well past the first table");
        assert!(numbers.len() * 4 <= numbers.slots.len() * 3, "at most 3/4 full");
    }
}
