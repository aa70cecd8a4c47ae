//! Markdown to what the SPA shows: sanitised HTML for reading, plain text for
//! diffs.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
}

/// The section's HTML, sanitised: whatever a version file holds (raw HTML,
/// a `<script>`, `javascript:` links), only harmless markup comes out. The
/// SPA inserts this as it is, so this is the one place that keeps it safe.
pub fn section_html(markdown: &str) -> String {
    let mut html = String::new();
    // A promise marker becomes the statement's anchor; every other piece of
    // raw HTML goes to the sanitiser like the rest.
    let events = parser(markdown).map(|event| match &event {
        Event::InlineHtml(raw) | Event::Html(raw) => match promise_marker(raw) {
            Some(Ok(id)) => Event::InlineHtml(format!("<span id=\"promise-{id}\" class=\"promise\"></span>").into()),
            _ => event,
        },
        _ => event,
    });
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("span", &["id", "class"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Only the anchors made above keep an id or a class.
            ("span", "id") => is_promise_id(value.strip_prefix("promise-")?).then_some(value.into()),
            ("span", "class") => (value == "promise").then_some(value.into()),
            _ => Some(value.into()),
        })
        .clean(&html)
        .to_string()
}

/// The marker that ties a statement to its promise: an HTML comment, so it
/// renders to nothing anywhere else, written at the end of the paragraph or
/// list item that makes the promise: `<!-- promise: export-everything -->`.
/// `None` for other raw HTML; `Some(Err)` for a marker whose id is not valid.
pub fn promise_marker(raw: &str) -> Option<Result<&str, String>> {
    let inner = raw.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let id = inner.strip_prefix("promise:")?.trim();
    Some(if is_promise_id(id) { Ok(id) } else { Err(id.to_string()) })
}

/// Lowercase letters, digits and single hyphens, like section ids.
fn is_promise_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// The promises a section makes: each marker's id and the plain text of the
/// paragraph or list item it ends (up to the marker, from the previous
/// marker in the same paragraph, so one paragraph can hold several).
pub fn promises(markdown: &str) -> Result<Vec<(String, String)>, String> {
    // One buffer per open paragraph or list item.
    let mut open: Vec<String> = Vec::new();
    let mut found = Vec::new();
    for event in parser(markdown) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item) => open.push(String::new()),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                let text = open.pop().unwrap_or_default();
                if let Some(parent) = open.last_mut() {
                    parent.push_str(&text);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(buffer) = open.last_mut() {
                    buffer.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(buffer) = open.last_mut() {
                    buffer.push(' ');
                }
            }
            Event::InlineHtml(raw) | Event::Html(raw) => match promise_marker(&raw) {
                Some(Ok(id)) => {
                    let Some(buffer) = open.last_mut() else {
                        return Err(format!("promise `{id}` is not at the end of a paragraph or list item"));
                    };
                    let statement = std::mem::take(buffer).trim().to_string();
                    if statement.is_empty() {
                        return Err(format!("promise `{id}` marks no statement"));
                    }
                    found.push((id.to_string(), statement));
                }
                Some(Err(bad)) => return Err(format!("promise id `{bad}` is not lowercase letters, digits and hyphens")),
                None => {}
            },
            _ => {}
        }
    }
    Ok(found)
}

/// The section's words as plain text for the word diff: paragraphs and list
/// items each on their own line, list items marked with "• ", raw HTML left
/// out (it is not shown either).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut list_depth: usize = 0;
    for event in parser(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                new_line(&mut out);
                out.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                out.push_str("• ");
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableRow) => {
                new_line(&mut out)
            }
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

fn new_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_script_urls_are_stripped() {
        let html = section_html("Hello <script>alert('x')</script> **there** [link](javascript:alert(1)) <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains("<strong>there</strong>"), "{html}");
    }

    #[test]
    fn a_promise_marker_becomes_an_anchor_and_nothing_else_gets_an_id() {
        let html = section_html("We keep it. <!-- promise: keep-it -->\n\n<span id=\"x\" class=\"y\">z</span> <span id=\"promise-\">w</span>");
        assert!(html.contains(r#"We keep it. <span id="promise-keep-it" class="promise"></span>"#), "{html}");
        assert!(!html.contains("id=\"x\"") && !html.contains("class=\"y\"") && !html.contains("id=\"promise-\""), "{html}");
        assert!(!html.contains("<!--"), "{html}");
        assert_eq!(plain_text("We keep it. <!-- promise: keep-it -->"), "We keep it.");
    }

    #[test]
    fn promises_are_read_with_their_statements() {
        let found = promises(
            "Intro.\n\nFirst. <!-- promise: one --> Second,\nwrapped. <!-- promise: two -->\n\n- an item <!-- promise: three -->\n- another",
        )
        .unwrap();
        let found: Vec<(&str, &str)> = found.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(found, [("one", "First."), ("two", "Second, wrapped."), ("three", "an item")]);
        assert!(promises("Text <!-- promise: Bad_Id -->").is_err());
        assert!(promises("<!-- promise: alone -->").is_err());
    }

    #[test]
    fn plain_text_keeps_words_and_paragraphs() {
        let text = plain_text("We **collect**:\n\n- your name;\n- your e-mail.\n\nThat is all\nfor now.");
        assert_eq!(text, "We collect:\n• your name;\n• your e-mail.\nThat is all for now.");
    }
}
