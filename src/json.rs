//! A small JSON reader and writer for the few answers the main module reads
//! (the session, the consent configuration and receipts, error bodies) and
//! the few requests it writes.
//!
//! `serde_json` with the derived decoders costs the main module about a
//! tenth of its size, for four types. Pages fetched later still use it (see
//! `api::decode`), so it moved to their shared modules; these types are read
//! here, by hand, and a test per type checks that the result is what
//! `serde_json` makes of the same text.
//!
//! Numbers are kept as their text and read as integers where asked: the
//! wire types have no fractions.

use std::collections::BTreeMap;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Why a text is not the value it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn error<T>(what: impl Into<String>) -> Result<T, JsonError> {
    Err(JsonError(what.into()))
}

/// How deep arrays and objects may nest: no answer of ours comes close.
const MAX_DEPTH: usize = 64;

impl Json {
    /// Parses a whole text: one value, with only white space around it.
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut reader = Reader { bytes: text.as_bytes(), at: 0 };
        let value = reader.value(0)?;
        reader.space();
        if reader.at != reader.bytes.len() {
            return error("trailing characters after the value");
        }
        Ok(value)
    }

    /// The member `key` of an object (`Null` when absent or not an object).
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map_or(&Json::Null, |(_, v)| v),
            _ => &Json::Null,
        }
    }

    pub fn string(&self, field: &str) -> Result<String, JsonError> {
        match self.get(field) {
            Json::String(s) => Ok(s.clone()),
            _ => error(format!("`{field}` is not a string")),
        }
    }

    /// A string, or `None` for `null` or an absent field.
    pub fn optional_string(&self, field: &str) -> Result<Option<String>, JsonError> {
        match self.get(field) {
            Json::Null => Ok(None),
            Json::String(s) => Ok(Some(s.clone())),
            _ => error(format!("`{field}` is not a string")),
        }
    }

    pub fn bool(&self, field: &str) -> Result<bool, JsonError> {
        match self.get(field) {
            Json::Bool(b) => Ok(*b),
            _ => error(format!("`{field}` is not true or false")),
        }
    }

    /// A boolean, `false` when absent.
    pub fn bool_or_false(&self, field: &str) -> Result<bool, JsonError> {
        match self.get(field) {
            Json::Null if !self.has(field) => Ok(false),
            _ => self.bool(field),
        }
    }

    pub fn u32(&self, field: &str) -> Result<u32, JsonError> {
        match self.get(field) {
            Json::Number(n) => n.parse().or_else(|_| error(format!("`{field}` is not a whole number"))),
            _ => error(format!("`{field}` is not a number")),
        }
    }

    /// A whole number, 0 when absent.
    pub fn u32_or_zero(&self, field: &str) -> Result<u32, JsonError> {
        match self.has(field) {
            true => self.u32(field),
            false => Ok(0),
        }
    }

    pub fn array(&self, field: &str) -> Result<&[Json], JsonError> {
        match self.get(field) {
            Json::Array(items) => Ok(items),
            _ => error(format!("`{field}` is not a list")),
        }
    }

    /// Whether an object has the member `key`.
    pub fn has(&self, key: &str) -> bool {
        matches!(self, Json::Object(members) if members.iter().any(|(k, _)| k == key))
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn space(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        self.space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            error(format!("expected `{}` at {}", byte as char, self.at))
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            error(format!("unexpected character at {}", self.at))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return error("nested too deeply");
        }
        self.space();
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    self.expect(b':')?;
                    members.push((key, self.value(depth + 1)?));
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(members));
                        }
                        _ => return error(format!("expected `,` or `}}` at {}", self.at)),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return error(format!("expected `,` or `]` at {}", self.at)),
                    }
                }
            }
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => error(format!("unexpected character at {}", self.at)),
            None => error("unexpected end of text"),
        }
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = |r: &mut Self| {
            let from = r.at;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.at += 1;
            }
            r.at > from
        };
        if !digits(self) {
            return error(format!("a number without digits at {start}"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return error(format!("a number without digits after its point at {start}"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return error(format!("a number without digits in its exponent at {start}"));
            }
        }
        // Only ASCII was consumed, so this is a whole UTF-8 slice.
        Ok(Json::Number(String::from_utf8_lossy(&self.bytes[start..self.at]).into_owned()))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        if self.peek() != Some(b'"') {
            return error(format!("expected a string at {}", self.at));
        }
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(byte) = self.peek() else { return error("a string without its closing quote") };
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else { return error("a string without its closing quote") };
                    self.at += 1;
                    match escape {
                        b'"' | b'\\' | b'/' => out.push(escape),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&first) {
                                // A surrogate pair: the second half must follow.
                                if !self.bytes[self.at..].starts_with(b"\\u") {
                                    return error("half of a surrogate pair");
                                }
                                self.at += 2;
                                let second = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&second) {
                                    return error("half of a surrogate pair");
                                }
                                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                            } else {
                                first
                            };
                            let Some(c) = char::from_u32(code) else { return error("half of a surrogate pair") };
                            let mut buffer = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                        }
                        _ => return error(format!("an unknown escape at {}", self.at)),
                    }
                }
                0..=0x1F => return error("a control character in a string"),
                _ => out.push(byte),
            }
        }
        // The input was a `&str` and escapes write whole characters.
        String::from_utf8(out).or_else(|_| error("a string that is not UTF-8"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.bytes.get(self.at..self.at + 4).ok_or(JsonError("a short \\u escape".into()))?;
        let mut value = 0;
        for &d in digits {
            value = value * 16 + (d as char).to_digit(16).ok_or(JsonError("a bad \\u escape".into()))?;
        }
        self.at += 4;
        Ok(value)
    }
}

