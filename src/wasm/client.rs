//! The pages' side of the message channel to the worker.

use super::browser;
use crate::core::messages::{Request, Response, StateView};
use crate::core::text::msg;

/// Sends `request` to the worker. A worker that is gone or answers nonsense becomes an
/// error response with a sentence, never a panic.
pub async fn ask(request: &Request) -> Response {
    ask_with_text(request).await.0
}

/// [`ask`], with the answer's JSON text (`None` when there was no answer): the popup compares
/// it with the last one rendered instead of writing the state out again.
pub async fn ask_with_text(request: &Request) -> (Response, Option<String>) {
    let unavailable = || Response::Error {
        message: msg::WORKER_UNAVAILABLE.text(),
        state: StateView::default(),
    };
    let Ok(runtime) = browser::runtime() else {
        return (unavailable(), None);
    };
    let Ok(message) = browser::to_js(request) else {
        return (unavailable(), None);
    };
    match runtime.send_message(&message).await {
        Ok(answer) => {
            let Some(text) = browser::js_to_json(&answer) else {
                return (unavailable(), None);
            };
            match crate::core::json::from_str(&text) {
                Ok(response) => (response, Some(text)),
                Err(_) => (unavailable(), None),
            }
        }
        Err(e) => {
            browser::log(&format!(
                "worker did not answer: {}",
                browser::BrowserError::from(e)
            ));
            (unavailable(), None)
        }
    }
}
