//! The answers the main module reads and the requests it writes, by hand
//! with [`crate::json`] (see there for why). Each decoder reads what the
//! type's `serde` derive reads, defaults included; the tests hold them to it.

use curtain_api::consent::{
    Category, CategoryInfo, ConsentConfig, ConsentMethod, ConsentReceipt, ConsentReceiptRequest, CookieInfo, PageView,
};
use curtain_api::{ErrorBody, ErrorDetail, SessionUser};

use crate::json::{self, Json, JsonError};

/// A type read from a JSON answer.
pub trait FromJson: Sized {
    fn from_json(value: &Json) -> Result<Self, JsonError>;

    fn parse(text: &str) -> Result<Self, JsonError> {
        Self::from_json(&Json::parse(text)?)
    }
}

/// A type written as a JSON request body.
pub trait ToJson {
    fn to_json(&self) -> String;
}

fn list<T>(value: &Json, field: &str, item: impl Fn(&Json) -> Result<T, JsonError>) -> Result<Vec<T>, JsonError> {
    value.array(field)?.iter().map(item).collect()
}

fn category(value: &Json) -> Result<Category, JsonError> {
    let name = value.as_str().unwrap_or_default();
    Category::ALL.into_iter().find(|c| c.as_str() == name).ok_or(JsonError(format!("unknown category `{name}`")))
}

fn method(value: &Json) -> Result<ConsentMethod, JsonError> {
    let name = value.as_str().unwrap_or_default();
    ConsentMethod::parse(name).ok_or(JsonError(format!("unknown consent method `{name}`")))
}

/// The language a receipt records when the answer names none.
fn language_or_default(value: &Json) -> Result<String, JsonError> {
    match value.has("language") {
        true => value.string("language"),
        false => Ok(curtain_api::consent::default_language()),
    }
}

impl FromJson for SessionUser {
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        Ok(SessionUser {
            username: v.string("username")?,
            email: v.string("email")?,
            email_verified: v.bool_or_false("email_verified")?,
            pending_email: v.optional_string("pending_email")?,
            minor: v.bool("minor")?,
            remembered: v.bool("remembered")?,
            joined_at: v.string("joined_at")?,
            follow_requests: v.u32_or_zero("follow_requests")?,
            language: v.optional_string("language")?,
        })
    }
}

impl FromJson for ConsentConfig {
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        Ok(ConsentConfig {
            revision: v.u32("revision")?,
            revised_on: v.string("revised_on")?,
            changes: v.string("changes")?,
            categories: list(v, "categories", |c| {
                Ok(CategoryInfo {
                    id: category(c.get("id"))?,
                    name: c.string("name")?,
                    description: c.string("description")?,
                    always_on: c.bool("always_on")?,
                    cookies: list(c, "cookies", |k| {
                        Ok(CookieInfo { name: k.string("name")?, purpose: k.string("purpose")?, lasts: k.string("lasts")? })
                    })?,
                })
            })?,
            gpc: v.bool("gpc")?,
            cookie_confirmed: v.bool_or_false("cookie_confirmed")?,
        })
    }
}

impl FromJson for ConsentReceipt {
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        Ok(ConsentReceipt {
            consent_id: v.string("consent_id")?,
            revision: v.u32("revision")?,
            categories: list(v, "categories", category)?,
            gpc: v.bool("gpc")?,
            method: method(v.get("method"))?,
            language: language_or_default(v)?,
            recorded_at: v.string("recorded_at")?,
        })
    }
}

impl FromJson for ErrorBody {
    fn from_json(v: &Json) -> Result<Self, JsonError> {
        let e = v.get("error");
        Ok(ErrorBody {
            error: ErrorDetail { code: e.string("code")?, message: e.string("message")?, fields: json::field_errors(e.get("fields"))? },
        })
    }
}

impl ToJson for ConsentReceiptRequest {
    fn to_json(&self) -> String {
        let mut out = String::from("{\"consent_id\":");
        json::write_string(&mut out, &self.consent_id);
        out.push_str(&format!(",\"revision\":{},\"categories\":[", self.revision));
        for (i, c) in self.categories.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::write_string(&mut out, c.as_str());
        }
        out.push_str(&format!("],\"gpc\":{},\"method\":", self.gpc));
        json::write_string(&mut out, self.method.as_str());
        out.push_str(",\"language\":");
        json::write_string(&mut out, &self.language);
        out.push('}');
        out
    }
}

