//! Which tenants the popup lists: those whose name contains the filter (case-insensitively),
//! the first [`SHOWN_AT_MOST`] of them. A portal may have thousands; the rest are a keystroke
//! away, and the popup says how many match.

use super::messages::TenantView;

/// The most tenants of one portal the popup renders at once.
pub const SHOWN_AT_MOST: usize = 200;

/// The tenants to show for `filter` (in their order), and how many match in all.
pub fn matching<'a>(tenants: &'a [TenantView], filter: &str) -> (Vec<&'a TenantView>, usize) {
    let needle = filter.trim().to_lowercase();
    let mut total = 0;
    let mut shown = Vec::new();
    for tenant in tenants {
        if needle.is_empty() || tenant.name.to_lowercase().contains(&needle) {
            total += 1;
            if shown.len() < SHOWN_AT_MOST {
                shown.push(tenant);
            }
        }
    }
    (shown, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenants(names: &[&str]) -> Vec<TenantView> {
        names
            .iter()
            .map(|n| TenantView {
                id: format!("id-{n}"),
                name: (*n).to_owned(),
                expires_ms: None,
                console_open: false,
                holds_console: false,
                keep_alive: false,
            })
            .collect()
    }

    #[test]
    fn filters_by_substring_ignoring_case() {
        let list = tenants(&["dev01", "QA-Team", "prod", "Dev02"]);
        let (shown, total) = matching(&list, " dEv ");
        assert_eq!(
            shown.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["dev01", "Dev02"]
        );
        assert_eq!(total, 2);
        assert_eq!(matching(&list, "").1, 4);
        assert_eq!(matching(&list, "zzz"), (vec![], 0));
    }

    #[test]
    fn shows_at_most_a_page_of_a_huge_list() {
        let names: Vec<String> = (0..100_000).map(|i| format!("tenant{i:06}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let list = tenants(&refs);
        let (shown, total) = matching(&list, "");
        assert_eq!((shown.len(), total), (SHOWN_AT_MOST, 100_000));
        let (shown, total) = matching(&list, "tenant09999");
        assert_eq!(total, 10);
        assert_eq!(shown[0].name, "tenant099990");
    }
}
