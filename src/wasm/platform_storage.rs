//! `storage`: the areas as the service names them, and the reads `bg.js` started before the
//! module loaded.

use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::service::{Area, PlatformError};
use crate::wasm::bindings::{self, StorageArea};
use crate::wasm::browser::{self, field, to_js, BrowserError};

/// The name of a storage area in `storage.<name>` (and in `bg.js`'s early reads).
fn area_name(area: Area) -> &'static str {
    match area {
        Area::Local => "local",
        Area::Session => "session",
        Area::Managed => "managed",
    }
}

/// `storage.<area>`.
fn storage_area(area: Area) -> Result<StorageArea, PlatformError> {
    let storage = bindings::storage()?;
    let found = match area {
        Area::Local => storage.local(),
        Area::Session => storage.session(),
        Area::Managed => storage.managed(),
    };
    found.ok_or_else(|| PlatformError(format!("storage.{} is missing", area_name(area))))
}

/// Storage reads the worker's shell (`bg.js`) started before the wasm module was even
/// fetched: a new worker's first storage answers come back only some 15 ms after they are
/// asked for, which the module's loading then hides. Each key's early answer is used once,
/// by the first read of that key, unless the key was written or removed in between; every
/// later read asks the browser. Keys and areas are [`crate::service::STARTUP_READS`].
struct EarlyRead {
    area: Area,
    keys: Vec<String>,
    answer: js_sys::Promise,
}

thread_local! {
    static EARLY_READS: std::cell::RefCell<Vec<EarlyRead>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Takes `bg.js`'s early reads: an array of `{ area, keys, answer }` (`answer`: the promise
/// of `storage[area].get(keys)`). Anything else is ignored: the reads then go to storage.
pub fn take_early_reads(reads: &JsValue) {
    let Ok(reads) = reads.clone().dyn_into::<Array>() else {
        return;
    };
    let taken = reads.iter().filter_map(|read| {
        // Named as `area_name` names them (`local`, `session`).
        let name = field(&read, "area").as_string()?;
        let area = [Area::Local, Area::Session]
            .into_iter()
            .find(|area| area_name(*area) == name)?;
        let keys = field(&read, "keys").dyn_into::<Array>().ok()?;
        let keys = keys.iter().filter_map(|k| k.as_string()).collect();
        let answer = field(&read, "answer").dyn_into::<js_sys::Promise>().ok()?;
        Some(EarlyRead { area, keys, answer })
    });
    let taken: Vec<EarlyRead> = taken.collect();
    EARLY_READS.with(|early| *early.borrow_mut() = taken);
}

/// The early answer holding `key` of `area`, if one is still unused: it is used up.
fn early_answer(area: Area, key: &str) -> Option<js_sys::Promise> {
    EARLY_READS.with(|early| {
        let mut early = early.borrow_mut();
        let read = early
            .iter_mut()
            .find(|r| r.area == area && r.keys.iter().any(|k| k == key))?;
        read.keys.retain(|k| k != key);
        Some(read.answer.clone())
    })
}

/// The value stored under `key` in `area` (the empty key: the whole area).
pub async fn get<T: DeserializeOwned>(area: Area, key: &str) -> Result<Option<T>, PlatformError> {
    // The empty key reads the whole area (the policy is all of `storage.managed`).
    let whole = key.is_empty();
    let which = if whole {
        JsValue::NULL
    } else {
        JsValue::from_str(key)
    };
    let early = match early_answer(area, key) {
        Some(answer) => JsFuture::from(answer).await.ok(),
        None => None,
    };
    let found = match early {
        Some(found) => found,
        None => storage_area(area)?.get(&which).await?,
    };
    let value = if whole { found } else { field(&found, key) };
    if value.is_undefined() {
        return Ok(None);
    }
    Ok(browser::from_js(value).ok())
}

/// Stores `value` under `key` in `area`.
pub async fn set<T: Serialize + ?Sized>(
    area: Area,
    key: &str,
    value: &T,
) -> Result<(), PlatformError> {
    // An early answer is older than this write.
    drop(early_answer(area, key));
    let items = Object::new();
    Reflect::set(&items, &JsValue::from_str(key), &to_js(value)?).map_err(BrowserError::from)?;
    Ok(storage_area(area)?.set(&items).await?)
}

/// Removes `key` from `area`.
pub async fn remove(area: Area, key: &str) -> Result<(), PlatformError> {
    drop(early_answer(area, key));
    Ok(storage_area(area)?.remove(key).await?)
}
