//! Entity recognition: which tools the prompt names, decided with their context.

use super::Mention;
use crate::catalog::Catalog;
use crate::text::Tok;

/// Words before a common-word alias that mean it is not the tool ("every monday").
const NOT_TOOL_BEFORE: &[&str] = &["every", "each", "per", "a", "this", "next", "last"];

/// Finds the tools named in the text, longest alias first, left to right.
pub(super) fn mentions(catalog: &Catalog, toks: &[Tok]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut found = None;
        if let Some(cands) = catalog.first_word.get(&toks[i].w) {
            for &ai in cands {
                let (alias, tool) = &catalog.aliases[ai];
                let matches = alias
                    .iter()
                    .enumerate()
                    .all(|(k, w)| toks.get(i + k).is_some_and(|t| &t.w == w));
                if !matches {
                    continue;
                }
                let t = catalog.tool_at(*tool);
                if t.common_word
                    && alias.len() == 1
                    && i > 0
                    && NOT_TOOL_BEFORE.contains(&toks[i - 1].w.as_str())
                {
                    continue;
                }
                found = Some((*tool, alias.len()));
                break;
            }
        }
        if let Some((tool, len)) = found {
            out.push(Mention {
                tool,
                at: i,
                len,
                clause: toks[i].clause,
            });
            i += len;
        } else {
            i += 1;
        }
    }
    out
}