/// Writes `text` as a JSON string, quotes included.
pub fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `{"field": ["message", ...], ...}` as field errors.
pub fn field_errors(value: &Json) -> Result<BTreeMap<String, Vec<String>>, JsonError> {
    let mut fields = BTreeMap::new();
    match value {
        Json::Null => {}
        Json::Object(members) => {
            for (field, messages) in members {
                let Json::Array(messages) = messages else { return error("field messages are not a list") };
                let messages = messages
                    .iter()
                    .map(|m| m.as_str().map(str::to_string).ok_or(JsonError("a field message is not a string".into())))
                    .collect::<Result<Vec<_>, _>>()?;
                fields.insert(field.clone(), messages);
            }
        }
        _ => return error("`fields` is not an object"),
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let texts = [
            r#"{"a": [1, -2.5e3, true, false, null, "x\"y\\z\/\n\u00e9\ud83c\udfac"], "b": {}, "c": []}"#,
            r#"  "plain"  "#,
            "0",
            r#"{"dup": 1, "dup": 2}"#,
        ];
        for text in texts {
            let ours = Json::parse(text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(to_serde(&ours), theirs, "{text}");
        }
    }

    fn to_serde(value: &Json) -> serde_json::Value {
        match value {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::from_str(n).unwrap(),
            Json::String(s) => serde_json::Value::String(s.clone()),
            Json::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
            // The last of a repeated key wins, as in serde_json's map.
            Json::Object(members) => {
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.clone(), to_serde(v));
                }
                serde_json::Value::Object(map)
            }
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "tru", "01x", "-", "1.", "1e", "\"abc", "\"\\x\"",
            "\"\\ud83c\"", "\"\\ud83cx\"", "\"a\u{1}b\"", "{} {}", "[1 2]", "nul",
        ] {
            assert!(Json::parse(text).is_err(), "{text:?} parsed");
            assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "serde_json parses {text:?}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(Json::parse(&deep).is_err());
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for text in ["plain", "quote \" and \\ back", "lines\n\r\t", "\u{1}\u{1f}\u{8}\u{c}", "été 🎬", ""] {
            let mut ours = String::new();
            write_string(&mut ours, text);
            assert_eq!(ours, serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn fields_read_with_their_defaults() {
        let v = Json::parse(r#"{"n": 7, "s": "x", "t": true, "z": null, "big": 4294967296, "neg": -1, "f": 1.5}"#).unwrap();
        assert_eq!(v.u32("n"), Ok(7));
        assert!(v.u32("big").is_err() && v.u32("neg").is_err() && v.u32("f").is_err() && v.u32("s").is_err());
        assert_eq!(v.u32_or_zero("absent"), Ok(0));
        assert_eq!(v.string("s").as_deref(), Ok("x"));
        assert!(v.string("n").is_err() && v.string("absent").is_err());
        assert_eq!(v.optional_string("z"), Ok(None));
        assert_eq!(v.optional_string("absent"), Ok(None));
        assert_eq!(v.bool("t"), Ok(true));
        assert_eq!(v.bool_or_false("absent"), Ok(false));
        assert!(v.bool_or_false("z").is_err());
        assert!(Json::Null.string("s").is_err());
    }
}
