//! Language names and each translation vendor's code for them (`data/catalog/languages.json`).
//!
//! Vendors spell target languages their own way (Google `zh-CN`, DeepL `ZH-HANS` and `EN-GB`,
//! Amazon Translate `zh`), so an action whose parameter is a target language names its code set
//! (`target_language.codes`), and a language the prompt names becomes that set's code. Each code
//! set cites the vendor's supported-language page it was read from.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const LANGUAGES_JSON: &str = include_str!("../../data/catalog/languages.json");

/// Where a code set was read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSet {
    /// The vendor's supported-languages page.
    pub url: String,
    /// `YYYY-MM-DD`.
    pub checked: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// One language: how prompts name it and each vendor's code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Display name (`Portuguese (Brazil)`).
    pub name: String,
    /// Lower-case names a prompt may use (`brazilian portuguese`), one or more words each.
    pub words: Vec<String>,
    /// Code set id → the vendor's code. A vendor without an entry cannot translate into it.
    pub codes: BTreeMap<String, String>,
}

/// The languages file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Languages {
    pub code_sets: BTreeMap<String, CodeSet>,
    pub languages: Vec<Language>,
}

impl Languages {
    /// The built-in file, parsed once. A file that does not parse is a build defect, caught by
    /// the catalog's load-time check (`Catalog::check` reads it first).
    pub(crate) fn builtin() -> Result<&'static Self, String> {
        static PARSED: OnceLock<Result<Languages, String>> = OnceLock::new();
        PARSED
            .get_or_init(|| {
                serde_json::from_str(LANGUAGES_JSON).map_err(|e| format!("languages.json: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The language whose name is the longest run of `words` starting at `at`, and how many
    /// words it took (`british english` before `english`).
    pub(crate) fn named_at(&self, words: &[&str], at: usize) -> Option<(&Language, usize)> {
        self.languages
            .iter()
            .flat_map(|l| l.words.iter().map(move |w| (l, w)))
            .filter_map(|(l, w)| {
                let n: Vec<&str> = w.split_whitespace().collect();
                (words.len() >= at + n.len()
                    && n.iter()
                        .zip(&words[at..])
                        .all(|(a, b)| a.eq_ignore_ascii_case(b)))
                .then_some((l, n.len()))
            })
            .max_by_key(|(_, n)| *n)
    }

    /// The language `code` is in `set` (`FR` in `deepl` → French).
    pub(crate) fn by_code(&self, set: &str, code: &str) -> Option<&Language> {
        self.languages
            .iter()
            .find(|l| l.codes.get(set).is_some_and(|c| c == code))
    }

    /// The language a value names as a word (`"French"`, `"brazilian portuguese"`).
    pub(crate) fn by_name(&self, value: &str) -> Option<&Language> {
        let ws: Vec<&str> = value
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        self.named_at(&ws, 0)
            .filter(|(_, n)| *n == ws.len())
            .map(|(l, _)| l)
    }
}
