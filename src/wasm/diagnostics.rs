//! The worker's diagnostics ring ([`crate::core::diagnostics`]), timestamped with the
//! browser's high-resolution clock, and `jitDiagnostics()` on the worker's global to read it
//! (from the worker's DevTools console, or the benchmark): `{wasmMemoryBytes, entries}`.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::core::diagnostics::{Entry, Event, Ring};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    /// The worker's global scope, for what this module reads and puts on it.
    type Global;
    /// `performance` of the global scope.
    #[wasm_bindgen(method, getter)]
    fn performance(this: &Global) -> Option<Performance>;
    /// `globalThis.jitDiagnostics`.
    #[wasm_bindgen(method, setter, js_name = jitDiagnostics)]
    fn set_jit_diagnostics(this: &Global, reader: &JsValue);

    type Performance;
    /// When the worker's clock started, in milliseconds since the epoch.
    #[wasm_bindgen(method, getter, js_name = timeOrigin)]
    fn time_origin(this: &Performance) -> Option<f64>;
}

thread_local! {
    static RING: RefCell<Ring> = RefCell::default();
    static TIME_ORIGIN: f64 = global()
        .performance()
        .and_then(|p| p.time_origin())
        .unwrap_or_default();
}

fn global() -> Global {
    js_sys::global().unchecked_into()
}

/// Now, in fractional milliseconds since the epoch.
fn now_ms() -> f64 {
    TIME_ORIGIN.with(|origin| origin + performance_now())
}

/// Records `event` now.
pub fn record(event: Event) {
    let at = now_ms();
    RING.with(|ring| ring.borrow_mut().record(at, event));
}

/// Records a network request's start (`to`: `portal` or `aws`); returns its id for
/// [`fetch_ended`].
pub fn fetch_started(to: &'static str) -> u32 {
    let at = now_ms();
    RING.with(|ring| {
        let mut ring = ring.borrow_mut();
        let id = ring.fetch_id();
        ring.record(at, Event::FetchStart { id, to });
        id
    })
}

/// Records the end of the network request `id`.
pub fn fetch_ended(id: u32, status: u16) {
    record(Event::FetchEnd { id, status });
}

/// What `jitDiagnostics()` answers.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot<'a> {
    wasm_memory_bytes: Option<u32>,
    entries: Vec<&'a Entry>,
}

/// The ring and the size of the wasm memory, as a JS object.
fn snapshot() -> JsValue {
    let wasm_memory_bytes = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map(|b| b.byte_length());
    RING.with(|ring| {
        let ring = ring.borrow();
        let snapshot = Snapshot {
            wasm_memory_bytes,
            entries: ring.entries().collect(),
        };
        super::browser::to_js(&snapshot).unwrap_or(JsValue::NULL)
    })
}

/// Runs when the module is instantiated: the first event, and the reader on the global.
#[wasm_bindgen(start)]
fn started() {
    record(Event::WasmReady);
    let reader = Closure::<dyn Fn() -> JsValue>::new(snapshot);
    global().set_jit_diagnostics(reader.as_ref());
    // The reader lives as long as the worker.
    reader.forget();
}
