//! The pages' side of the message channel to the worker.

use super::{bindings, browser};
use crate::core::messages::{Request, Response, StateView};
use crate::core::text::msg;

/// Sends `request` to the worker. A worker that is gone or answers nonsense becomes an
/// error response with a sentence, never a panic.
pub async fn ask(request: &Request) -> Response {
    let unavailable = || Response::Error {
        message: msg::WORKER_UNAVAILABLE.text(),
        state: StateView::default(),
    };
    let Ok(runtime) = bindings::runtime() else {
        return unavailable();
    };
    let Ok(message) = browser::to_js(request) else {
        return unavailable();
    };
    match runtime.send_message(&message).await {
        Ok(answer) => browser::from_js(answer).unwrap_or_else(|_| unavailable()),
        Err(e) => {
            browser::log(&format!(
                "worker did not answer: {}",
                browser::BrowserError::from(e)
            ));
            unavailable()
        }
    }
}
