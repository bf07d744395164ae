//! The configuration as a file: export and import.

use wasm_bindgen::prelude::*;

use super::{input, section, show};
use crate::core::messages::{Request, Response};
use crate::core::text::msg;
use crate::wasm::browser::t;
use crate::wasm::client::ask;
use crate::wasm::dom::{self, El};

pub(super) fn file_section() -> Result<El, JsValue> {
    section("file-heading", msg::FILE_HEADING)?
        .child(
            El::new("p")?
                .attr("class", "hint")?
                .text(&t(msg::FILE_HINT))?,
        )?
        .child(
            El::new("div")?
                .attr("class", "row")?
                .child(
                    El::new("button")?
                        .attr("type", "button")?
                        .attr("id", "export")?
                        .attr("class", "secondary")?
                        .text(&t(msg::EXPORT_CONFIG))?,
                )?
                .child(
                    El::new("label")?
                        .attr("class", "file-button")?
                        .text(&t(msg::IMPORT_CONFIG))?
                        .child(
                            El::new("input")?
                                .attr("type", "file")?
                                .attr("id", "import")?
                                .attr("accept", "application/json,.json")?,
                        )?,
                )?,
        )
}

pub(super) async fn export() -> Result<(), JsValue> {
    let response = ask(&Request::ExportConfig).await;
    let Response::Exported { file, .. } = &response else {
        return show(&response, None);
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(file));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link = dom::document()?
        .create_element("a")?
        .dyn_into::<web_sys::HtmlAnchorElement>()?;
    link.set_href(&url);
    link.set_download("jit-console-config.json");
    link.click();
    web_sys::Url::revoke_object_url(&url)?;
    show(&response, Some(t(msg::EXPORTED)))
}

pub(super) async fn import() -> Result<(), JsValue> {
    let picker = input("import")?;
    let Some(file) = picker.files().and_then(|files| files.get(0)) else {
        return Ok(());
    };
    let too_big = file.size() > crate::core::config::IMPORT_AT_MOST as f64;
    let text = if too_big {
        // Not read at all: the core refuses it by its size.
        "x".repeat(crate::core::config::IMPORT_AT_MOST + 1)
    } else {
        wasm_bindgen_futures::JsFuture::from(file.text())
            .await?
            .as_string()
            .unwrap_or_default()
    };
    // The same file can be picked again after a refusal.
    picker.set_value("");
    let response = ask(&Request::ImportConfig { text }).await;
    show(&response, Some(t(msg::IMPORTED)))
}
