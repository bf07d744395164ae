//! JSON, read and written without serde: one small parser into a [`Json`] tree, one writer,
//! and per type a [`FromJson`]/[`ToJson`] pair that is plain code, not generic visitors.
//!
//! Why not serde: its derive writes a visitor per type, monomorphised per reader (JSON text,
//! `serde_json::Value`), and buffers every internally tagged enum; in the worker's wasm
//! module that was about a quarter of the code (issue 8's size budget, `bench/README.md`).
//! Here a type's reading is a list of field look-ups on an already parsed object
//! ([`Fields`]) and its writing a list of calls on an [`ObjectWriter`] that takes each value
//! as `&dyn ToJson`, so a field costs a call, not a copy of the reading code.
//!
//! Most types get both through [`json_object!`]; tagged enums and string enums are written
//! by hand with the same helpers. The rules follow what the serde attributes said before:
//! - a field is read `req` (absent means `null`, which only an `Option` accepts: absent or
//!   `null` is `None`, as serde does), `default` (absent or `null` is the type's default)
//!   or `lean` (as `default`, and left out of the JSON when it is the default: `None`,
//!   `false`, empty), or is `skip`ped (never in the JSON, default when read);
//! - unknown fields are ignored; a field of the wrong type is an error naming the field;
//! - numbers are kept as their text, so nothing is lost and no float code is needed:
//!   integers are read exactly, with range checks;
//! - nesting deeper than [`MAX_DEPTH`] is refused (hostile input cannot exhaust the stack);
//! - an error never quotes the input (it may hold a secret), only where and what.

/// The deepest nesting read (as serde_json).
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its (valid) JSON text.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, its members in their order (a repeated name is kept twice; readers take
    /// the first).
    Object(Vec<(String, Json)>),
}

/// Why a JSON text or value was not read. Never holds any of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Not JSON: the byte offset where reading stopped.
    #[error("not JSON (at byte {0})")]
    Syntax(usize),
    /// Nested more than [`MAX_DEPTH`] levels.
    #[error("nested too deeply")]
    TooDeep,
    /// A value of another type than the one named.
    #[error("expected {0}")]
    Expected(&'static str),
    /// A field that must be present is not.
    #[error("missing field `{0}`")]
    Missing(&'static str),
    /// A tag (`type`, `kind`, `state`, or a string enum's value) that names nothing known.
    #[error("unknown variant")]
    UnknownVariant,
    /// A field's value was not read.
    #[error("field `{0}`: {1}")]
    Field(&'static str, Box<JsonError>),
}

/// A type read from JSON.
pub trait FromJson: Sized {
    /// Reads `value`.
    fn from_json(value: Json) -> Result<Self, JsonError>;
}

/// A type written as JSON.
pub trait ToJson {
    /// Appends this value's JSON text to `out`.
    fn write_json(&self, out: &mut String);

    /// Whether this is the value a `lean` field leaves out (`None`, `false`, empty).
    fn is_default(&self) -> bool {
        false
    }
}

/// Reads `text` as a `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, JsonError> {
    T::from_json(parse(text)?)
}

/// `value` as JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

// ---------------------------------------------------------------------------------------
// Reading text

/// Parses `text` (one JSON value, surrounding white space allowed).
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let value = parser.value(0)?;
    parser.space();
    if parser.at != parser.bytes.len() {
        return Err(JsonError::Syntax(parser.at));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn fail<T>(&self) -> Result<T, JsonError> {
        Err(JsonError::Syntax(self.at))
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let here = self.peek() == Some(byte);
        self.at += usize::from(here);
        here
    }

    fn word(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            self.fail()
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.space();
        match self.peek() {
            Some(b'n') => self.word("null", Json::Null),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'[' | b'{')) => {
                if depth >= MAX_DEPTH {
                    return Err(JsonError::TooDeep);
                }
                self.at += 1;
                let close = open + 2; // `]` and `}` follow `[` and `{` by two.
                let mut items = Vec::new();
                let mut members = Vec::new();
                self.space();
                if !self.eat(close) {
                    loop {
                        if open == b'{' {
                            self.space();
                            if self.peek() != Some(b'"') {
                                return self.fail();
                            }
                            let name = self.string()?;
                            self.space();
                            if !self.eat(b':') {
                                return self.fail();
                            }
                            members.push((name, self.value(depth + 1)?));
                        } else {
                            items.push(self.value(depth + 1)?);
                        }
                        self.space();
                        if self.eat(close) {
                            break;
                        }
                        if !self.eat(b',') {
                            return self.fail();
                        }
                    }
                }
                Ok(if open == b'{' {
                    Json::Object(members)
                } else {
                    Json::Array(items)
                })
            }
            _ => self.fail(),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        self.eat(b'-');
        let leading_zero = self.peek() == Some(b'0');
        let whole = self.digits();
        if whole == 0 || (leading_zero && whole > 1) {
            return self.fail();
        }
        if self.eat(b'.') && self.digits() == 0 {
            return self.fail();
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return self.fail();
            }
        }
        Ok(Json::Number(self.text[start..self.at].to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or(JsonError::Syntax(self.at))?;
        let value = u32::from_str_radix(digits, 16).map_err(|_| JsonError::Syntax(self.at))?;
        if digits.starts_with('+') {
            return self.fail();
        }
        self.at += 4;
        Ok(value)
    }

    /// A string, the opening quote next.
    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // Stops only at ASCII bytes, so `start..at` are whole characters.
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek().ok_or(JsonError::Syntax(self.at))?;
                    self.at += 1;
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(JsonError::Syntax(self.at - 1)),
                    };
                    out.push(c);
                }
                // A control character, or the end of the text.
                _ => return self.fail(),
            }
        }
    }

    /// `\uXXXX` after the `u`, with its low surrogate when it is a high one.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !(self.eat(b'\\') && self.eat(b'u')) {
                    return self.fail();
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return self.fail();
                }
                0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
            }
            _ => first,
        };
        char::from_u32(code).ok_or(JsonError::Syntax(self.at))
    }
}

