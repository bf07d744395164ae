//! Which tenants the popup, the context menu and the omnibox list, and in which order.
//!
//! Without a filter: favourites (in the order they were pinned), then the recently used
//! (most recent first), then the rest by name. With a filter, case-insensitively: the exact
//! name, then names that start with it, then names with a word that starts with it, then
//! names that contain it, then names that hold its letters in order (fuzzy: `dv1` finds
//! `dev01`); within each, favourites and recent ones first. A portal may have thousands of
//! tenants: a page of [`SHOWN_AT_MOST`] is rendered, the next a "Show more" click away, and any
//! other a keystroke away.

use super::messages::TenantView;

/// The most tenants of one portal the popup renders at once.
pub const SHOWN_AT_MOST: usize = 100;

/// How well a name matches a filter: lower is better, `None` is no match.
pub fn score(name: &str, needle: &str) -> Option<u32> {
    if needle.is_empty() {
        return Some(0);
    }
    let name = crate::util::fold(name);
    if name == needle {
        return Some(0);
    }
    if name.starts_with(needle) {
        return Some(1);
    }
    if let Some(at) = name.find(needle) {
        let word_start = name[..at]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_ascii_alphanumeric() && c.is_ascii());
        return Some(if word_start { 2 } else { 3 });
    }
    // Fuzzy: every letter of the needle, in order; fewer gaps rank higher.
    let mut gaps = 0u32;
    let mut wanted = needle.chars().filter(|c| !c.is_whitespace()).peekable();
    let mut run = true;
    for c in name.chars() {
        match wanted.peek() {
            None => break,
            Some(w) if *w == c => {
                wanted.next();
                run = true;
            }
            Some(_) => {
                if run {
                    gaps += 1;
                }
                run = false;
            }
        }
    }
    wanted.peek().is_none().then_some(4 + gaps.min(1_000))
}

/// The normalised filter text.
pub fn needle(filter: &str) -> String {
    crate::util::fold(filter.trim())
}

/// The sort key of a matching tenant: match quality, then favourites (pinned order), then
/// recent (most recent first), then the portal's order.
fn rank(tenant: &TenantView, quality: u32, index: usize) -> (u32, usize, usize, usize) {
    (
        quality,
        tenant.favourite.map_or(usize::MAX, usize::from),
        tenant.recent.map_or(usize::MAX, usize::from),
        index,
    )
}

/// The tenants to show for `filter`, best first (at most `limit`), and how many match.
pub fn ranked<'a>(
    tenants: &'a [TenantView],
    filter: &str,
    limit: usize,
) -> (Vec<&'a TenantView>, usize) {
    let needle = needle(filter);
    let mut hits: Vec<_> = tenants
        .iter()
        .enumerate()
        .filter_map(|(i, t)| score(&t.name, &needle).map(|q| (rank(t, q, i), t)))
        .collect();
    let total = hits.len();
    // The first `limit` without sorting the rest (a popup with 100,000 tenants shows 100).
    // Ranks hold the position, so no two are equal and the unstable sort is deterministic.
    if limit == 0 {
        hits.clear();
    } else if hits.len() > limit {
        hits.select_nth_unstable_by(limit - 1, |(a, _), (b, _)| a.cmp(b));
        hits.truncate(limit);
    }
    hits.sort_unstable_by_key(|(rank, _)| *rank);
    (hits.into_iter().map(|(_, t)| t).collect(), total)
}

/// Keeps only the tenants of the popup's first page (unfiltered), in their order; returns
/// how many there were, when some were left out.
pub fn keep_first_page(tenants: &mut Vec<TenantView>) -> Option<usize> {
    let total = tenants.len();
    if total <= SHOWN_AT_MOST {
        return None;
    }
    let (shown, _) = ranked(tenants, "", SHOWN_AT_MOST);
    let keep: std::collections::BTreeSet<*const TenantView> =
        shown.into_iter().map(std::ptr::from_ref).collect();
    let kept: Vec<bool> = tenants
        .iter()
        .map(|t| keep.contains(&std::ptr::from_ref(t)))
        .collect();
    // `retain` visits the elements once each, in order.
    let mut flags = kept.into_iter();
    tenants.retain(|_| flags.next().unwrap_or(false));
    Some(total)
}

