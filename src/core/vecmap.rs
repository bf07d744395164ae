//! Small ordered maps and sets over a sorted `Vec`, for the state the worker keeps (a few
//! portals, tens of consoles). They behave like `BTreeMap`/`BTreeSet` for what the code uses
//! (ordered iteration, the same JSON form) at a fraction of the wasm: B-tree code is compiled
//! anew for every key and value type, and was a tenth of the worker's module.

use std::borrow::Borrow;
use std::fmt;

use super::json::{FromJson, Json, JsonError, JsonKey, ObjectWriter, ToJson};

/// A map ordered by key.
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value; returns the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Sets `key`'s value and returns it, to read or change.
    pub fn insert_get(&mut self, key: K, value: V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => {
                self.entries[i].1 = value;
                i
            }
            Err(i) => {
                self.entries.insert(i, (key, value));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// `key`'s value, inserted as `V::default()` when missing.
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, V::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K, V> VecMap<K, V> {
    /// The entries, by key.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries, by key, values to change.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, by key.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// `map[&key]`, as with `BTreeMap`: panics when `key` has no value (use [`VecMap::get`] for
/// anything that may be missing).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no entry for the key"),
        }
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter =
        std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A JSON object, member names from the keys.
impl<K: JsonKey + Ord, V: FromJson> FromJson for VecMap<K, V> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let Json::Object(members) = value else {
            return Err(JsonError::Expected("an object"));
        };
        let mut map = VecMap::new();
        for (name, value) in members {
            map.insert(K::from_key(name)?, V::from_json(value)?);
        }
        Ok(map)
    }
}

impl<K: JsonKey, V: ToJson> ToJson for VecMap<K, V> {
    fn write_json(&self, out: &mut String) {
        let mut writer = ObjectWriter::new(out);
        for (key, value) in self {
            writer.req(&key.to_key(), value);
        }
        writer.end();
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

/// A set, ordered.
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<T: Ord> VecSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `item`; false when it was there.
    pub fn insert(&mut self, item: T) -> bool {
        match self.items.binary_search(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    /// Removes `item`; false when it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.items.binary_search_by(|t| t.borrow().cmp(item)) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether `item` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items
            .binary_search_by(|t| t.borrow().cmp(item))
            .is_ok()
    }
}

impl<T> VecSet<T> {
    /// The items, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::new();
        for item in iter {
            set.insert(item);
        }
        set
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// A JSON array.
impl<T: FromJson + Ord> FromJson for VecSet<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let mut set = VecSet::new();
        for item in Vec::<T>::from_json(value)? {
            set.insert(item);
        }
        Ok(set)
    }
}

impl<T: ToJson> ToJson for VecSet<T> {
    fn write_json(&self, out: &mut String) {
        self.items.write_json(out);
    }

    fn is_default(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut ours = VecMap::new();
        let mut theirs = BTreeMap::new();
        for (i, key) in ["m", "c", "x", "a", "c", "q", "m"].iter().enumerate() {
            assert_eq!(
                ours.insert(key.to_string(), i),
                theirs.insert(key.to_string(), i)
            );
        }
        assert_eq!(ours.remove("q"), theirs.remove("q"));
        assert_eq!(ours.remove("zz"), theirs.remove("zz"));
        ours.retain(|k, v| {
            *v += 1;
            k != "x"
        });
        theirs.retain(|k, v| {
            *v += 1;
            k != "x"
        });
        assert_eq!(
            ours.iter().collect::<Vec<_>>(),
            theirs.iter().collect::<Vec<_>>()
        );
        assert_eq!(ours.get("c"), theirs.get("c"));
        assert_eq!(*ours.insert_get("m".into(), 1), 1);
        theirs.insert("m".into(), 1);
        *ours.get_or_default("b".into()) += 7;
        assert_eq!(ours.get("b"), Some(&7));
        assert_eq!(
            crate::core::json::to_string(&ours),
            r#"{"a":4,"b":7,"c":5,"m":1}"#
        );
        let back: VecMap<String, usize> = crate::core::json::from_str(r#"{"z":1,"a":2}"#).unwrap();
        assert_eq!(back.keys().collect::<Vec<_>>(), ["a", "z"]);
        let numbers: VecMap<i32, String> =
            crate::core::json::from_str(r#"{"10":"a","9":"b"}"#).unwrap();
        assert_eq!(numbers.keys().collect::<Vec<_>>(), [&9, &10]);
    }

    #[test]
    fn behaves_like_a_btree_set() {
        let mut ours = VecSet::new();
        let mut theirs = BTreeSet::new();
        for item in ["b", "a", "b", "c"] {
            assert_eq!(
                ours.insert(item.to_string()),
                theirs.insert(item.to_string())
            );
        }
        assert_eq!(ours.remove("a"), theirs.remove("a"));
        assert_eq!(ours.contains("c"), theirs.contains("c"));
        assert_eq!(
            ours.iter().collect::<Vec<_>>(),
            theirs.iter().collect::<Vec<_>>()
        );
        assert_eq!(crate::core::json::to_string(&ours), r#"["b","c"]"#);
    }
}
