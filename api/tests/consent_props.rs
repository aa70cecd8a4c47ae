//! Property tests: whatever a browser sends as `curtain_consent`, reading it
//! never panics, and what we write we read back.

use curtain_api::consent::{uuid_v4, valid_consent, Choices, ConsentRecord};
use proptest::prelude::*;

proptest! {
    #[test]
    fn decoding_any_string_never_panics(raw in any::<String>(), now in any::<i64>(), revision in any::<u32>(), gpc in any::<bool>()) {
        let _ = ConsentRecord::decode(&raw);
        let _ = valid_consent(Some(&raw), now, revision, gpc);
    }

    #[test]
    fn decoding_cookie_like_strings_never_panics(raw in "[v0-9a-f.npa-]{0,80}", now in any::<i64>()) {
        if let Ok(record) = ConsentRecord::decode(&raw) {
            // Whatever decodes, encodes back to the same text.
            prop_assert_eq!(record.encode(), raw.trim());
            let _ = record.check(now, 1, true);
        }
    }

    #[test]
    fn every_record_we_write_reads_back(bytes in any::<[u8; 16]>(), revision in 1u32.., given_at in 1i64.., p in any::<bool>(), a in any::<bool>(), gpc in any::<bool>()) {
        let record = ConsentRecord { id: uuid_v4(bytes), revision, choices: Choices { preferences: p, analytics: a }, given_at, gpc };
        prop_assert_eq!(ConsentRecord::decode(&record.encode()), Ok(record));
    }
}
