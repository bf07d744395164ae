//! The session token of an open portal tab, read by `read-portal-token.js` in the tab.

use serde_json::json;
use wasm_bindgen::prelude::*;

use super::tab_id_of;
use crate::core::secret::Secret;
use crate::core::weburl::WebUrl;
use crate::service::PlatformError;
use crate::wasm::bindings::{self, InjectionResult, Tab};
use crate::wasm::browser::{self, to_js};

/// Reads `localStorage.g_authToken` in the open tabs whose origin is exactly `origin`.
pub async fn read(origin: &str) -> Result<Vec<Secret>, PlatformError> {
    let url = WebUrl::parse(origin).map_err(|e| PlatformError(e.to_string()))?;
    let pattern = format!("{}://{}/*", url.scheme(), url.host());
    let tabs = bindings::tabs()?
        .query(&to_js(&json!({"url": pattern}))?)
        .await?;
    let scripting = bindings::scripting()?;
    let mut tokens = Vec::new();
    for tab in tabs.iter() {
        let tab: Tab = tab.unchecked_into();
        let tab_url = tab.url().unwrap_or_default();
        // Match patterns ignore ports: check the exact origin before reading anything.
        let same_origin = WebUrl::parse(&tab_url).is_ok_and(|u| u.origin() == origin);
        if !same_origin {
            continue;
        }
        let Ok(tab_id) = tab_id_of(&tab) else {
            continue;
        };
        let injection =
            to_js(&json!({"target": {"tabId": tab_id}, "files": ["read-portal-token.js"]}))?;
        let Ok(results) = scripting.execute_script(&injection).await else {
            continue;
        };
        for result in results.iter() {
            let result: InjectionResult = result.unchecked_into();
            // `[origin, token]`: a document of another origin (the tab navigated between
            // the query and the injection) is not read from.
            let Ok((page_origin, token)) =
                browser::from_js::<(String, Option<String>)>(result.result())
            else {
                continue;
            };
            if page_origin != origin {
                continue;
            }
            if let Some(token) = token.and_then(|t| crate::core::session::normalize_page_token(&t))
            {
                if !tokens
                    .iter()
                    .any(|known: &Secret| known.expose() == token.expose())
                {
                    tokens.push(token);
                }
            }
        }
    }
    Ok(tokens)
}
