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
    pulldown_cmark::html::push_html(&mut html, parser(markdown));
    ammonia::Builder::default().link_rel(Some("noopener noreferrer")).clean(&html).to_string()
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
    fn plain_text_keeps_words_and_paragraphs() {
        let text = plain_text("We **collect**:\n\n- your name;\n- your e-mail.\n\nThat is all\nfor now.");
        assert_eq!(text, "We collect:\n• your name;\n• your e-mail.\nThat is all for now.");
    }
}
