//! The omnibox keyword (`jit`): what to suggest for a typed line (`dev01`, `dev01 s3`,
//! `dev01 @acme.duplocloud.net`) and what Enter on it opens, as pure decisions. The worker
//! shows the suggestions and opens the console.

use super::aws::AwsService;
use super::consoles::{Destination, OpenConsole};
use super::menus::{portal_label, tenant_key};
use super::messages::{PortalView, TenantView};
use super::tenant_list;

/// The most suggestions the omnibox shows.
pub const SUGGESTIONS_AT_MOST: usize = 6;

/// One omnibox suggestion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// What Enter on it sends back (`dev01 s3`, or `dev01 @host` when names repeat).
    pub content: String,
    /// The tenant's name.
    pub name: String,
    /// Its portal, for the user.
    pub portal: String,
    /// The service, when the line names one.
    pub service: Option<String>,
}

/// A typed line: the tenant part, the portal (`@host`) if given, and a service if the last
/// word names one.
fn split_line(line: &str) -> (String, Option<String>, Option<AwsService>) {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let mut portal = None;
    if let Some(at) = words.iter().position(|w| w.starts_with('@') && w.len() > 1) {
        portal = Some(crate::util::fold(&words.remove(at)[1..]));
    }
    let mut service = None;
    if words.len() > 1 {
        if let Some(found) = words.last().and_then(|w| AwsService::parse(w)) {
            service = Some(found);
            words.pop();
        }
    }
    (words.join(" "), portal, service)
}

fn portal_matches(portal: &PortalView, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| {
        portal.host == w
            || portal
                .name
                .as_deref()
                .is_some_and(|n| crate::util::fold(n) == w)
    })
}

/// The tenants matching a typed line across all portals, best first.
fn candidates<'a>(
    portals: &'a [PortalView],
    line: &str,
) -> (Vec<(&'a PortalView, &'a TenantView)>, Option<AwsService>) {
    let (query, portal, service) = split_line(line);
    let needle = tenant_list::needle(&query);
    let mut hits: Vec<_> = portals
        .iter()
        .filter(|p| portal_matches(p, portal.as_deref()))
        .flat_map(|p| p.tenants.iter().flatten().map(move |t| (p, t)))
        .enumerate()
        .filter_map(|(i, (p, t))| {
            let quality = tenant_list::score(&t.name, &needle)?;
            let fav = t.favourite.map_or(usize::MAX, usize::from);
            let recent = t.recent.map_or(usize::MAX, usize::from);
            Some((
                (quality, fav, recent, crate::util::fold(&t.name), i),
                (p, t),
            ))
        })
        .collect();
    // The position breaks ties: the portals' order stays.
    hits.sort_by(|a, b| a.0.cmp(&b.0));
    (hits.into_iter().map(|(_, hit)| hit).collect(), service)
}

/// Suggestions for what the user typed after the keyword.
pub fn suggest(portals: &[PortalView], line: &str) -> Vec<Suggestion> {
    let (hits, service) = candidates(portals, line);
    hits.iter()
        .take(SUGGESTIONS_AT_MOST)
        .map(|(portal, tenant)| {
            let repeated = portals
                .iter()
                .filter(|p| p.tenants.iter().flatten().any(|t| t.name == tenant.name))
                .count()
                > 1;
            let mut content = tenant.name.clone();
            if repeated {
                content.push_str(&format!(" @{}", portal.host));
            }
            if let Some(service) = service {
                content.push(' ');
                content.push_str(service.name());
            }
            Suggestion {
                content,
                name: tenant.name.clone(),
                portal: portal_label(portal),
                service: service.map(|s| s.name().to_owned()),
            }
        })
        .collect()
}

/// What Enter on a typed line opens: the best matching tenant (an exact name wins), at the
/// service the line names.
pub fn open(portals: &[PortalView], line: &str, new_tab: bool) -> Option<OpenConsole> {
    let (hits, service) = candidates(portals, line);
    let (portal, tenant) = hits.first()?;
    Some(OpenConsole {
        key: tenant_key(&portal.origin, tenant),
        destination: match service {
            Some(service) => Destination::Service {
                service: service.name().to_owned(),
                region: None,
            },
            None => Destination::Home,
        },
        new_tab,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::menus::tests::portal;

    #[test]
    fn omnibox_suggests_and_opens_tenants_and_services() {
        let portals = [
            portal("a.duplocloud.net", &["dev01", "dev02", "prod"]),
            portal("b.duplocloud.net", &["dev01"]),
        ];
        let s = suggest(&portals, "dev01 s3");
        assert_eq!(s[0].content, "dev01 @a.duplocloud.net s3");
        assert_eq!(s[0].service.as_deref(), Some("s3"));
        assert!(s.iter().any(|x| x.content == "dev01 @b.duplocloud.net s3"));
        let opened = open(&portals, "dev01 @b.duplocloud.net s3", false).unwrap();
        assert_eq!(opened.key.origin, "https://b.duplocloud.net");
        assert_eq!(
            opened.destination,
            Destination::Service {
                service: "s3".into(),
                region: None
            }
        );
        let opened = open(&portals, "prd", true).unwrap();
        assert_eq!(opened.key.label(), "prod");
        assert_eq!(opened.destination, Destination::Home);
        assert!(opened.new_tab);
        // A single word that names a service is a tenant filter, not a service.
        assert_eq!(split_line("s3").0, "s3");
        assert!(open(&portals, "zzz", false).is_none());
        assert!(suggest(&portals, "").len() <= SUGGESTIONS_AT_MOST);
    }
}