// ---------------------------------------------------------------------------------------
// The tree

impl Json {
    /// The member `name` of an object (the first, when repeated).
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.as_object()?
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The number, if this is a non-negative integer that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(text) => digits_value(text),
            _ => None,
        }
    }

    /// The number, if this is an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        let Self::Number(text) = self else {
            return None;
        };
        match text.strip_prefix('-') {
            Some(magnitude) => {
                let magnitude = digits_value(magnitude)?;
                0_i64.checked_sub_unsigned(magnitude)
            }
            None => i64::try_from(digits_value(text)?).ok(),
        }
    }

    /// Whether this is a number below zero.
    pub fn is_negative_number(&self) -> bool {
        matches!(self, Self::Number(text) if text.starts_with('-') && !is_zero_magnitude(text))
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Sets the member `name` of an object (replacing the first of that name); does nothing
    /// to another value.
    pub fn set(&mut self, name: &str, value: Json) {
        if let Self::Object(members) = self {
            match members.iter_mut().find(|(key, _)| key == name) {
                Some((_, old)) => *old = value,
                None => members.push((name.to_owned(), value)),
            }
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// A string value.
    pub fn string(text: impl Into<String>) -> Self {
        Self::String(text.into())
    }

    /// An integer value.
    pub fn number(value: impl Into<i64>) -> Self {
        Self::Number(to_string(&value.into()))
    }

    /// An object of these members, in this order.
    pub fn object<const N: usize>(members: [(&str, Json); N]) -> Self {
        Self::Object(
            members
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        )
    }
}

/// A number's mantissa and exponent are all zeros (`-0`, `-0.0e5`).
fn is_zero_magnitude(text: &str) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    mantissa.bytes().all(|b| matches!(b, b'-' | b'0' | b'.'))
}

/// Plain decimal digits (no sign, fraction or exponent) as a `u64`, if they fit.
fn digits_value(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.bytes().try_fold(0_u64, |total, digit| {
        total.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

impl FromJson for Json {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        Ok(value)
    }
}

impl ToJson for Json {
    fn write_json(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(value) => value.write_json(out),
            Self::Number(text) => out.push_str(text),
            Self::String(text) => write_string(out, text),
            Self::Array(items) => items.write_json(out),
            Self::Object(members) => {
                let mut writer = ObjectWriter::new(out);
                for (name, value) in members {
                    writer.req(name, value);
                }
                writer.end();
            }
        }
    }

    fn is_default(&self) -> bool {
        self.is_null()
    }
}

// ---------------------------------------------------------------------------------------
// Writing text

/// Appends `text` as a JSON string.
pub fn write_string(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        if escaped.is_empty() {
            out.push_str("\\u00");
            for nibble in [byte >> 4, byte & 0xf] {
                out.push(char::from(b"0123456789abcdef"[usize::from(nibble)]));
            }
        } else {
            out.push_str(escaped);
        }
        start = at + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Writes one object's members; [`json_object!`] calls it with each field's mode.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Starts an object (`{`).
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, first: true }
    }

    /// Writes `name: value`.
    pub fn req(&mut self, name: &str, value: &dyn ToJson) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_string(self.out, name);
        self.out.push(':');
        value.write_json(self.out);
    }

    /// Writes `name: value` (a field read with a default).
    pub fn default(&mut self, name: &str, value: &dyn ToJson) {
        self.req(name, value);
    }

    /// Writes `name: value` unless `value` is its type's default.
    pub fn lean(&mut self, name: &str, value: &dyn ToJson) {
        if !value.is_default() {
            self.req(name, value);
        }
    }

    /// Writes nothing: the field is not part of the JSON form.
    pub fn skip(&mut self, _name: &str, _value: &dyn ToJson) {}

    /// Ends the object (`}`).
    pub fn end(self) {
        self.out.push('}');
    }
}

