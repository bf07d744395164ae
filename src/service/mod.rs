//! The worker's service: runs requests from the pages against the core and persists what
//! changed through an injected [`Storage`]. The browser adapter implements `Storage` over
//! `storage.local`; [`MemoryStorage`] is the fake the tests use.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;

use crate::core::config::Config;
use crate::core::messages::{Request, Response, StateView};
use crate::core::text::{msg, UserText};

/// Why storage failed; the detail is for the log, never shown raw.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage failed: {0}")]
pub struct StorageError(pub String);

/// A key-value store of JSON values (the browser's `storage.local`).
pub trait Storage {
    /// The value under `key`, if any.
    fn get(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, StorageError>>;
    /// Stores `value` under `key`.
    fn set(
        &self,
        key: &str,
        value: serde_json::Value,
    ) -> impl Future<Output = Result<(), StorageError>>;
}

/// An in-memory [`Storage`] for tests, which can be told to fail.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    values: RefCell<BTreeMap<String, serde_json::Value>>,
    failing: RefCell<bool>,
}

impl MemoryStorage {
    /// Makes every later call fail (or succeed again).
    pub fn set_failing(&self, failing: bool) {
        *self.failing.borrow_mut() = failing;
    }

    /// A copy of everything stored, for assertions.
    pub fn dump(&self) -> BTreeMap<String, serde_json::Value> {
        self.values.borrow().clone()
    }

    fn check(&self) -> Result<(), StorageError> {
        if *self.failing.borrow() {
            Err(StorageError("quota exceeded (simulated)".into()))
        } else {
            Ok(())
        }
    }
}

impl<S: Storage> Storage for &S {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, StorageError> {
        (**self).get(key).await
    }

    async fn set(&self, key: &str, value: serde_json::Value) -> Result<(), StorageError> {
        (**self).set(key, value).await
    }
}

impl Storage for MemoryStorage {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, StorageError> {
        self.check()?;
        Ok(self.values.borrow().get(key).cloned())
    }

    async fn set(&self, key: &str, value: serde_json::Value) -> Result<(), StorageError> {
        self.check()?;
        self.values.borrow_mut().insert(key.to_owned(), value);
        Ok(())
    }
}

/// The worker's state and the logic that runs each request.
pub struct Service<S> {
    storage: S,
    config: RefCell<Option<Config>>,
}

impl<S: Storage> Service<S> {
    /// A service over `storage`; the configuration is read on first use.
    pub fn new(storage: S) -> Self {
        Self {
            storage,
            config: RefCell::new(None),
        }
    }

    /// Runs one request from a page.
    pub async fn handle(&self, request: Request) -> Response {
        let config = match self.config().await {
            Ok(config) => config,
            Err(_) => {
                return Response::Error {
                    message: msg::STORAGE_FAILED.text(),
                    state: StateView::default(),
                }
            }
        };
        match request {
            Request::GetState => Response::State(StateView::of(&config)),
            Request::AddPortal { url, api_token } => {
                let mut next = config.clone();
                match next.add_portal(&url, api_token.as_deref()) {
                    Ok(_) => self.commit(config, next).await,
                    Err(e) => refuse(e.user_text(), &config),
                }
            }
            Request::RemovePortal { origin } => {
                let mut next = config.clone();
                if next.remove_portal(&origin) {
                    self.commit(config, next).await
                } else {
                    refuse(msg::PORTAL_NOT_FOUND.text(), &config)
                }
            }
        }
    }

    /// The configuration, loaded from storage the first time.
    async fn config(&self) -> Result<Config, StorageError> {
        if let Some(config) = self.config.borrow().as_ref() {
            return Ok(config.clone());
        }
        let stored = self.storage.get(Config::STORAGE_KEY).await?;
        let (loaded, _dropped) = Config::from_stored(stored);
        // Another request may have loaded (and changed) it while this one awaited storage.
        let mut slot = self.config.borrow_mut();
        Ok(slot.get_or_insert(loaded).clone())
    }

    /// Stores `next`; only once storage took it does the service adopt it.
    async fn commit(&self, before: Config, next: Config) -> Response {
        match self
            .storage
            .set(Config::STORAGE_KEY, next.to_stored())
            .await
        {
            Ok(()) => {
                let view = StateView::of(&next);
                *self.config.borrow_mut() = Some(next);
                Response::State(view)
            }
            Err(_) => refuse(msg::STORAGE_FAILED.text(), &before),
        }
    }
}

fn refuse(message: UserText, config: &Config) -> Response {
    Response::Error {
        message,
        state: StateView::of(config),
    }
}
