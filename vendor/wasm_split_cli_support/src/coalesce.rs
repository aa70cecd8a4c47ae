//! Coalescing of shared chunks (an addition to the upstream crate).
//!
//! The splitter puts every function into a chunk keyed by the exact set of
//! split points that reach it, so an app with a couple dozen split points gets
//! hundreds of chunks, many of a few hundred bytes, and loading one split point
//! fetches and instantiates dozens of them.
//!
//! Merging two chunks keyed by sets `A` and `B` gives one chunk keyed by
//! `A ∪ B`. That stays correct: every split point that needed either part
//! still loads it, and a split point never calls into code it cannot reach, so
//! the code it loads without needing it is never run. The price is those
//! bytes; the gain is one fetch and one instantiation fewer for every split
//! point in `A ∩ B`. Merges are made greedily, cheapest first (bytes loaded
//! in vain per fetch saved), while that price stays within a budget.

use std::collections::{BTreeSet, HashMap};

use crate::dep_graph::DepNode;
use crate::split_point::{OutputModuleInfo, SplitModuleIdentifier};

/// One chunk while merging: which split points load it (a bit each), its size
/// in bytes of code, and its contents.
struct Chunk {
    loaded_by: u128,
    bytes: usize,
    info: OutputModuleInfo,
}

/// What merging `a` and `b` costs: bytes loaded in vain, and fetches saved.
fn price(a: &Chunk, b: &Chunk) -> (usize, u32) {
    let saved = (a.loaded_by & b.loaded_by).count_ones();
    let wasted = a.bytes * (b.loaded_by & !a.loaded_by).count_ones() as usize
        + b.bytes * (a.loaded_by & !b.loaded_by).count_ones() as usize;
    (wasted, saved)
}

