//! A linear pre-scan that refuses pathologically nested sources before they reach the parser.
//!
//! ruff's parser survives any nesting (it grows its stack on the heap), but a 1 MiB source of
//! nested brackets or prefix operators costs it seconds. CPython refuses such code anyway:
//! more than 200 nested brackets ("too many nested parentheses"), more than 100 indentation
//! levels ("too many levels of indentation"), and a few thousand chained prefix operators
//! ("maximum recursion depth exceeded during compilation"). The scan understands just enough
//! of Python's lexical structure (strings, comments, line continuations) to count these.

/// CPython's limit on nested brackets (`MAXLEVEL` in the tokenizer).
pub(crate) const MAX_BRACKET_NESTING: usize = 200;
/// CPython's limit on indentation levels (`MAXINDENT` in the tokenizer).
pub(crate) const MAX_INDENT_LEVELS: usize = 100;
/// Longest accepted run of prefix operators (`- - x`, `not not x`), and most `lambda`, `if`
/// or `**` in one logical line; CPython fails to compile around 3,000.
pub(crate) const MAX_CHAIN: usize = 2_000;

/// Why a source was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// Returns the first limit the source exceeds, if any.
pub(crate) fn prescan(source: &str) -> Option<Refusal> {
    let mut counts = Counts::new();
    match counts.count(source, true) {
        Bound::Within => return None,
        // Only the brackets are too many to clear by count (a generated module of a few
        // hundred lines has more than 200): their nesting, measured the way `scan` measures
        // it, and the rest of the counts for the other limits.
        Bound::Brackets
            if brackets_within(source) && counts.count(source, false) == Bound::Within =>
        {
            return None;
        }
        Bound::Brackets | Bound::Other => {}
    }
    scan(source)
}

/// What the byte counts say about a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// Certainly within every limit.
    Within,
    /// Within every limit but bracket nesting, which the counts cannot clear.
    Brackets,
    /// Possibly beyond another limit (or, when counted without brackets, beyond any).
    Other,
}

/// Byte counts of a source, taken a chunk at a time, so that a hostile file (100,000 open
/// brackets) stops counting within its first kilobytes and a count can resume where it
/// stopped.
struct Counts {
    // Four tables taking turns: with one, a run of the same byte (a 900 kB string literal) made
    // every increment wait for the previous one to the same counter, ~8 ns a byte.
    histograms: [[usize; 256]; 4],
    /// Bytes counted so far.
    counted: usize,
}

impl Counts {
    fn new() -> Self {
        Self {
            histograms: [[0; 256]; 4],
            counted: 0,
        }
    }

    fn total(&self, set: &[u8]) -> usize {
        set.iter()
            .map(|&b| {
                self.histograms
                    .iter()
                    .map(|h| h[usize::from(b)])
                    .sum::<usize>()
            })
            .sum()
    }

    /// Whether `source` is certainly within every limit, judged from how often a few bytes
    /// occur: a few instructions per byte where the lexical scan costs twenty-odd, and true
    /// for ordinary files up to several kilobytes. Each limit needs more occurrences than the
    /// bound allows:
    /// - more than `MAX_BRACKET_NESTING` open brackets need as many `(`, `[` or `{` bytes;
    /// - a run of more than `MAX_CHAIN` prefix operators needs as many `-`, `+`, `~` bytes or
    ///   `not`/`await` words, each holding an `o` or a `w`; as many `lambda`s need as many
    ///   `b`s, `if`s as many `f`s, `**`s twice as many `*`s;
    /// - more than `MAX_INDENT_LEVELS` levels need a line indented wider than that (each level
    ///   is wider than the one before); without tabs the width is at most the run of spaces.
    ///
    /// Counts from where the last call stopped; with `brackets` false, the bracket bound is
    /// left out (the caller has measured the nesting).
    fn count(&mut self, source: &str, brackets: bool) -> Bound {
        let others_within = |counts: &Self| {
            counts.total(b"-+~ow") <= MAX_CHAIN
                && counts.total(b"b") <= MAX_CHAIN
                && counts.total(b"f") <= MAX_CHAIN
                && counts.total(b"*") <= MAX_CHAIN
                && counts.total(b"\t") == 0
        };
        let rest = source.as_bytes().get(self.counted..).unwrap_or_default();
        for chunk in rest.chunks(COUNT_CHUNK) {
            let mut quads = chunk.chunks_exact(4);
            for quad in &mut quads {
                for (histogram, &b) in self.histograms.iter_mut().zip(quad) {
                    histogram[usize::from(b)] += 1;
                }
            }
            for &b in quads.remainder() {
                self.histograms[0][usize::from(b)] += 1;
            }
            self.counted += chunk.len();
            if !others_within(self) {
                return Bound::Other;
            }
            if brackets && self.total(b"([{") > MAX_BRACKET_NESTING {
                return Bound::Brackets;
            }
        }
        if source.contains(BEYOND_INDENT_LIMIT) {
            Bound::Other
        } else {
            Bound::Within
        }
    }
}