impl ToJson for PageView {
    fn to_json(&self) -> String {
        let mut out = String::from("{\"path\":");
        json::write_string(&mut out, &self.path);
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Decodes `text` both ways and wants the same value, or both refusals.
    fn same<T: FromJson + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) {
        let ours = T::parse(text);
        let theirs = serde_json::from_str::<T>(text);
        match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text}"),
            (Err(_), Err(_)) => {}
            (ours, theirs) => panic!("{text}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn session_users_read_as_serde_reads_them() {
        let full = SessionUser {
            username: "ana".into(),
            email: "ana@example.org".into(),
            email_verified: true,
            pending_email: Some("new@example.org".into()),
            minor: false,
            remembered: true,
            joined_at: "2026-01-01T00:00:00Z".into(),
            follow_requests: 3,
            language: Some("de".into()),
        };
        let text = serde_json::to_string(&full).unwrap();
        assert_eq!(SessionUser::parse(&text).unwrap(), full);
        same::<SessionUser>(r#"{"username":"ana","email":"a@b.c","minor":true,"remembered":false,"joined_at":"x"}"#);
        same::<SessionUser>(r#"{"username":"ana","email":"a@b.c","minor":true,"remembered":false,"joined_at":"x","language":null,"pending_email":null,"extra":[1]}"#);
        same::<SessionUser>(r#"{"username":"ana","email":"a@b.c","minor":"yes","remembered":false,"joined_at":"x"}"#);
        same::<SessionUser>(r#"{"username":"ana","email":"a@b.c","remembered":false,"joined_at":"x"}"#);
        same::<SessionUser>(r#"{"username":"ana","email":"a@b.c","minor":true,"remembered":false,"joined_at":"x","follow_requests":-1}"#);
        same::<SessionUser>("[]");
    }

    #[test]
    fn consent_configs_read_as_serde_reads_them() {
        let full = ConsentConfig {
            revision: 2,
            revised_on: "2026-05-01".into(),
            changes: "Analytics \"counts\" only.".into(),
            categories: vec![CategoryInfo {
                id: Category::Analytics,
                name: "Analytics".into(),
                description: "Counts.".into(),
                always_on: false,
                cookies: vec![CookieInfo { name: "c".into(), purpose: "p".into(), lasts: "l".into() }],
            }],
            gpc: true,
            cookie_confirmed: true,
        };
        let text = serde_json::to_string(&full).unwrap();
        assert_eq!(ConsentConfig::parse(&text).unwrap(), full);
        same::<ConsentConfig>(r#"{"revision":1,"revised_on":"d","changes":"c","categories":[],"gpc":false}"#);
        same::<ConsentConfig>(r#"{"revision":1,"revised_on":"d","changes":"c","categories":[{"id":"cookies","name":"n","description":"d","always_on":true,"cookies":[]}],"gpc":false}"#);
    }

    #[test]
    fn receipts_read_as_serde_reads_them() {
        let full = ConsentReceipt {
            consent_id: "0b7f0c9e-1111-4222-8333-944455556666".into(),
            revision: 1,
            categories: vec![Category::Necessary, Category::Preferences],
            gpc: false,
            method: ConsentMethod::Custom,
            language: "pt-BR".into(),
            recorded_at: "2026-11-30T10:00:00Z".into(),
        };
        let text = serde_json::to_string(&full).unwrap();
        assert_eq!(ConsentReceipt::parse(&text).unwrap(), full);
        same::<ConsentReceipt>(r#"{"consent_id":"x","revision":1,"categories":["necessary"],"gpc":true,"method":"reject_all","recorded_at":"t"}"#);
        same::<ConsentReceipt>(r#"{"consent_id":"x","revision":1,"categories":[],"gpc":true,"method":"maybe","recorded_at":"t"}"#);
    }

    #[test]
    fn error_bodies_read_as_serde_reads_them() {
        let full = ErrorBody {
            error: ErrorDetail {
                code: "invalid".into(),
                message: "Check the form.".into(),
                fields: BTreeMap::from([("username".to_string(), vec!["Taken.".to_string(), "Too short.".to_string()])]),
            },
        };
        let text = serde_json::to_string(&full).unwrap();
        assert_eq!(ErrorBody::parse(&text).unwrap(), full);
        same::<ErrorBody>(r#"{"error":{"code":"x","message":"y"}}"#);
        same::<ErrorBody>(r#"{"error":{"code":"x","message":"y","fields":{"a":[1]}}}"#);
        same::<ErrorBody>("<html>Bad Gateway</html>");
    }

    #[test]
    fn requests_are_written_as_serde_writes_them() {
        let receipt = ConsentReceiptRequest {
            consent_id: "id \"quoted\"".into(),
            revision: 4,
            categories: vec![Category::Necessary, Category::Analytics],
            gpc: true,
            method: ConsentMethod::AcceptAll,
            language: "de".into(),
        };
        assert_eq!(receipt.to_json(), serde_json::to_string(&receipt).unwrap());
        let view = PageView { path: "/u/:username".into() };
        assert_eq!(view.to_json(), serde_json::to_string(&view).unwrap());
    }
}