/// JSON text indented by two spaces (for files people read): `compact` must be JSON text
/// as [`to_string`] writes it.
pub fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0_usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth * 2));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Reading values

/// An object's members, taken one field at a time; [`json_object!`] calls it with each
/// field's mode.
pub struct Fields(Vec<(String, Json)>);

impl Fields {
    /// The members of `value`, which must be an object.
    pub fn of(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::Object(members) => Ok(Self(members)),
            _ => Err(JsonError::Expected("an object")),
        }
    }

    /// Takes the member `name` (the first, when repeated).
    pub fn take(&mut self, name: &str) -> Option<Json> {
        self.0
            .iter_mut()
            .find(|(key, _)| key == name)
            .map(|(_, value)| std::mem::take(value))
    }

    /// The field `name`; absent reads as `null` (so an `Option` is `None`, anything else
    /// is missing).
    pub fn req<T: FromJson>(&mut self, name: &'static str) -> Result<T, JsonError> {
        match self.take(name) {
            Some(value) => T::from_json(value).map_err(|e| e.in_field(name)),
            None => T::from_json(Json::Null).map_err(|_| JsonError::Missing(name)),
        }
    }

    /// The field `name`, or `T`'s default when absent or `null`.
    pub fn default<T: FromJson + Default>(&mut self, name: &'static str) -> Result<T, JsonError> {
        self.or_else(name, T::default)
    }

    /// As [`Fields::default`] (the field is left out when written as its default).
    pub fn lean<T: FromJson + Default>(&mut self, name: &'static str) -> Result<T, JsonError> {
        self.default(name)
    }

    /// `T`'s default: the field is not part of the JSON form.
    pub fn skip<T: Default>(&mut self, _name: &'static str) -> Result<T, JsonError> {
        Ok(T::default())
    }

    /// The field `name`, or `fallback()` when absent or `null`.
    pub fn or_else<T: FromJson>(
        &mut self,
        name: &'static str,
        fallback: impl FnOnce() -> T,
    ) -> Result<T, JsonError> {
        match self.take(name) {
            None | Some(Json::Null) => Ok(fallback()),
            Some(value) => T::from_json(value).map_err(|e| e.in_field(name)),
        }
    }
}

impl JsonError {
    /// This error, as the reason the field `name` was not read.
    pub fn in_field(self, name: &'static str) -> Self {
        Self::Field(name, Box::new(self))
    }
}

/// The index of `text` in `names`, for string enums.
pub fn variant(value: Json, names: &[&str]) -> Result<usize, JsonError> {
    let text = String::from_json(value)?;
    names
        .iter()
        .position(|known| *known == text)
        .ok_or(JsonError::UnknownVariant)
}

