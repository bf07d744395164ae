//! The worker's diagnostics ring ([`crate::core::diagnostics`]), timestamped with the
//! browser's high-resolution clock, and `jitDiagnostics()` on the worker's global to read it
//! (from the worker's DevTools console, or the benchmark): `{wasmMemoryBytes, entries}`.

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::core::diagnostics::{Event, Ring};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

thread_local! {
    static RING: RefCell<Ring> = RefCell::default();
    static TIME_ORIGIN: f64 = Reflect::get(&js_sys::global(), &"performance".into())
        .and_then(|p| Reflect::get(&p, &"timeOrigin".into()))
        .ok()
        .and_then(|t| t.as_f64())
        .unwrap_or_default();
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

/// The ring and the size of the wasm memory, as a JS object.
fn snapshot() -> JsValue {
    let memory = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| m.buffer())
        .ok()
        .and_then(|b| Reflect::get(&b, &"byteLength".into()).ok())
        .unwrap_or(JsValue::UNDEFINED);
    let entries = RING.with(|ring| {
        let ring = ring.borrow();
        super::browser::to_js(&ring.entries().collect::<Vec<_>>()).unwrap_or(JsValue::NULL)
    });
    let out = Object::new();
    let _ = Reflect::set(&out, &"wasmMemoryBytes".into(), &memory);
    let _ = Reflect::set(&out, &"entries".into(), &entries);
    out.into()
}

/// Runs when the module is instantiated: the first event, and the reader on the global.
#[wasm_bindgen(start)]
fn started() {
    record(Event::WasmReady);
    let reader = Closure::<dyn Fn() -> JsValue>::new(snapshot);
    let _ = Reflect::set(&js_sys::global(), &"jitDiagnostics".into(), reader.as_ref());
    // The reader lives as long as the worker.
    reader.forget();
}
