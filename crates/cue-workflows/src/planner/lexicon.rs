//! Normalisation with the speech lexicon: spoken and abbreviated product names ("my sequel",
//! "post gress", "hub spot", "g drive") are rewritten to the names the catalog knows, before
//! numbers are read ("o three sixty five" must not become "o 3 65"). `data/language/spoken.json`.
//! Beyond that list, in transcripts two or three words that spell a one-word catalog name
//! together ("elastic search", "square space", "to do ist") are joined: dictation splits
//! compound names, and the catalog knows them all.

use super::language::{Language, sound_key};
use crate::text::words;

/// The prompt with spoken forms replaced; punctuation around a replaced phrase is kept.
pub(crate) fn respell(lang: &Language, prompt: &str, speech: bool) -> String {
    let pieces: Vec<&str> = prompt.split_whitespace().collect();
    let cores: Vec<Vec<String>> = pieces.iter().map(|p| words(p)).collect();
    let mut out: Vec<String> = Vec::with_capacity(pieces.len());
    let mut i = 0;
    'piece: while i < pieces.len() {
        // only the forms that say this piece's first word can match from it
        let first = cores[i].first().map(String::as_str).unwrap_or_default();
        for f in lang
            .spoken
            .starting_with(first)
            .filter(|f| speech || !f.speech_only)
        {
            // each piece holds one word of the phrase ("drop box," but not "drop-box"), or
            // several across an apostrophe
            // the pieces whose words are the phrase's, in order ("what's app": two pieces,
            // three words)
            let mut n = 0;
            let mut said = 0;
            while said < f.say.len() && i + n < pieces.len() {
                let core = &cores[i + n];
                // a piece of several words only across an apostrophe, never a hyphen
                let joined = core.len() > 1 && !pieces[i + n].contains(['\'', '’']);
                if core.is_empty()
                    || joined
                    || f.say.get(said..said + core.len()) != Some(core.as_slice())
                {
                    break;
                }
                said += core.len();
                n += 1;
            }
            if said != f.say.len() || n == 0 {
                continue;
            }
            let first = pieces[i];
            let last = pieces[i + n - 1];
            let lead = &first[..first.find(|c: char| c.is_ascii_alphanumeric()).unwrap_or(0)];
            let trail = &last[last
                .rfind(|c: char| c.is_ascii_alphanumeric())
                .map_or(last.len(), |e| e + 1)..];
            out.push(format!("{lead}{}{trail}", f.write));
            i += n;
            continue 'piece;
        }
        if speech && let Some((n, joined)) = spelled_at(lang, &cores, i) {
            let first = pieces[i];
            let last = pieces[i + n - 1];
            let lead = &first[..first.find(|c: char| c.is_ascii_alphanumeric()).unwrap_or(0)];
            let trail = &last[last
                .rfind(|c: char| c.is_ascii_alphanumeric())
                .map_or(last.len(), |e| e + 1)..];
            out.push(format!("{lead}{joined}{trail}"));
            i += n;
            continue;
        }
        if speech && let Some((n, joined)) = compound_at(lang, &cores, i) {
            let first = pieces[i];
            let last = pieces[i + n - 1];
            let lead = &first[..first.find(|c: char| c.is_ascii_alphanumeric()).unwrap_or(0)];
            let trail = &last[last
                .rfind(|c: char| c.is_ascii_alphanumeric())
                .map_or(last.len(), |e| e + 1)..];
            out.push(format!("{lead}{joined}{trail}"));
            i += n;
            continue;
        }
        out.push(pieces[i].to_owned());
        i += 1;
    }
    out.join(" ")
}

/// Digits as dictation says them.
const DIGIT_WORDS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// A catalog word spelled letter by letter from piece `i` ("s q s", "g a four", "s three"):
/// how many pieces and the word. Each piece is one letter, one digit or a digit's name.
fn spelled_at(lang: &Language, cores: &[Vec<String>], i: usize) -> Option<(usize, String)> {
    let unit = |k: usize| -> Option<char> {
        let [w] = cores.get(k)?.as_slice() else {
            return None;
        };
        let mut cs = w.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Some(c),
            _ => DIGIT_WORDS
                .iter()
                .position(|d| d == w)
                .and_then(|d| char::from_digit(u32::try_from(d).ok()?, 10)),
        }
    };
    let run: String = (i..).map_while(unit).take(MAX_SPELLED_PIECES).collect();
    // a spelled word starts with a letter: "one two" is a number
    (2..=run.len()).rev().find_map(|n| {
        let w = &run[..n];
        (w.starts_with(|c: char| c.is_ascii_alphabetic()) && lang.spelled.contains(w))
            .then(|| (n, w.to_owned()))
    })
}

/// The most pieces a spelled word takes.
const MAX_SPELLED_PIECES: usize = 5;