/// The popup's first `pages` pages of tenants for `filter`, and how many match in all.
pub fn matching<'a>(
    tenants: &'a [TenantView],
    filter: &str,
    pages: usize,
) -> (Vec<&'a TenantView>, usize) {
    ranked(tenants, filter, SHOWN_AT_MOST.saturating_mul(pages.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenants(names: &[&str]) -> Vec<TenantView> {
        names
            .iter()
            .map(|n| TenantView::quiet(&format!("id-{n}"), n))
            .collect()
    }

    #[test]
    fn filters_by_substring_ignoring_case() {
        let list = tenants(&["dev01", "QA-Team", "prod", "Dev02"]);
        let (shown, total) = matching(&list, " dEv ", 1);
        assert_eq!(
            shown.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["dev01", "Dev02"]
        );
        assert_eq!(total, 2);
        assert_eq!(matching(&list, "", 1).1, 4);
        assert_eq!(matching(&list, "zzz", 1), (vec![], 0));
    }

    #[test]
    fn shows_at_most_a_page_of_a_huge_list() {
        let names: Vec<String> = (0..100_000).map(|i| format!("tenant{i:06}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let list = tenants(&refs);
        let (shown, total) = matching(&list, "", 1);
        assert_eq!((shown.len(), total), (SHOWN_AT_MOST, 100_000));
        // "Show more" adds a page; the first page stays first.
        let (more, _) = matching(&list, "", 2);
        assert_eq!(more.len(), 2 * SHOWN_AT_MOST);
        assert_eq!(more[..SHOWN_AT_MOST], shown[..]);
        let (shown, total) = matching(&list, "tenant09999", 1);
        // Ten start with it; more hold its letters in order (fuzzy) and come after them.
        assert!(total > 10);
        assert!(shown[..10]
            .iter()
            .all(|t| t.name.starts_with("tenant09999")));
        assert!(!shown[10].name.starts_with("tenant09999"));
    }

    #[test]
    fn ranks_exact_prefix_word_substring_then_fuzzy() {
        let list = tenants(&["xdev", "my-dev", "dev01", "dev", "d-e-v", "prod"]);
        let (shown, total) = matching(&list, "DEV", 1);
        let names: Vec<_> = shown.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["dev", "dev01", "my-dev", "xdev", "d-e-v"]);
        assert_eq!(total, 5);
        assert_eq!(score("dev01", "dv1"), Some(6));
        assert!(score("dev01", "dv1").unwrap() > score("dev01", "dev").unwrap());
        assert_eq!(score("dev01", "1v"), None);
        assert_eq!(score("production", "pdn"), Some(6));
    }

    #[test]
    fn favourites_then_recent_then_the_rest() {
        let mut list = tenants(&["alpha", "beta", "gamma", "delta"]);
        list[2].favourite = Some(0); // gamma pinned first
        list[3].recent = Some(0); // delta used last
        list[1].recent = Some(1); // beta before that
        let (shown, _) = matching(&list, "", 1);
        let names: Vec<_> = shown.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["gamma", "delta", "beta", "alpha"]);
        // Within a match quality favourites still lead.
        let (shown, _) = matching(&list, "a", 1);
        assert_eq!(shown[0].name, "alpha"); // prefix beats the favourite's substring
        assert_eq!(shown[1].name, "gamma");
    }

    #[test]
    fn the_page_is_the_best_not_the_first() {
        let names: Vec<String> = (0..2_000).map(|i| format!("t{i:04}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut list = tenants(&refs);
        list[1_999].favourite = Some(0);
        let (shown, total) = ranked(&list, "", 10);
        assert_eq!(total, 2_000);
        assert_eq!(shown[0].name, "t1999");
        assert_eq!(shown[1].name, "t0000");
        assert_eq!(shown.len(), 10);
    }
}