/// Whether the brackets of `source` nest no deeper than `MAX_BRACKET_NESTING`, counted as
/// `scan` counts them: outside strings and comments, a closing bracket closing the innermost
/// open one (or none). Only the bytes that move that count or start a string or a comment
/// are looked at; everything `scan` does besides (indentation, words, operators, line
/// continuations) consumes none of them, so the nesting here is `scan`'s at every byte.
fn brackets_within(source: &str) -> bool {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    loop {
        let Some(at) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| BRACKET_STOPS[usize::from(b)]))
        else {
            return true;
        };
        i += at;
        match bytes.get(i) {
            Some(b'(' | b'[' | b'{') => {
                depth += 1;
                if depth > MAX_BRACKET_NESTING {
                    return false;
                }
                i += 1;
            }
            Some(b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Some(b'\'' | b'"') => i = skip_string(bytes, i),
            Some(b'#') => i = skip_comment(bytes, i),
            _ => i += 1,
        }
    }
}

/// The bytes [`brackets_within`] looks at.
static BRACKET_STOPS: [bool; 256] = byte_set(b"()[]{}'\"#");

/// The bytes at which a string literal may end or escape: its quote, a backslash, and for a
/// single-quoted one the line breaks. Indexed by `2 * triple + (quote == '"')`.
static STRING_STOPS: [[bool; 256]; 4] = [
    byte_set(b"'\\\n\r"),
    byte_set(b"\"\\\n\r"),
    byte_set(b"'\\"),
    byte_set(b"\"\\"),
];

/// A table of the bytes in `set`.
const fn byte_set(set: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = true;
        i += 1;
    }
    table
}

/// The offset of the line break ending the comment at `start` (or the end of input).
fn skip_comment(bytes: &[u8], start: usize) -> usize {
    bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n' || c == b'\r'))
        .map_or(bytes.len().max(start), |at| start + at)
}

/// Bytes counted between checks of the bounds: small, so that a hostile file (100,000 open
/// brackets) stops counting within its first kilobytes; a check costs a dozen loads.
const COUNT_CHUNK: usize = 1024;

/// `MAX_INDENT_LEVELS + 1` spaces: an indentation this wide can hold more levels than allowed.
const BEYOND_INDENT_LIMIT: &str = match std::str::from_utf8(&[b' '; MAX_INDENT_LEVELS + 1]) {
    Ok(spaces) => spaces,
    Err(_) => " ",
};