/// How many pieces from `i` (two or three, one word each, nothing between) spell a one-word
/// catalog name together, and the name. Names that are ordinary words are joined only right
/// after a word that puts a product there (an entity `before` word, past articles and
/// possessives: "added in work day", not "every work day").
fn compound_at(lang: &Language, cores: &[Vec<String>], i: usize) -> Option<(usize, String)> {
    let product_slot = |name: &str| {
        let Some(o) = lang.ordinary.iter().find(|o| o.word == name) else {
            return false;
        };
        (0..i)
            .rev()
            .map(|k| cores[k].last().map_or("", String::as_str))
            .find(|w| !lang.entities.skip_before.iter().any(|s| s == w))
            .is_some_and(|w| o.before.iter().any(|b| b == w))
    };
    (2..=3).rev().find_map(|n| {
        if i + n > cores.len() || !(0..n).all(|k| cores[i + k].len() == 1) {
            return None;
        }
        let key = sound_key(&(0..n).map(|k| cores[i + k][0].as_str()).collect::<String>());
        if let Some(name) = lang.compounds.get(&key) {
            return Some((n, name.clone()));
        }
        let name = lang.ordinary_compounds.get(&key)?;
        product_slot(name).then(|| (n, name.clone()))
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn spoken_names_are_respelled() {
        let lang = Language::builtin().unwrap();
        let cases = [
            (
                "new rows in the my sequel orders table",
                "new rows in the mysql orders table",
            ),
            ("copy it to post gress.", "copy it to postgres."),
            (
                "add them in hub spot and click up",
                "add them in hubspot and clickup",
            ),
            ("make a task in a sauna", "make a task in asana"),
            (
                "the share point library, drop box and g drive",
                "the sharepoint library, dropbox and google drive",
            ),
            ("my o three sixty five inbox", "my outlook inbox"),
            (
                "the o three six five shared mailbox",
                "the outlook shared mailbox",
            ),
            ("ping me on what's app.", "ping me on whatsapp."),
            ("the xl sheet on one drive", "the excel sheet on onedrive"),
            // ordinary words dictation splits, which the policy and trigger stages read whole
            (
                "save the pass words and user names they type",
                "save the passwords and usernames they type",
            ),
            (
                "give me a web hook that e mails me",
                "give me a webhook that emails me",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(respell(&lang, input, true), want, "{input}");
        }
    }

    #[test]
    fn split_catalog_names_are_joined_in_transcripts() {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap().learn_names(&catalog);
        let cases = [
            ("index it in elastic search", "index it in elasticsearch"),
            (
                "update the square space page",
                "update the squarespace page",
            ),
            ("add a task in to do ist.", "add a task in todoist."),
            ("send it with mail gun", "send it with mailgun"),
            // spelled letters and digits of short catalog names
            ("push it to a w s lambda", "push it to aws lambda"),
            ("drop it on s q s.", "drop it on sqs."),
            ("read the h n front page", "read the hn front page"),
            ("a s n s topic", "a sns topic"),
            // names as they sound ("er" for "a"), and names that are ordinary words right
            // after a word that puts a product there
            (
                "send the signups from super base",
                "send the signups from supabase",
            ),
            ("added in work day", "added in workday"),
            // "ow" said as "o" (twelfth session, lang12)
            (
                "write it to the sno flake table",
                "write it to the snowflake table",
            ),
            (
                "a new hire in our work day tenant",
                "a new hire in our workday tenant",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(respell(&lang, input, true), want, "{input}");
        }
        // ordinary phrases stay: a product that is an ordinary word is not learnt, and typed
        // text is never joined
        for (input, speech) in [
            ("every work day at nine", true),
            ("the green light", true),
            ("index it in elastic search", false),
            ("post it to slack", true),
            ("at one two three", true),
            ("plan a b test", true),
            ("push it to a w s lambda", false),
            ("the work day is over", true),
            ("after a long work day", true),
            ("send the signups from super base", false),
            ("the sno flake table", false),
            ("a snow day flake", true),
        ] {
            assert_eq!(respell(&lang, input, speech), input, "{input}");
        }
    }

    #[test]
    fn speech_only_forms_stay_in_typed_text() {
        let lang = Language::builtin().unwrap();
        assert_eq!(
            respell(&lang, "book a sauna for Friday", false),
            "book a sauna for Friday"
        );
        assert_eq!(
            respell(&lang, "click up to open it", false),
            "click up to open it"
        );
        // only whole words: "dropbox" typed as one word is left alone
        assert_eq!(respell(&lang, "my dropbox", true), "my dropbox");
        // names dictation spells as they sound, in transcripts only
        assert_eq!(
            respell(&lang, "add them to the clavio list", true),
            "add them to the klaviyo list"
        );
        assert_eq!(
            respell(&lang, "the form on our wicks site", true),
            "the form on our wix site"
        );
        assert_eq!(
            respell(&lang, "trim the candle wicks", false),
            "trim the candle wicks"
        );
    }
}
