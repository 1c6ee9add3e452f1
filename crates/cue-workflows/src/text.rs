//! Text handling of prompts: normalising (speech transcripts above all), and tokens with
//! clause numbers for the planner.

/// Words of `s`: lower-case ASCII letters and digits, split at everything else.
pub(crate) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A word of the prompt with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Lower-case word.
    pub w: String,
    /// Byte range in the normalised text.
    pub start: usize,
    pub end: usize,
    /// Clauses are separated by punctuation and by `then`, `and`, `if`, `also`, `but`.
    pub clause: usize,
}

/// Words that start a new clause.
const CLAUSE_WORDS: &[&str] = &["then", "and", "if", "also", "but", "otherwise", "so"];

/// Splits normalised text into tokens with clause numbers.
pub(crate) fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut clause = 0usize;
    let mut cur_start: Option<usize> = None;
    let bytes = text.as_bytes();
    let push = |toks: &mut Vec<Tok>, start: usize, end: usize, clause: &mut usize| {
        let w = text[start..end].to_ascii_lowercase();
        if CLAUSE_WORDS.contains(&w.as_str())
            && toks.last().is_some_and(|t: &Tok| t.clause == *clause)
        {
            *clause += 1;
        }
        toks.push(Tok {
            w,
            start,
            end,
            clause: *clause,
        });
    };
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            if cur_start.is_none() {
                cur_start = Some(i);
            }
            continue;
        }
        if let Some(s) = cur_start.take() {
            push(&mut toks, s, i, &mut clause);
        }
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        let boundary = matches!(c, ',' | ';' | '!' | '?' | '\n' | '→')
            || (matches!(c, '.' | ':') && (next == b' ' || next == b'\n' || i + 1 == text.len()))
            || (c == '-' && next == b'>');
        if boundary && toks.last().is_some_and(|t| t.clause == clause) {
            clause += 1;
        }
    }
    if let Some(s) = cur_start {
        push(&mut toks, s, text.len(), &mut clause);
    }
    toks
}

const FILLERS: &[&str] = &[
    "um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm", "mm", "ah", "eh",
];
const FILLER_PHRASES: &[&[&str]] = &[&["you", "know"], &["kind", "of"], &["sort", "of"]];

const UNITS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];
const TENS: &[(&str, u32)] = &[
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
];
const ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("fifteenth", 15),
    ("twentieth", 20),
];
const TIME_UNITS: &[&str] = &[
    "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "am",
    "pm", "o",
];

fn lookup(table: &[(&str, u32)], w: &str) -> Option<u32> {
    table.iter().find(|(k, _)| *k == w).map(|&(_, v)| v)
}

/// Splits a whitespace piece into (leading punctuation, core word, trailing punctuation).
fn split_piece(p: &str) -> (&str, &str, &str) {
    let start = p.find(|c: char| c.is_alphanumeric()).unwrap_or(p.len());
    let end = p.rfind(|c: char| c.is_alphanumeric()).map_or(start, |i| {
        i + p[i..].chars().next().map_or(1, char::len_utf8)
    });
    (&p[..start], &p[start..end], &p[end..])
}

