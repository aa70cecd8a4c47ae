//! Word-level differences between two versions, section by section.
//!
//! Sections are matched by their stable id, so a reworded heading is a rename
//! of the same section, not a removal plus an addition.

use curtain_api::policy::{DiffKind, DiffOp, SectionChange, SectionDiff};
use similar::{Algorithm, ChangeTag};

use super::document::SectionSource;
use super::render::plain_text;

/// The word runs that turn `old` into `new`. Runs of one kind are merged, and
/// a lone space between two changes is folded into them, so that "a b" ->
/// "c d" reads as one deletion and one insertion, not four alternating runs.
pub fn word_ops(old: &str, new: &str) -> Vec<DiffOp> {
    let raw = similar::utils::diff_words(Algorithm::Patience, old, new);
    let mut ops: Vec<DiffOp> = Vec::new();
    // The pending change: what was deleted and inserted since the last equal run.
    let (mut deleted, mut inserted) = (String::new(), String::new());
    let mut i = 0;
    while i < raw.len() {
        let (tag, text) = raw[i];
        match tag {
            ChangeTag::Delete => deleted.push_str(text),
            ChangeTag::Insert => inserted.push_str(text),
            ChangeTag::Equal => {
                let in_change = !deleted.is_empty() || !inserted.is_empty();
                let change_follows = raw.get(i + 1).is_some_and(|(t, _)| *t != ChangeTag::Equal);
                if in_change && change_follows && text.chars().all(|c| c == ' ') {
                    deleted.push_str(text);
                    inserted.push_str(text);
                } else {
                    flush(&mut ops, &mut deleted, &mut inserted);
                    push(&mut ops, DiffKind::Equal, text);
                }
            }
        }
        i += 1;
    }
    flush(&mut ops, &mut deleted, &mut inserted);
    ops
}

fn flush(ops: &mut Vec<DiffOp>, deleted: &mut String, inserted: &mut String) {
    if !deleted.is_empty() {
        push(ops, DiffKind::Delete, &std::mem::take(deleted));
    }
    if !inserted.is_empty() {
        push(ops, DiffKind::Insert, &std::mem::take(inserted));
    }
}

fn push(ops: &mut Vec<DiffOp>, kind: DiffKind, text: &str) {
    match ops.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => ops.push(DiffOp::new(kind, text)),
    }
}

/// Every section of `old` and `new`, in the newer order, with removed
/// sections placed after the section that preceded them in the older one.
pub fn section_diffs(old: &[SectionSource], new: &[SectionSource]) -> Vec<SectionDiff> {
    let in_new = |id: &str| new.iter().any(|s| s.id == id);
    let in_old = |id: &str| old.iter().any(|s| s.id == id);
    let moved = moved_ids(old, new);

    let mut out: Vec<SectionDiff> = new
        .iter()
        .map(|section| match old.iter().find(|o| o.id == section.id) {
            Some(before) => {
                let ops = word_ops(&plain_text(&before.markdown), &plain_text(&section.markdown));
                let renamed = before.title != section.title;
                let text_changed = ops.iter().any(|op| op.kind != DiffKind::Equal);
                SectionDiff {
                    id: section.id.clone(),
                    title: section.title.clone(),
                    old_title: renamed.then(|| before.title.clone()),
                    moved: moved.contains(&section.id),
                    change: if text_changed || renamed { SectionChange::Changed } else { SectionChange::Unchanged },
                    ops,
                }
            }
            None => SectionDiff {
                id: section.id.clone(),
                title: section.title.clone(),
                old_title: None,
                moved: false,
                change: SectionChange::Added,
                ops: whole(DiffKind::Insert, &section.markdown),
            },
        })
        .collect();

    for (index, removed) in old.iter().enumerate().filter(|(_, s)| !in_new(&s.id)) {
        // After the nearest earlier section that both versions have (and
        // after any removed sections already placed there), else first.
        let anchor = old[..index].iter().rev().find(|s| in_new(&s.id)).map(|s| s.id.as_str());
        let mut at = match anchor {
            Some(id) => out.iter().position(|d| d.id == id).map_or(0, |p| p + 1),
            None => 0,
        };
        while out.get(at).is_some_and(|d| d.change == SectionChange::Removed) {
            at += 1;
        }
        out.insert(
            at,
            SectionDiff {
                id: removed.id.clone(),
                title: removed.title.clone(),
                old_title: None,
                moved: false,
                change: SectionChange::Removed,
                ops: whole(DiffKind::Delete, &removed.markdown),
            },
        );
    }
    debug_assert!(out.iter().all(|d| in_new(&d.id) || in_old(&d.id)));
    out
}

fn whole(kind: DiffKind, markdown: &str) -> Vec<DiffOp> {
    let text = plain_text(markdown);
    if text.is_empty() {
        Vec::new()
    } else {
        vec![DiffOp::new(kind, text)]
    }
}

