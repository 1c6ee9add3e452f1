//! BCP-47 language tags as the client sends them (`en-US`), and the forms providers want.

use crate::SpeechError;

/// The language used when the client sends none.
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// Checks a BCP-47 tag and puts it in canonical case (`EN-us` becomes `en-US`).
///
/// An empty or blank tag means [`DEFAULT_LANGUAGE`]. Only the shape is checked (a 2–3 letter
/// primary language, then subtags of 1–8 letters or digits), not registry membership: the
/// provider decides whether it knows the language.
pub fn normalize_language(tag: &str) -> Result<String, SpeechError> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Ok(DEFAULT_LANGUAGE.to_owned());
    }
    let invalid = || SpeechError::InvalidLanguage {
        tag: tag.chars().take(40).collect(),
    };
    if tag.len() > 35 {
        return Err(invalid());
    }
    let mut out = Vec::new();
    for (i, sub) in tag.split(['-', '_']).enumerate() {
        let ok = if i == 0 {
            (2..=3).contains(&sub.len()) && sub.chars().all(|c| c.is_ascii_alphabetic())
        } else {
            (1..=8).contains(&sub.len()) && sub.chars().all(|c| c.is_ascii_alphanumeric())
        };
        if !ok {
            return Err(invalid());
        }
        out.push(match (i, sub.len()) {
            (0, _) => sub.to_ascii_lowercase(),
            // Region (US) upper case, script (Latn) title case, the rest lower case.
            (_, 2) if sub.chars().all(|c| c.is_ascii_alphabetic()) => sub.to_ascii_uppercase(),
            (_, 4) if sub.chars().all(|c| c.is_ascii_alphabetic()) => {
                let lower = sub.to_ascii_lowercase();
                lower[..1].to_ascii_uppercase() + &lower[1..]
            }
            _ => sub.to_ascii_lowercase(),
        });
    }
    Ok(out.join("-"))
}

/// The ISO 639-1 code of a normalised tag (`en` for `en-US`), when its primary language has one.
pub fn iso639_1(tag: &str) -> Option<&str> {
    let primary = tag.split('-').next()?;
    (primary.len() == 2).then_some(primary)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn normalizes_well_formed_tags() {
        for (input, expected) in [
            ("en-US", "en-US"),
            ("EN-us", "en-US"),
            ("de", "de"),
            ("pt_br", "pt-BR"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("  fr-CA ", "fr-CA"),
            ("", "en-US"),
            ("   ", "en-US"),
            ("yue-HK", "yue-HK"),
        ] {
            assert_eq!(normalize_language(input).unwrap(), expected, "{input:?}");
        }
    }

    #[test]
    fn rejects_malformed_tags() {
        for input in [
            "e",
            "english",
            "en-",
            "en--US",
            "en-US-toolongsubtag",
            "en US",
            "en-US;drop",
            "12-US",
            "en/US",
            "é-FR",
        ] {
            assert!(
                matches!(
                    normalize_language(input),
                    Err(SpeechError::InvalidLanguage { .. })
                ),
                "{input:?} should be rejected"
            );
        }
        let long = "en-".to_owned() + &"a-".repeat(30) + "b";
        assert!(normalize_language(&long).is_err());
    }

    #[test]
    fn iso639_1_only_for_two_letter_languages() {
        assert_eq!(iso639_1("en-US"), Some("en"));
        assert_eq!(iso639_1("de"), Some("de"));
        assert_eq!(iso639_1("yue-HK"), None);
    }
}