/// Merges the chunks in `modules` while a merge costs at most `budget` bytes
/// loaded in vain per fetch saved. `size_of` gives a symbol's size in bytes.
/// A budget of 0 merges only chunks loaded by exactly the same split points
/// (there are none: the splitter already keys chunks by that set).
pub(crate) fn coalesce_chunks(
    modules: &mut HashMap<SplitModuleIdentifier, OutputModuleInfo>,
    size_of: impl Fn(&DepNode) -> usize,
    budget: usize,
) {
    let mut names: Vec<String> = modules
        .keys()
        .flat_map(|id| match id {
            SplitModuleIdentifier::Chunk(splits) => splits.iter().cloned().collect(),
            SplitModuleIdentifier::Split(split) => vec![split.clone()],
            SplitModuleIdentifier::Main => vec![],
        })
        .collect();
    names.sort();
    names.dedup();
    if budget == 0 || names.len() > u128::BITS as usize {
        return;
    }
    let bit = |name: &String| 1u128 << names.binary_search(name).expect("every split point is named");

    let chunk_ids: Vec<SplitModuleIdentifier> = modules
        .keys()
        .filter(|id| matches!(id, SplitModuleIdentifier::Chunk(_)))
        .cloned()
        .collect();
    let mut chunks: Vec<Option<Chunk>> = chunk_ids
        .into_iter()
        .map(|id| {
            let info = modules.remove(&id).expect("listed above");
            let SplitModuleIdentifier::Chunk(splits) = id else { unreachable!("filtered above") };
            let loaded_by = splits.iter().map(bit).fold(0, |mask, b| mask | b);
            let bytes = info.included_symbols.iter().map(&size_of).sum();
            Some(Chunk { loaded_by, bytes, info })
        })
        .collect();

    loop {
        // The cheapest merge: least waste per fetch saved (compared as
        // fractions, wasted_a * saved_b < wasted_b * saved_a).
        let mut best: Option<(usize, u32, usize, usize)> = None;
        for i in 0..chunks.len() {
            let Some(a) = &chunks[i] else { continue };
            for j in i + 1..chunks.len() {
                let Some(b) = &chunks[j] else { continue };
                let (wasted, saved) = price(a, b);
                if saved == 0 || wasted > budget * saved as usize {
                    continue;
                }
                let cheaper = best.is_none_or(|(best_wasted, best_saved, _, _)| {
                    wasted * (best_saved as usize) < best_wasted * saved as usize
                });
                if cheaper {
                    best = Some((wasted, saved, i, j));
                }
            }
        }
        let Some((_, _, i, j)) = best else { break };
        let b = chunks[j].take().expect("chosen among the live chunks");
        let a = chunks[i].as_mut().expect("chosen among the live chunks");
        a.loaded_by |= b.loaded_by;
        a.bytes += b.bytes;
        a.info.included_symbols.extend(b.info.included_symbols);
    }

    for chunk in chunks.into_iter().flatten() {
        let splits: BTreeSet<String> = names
            .iter()
            .enumerate()
            .filter(|(index, _)| chunk.loaded_by & (1u128 << index) != 0)
            .map(|(_, name)| name.clone())
            .collect();
        modules
            .entry(SplitModuleIdentifier::Chunk(splits))
            .or_default()
            .included_symbols
            .extend(chunk.info.included_symbols);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(splits: &[&str], functions: &[usize]) -> (SplitModuleIdentifier, OutputModuleInfo) {
        let info = OutputModuleInfo {
            included_symbols: functions.iter().map(|&f| DepNode::Function(f)).collect(),
            ..OutputModuleInfo::default()
        };
        (SplitModuleIdentifier::Chunk(splits.iter().map(|s| s.to_string()).collect()), info)
    }

    fn splits_of(modules: &HashMap<SplitModuleIdentifier, OutputModuleInfo>) -> Vec<Vec<String>> {
        let mut sets: Vec<Vec<String>> = modules
            .keys()
            .filter_map(|id| match id {
                SplitModuleIdentifier::Chunk(s) => Some(s.iter().cloned().collect()),
                _ => None,
            })
            .collect();
        sets.sort();
        sets
    }

    /// Function `f` is `f` bytes long.
    fn size(node: &DepNode) -> usize {
        match node {
            DepNode::Function(f) => *f,
            _ => 0,
        }
    }

    #[test]
    fn small_chunks_shared_by_the_same_pages_merge() {
        let mut modules: HashMap<_, _> =
            [chunk(&["a", "b"], &[10]), chunk(&["a", "b", "c"], &[20]), chunk(&["c", "d"], &[5000])].into();
        coalesce_chunks(&mut modules, size, 100);
        // {a,b} + {a,b,c}: 10 bytes in vain for c, two fetches saved (a, b).
        // {c,d} would cost 5000 bytes for a and b, to save one fetch for c.
        assert_eq!(splits_of(&modules), vec![vec!["a", "b", "c"], vec!["c", "d"]]);
        let merged = &modules[&SplitModuleIdentifier::Chunk(["a", "b", "c"].map(String::from).into())];
        assert_eq!(merged.included_symbols.len(), 2, "the merged chunk holds both chunks' code");
    }

    #[test]
    fn chunks_without_a_common_page_stay_apart() {
        let mut modules: HashMap<_, _> = [chunk(&["a", "b"], &[1]), chunk(&["c", "d"], &[1])].into();
        coalesce_chunks(&mut modules, size, 1_000_000);
        assert_eq!(splits_of(&modules), vec![vec!["a", "b"], vec!["c", "d"]], "merging them saves no fetch");
    }

    #[test]
    fn a_zero_budget_changes_nothing() {
        let mut modules: HashMap<_, _> = [chunk(&["a", "b"], &[1]), chunk(&["a", "b", "c"], &[2])].into();
        coalesce_chunks(&mut modules, size, 0);
        assert_eq!(splits_of(&modules), vec![vec!["a", "b"], vec!["a", "b", "c"]]);
    }

    #[test]
    fn splits_and_main_are_left_alone() {
        let mut modules: HashMap<_, _> = [
            chunk(&["a", "b"], &[1]),
            (SplitModuleIdentifier::Split("a".into()), OutputModuleInfo::default()),
            (SplitModuleIdentifier::Main, OutputModuleInfo::default()),
        ]
        .into();
        coalesce_chunks(&mut modules, size, 1_000_000);
        assert!(modules.contains_key(&SplitModuleIdentifier::Main));
        assert!(modules.contains_key(&SplitModuleIdentifier::Split("a".into())));
        assert_eq!(splits_of(&modules), vec![vec!["a", "b"]]);
    }
}
