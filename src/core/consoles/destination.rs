//! Where a console lands: a page, a service, a resource, or the page a tab already shows.

use crate::core::arn::Arn;
use crate::core::aws::{self, AwsService, Partition};
use crate::core::identity::ConsoleKey;
use crate::core::text::{msg, UserText};
use crate::core::weburl::WebUrl;
use serde::{Deserialize, Serialize};

/// Where a console should land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Destination {
    /// The console home of the credentials' region.
    Home,
    /// A service's page, in a region (the credentials' when absent).
    Service {
        /// The service's short name (`s3`, `ec2`, ...).
        service: String,
        /// The region.
        region: Option<String>,
    },
    /// The page of the resource an ARN names.
    Arn {
        /// The ARN text.
        arn: String,
    },
    /// A console page (the same page as another tenant's tab, or a renewed tab's page).
    Url {
        /// The console URL.
        url: String,
    },
}

impl Destination {
    /// The console URL this destination means, or why it cannot be opened.
    pub fn url(&self, partition: Partition, region: &str) -> Result<String, UserText> {
        match self {
            Self::Home => Ok(aws::console_home(partition, region)),
            Self::Service {
                service,
                region: wanted,
            } => {
                let service = AwsService::parse(service)
                    .ok_or_else(|| msg::UNKNOWN_SERVICE.with([service.as_str()]))?;
                let region = wanted
                    .as_deref()
                    .filter(|r| aws::is_valid_region(r))
                    .unwrap_or(region);
                Ok(aws::service_url(partition, service, region))
            }
            Self::Arn { arn } => {
                let arn = Arn::parse(arn).map_err(|e| e.user_text())?;
                arn.check_partition(partition).map_err(|e| e.user_text())?;
                Ok(arn.console_url(region))
            }
            Self::Url { url } => {
                let parsed = WebUrl::parse(url).map_err(|_| msg::CONSOLE_PAGE_INVALID.text())?;
                if is_console_page(url, partition) {
                    Ok(same_page(&parsed))
                } else {
                    Err(msg::CONSOLE_PAGE_INVALID.text())
                }
            }
        }
    }
}

/// A console page as a federation `Destination`: a multi-session host
/// (`{account}-{id}.{region}.console…`) belongs to one identity, so the page is moved to the
/// plain regional host and the new identity gets its own.
fn same_page(url: &WebUrl) -> String {
    let host = url.host();
    match aws::multi_session_host(host) {
        Some((_, _, region)) => {
            let base = host.splitn(3, '.').nth(2).unwrap_or_default();
            match url.with_host(&format!("{region}.{base}")) {
                Ok(moved) => moved.to_string(),
                Err(_) => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

/// A console to open, as a page asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenConsole {
    /// Whose console.
    pub key: ConsoleKey,
    /// Where it lands.
    pub destination: Destination,
    /// Open another tab even when one is open already.
    #[serde(default)]
    pub new_tab: bool,
}

/// Whether `url` is an `https` page on a console host of `partition`, without user info or
/// an explicit port (the `console_url` fuzz target found `https://x@console…` passing).
pub fn is_console_page(url: &str, partition: Partition) -> bool {
    WebUrl::parse(url).is_ok_and(|u| {
        u.scheme() == "https"
            && !u.has_credentials()
            && u.port().is_none()
            && aws::is_console_host(u.host(), partition)
    })
}