/// Writes and reads a struct as a JSON object: each field with its JSON name and its mode
/// (`req`, `default`, `lean` or `skip`; see the module's documentation). Also gives the
/// struct `read_fields` and `write_fields`, for the tagged enums that flatten it.
macro_rules! json_object {
    ($type:ident { $($field:ident: $name:literal $mode:ident),* $(,)? }) => {
        impl $type {
            /// Reads this struct's fields from an object's members.
            #[allow(dead_code)]
            pub(crate) fn read_fields(
                fields: &mut $crate::core::json::Fields,
            ) -> Result<Self, $crate::core::json::JsonError> {
                Ok(Self { $($field: fields.$mode($name)?,)* })
            }

            /// Writes this struct's fields into an object.
            #[allow(dead_code)]
            pub(crate) fn write_fields(&self, writer: &mut $crate::core::json::ObjectWriter<'_>) {
                $(writer.$mode($name, &self.$field);)*
            }
        }

        $crate::core::json::json_object!($type by its fields);
    };
    // A struct whose `read_fields` and `write_fields` are written by hand.
    ($type:ident by its fields) => {
        impl $crate::core::json::FromJson for $type {
            fn from_json(
                value: $crate::core::json::Json,
            ) -> Result<Self, $crate::core::json::JsonError> {
                Self::read_fields(&mut $crate::core::json::Fields::of(value)?)
            }
        }

        impl $crate::core::json::ToJson for $type {
            fn write_json(&self, out: &mut String) {
                let mut writer = $crate::core::json::ObjectWriter::new(out);
                self.write_fields(&mut writer);
                writer.end();
            }
        }
    };
}

/// Writes and reads a fieldless enum as one of a fixed set of strings.
macro_rules! json_string_enum {
    ($type:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl $type {
            /// Its name in JSON.
            #[allow(dead_code)]
            pub(crate) fn json_name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl $crate::core::json::FromJson for $type {
            fn from_json(
                value: $crate::core::json::Json,
            ) -> Result<Self, $crate::core::json::JsonError> {
                const ALL: &[$type] = &[$($type::$variant,)+];
                Ok(ALL[$crate::core::json::variant(value, &[$($text,)+])?])
            }
        }

        impl $crate::core::json::ToJson for $type {
            fn write_json(&self, out: &mut String) {
                $crate::core::json::write_string(out, self.json_name());
            }
        }
    };
}

/// Writes and reads a type as a string through its own `name(self) -> &'static str` and
/// `from_name(&str) -> Option<Self>` (types whose names serve elsewhere too).
macro_rules! json_by_name {
    ($type:ty) => {
        impl $crate::core::json::FromJson for $type {
            fn from_json(
                value: $crate::core::json::Json,
            ) -> Result<Self, $crate::core::json::JsonError> {
                let name = <String as $crate::core::json::FromJson>::from_json(value)?;
                Self::from_name(&name).ok_or($crate::core::json::JsonError::UnknownVariant)
            }
        }

        impl $crate::core::json::ToJson for $type {
            fn write_json(&self, out: &mut String) {
                $crate::core::json::write_string(out, self.name());
            }
        }
    };
}

pub(crate) use {json_by_name, json_object, json_string_enum};

// ---------------------------------------------------------------------------------------
// The standard types

impl FromJson for String {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::String(text) => Ok(text),
            _ => Err(JsonError::Expected("a string")),
        }
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }

    fn is_default(&self) -> bool {
        (**self).is_default()
    }
}

impl FromJson for bool {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        value.as_bool().ok_or(JsonError::Expected("true or false"))
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }

    fn is_default(&self) -> bool {
        !*self
    }
}

