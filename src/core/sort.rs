//! One sort for the whole module: a stable merge sort of positions, not generic over what
//! is sorted, so the wasm holds one copy of it. The standard library's sorts are compiled
//! anew for every element type and comparison (each `sort_unstable_by` was 2 to 4 KB of the
//! worker's module, with its selection and fallback code: 11 KB for three; issue 8's size
//! budget). Lists here are at most a portal's tenants, so `n log n` comparisons through a
//! `dyn` call cost microseconds.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal items keep their order).
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = sorted_positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|at| slots[at].take()));
}

/// Sorts `items` by the key `key` gives, stably.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The first `limit` of `items` in the order `compare` puts them, as a stable sort would
/// give them, without sorting the rest: a popup with 100,000 tenants shows 100.
pub fn smallest_by<T>(items: Vec<T>, limit: usize, compare: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    let kept = smallest_positions(items.len(), limit, &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    kept.into_iter().filter_map(|at| slots[at].take()).collect()
}

/// The `limit` first positions of `0..len` in `compare`'s order, ties in position order:
/// one pass, each position placed in a sorted list of at most `limit`.
fn smallest_positions(
    len: usize,
    limit: usize,
    compare: &dyn Fn(usize, usize) -> Ordering,
) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::with_capacity(limit.min(len));
    for at in 0..len {
        // After every kept position it does not come before: later equals stay later.
        let place = kept.partition_point(|&k| compare(k, at).is_le());
        if place < limit {
            if kept.len() == limit {
                kept.pop();
            }
            kept.insert(place, at);
        }
    }
    kept
}

/// The positions `0..len` in the order `compare` puts them (a bottom-up merge sort).
fn sorted_positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut spare = order.clone();
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start < len {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, middle);
            for slot in &mut spare[start..end] {
                // Take from the left run unless the right one's head is strictly smaller:
                // that keeps equal items in their order.
                let take_left =
                    right >= end || (left < middle && compare(order[right], order[left]).is_ge());
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut spare);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7_u64;
        for len in [0, 1, 2, 3, 5, 8, 13, 64, 100, 257, 1000] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut theirs = items.clone();
            theirs.sort_by_key(|item| item.0);
            assert_eq!(ours, theirs, "{len}");
            let mut by_key = items;
            sort_by_key(&mut by_key, |item| std::cmp::Reverse(item.0));
            theirs.sort_by_key(|item| std::cmp::Reverse(item.0));
            assert_eq!(by_key, theirs, "{len}");
        }
    }

    #[test]
    fn the_smallest_are_the_first_of_the_stable_sort() {
        let mut seed = 11_u64;
        for len in [0, 1, 5, 64, 300] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            for limit in [0, 1, 3, 10, 299, 400] {
                let mut sorted = items.clone();
                sorted.sort_by_key(|item| item.0);
                sorted.truncate(limit);
                let ours = smallest_by(items.clone(), limit, |a, b| a.0.cmp(&b.0));
                assert_eq!(ours, sorted, "{len} {limit}");
            }
        }
    }

    #[test]
    fn keeps_items_that_cannot_be_copied() {
        let mut names = vec!["b".to_owned(), "c".to_owned(), "a".to_owned()];
        sort_by(&mut names, |a, b| a.cmp(b));
        assert_eq!(names, ["a", "b", "c"]);
    }
}
