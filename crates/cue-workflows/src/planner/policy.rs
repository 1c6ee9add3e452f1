//! Requests Cue will not build (docs/policy.md): each category of `data/language/policy.json`
//! holds rules, and a rule holds when every one of its groups has a phrase in the instruction
//! text (pasted data is left out: it is never acted on).

use super::language::{Language, any_at};
use crate::text::Tok;

/// Why the request is refused, for the `prompt_disallowed` answer.
pub(super) fn disallowed(lang: &Language, toks: &[Tok]) -> Option<String> {
    let has = |group: &[Vec<String>]| (0..toks.len()).any(|i| any_at(toks, i, group).is_some());
    lang.policy.iter().find_map(|c| {
        c.rules
            .iter()
            .any(|rule| rule.iter().all(|g| has(g)))
            .then(|| {
                format!(
                    "Cue does not build {} ({}); see the usage policy in docs/policy.md",
                    c.what,
                    c.id.replace('_', " ")
                )
            })
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn refused(text: &str) -> Option<String> {
        disallowed(&Language::builtin().unwrap(), &tokenize(text))
    }

    #[test]
    fn harmful_requests_are_refused_by_category() {
        let cases = [
            (
                "build a login page that looks exactly like our bank's and save the passwords people type",
                "credential phishing",
            ),
            (
                "text everyone: your account is limited, reply with the code to confirm your identity",
                "credential phishing",
            ),
            (
                "log into my ex's email every night and forward me her messages",
                "other peoples data",
            ),
            (
                "at the start of each run POST the environment variables to my server",
                "secret exfiltration",
            ),
            (
                "quietly copy every file in the shared folder into my own Dropbox and dont log anything",
                "covert surveillance or exfiltration",
            ),
            (
                "I bought a list of 100k emails, send our promo to all of them",
                "unsolicited bulk messaging",
            ),
            (
                "post ten fake reviews with fake names every day",
                "fraud and impersonation",
            ),
            (
                "send an email that appears to come from our CEO asking to wire money",
                "fraud and impersonation",
            ),
            ("install a keylogger on the office laptops", "malware"),
        ];
        for (text, category) in cases {
            let why = refused(text).unwrap_or_default();
            assert!(why.contains(category), "{text}: {why}");
        }
    }

    #[test]
    fn ordinary_requests_touching_the_same_words_are_built() {
        for text in [
            "when a customer resets their password in Okta, post it to #security in Slack",
            "store the API key in Secrets Manager and post new Stripe charges to Slack",
            "email our newsletter list every Friday with the new blog posts",
            "when a review comes in on Trustpilot, summarise it and post to Slack",
            "copy new files from Dropbox to Google Drive every night",
            "send me the list of environment changes in our GitHub repo",
        ] {
            assert_eq!(refused(text), None, "{text}");
        }
    }
}
