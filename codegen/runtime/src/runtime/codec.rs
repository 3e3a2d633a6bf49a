//! The `/rest` form of values, derived from their serde (`/api`) form in one place.
//!
//! A value is serialized with serde into its `/api` JSON form; under `/rest` the runtime then
//! calls [`RestForm::to_rest`] on that JSON, which turns maps into key/value lists and adds
//! `@class` to dynamic structures. Responses go the other way with [`RestForm::from_rest`].
//! Neither direction panics or fails on JSON of an unexpected shape: it is left as it is.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Converts the JSON form of a type between the `/api` form (serde's) and the `/rest` form.
///
/// Both methods default to doing nothing. Generated structures override them to visit the
/// fields that need it ([`rest_field`]) and to add or remove `@class` ([`rest_class`]).
pub trait RestForm {
    /// Rewrites the `/api` JSON form of a value of this type into its `/rest` form, in place.
    fn to_rest(value: &mut Value) {
        let _ = value;
    }

    /// Rewrites the `/rest` JSON form of a value of this type into its `/api` form, in place.
    fn from_rest(value: &mut Value) {
        let _ = value;
    }
}

macro_rules! plain_rest_form {
    ($($ty:ty),* $(,)?) => {
        $(impl RestForm for $ty {})*
    };
}

plain_rest_form!(
    (),
    String,
    str,
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    Value,
);

impl<T: RestForm + ?Sized> RestForm for &T {
    fn to_rest(value: &mut Value) {
        T::to_rest(value);
    }

    fn from_rest(value: &mut Value) {
        T::from_rest(value);
    }
}

impl<T: RestForm + ?Sized> RestForm for Box<T> {
    fn to_rest(value: &mut Value) {
        T::to_rest(value);
    }

    fn from_rest(value: &mut Value) {
        T::from_rest(value);
    }
}

impl<T: RestForm> RestForm for Option<T> {
    fn to_rest(value: &mut Value) {
        if !value.is_null() {
            T::to_rest(value);
        }
    }

    fn from_rest(value: &mut Value) {
        if !value.is_null() {
            T::from_rest(value);
        }
    }
}

impl<T: RestForm> RestForm for Vec<T> {
    fn to_rest(value: &mut Value) {
        <[T]>::to_rest(value);
    }

    fn from_rest(value: &mut Value) {
        <[T]>::from_rest(value);
    }
}

impl<T: RestForm> RestForm for [T] {
    fn to_rest(value: &mut Value) {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(T::to_rest);
        }
    }

    fn from_rest(value: &mut Value) {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(T::from_rest);
        }
    }
}

/// Maps: `{K: V}` under `/api`, `[{"key": K, "value": V}, ...]` under `/rest`.
impl<K, V: RestForm> RestForm for BTreeMap<K, V> {
    fn to_rest(value: &mut Value) {
        let Value::Object(map) = value else {
            return;
        };
        let entries = std::mem::take(map)
            .into_iter()
            .map(|(key, mut item)| {
                V::to_rest(&mut item);
                let mut entry = Map::new();
                entry.insert("key".to_owned(), Value::String(key));
                entry.insert("value".to_owned(), item);
                Value::Object(entry)
            })
            .collect();
        *value = Value::Array(entries);
    }

    fn from_rest(value: &mut Value) {
        match value {
            Value::Array(items) if items.iter().all(is_key_value_entry) => {
                let mut map = Map::new();
                for entry in std::mem::take(items) {
                    let Value::Object(mut entry) = entry else {
                        continue;
                    };
                    let key = match entry.remove("key") {
                        Some(Value::String(key)) => key,
                        Some(other) => other.to_string(),
                        None => continue,
                    };
                    let mut item = entry.remove("value").unwrap_or(Value::Null);
                    V::from_rest(&mut item);
                    map.insert(key, item);
                }
                *value = Value::Object(map);
            }
            // Servers mix forms: an object map is already in `/api` form; still fix its values.
            Value::Object(map) => map.values_mut().for_each(V::from_rest),
            _ => {}
        }
    }
}

/// Whether a JSON value is one `{"key": k, "value": v}` entry of a `/rest` map.
fn is_key_value_entry(value: &Value) -> bool {
    match value {
        Value::Object(entry) => {
            entry.len() == 2 && entry.contains_key("key") && entry.contains_key("value")
        }
        _ => false,
    }
}

/// Applies `T`'s `/rest` transform ([`RestForm::to_rest`] when `to_rest`, else
/// [`RestForm::from_rest`]) to the field `json_name` of `object`, when `object` is a JSON object
/// holding that field. Generated [`RestForm`] impls call this for each field that needs it.
pub fn rest_field<T: RestForm + ?Sized>(object: &mut Value, json_name: &str, to_rest: bool) {
    if let Some(field) = object.get_mut(json_name) {
        if to_rest {
            T::to_rest(field);
        } else {
            T::from_rest(field);
        }
    }
}

/// Adds (`to_rest`) or removes (`!to_rest`) the `@class` member of a dynamic structure's JSON
/// object. When adding, `@class` becomes the first member, replacing any existing one. Values
/// that are not JSON objects are left alone.
pub fn rest_class(object: &mut Value, class: &str, to_rest: bool) {
    let Value::Object(map) = object else {
        return;
    };
    if to_rest {
        let rest = std::mem::take(map);
        map.insert("@class".to_owned(), Value::String(class.to_owned()));
        map.extend(rest.into_iter().filter(|(key, _)| key != "@class"));
    } else {
        map.remove("@class");
    }
}
