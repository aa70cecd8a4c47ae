//! Property tests: whatever a browser sends as `curtain_consent`, reading it
//! never panics, and what we write we read back.

use curtain_api::consent::{uuid_v4, valid_consent, Choices, ConsentRecord};
use proptest::prelude::*;

/// One field of a cookie: its text, and whether the format allows that text
/// there. Mostly allowed, so that whole cookies are often valid and the
/// round trip below is checked on many of them, not only on the rare valid
/// string a random generator stumbles on.
fn field(valid: BoxedStrategy<String>, invalid: BoxedStrategy<String>) -> BoxedStrategy<(String, bool)> {
    prop_oneof![4 => valid.prop_map(|s| (s, true)), 1 => invalid.prop_map(|s| (s, false))].boxed()
}

fn number(range: std::ops::RangeInclusive<u64>) -> BoxedStrategy<String> {
    range.prop_map(|n| n.to_string()).boxed()
}

/// Text that only looks like a number: signs, spaces, leading zeros, nothing.
fn not_a_number(too_big: &'static str) -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        Just("0".to_string()),
        Just(too_big.to_string()),
        "0[0-9]{1,8}",
        "[+-][1-9][0-9]{0,8}",
        "[1-9][0-9]{0,4}[ a-z][0-9]{0,3}",
    ]
    .boxed()
}

/// A cookie-shaped value, built field by field, and whether every field is allowed.
fn cookie_like() -> impl Strategy<Value = (String, bool)> {
    let version = field(Just("v1".to_string()).boxed(), prop_oneof![Just("v2"), Just("V1"), Just("v01"), Just("")].prop_map(String::from).boxed());
    let id = field(
        any::<[u8; 16]>().prop_map(uuid_v4).boxed(),
        prop_oneof![
            any::<[u8; 16]>().prop_map(|b| uuid_v4(b).to_uppercase().replace('4', "X")),
            any::<[u8; 16]>().prop_map(|b| uuid_v4(b).replace('-', "")),
            any::<[u8; 16]>().prop_map(|b| uuid_v4(b)[1..].to_string()),
            Just(String::new()),
        ]
        .boxed(),
    );
    let revision = field(number(1..=u64::from(u32::MAX)), not_a_number("4294967296"));
    let categories = field(
        prop_oneof![Just("n"), Just("np"), Just("na"), Just("npa")].prop_map(String::from).boxed(),
        prop_oneof![Just(""), Just("pa"), Just("nap"), Just("npax"), Just("N"), Just("a")].prop_map(String::from).boxed(),
    );
    let given_at = field(number(1..=i64::MAX as u64), not_a_number("9223372036854775808"));
    let gpc = field(
        prop_oneof![Just("0"), Just("1")].prop_map(String::from).boxed(),
        prop_oneof![Just(""), Just("2"), Just("01"), Just("true")].prop_map(String::from).boxed(),
    );
    // Now and then a field too many or too few.
    let extra = prop_oneof![8 => Just(0i8), 1 => Just(1i8), 1 => Just(-1i8)];
    (version, id, revision, categories, given_at, gpc, extra).prop_map(|(v, i, r, c, t, g, extra)| {
        let mut parts: Vec<(String, bool)> = vec![v, i, r, c, t, g];
        match extra {
            1 => parts.push(("0".to_string(), false)),
            -1 => {
                parts.pop();
            }
            _ => {}
        }
        let allowed = extra == 0 && parts.iter().all(|(_, ok)| *ok);
        let text = parts.into_iter().map(|(s, _)| s).collect::<Vec<_>>().join(".");
        (text, allowed)
    })
}

proptest! {
    #[test]
    fn decoding_any_string_never_panics(raw in any::<String>(), now in any::<i64>(), revision in any::<u32>(), gpc in any::<bool>()) {
        let _ = ConsentRecord::decode(&raw);
        let _ = valid_consent(Some(&raw), now, revision, gpc);
    }

    #[test]
    fn a_cookie_reads_back_exactly_when_every_field_is_allowed((raw, allowed) in cookie_like(), now in any::<i64>()) {
        let decoded = ConsentRecord::decode(&raw);
        prop_assert_eq!(decoded.is_ok(), allowed, "{} decoded as {:?}", raw, decoded);
        if let Ok(record) = decoded {
            // Whatever decodes is in the one canonical form: it encodes back to the same text.
            prop_assert_eq!(record.encode(), raw);
            let _ = record.check(now, 1, true);
        }
    }

    #[test]
    fn every_record_we_write_reads_back(bytes in any::<[u8; 16]>(), revision in 1u32.., given_at in 1i64.., p in any::<bool>(), a in any::<bool>(), gpc in any::<bool>()) {
        let record = ConsentRecord { id: uuid_v4(bytes), revision, choices: Choices { preferences: p, analytics: a }, given_at, gpc };
        prop_assert_eq!(ConsentRecord::decode(&record.encode()), Ok(record));
    }
}
