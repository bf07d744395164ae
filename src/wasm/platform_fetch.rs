//! HTTP: `GET` to the portal and to AWS's sign-in, with no cookies, no redirect followed, a
//! time limit, and the body read up to [`MAX_BODY_BYTES`].

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::core::portal_api::{ApiReply, ApiRequest, MAX_BODY_BYTES};
use crate::core::secret::Secret;
use crate::wasm::browser::BrowserError;
use crate::wasm::diagnostics;

/// How long a portal request may take before it counts as unreachable.
const FETCH_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (of a worker or a page alike: `web_sys` binds it per global type).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> js_sys::Promise;
}

/// A portal API request, with the portal session's token (and one-time code) as headers.
pub async fn portal(request: &ApiRequest) -> ApiReply {
    let mut headers = vec![
        (
            "Authorization",
            format!("Bearer {}", request.token.expose()),
        ),
        ("Accept", "application/json".to_owned()),
    ];
    if let Some(otp) = &request.otp {
        headers.push(("otpcode", otp.expose().to_owned()));
    }
    timed_get("portal", &request.url, &headers).await
}

/// A request to AWS's sign-in (`getSigninToken`): its URL carries the credentials.
pub async fn aws(url: &Secret) -> ApiReply {
    timed_get("aws", url.expose(), &[]).await
}

/// [`http_get`], with its start and end in the diagnostics ring (`to`: `portal` or `aws`).
async fn timed_get(to: &'static str, url: &str, headers: &[(&str, String)]) -> ApiReply {
    let id = diagnostics::fetch_started(to);
    let reply = match http_get(url, headers).await {
        Ok(reply) => reply,
        Err(detail) => ApiReply::Network(detail),
    };
    let status = match &reply {
        ApiReply::Http { status, .. } => *status,
        ApiReply::Network(_) | ApiReply::TooLarge => 0,
    };
    diagnostics::fetch_ended(id, status);
    reply
}

/// `GET` with the given headers, no cookies, no redirects followed (neither a portal API nor
/// AWS's `getSigninToken` redirects; following one could carry a secret elsewhere), a time
/// limit.
///
/// Typed `web_sys` fetch rather than `gloo-net`: gloo-net rebuilds the URL to merge its own
/// query parameters and so appends a `&` to a URL that has a query (the `getSigninToken`
/// URL); the extension sends exactly the URL the core built.
async fn http_get(url: &str, header_list: &[(&str, String)]) -> Result<ApiReply, String> {
    let headers = web_sys::Headers::new().map_err(js_text)?;
    for (name, value) in header_list {
        headers.set(name, value).map_err(js_text)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_redirect(web_sys::RequestRedirect::Error);
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_headers_headers(&headers);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
        FETCH_TIMEOUT_MS,
    )));
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(js_text)?;
    let response: web_sys::Response = JsFuture::from(fetch_request(&request))
        .await
        .map_err(js_text)?
        .dyn_into()
        .map_err(|_| "not a response")?;
    let status = response.status();
    Ok(match read_capped(&response).await? {
        Some(body) => ApiReply::Http { status, body },
        None => ApiReply::TooLarge,
    })
}

fn js_text(error: JsValue) -> String {
    BrowserError::from(error).0
}

/// The body, read chunk by chunk; `None` (and the rest left unread) once it is longer than
/// [`MAX_BODY_BYTES`], or when `Content-Length` already says it will be: a hostile or broken
/// portal cannot make the worker hold an endless answer.
async fn read_capped(response: &web_sys::Response) -> Result<Option<Vec<u8>>, String> {
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(stream) = response.body() else {
        return Ok(Some(Vec::new()));
    };
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        let _ = JsFuture::from(stream.cancel()).await;
        return Ok(None);
    }
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::new();
    loop {
        let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(js_text)?
            .unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return Ok(Some(body));
        }
        let bytes: Uint8Array = chunk
            .get_value()
            .dyn_into()
            .map_err(|_| "a body chunk is not bytes")?;
        if body.len() + bytes.length() as usize > MAX_BODY_BYTES {
            let _ = JsFuture::from(reader.cancel()).await;
            return Ok(None);
        }
        body.extend(bytes.to_vec());
    }
}