/// Sections both versions have whose relative order changed: those outside
/// the longest common ordering.
fn moved_ids(old: &[SectionSource], new: &[SectionSource]) -> Vec<String> {
    let common_old: Vec<&str> =
        old.iter().map(|s| s.id.as_str()).filter(|id| new.iter().any(|n| n.id == *id)).collect();
    let common_new: Vec<&str> =
        new.iter().map(|s| s.id.as_str()).filter(|id| old.iter().any(|o| o.id == *id)).collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &common_old, &common_new);
    let mut moved = Vec::new();
    for op in ops {
        if let similar::DiffOp::Insert { new_index, new_len, .. } | similar::DiffOp::Replace { new_index, new_len, .. } = op {
            moved.extend(common_new[new_index..new_index + new_len].iter().map(|s| s.to_string()));
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(list: &[(DiffKind, &str)]) -> Vec<DiffOp> {
        list.iter().map(|(k, t)| DiffOp::new(*k, *t)).collect()
    }

    fn section(id: &str, title: &str, markdown: &str) -> SectionSource {
        SectionSource { id: id.into(), title: title.into(), markdown: markdown.into() }
    }

    use DiffKind::{Delete, Equal, Insert};

    #[test]
    fn an_inserted_word() {
        assert_eq!(
            word_ops("We keep logs.", "We keep server logs."),
            ops(&[(Equal, "We keep "), (Insert, "server "), (Equal, "logs.")])
        );
    }

    #[test]
    fn a_deleted_word() {
        assert_eq!(
            word_ops("We never sell data.", "We sell data."),
            ops(&[(Equal, "We "), (Delete, "never "), (Equal, "sell data.")])
        );
    }

    #[test]
    fn a_replaced_phrase_is_one_deletion_and_one_insertion() {
        assert_eq!(
            word_ops("kept for 90 days here", "kept for thirty whole days here"),
            ops(&[(Equal, "kept for "), (Delete, "90"), (Insert, "thirty whole"), (Equal, " days here")])
        );
    }

    #[test]
    fn a_moved_sentence_is_deleted_in_one_place_and_inserted_in_another() {
        let result = word_ops("Alpha one. Beta two. Gamma three.", "Beta two. Gamma three. Alpha one.");
        let deleted: String = result.iter().filter(|o| o.kind == Delete).map(|o| o.text.as_str()).collect();
        let inserted: String = result.iter().filter(|o| o.kind == Insert).map(|o| o.text.as_str()).collect();
        assert!(deleted.contains("Alpha one."), "{result:?}");
        assert!(inserted.contains("Alpha one."), "{result:?}");
        let old: String = result.iter().filter(|o| o.kind != Insert).map(|o| o.text.as_str()).collect();
        let new: String = result.iter().filter(|o| o.kind != Delete).map(|o| o.text.as_str()).collect();
        assert_eq!(old, "Alpha one. Beta two. Gamma three.");
        assert_eq!(new, "Beta two. Gamma three. Alpha one.");
    }

    #[test]
    fn identical_text_is_one_equal_run() {
        assert_eq!(word_ops("Same words.", "Same words."), ops(&[(Equal, "Same words.")]));
        assert_eq!(word_ops("", ""), Vec::<DiffOp>::new());
    }

    #[test]
    fn sections_added_removed_renamed_and_moved() {
        let old = [
            section("a", "Alpha", "First."),
            section("gone", "Gone", "Old text."),
            section("b", "Beta", "Second."),
            section("c", "Gamma", "Third."),
        ];
        let new = [
            section("a", "Alpha", "First."),
            section("c", "Gamma", "Third."),
            section("b", "Beta, reworded", "Second, changed."),
            section("new", "New", "Fresh text."),
        ];
        let diffs = section_diffs(&old, &new);
        let summary: Vec<(&str, SectionChange)> = diffs.iter().map(|d| (d.id.as_str(), d.change)).collect();
        assert_eq!(
            summary,
            [
                ("a", SectionChange::Unchanged),
                ("gone", SectionChange::Removed),
                ("c", SectionChange::Unchanged),
                ("b", SectionChange::Changed),
                ("new", SectionChange::Added),
            ]
        );
        let b = &diffs[3];
        assert_eq!(b.old_title.as_deref(), Some("Beta"));
        assert_eq!(b.title, "Beta, reworded");
        assert!(diffs.iter().filter(|d| d.moved).count() == 1, "{diffs:?}");
        assert_eq!(diffs[1].ops, ops(&[(Delete, "Old text.")]));
        assert_eq!(diffs[4].ops, ops(&[(Insert, "Fresh text.")]));
    }

    #[test]
    fn a_reworded_heading_alone_is_a_change() {
        let diffs = section_diffs(&[section("a", "Old", "Same.")], &[section("a", "New", "Same.")]);
        assert_eq!(diffs[0].change, SectionChange::Changed);
        assert_eq!(diffs[0].old_title.as_deref(), Some("Old"));
    }
}
