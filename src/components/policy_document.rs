//! One version of the privacy policy: the view is shared with the server
//! (`curtain_ui::policy`), which renders it into the first paint.

pub use curtain_ui::policy::{compare_href, long_date, urgent_sentence, PolicyDocumentView};