/// Normalises a prompt: whitespace collapsed, control characters dropped; number words become
/// digits; for speech, filler words go, spelled letters join (`h r` → `hr`), `a m`/`p m` become
/// `am`/`pm` and `eight thirty` becomes `8:30`.
pub(crate) fn normalize(prompt: &str, speech: bool) -> String {
    let cleaned: String = prompt
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{200b}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let pieces: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while i < pieces.len() {
        let (lead, core, trail) = split_piece(pieces[i]);
        let lower = core.to_ascii_lowercase();
        let next_lower = pieces
            .get(i + 1)
            .map(|p| split_piece(p).1.to_ascii_lowercase())
            .unwrap_or_default();
        if speech {
            if FILLERS.contains(&lower.as_str()) {
                i += 1;
                continue;
            }
            if let Some(len) = FILLER_PHRASES.iter().find_map(|ph| {
                let ok = ph.iter().enumerate().all(|(k, w)| {
                    pieces
                        .get(i + k)
                        .is_some_and(|p| split_piece(p).1.eq_ignore_ascii_case(w))
                });
                ok.then_some(ph.len())
            }) {
                i += len;
                continue;
            }
            // "a m" / "p m" → am / pm after a number
            if (lower == "a" || lower == "p")
                && next_lower == "m"
                && out.last().is_some_and(|l| is_number_like(l))
            {
                let trail_next = pieces.get(i + 1).map(|p| split_piece(p).2).unwrap_or("");
                out.push(format!("{lead}{lower}m{trail_next}"));
                i += 2;
                continue;
            }
            // spelled letters: "h r" → "hr" (not "a", "i": words on their own)
            if core.len() == 1
                && core.chars().all(|c| c.is_ascii_alphabetic())
                && lower != "a"
                && lower != "i"
                && trail.is_empty()
            {
                let mut j = i;
                let mut letters = String::new();
                let mut last_trail = "";
                while j < pieces.len() {
                    let (l2, c2, t2) = split_piece(pieces[j]);
                    let lw = c2.to_ascii_lowercase();
                    if !l2.is_empty()
                        || c2.len() != 1
                        || !c2.chars().all(|c| c.is_ascii_alphabetic())
                        || lw == "a"
                        || lw == "i"
                    {
                        break;
                    }
                    letters.push_str(&lw);
                    last_trail = t2;
                    j += 1;
                    if !t2.is_empty() {
                        break;
                    }
                }
                if letters.len() >= 2 {
                    out.push(format!("{lead}{letters}{last_trail}"));
                    i = j;
                    continue;
                }
            }
        }
        // number words
        if let Some(v) = lookup(TENS, &lower) {
            if trail.is_empty()
                && let Some(u) = lookup(UNITS, &next_lower).filter(|u| (1..10).contains(u))
            {
                let trail_next = pieces.get(i + 1).map(|p| split_piece(p).2).unwrap_or("");
                push_number(&mut out, lead, v + u, trail_next);
                i += 2;
                continue;
            }
            push_number(&mut out, lead, v, trail);
            i += 1;
            continue;
        }
        if let Some(v) = lookup(UNITS, &lower) {
            let before_unit =
                TIME_UNITS.contains(&next_lower.as_str()) || next_lower == "a" || next_lower == "p";
            if v != 1 || before_unit || out.last().is_some_and(|l| l.eq_ignore_ascii_case("at")) {
                push_number(&mut out, lead, v, trail);
                i += 1;
                continue;
            }
        }
        if let Some(v) = lookup(ORDINALS, &lower)
            && out.last().is_some_and(|l| l.eq_ignore_ascii_case("the"))
            && (next_lower == "of" || next_lower.is_empty())
        {
            out.push(format!("{lead}{v}{}{trail}", ordinal_suffix(v)));
            i += 1;
            continue;
        }
        if lower == "o" && next_lower == "clock" {
            i += 2;
            continue;
        }
        out.push(pieces[i].to_owned());
        i += 1;
    }
    out.join(" ")
}

fn ordinal_suffix(v: u32) -> &'static str {
    match v {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    }
}

fn is_number_like(s: &str) -> bool {
    let core = split_piece(s).1;
    !core.is_empty() && core.chars().all(|c| c.is_ascii_digit() || c == ':')
}

/// Pushes a number, joining `8` + `30` into `8:30` when the previous piece is an hour.
fn push_number(out: &mut Vec<String>, lead: &str, v: u32, trail: &str) {
    if (10..60).contains(&v)
        && lead.is_empty()
        && let Some(last) = out.last_mut()
    {
        let (l0, c0, t0) = split_piece(last);
        if t0.is_empty()
            && !c0.contains(':')
            && let Ok(h) = c0.parse::<u32>()
            && (1..=12).contains(&h)
        {
            *last = format!("{l0}{h}:{v:02}{trail}");
            return;
        }
    }
    out.push(format!("{lead}{v}{trail}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_speech_forms() {
        let cases = [
            (
                "um every monday at nine a m send it",
                "every monday at 9 am send it",
            ),
            (
                "every day at eight thirty send me",
                "every day at 8:30 send me",
            ),
            ("added in bamboo h r i want", "added in bamboo hr i want"),
            ("every two hours, you know, check", "every 2 hours, check"),
            ("top five stories", "top 5 stories"),
            ("on the first of each month", "on the 1st of each month"),
            ("send each one", "send each one"),
            ("at one pm", "at 1 pm"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input, true), want, "{input}");
        }
    }

    #[test]
    fn text_keeps_letters_and_fillers_but_converts_numbers() {
        assert_eq!(
            normalize("Plan A um  every   two hours", false),
            "Plan A um every 2 hours"
        );
    }

    #[test]
    fn tokens_carry_clauses() {
        let toks = tokenize("When X happens, post to Slack and then email me.");
        let clause_of = |w: &str| toks.iter().find(|t| t.w == w).map(|t| t.clause);
        assert_eq!(clause_of("when"), Some(0));
        assert_eq!(clause_of("post"), Some(1));
        assert_eq!(clause_of("email"), Some(3));
    }
}
