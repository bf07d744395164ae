//! The clipboard, for copies asked for outside the popup (the context menu): the worker has
//! none of its own in Chrome.

use serde_json::json;
use wasm_bindgen_futures::JsFuture;

use crate::core::secret::Secret;
use crate::service::PlatformError;
use crate::wasm::bindings;
use crate::wasm::browser::{field, to_js};

/// The `target` of the message `offscreen.js` copies (Chrome).
const OFFSCREEN_CLIPBOARD: &str = "offscreen-clipboard";

thread_local! {
    /// Held while the offscreen document copies (there can be one such document).
    static CLIPBOARD: std::rc::Rc<futures_util::lock::Mutex<()>> = std::rc::Rc::default();
}

/// Puts `text` on the clipboard, from the worker.
pub async fn write(text: &Secret) -> Result<(), PlatformError> {
    // Firefox: the background page has a clipboard (`clipboardWrite`: the user's click is
    // spent by the time the portal has answered).
    let Ok(offscreen) = bindings::offscreen() else {
        let window = web_sys::window().ok_or_else(|| PlatformError("no clipboard".into()))?;
        return JsFuture::from(window.navigator().clipboard().write_text(text.expose()))
            .await
            .map(drop)
            .map_err(PlatformError::from);
    };
    // Chrome: a service worker has none; a document made for it (`offscreen`, reason
    // CLIPBOARD: `offscreen.html`) writes it and is closed again. One copy at a time,
    // since there can be one such document.
    let lock = CLIPBOARD.with(std::rc::Rc::clone);
    let _held = lock.lock().await;
    let create = json!({
        "url": "offscreen.html",
        "reasons": ["CLIPBOARD"],
        "justification": "Copy the Kubernetes access chosen in the context menu.",
    });
    // An error here is a document left open by a worker that stopped mid-copy: use it.
    let _ = offscreen.create_document(&to_js(&create)?).await;
    let message = json!({ "target": OFFSCREEN_CLIPBOARD, "text": text.expose() });
    let answer = bindings::runtime()?.send_message(&to_js(&message)?).await;
    let _ = offscreen.close_document().await;
    if field(&answer?, "ok").as_bool() == Some(true) {
        Ok(())
    } else {
        Err(PlatformError("the clipboard refused the copy".into()))
    }
}