/// The lexical scan: brackets, indentation and operator chains, skipping strings and comments.
fn scan(source: &str) -> Option<Refusal> {
    let bytes = source.as_bytes();
    let mut i = 0usize;
    let mut brackets = 0usize;
    let mut indents: Vec<usize> = vec![0];
    let mut at_line_start = true;
    let mut prefix_run = 0usize;
    let mut line_lambdas = 0usize;
    let mut line_ifs = 0usize;
    let mut line_powers = 0usize;
    let refuse = |offset: usize, message: String| Some(Refusal { offset, message });

    while i < bytes.len() {
        if at_line_start && brackets == 0 {
            at_line_start = false;
            let mut width = 0usize;
            let mut j = i;
            while let Some(&b) = bytes.get(j) {
                match b {
                    b' ' => width += 1,
                    b'\t' => width = (width / 8 + 1) * 8,
                    b'\x0c' => width = 0,
                    _ => break,
                }
                j += 1;
            }
            let blank = matches!(bytes.get(j), None | Some(b'\n' | b'\r' | b'#'));
            if !blank {
                let top = indents.last().copied().unwrap_or(0);
                if width > top {
                    indents.push(width);
                    if indents.len() - 1 > MAX_INDENT_LEVELS {
                        return refuse(
                            j,
                            format!(
                                "too many levels of indentation (more than {MAX_INDENT_LEVELS}); \
                                 CPython refuses this code"
                            ),
                        );
                    }
                } else {
                    while indents.len() > 1 && indents.last().is_some_and(|&t| t > width) {
                        indents.pop();
                    }
                }
            }
            i = j;
            continue;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        match b {
            b'\n' | b'\r' => {
                if brackets == 0 {
                    at_line_start = true;
                    line_lambdas = 0;
                    line_ifs = 0;
                    line_powers = 0;
                }
                i += 1;
            }
            b'\\' => {
                // Line continuation: the logical line goes on.
                i += 1;
                if bytes.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b' ' | b'\t' | b'\x0c' => i += 1,
            b'#' => i = skip_comment(bytes, i),
            b'\'' | b'"' => {
                i = skip_string(bytes, i);
                prefix_run = 0;
            }
            b'(' | b'[' | b'{' => {
                brackets += 1;
                prefix_run = 0;
                if brackets > MAX_BRACKET_NESTING {
                    return refuse(
                        i,
                        format!(
                            "too many nested parentheses (more than {MAX_BRACKET_NESTING}); \
                             CPython refuses this code"
                        ),
                    );
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                brackets = brackets.saturating_sub(1);
                prefix_run = 0;
                i += 1;
            }
            b'-' | b'+' | b'~' => {
                if bytes.get(i + 1) == Some(&b'=') {
                    prefix_run = 0;
                } else {
                    prefix_run += 1;
                    if prefix_run > MAX_CHAIN {
                        return refuse(i, chain_message("prefix operators"));
                    }
                }
                i += 1;
            }
            b'*' if bytes.get(i + 1) == Some(&b'*') => {
                line_powers += 1;
                if line_powers > MAX_CHAIN {
                    return refuse(i, chain_message("`**` operators in one statement"));
                }
                prefix_run = 0;
                i += 2;
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|&c| c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80)
                {
                    i += 1;
                }
                let word = bytes.get(start..i).unwrap_or_default();
                if matches!(bytes.get(i), Some(b'\'' | b'"')) && is_string_prefix(word) {
                    i = skip_string(bytes, i);
                    prefix_run = 0;
                    continue;
                }
                match word {
                    b"not" | b"await" => {
                        prefix_run += 1;
                        if prefix_run > MAX_CHAIN {
                            return refuse(start, chain_message("prefix operators"));
                        }
                    }
                    b"lambda" => {
                        line_lambdas += 1;
                        if line_lambdas > MAX_CHAIN {
                            return refuse(start, chain_message("`lambda`s in one statement"));
                        }
                    }
                    b"if" => {
                        line_ifs += 1;
                        if line_ifs > MAX_CHAIN {
                            return refuse(
                                start,
                                chain_message("conditional expressions in one statement"),
                            );
                        }
                        prefix_run = 0;
                    }
                    _ => prefix_run = 0,
                }
            }
            _ => {
                prefix_run = 0;
                i += 1;
            }
        }
    }
    None
}

fn chain_message(what: &str) -> String {
    format!("more than {MAX_CHAIN} chained {what}; CPython cannot compile nesting this deep")
}

/// String prefixes: r, u, b, f, t and their two-letter combinations, any case.
fn is_string_prefix(word: &[u8]) -> bool {
    word.len() <= 2
        && word
            .iter()
            .all(|c| matches!(c.to_ascii_lowercase(), b'r' | b'u' | b'b' | b'f' | b't'))
}

/// Skips a string literal starting at the quote at `start`; returns the offset after it (or the
/// end of the line for an unterminated single-quoted string, the end of input for triple).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let Some(&quote) = bytes.get(start) else {
        return start + 1;
    };
    let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    // Only the bytes that can end or escape the literal are looked at one by one.
    let stops = match (triple, quote) {
        (false, b'\'') => &STRING_STOPS[0],
        (false, _) => &STRING_STOPS[1],
        (true, b'\'') => &STRING_STOPS[2],
        (true, _) => &STRING_STOPS[3],
    };
    let mut i = start + if triple { 3 } else { 1 };
    while let Some(at) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| stops[usize::from(c)]))
    {
        i += at;
        match bytes.get(i) {
            Some(b'\\') => i += 2,
            Some(b'\n' | b'\r') if !triple => return i,
            Some(&c) if c == quote => {
                if !triple {
                    return i + 1;
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    fn within_limits_by_counts(source: &str) -> bool {
        Counts::new().count(source, true) == Bound::Within
    }

    /// Sources built from the bytes the scan cares about, some with long runs to reach the
    /// limits (a fixed xorshift sequence, so a failure reproduces).
    fn generated_sources() -> Vec<String> {
        const PIECES: &[&str] = &[
            "(", ")", "[", "]", "{", "}", "-", "+", "~", "-=", "*", "**", "'", "\"", "'''", "\\",
            "\n", "\r", " ", "        ", "\t", "\x0c", "#", "not ", "await ", "lambda ", "if ",
            "x", "rb", "f", "_a1", "é", "1", "=", ":", "\\\n",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).expect("small")
        };
        let mut sources = Vec::new();
        for round in 0..3_000 {
            let mut source = String::new();
            if round % 3 == 0 {
                let piece = PIECES[next() % PIECES.len()];
                source.push_str(&piece.repeat(1_800 + next() % 500));
            }
            if round % 10 == 1 {
                for depth in 0..90 + next() % 20 {
                    source.push_str(&" ".repeat(depth));
                    source.push_str("if x:\n");
                }
            }
            for _ in 0..next() % 300 {
                source.push_str(PIECES[next() % PIECES.len()]);
            }
            sources.push(source);
        }
        sources
    }

    #[test]
    fn counts_never_clear_a_source_the_scan_refuses() {
        let mut refused = 0;
        for source in generated_sources() {
            if scan(&source).is_some() {
                refused += 1;
                assert!(!within_limits_by_counts(&source), "{source:?}");
            }
        }
        assert!(
            refused > 300,
            "only {refused} generated sources reach a limit"
        );
    }

    /// Sources with more than 200 brackets, mostly closed again, some nested near the limit,
    /// with brackets hidden in strings and comments and the other limits' bytes in between.
    fn bracketed_sources() -> Vec<String> {
        const PIECES: &[&str] = &[
            "f(x)",
            "[1, (2)]",
            "{'a': [b]}",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "'('",
            "\"]\"",
            "'''\n)'''",
            r#"""")""""#,
            "# ((\n",
            "#)\n",
            "\\\n",
            "\\'",
            r"'\''",
            r#""\\""#,
            "\n",
            "\r\n",
            "    ",
            "x",
            "rb'('",
            "f\"{x[0]}\"",
            "'unterminated (\n",
            "not ",
            "-",
            "**",
            "lambda ",
            "if ",
            "é",
        ];
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).expect("small")
        };
        let mut sources = Vec::new();
        for round in 0..2_000 {
            let (open, close) = [("(", ")"), ("[", "]"), ("{", "}")][round % 3];
            let mut source = String::new();
            for _ in 0..next() % 1_500 {
                source.push_str(PIECES[next() % PIECES.len()]);
                if next() % 200 == 0 {
                    let depth = 190 + next() % 20;
                    source.push_str(&open.repeat(depth));
                    source.push_str(&close.repeat(depth));
                }
            }
            sources.push(source);
        }
        sources
    }

    /// `skip_string` as it was written before it skipped by table: one byte at a time.
    fn skip_string_bytewise(bytes: &[u8], start: usize) -> usize {
        let Some(&quote) = bytes.get(start) else {
            return start + 1;
        };
        let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
        let mut i = start + if triple { 3 } else { 1 };
        while let Some(&c) = bytes.get(i) {
            match c {
                b'\\' => i += 2,
                b'\n' | b'\r' if !triple => return i,
                c if c == quote => {
                    if !triple {
                        return i + 1;
                    }
                    if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                        return i + 3;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        bytes.len()
    }

    #[test]
    fn strings_and_comments_end_where_a_bytewise_skip_ends_them() {
        let mut strings = 0;
        for source in generated_sources().into_iter().chain(bracketed_sources()) {
            let bytes = source.as_bytes();
            for (i, &b) in bytes.iter().enumerate() {
                match b {
                    b'\'' | b'"' => {
                        strings += 1;
                        assert_eq!(skip_string(bytes, i), skip_string_bytewise(bytes, i));
                    }
                    b'#' => {
                        let end = bytes
                            .iter()
                            .skip(i)
                            .position(|&c| c == b'\n' || c == b'\r')
                            .map_or(bytes.len(), |at| i + at);
                        assert_eq!(skip_comment(bytes, i), end);
                    }
                    _ => {}
                }
            }
        }
        assert!(strings > 100_000, "{strings}");
    }

    #[test]
    fn prescan_answers_as_the_lexical_scan() {
        let mut by_brackets = 0;
        for source in generated_sources().into_iter().chain(bracketed_sources()) {
            let expected = scan(&source);
            if expected.is_none() && Counts::new().count(&source, true) == Bound::Brackets {
                by_brackets += 1;
            }
            assert_eq!(prescan(&source), expected, "{source:?}");
        }
        assert!(
            by_brackets > 200,
            "only {by_brackets} sources cleared by the bracket measure"
        );
        for source in [
            include_str!("../corpus/order_service.py"),
            include_str!("../corpus/slack_digest.py"),
        ] {
            assert_eq!(prescan(source), scan(source));
        }
    }

    #[test]
    fn counts_clear_ordinary_handlers() {
        for source in [
            include_str!("../corpus/csv_to_dynamodb.py"),
            include_str!("../corpus/github_webhook.py"),
            include_str!("../corpus/slack_digest.py"),
            include_str!("../../../xtask/bench/handler.py"),
        ] {
            assert!(within_limits_by_counts(source));
        }
        // Large files and tab-indented ones take the full scan, with the same outcome.
        let large = include_str!("../corpus/order_service.py");
        assert!(!within_limits_by_counts(large));
        assert_eq!(prescan(large), None);
        assert!(!within_limits_by_counts("if x:\n\tpass\n"));
        assert_eq!(prescan("if x:\n\tpass\n"), None);
    }

    #[test]
    fn accepts_ordinary_code_and_cpython_sized_nesting() {
        let deep_but_ok = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        let unary_ok = format!("x = {}1\n", "-".repeat(1_000));
        let mut indented = String::new();
        for depth in 0..100 {
            indented.push_str(&" ".repeat(depth));
            indented.push_str("if x:\n");
        }
        indented.push_str(&" ".repeat(100));
        indented.push_str("pass\n");
        for source in [
            "def f(a, b):\n    return -a + ~b - (not a)\n".to_owned(),
            deep_but_ok,
            unary_ok,
            indented,
            // Brackets and keywords inside strings and comments do not count.
            format!(
                "s = '{}'  # {}\nt = \"\"\"{}\n\"\"\"\n",
                "(".repeat(500),
                "[".repeat(500),
                "{".repeat(500)
            ),
            format!("s = rb'\\'{}'\n", "(".repeat(300)),
            format!("x = [\n{}]\n", "  [1, 2],\n".repeat(5_000)),
        ] {
            assert_eq!(
                prescan(&source),
                None,
                "{}",
                &source[..source.len().min(80)]
            );
        }
    }

    #[test]
    fn refuses_what_cpython_refuses() {
        let cases = [
            (
                format!("x = {}", "(".repeat(100_000)),
                "too many nested parentheses",
            ),
            (format!("x = {}a\n", "-".repeat(5_000)), "prefix operators"),
            (
                format!("x = {}a\n", "not ".repeat(5_000)),
                "prefix operators",
            ),
            (format!("x = {}1\n", "lambda: ".repeat(5_000)), "lambda"),
            (format!("x = {}\n", vec!["1"; 5_000].join("**")), "`**`"),
            (
                format!("x = {}0\n", "1 if a else ".repeat(5_000)),
                "conditional",
            ),
        ];
        for (source, expected) in cases {
            let refusal = prescan(&source).expect("refused");
            assert!(refusal.message.contains(expected), "{}", refusal.message);
        }
        let mut indented = String::new();
        for depth in 0..150 {
            indented.push_str(&" ".repeat(depth));
            indented.push_str("if x:\n");
        }
        let refusal = prescan(&indented).expect("refused");
        assert!(refusal.message.contains("indentation"));
    }
}