/// Appends an integer's digits (no `fmt` machinery).
fn write_integer(out: &mut String, negative: bool, mut magnitude: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

macro_rules! json_integers {
    ($($type:ty),+) => {$(
        impl FromJson for $type {
            fn from_json(value: Json) -> Result<Self, JsonError> {
                value
                    .as_i64()
                    .and_then(|n| <$type>::try_from(n).ok())
                    .or_else(|| value.as_u64().and_then(|n| <$type>::try_from(n).ok()))
                    .ok_or(JsonError::Expected(concat!("an integer (", stringify!($type), ")")))
            }
        }

        impl ToJson for $type {
            fn write_json(&self, out: &mut String) {
                let value = *self as i128;
                write_integer(out, value < 0, value.unsigned_abs() as u64);
            }

            fn is_default(&self) -> bool {
                *self == 0
            }
        }
    )+};
}

json_integers!(u64, u32, u16, u8, usize, i64, i32);

impl ToJson for f64 {
    /// Milliseconds and the like: written with at most three decimals, without `fmt`'s
    /// float code (not finite: `null`).
    fn write_json(&self, out: &mut String) {
        if !self.is_finite() || self.abs() >= 9.0e15 {
            out.push_str("null");
            return;
        }
        let thousandths = (self.abs() * 1000.0).round() as u64;
        write_integer(out, *self < 0.0 && thousandths > 0, thousandths / 1000);
        let mut fraction = thousandths % 1000;
        if fraction > 0 {
            out.push('.');
            let mut width = 3;
            while fraction % 10 == 0 {
                fraction /= 10;
                width -= 1;
            }
            let mut digits = [b'0'; 3];
            for at in (0..width).rev() {
                digits[at] = b'0' + (fraction % 10) as u8;
                fraction /= 10;
            }
            for &digit in &digits[..width] {
                out.push(char::from(digit));
            }
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::Null => Ok(None),
            value => T::from_json(value).map(Some),
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }

    fn is_default(&self) -> bool {
        self.is_none()
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        T::from_json(value).map(Box::new)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }

    fn is_default(&self) -> bool {
        (**self).is_default()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::Array(items) => items.into_iter().map(T::from_json).collect(),
            _ => Err(JsonError::Expected("an array")),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (at, item) in self.iter().enumerate() {
            if at > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }
}

/// A type that names a member of a JSON object (a map's key).
pub trait JsonKey: Sized {
    /// Reads a member name.
    fn from_key(name: String) -> Result<Self, JsonError>;
    /// Writes a member name.
    fn to_key(&self) -> String;
}

impl JsonKey for String {
    fn from_key(name: String) -> Result<Self, JsonError> {
        Ok(name)
    }

    fn to_key(&self) -> String {
        self.clone()
    }
}

impl JsonKey for i32 {
    fn from_key(name: String) -> Result<Self, JsonError> {
        i32::from_json(Json::Number(name)).map_err(|_| JsonError::Expected("an integer key"))
    }

    fn to_key(&self) -> String {
        to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    struct Sample {
        name: String,
        count: u32,
        note: Option<String>,
        on: bool,
        tags: Vec<String>,
        hidden: bool,
    }

    json_object!(Sample {
        name: "name" req,
        count: "count" default,
        note: "note" req,
        on: "on" lean,
        tags: "tags" lean,
        hidden: "hidden" skip,
    });

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Shade {
        Light,
        Dark,
    }

    json_string_enum!(Shade {
        Light = "light",
        Dark = "dark-ish",
    });

    #[test]
    fn objects_follow_their_field_modes() {
        let sample = Sample {
            name: "a\"b\\c\n\u{1}é€😀".into(),
            count: 7,
            note: None,
            on: false,
            tags: vec![],
            hidden: true,
        };
        let text = to_string(&sample);
        assert_eq!(
            text,
            r#"{"name":"a\"b\\c\n\u0001é€😀","count":7,"note":null}"#
        );
        let back: Sample = from_str(&text).unwrap();
        assert_eq!(
            back,
            Sample {
                hidden: false,
                ..sample.clone()
            }
        );
        // What serde_json makes of it is the same value.
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(theirs["name"], "a\"b\\c\n\u{1}é€😀");

        let full = Sample {
            note: Some("n".into()),
            on: true,
            tags: vec!["x".into()],
            ..sample
        };
        let text = to_string(&full);
        assert!(
            text.ends_with(r#""note":"n","on":true,"tags":["x"]}"#),
            "{text}"
        );
        assert_eq!(
            from_str::<Sample>(&text).unwrap(),
            Sample {
                hidden: false,
                ..full
            }
        );

        // Absent and null: the default; unknown fields ignored; `req` names what is missing.
        let lenient: Sample = from_str(r#"{"name":"x","count":null,"extra":[1,{"a":2}]}"#).unwrap();
        assert_eq!(lenient.count, 0);
        assert_eq!(from_str::<Sample>("{}"), Err(JsonError::Missing("name")));
        assert_eq!(
            from_str::<Sample>(r#"{"name":5}"#),
            Err(JsonError::Field(
                "name",
                Box::new(JsonError::Expected("a string"))
            ))
        );
        assert!(from_str::<Sample>("[]").is_err());
        assert!(from_str::<Sample>(r#"{"name":"x","on":"yes"}"#).is_err());
    }

    #[test]
    fn string_enums_read_only_their_names() {
        assert_eq!(to_string(&Shade::Dark), r#""dark-ish""#);
        assert_eq!(from_str::<Shade>(r#""light""#), Ok(Shade::Light));
        assert_eq!(
            from_str::<Shade>(r#""Light""#),
            Err(JsonError::UnknownVariant)
        );
        assert!(from_str::<Shade>("1").is_err());
    }

    #[test]
    fn integers_are_exact_and_checked() {
        assert_eq!(from_str::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert!(from_str::<u64>("18446744073709551616").is_err());
        assert!(from_str::<u64>("-1").is_err());
        assert!(from_str::<u64>("1.5").is_err());
        assert!(from_str::<u64>("1e3").is_err());
        assert!(from_str::<u64>("\"1\"").is_err());
        assert_eq!(from_str::<i32>("-2147483648"), Ok(i32::MIN));
        assert!(from_str::<i32>("2147483648").is_err());
        assert_eq!(from_str::<i64>("-9223372036854775808"), Ok(i64::MIN));
        assert!(from_str::<u16>("65536").is_err());
        for n in [0_i64, 1, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(to_string(&n), n.to_string());
            assert_eq!(from_str::<i64>(&to_string(&n)), Ok(n));
        }
        assert_eq!(to_string(&u64::MAX), u64::MAX.to_string());
        assert!(!parse("-0").unwrap().is_negative_number());
        assert!(parse("-0.5").unwrap().is_negative_number());
        assert!(parse("-5").unwrap().is_negative_number());
        assert!(!parse("5").unwrap().is_negative_number());
    }

    #[test]
    fn floats_are_written_with_three_decimals_at_most() {
        for (value, text) in [
            (1.5, "1.5"),
            (0.0, "0"),
            (1234.5678, "1234.568"),
            (0.001, "0.001"),
            (2.25, "2.25"),
            (-3.1, "-3.1"),
            (-0.0001, "0"),
            (f64::NAN, "null"),
            (1e300, "null"),
        ] {
            assert_eq!(to_string(&value), text, "{value}");
        }
    }

    #[test]
    fn parses_what_serde_json_parses_and_refuses_the_rest() {
        let good = [
            "null",
            " true ",
            "[1, -2.5e+3, 0.0, 1E-2, \"\\u00e9\\ud83d\\ude00\\/\"]",
            "{\"a\": {\"b\": [[], {}]}, \"a\": 1}",
            "\"\u{7f}\u{2028}\"",
            "-0",
        ];
        for text in good {
            let ours = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let theirs: serde_json::Value = serde_json::from_str(&to_string(&ours)).unwrap();
            let direct: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(theirs, direct, "{text}");
        }
        let bad = [
            "",
            " ",
            "nul",
            "tru",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a",
            "\"\n\"",
            "[1 2]",
            "{\"a\" 1}",
            "1 2",
            "\"\\u12\"",
            "\"\\u+123\"",
            "[",
            "{",
        ];
        for text in bad {
            assert!(parse(text).is_err(), "{text:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text:?}"
            );
        }
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deeper), Err(JsonError::TooDeep));
        let hostile = "[".repeat(1_000_000);
        assert_eq!(parse(&hostile), Err(JsonError::TooDeep));
    }

    #[test]
    fn errors_never_quote_the_input() {
        for text in [
            "\"secret-token",
            "{\"secret-token\" 1}",
            "\"secret-token\"",
            "{\"name\":\"secret-token\",\"count\":\"secret-token\"}",
        ] {
            let error = from_str::<Sample>(text).unwrap_err().to_string();
            assert!(!error.contains("secret"), "{error}");
        }
        let error = from_str::<Shade>("\"secret-token\"")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn pretty_text_is_the_same_json() {
        let text = r#"{"a":[1,{"b":"x,{y}:\"z\""}],"c":{},"d":[]}"#;
        let pretty = pretty(text);
        assert_eq!(
            pretty,
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,{y}:\\\"z\\\"\"\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}"
        );
        assert_eq!(parse(&pretty), parse(text));
    }

    #[test]
    fn trees_read_and_write_back() {
        let value = parse(r#"{"s":"x","n":-12,"b":false,"a":[null],"o":{"k":1}}"#).unwrap();
        assert_eq!(value.get("s").and_then(Json::as_str), Some("x"));
        assert_eq!(value.get("n").and_then(Json::as_i64), Some(-12));
        assert_eq!(value.get("n").and_then(Json::as_u64), None);
        assert_eq!(value.get("b").and_then(Json::as_bool), Some(false));
        assert_eq!(
            value.get("a").and_then(Json::as_array).map(<[Json]>::len),
            Some(1)
        );
        assert_eq!(
            to_string(&value),
            r#"{"s":"x","n":-12,"b":false,"a":[null],"o":{"k":1}}"#
        );
        assert_eq!(
            to_string(&Json::object([
                ("a", Json::number(5)),
                ("b", Json::string("c"))
            ])),
            r#"{"a":5,"b":"c"}"#
        );
    }
}
