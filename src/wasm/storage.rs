//! [`Storage`] over the browser's `storage.local`.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::browser::{self, BrowserError};
use crate::service::{Storage, StorageError};

/// `storage.local` as the service's [`Storage`].
pub struct LocalStorage;

impl From<BrowserError> for StorageError {
    fn from(value: BrowserError) -> Self {
        StorageError(value.0)
    }
}

impl Storage for LocalStorage {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, StorageError> {
        let found = browser::storage_local()?
            .get(&JsValue::from_str(key))
            .await
            .map_err(BrowserError::from)?;
        let value = Reflect::get(&found, &JsValue::from_str(key)).map_err(BrowserError::from)?;
        if value.is_undefined() {
            return Ok(None);
        }
        serde_wasm_bindgen::from_value(value)
            .map(Some)
            .map_err(|e| StorageError(e.to_string()))
    }

    async fn set(&self, key: &str, value: serde_json::Value) -> Result<(), StorageError> {
        let items = browser::object();
        Reflect::set(&items, &JsValue::from_str(key), &browser::to_js(&value)?)
            .map_err(BrowserError::from)?;
        browser::storage_local()?
            .set(&items)
            .await
            .map_err(BrowserError::from)?;
        Ok(())
    }
}
