//! Only what a generated module reaches: the top-level helpers and imports its other
//! statements (the steps, the handler, the settings) use, directly or through each other.
//!
//! The templates write every helper a kind of workflow may need (`_http` and the answer,
//! field and file helpers behind it); a given module calls a few of them. [`reached`] reads
//! the rendered module once, as a list of top-level statements, and keeps:
//!
//! - every statement that is not a *definition*: anything but `def _x`, `class _x`, `_x = ...`
//!   (one private name, one `=`) and `import a.b` (one module, no `as`). The handler, the steps,
//!   the public settings and everything with an effect of its own stay;
//! - every definition whose name (for an import, its dotted path) a kept statement names, until
//!   nothing is added. A use is a name in code, not in a string or a comment; `a.b.c` names
//!   `a`, `a.b` and `a.b.c`; a name after a dot is an attribute and names nothing.
//!
//! What is dropped goes with the blank lines before it, so the module reads as if the template
//! had not written it (two blank lines before every `def`); the blank lines that open a group
//! (the third-party imports) stay with the group when its first line goes. A comment line
//! directly above a definition goes with it when a blank line follows the definition;
//! above a group of lines (`# Clients ...`) it keeps the first line of the group. Everything
//! kept is written byte for byte, in its order.
//!
//! The reading runs on every generate, so it is kept cheap (issue 16, ninth session): one pass
//! over the module that steps over most bytes with one table lookup each, skips strings and
//! comments with `memchr`, and records only the names a definition can have (those that begin
//! with `_`, and the first parts of the module's `import a.b` lines).
//!
//! Most of what it reads is the same on every generate: the helpers the templates write are
//! mostly the same text, and most of them are dropped (issue 16, twelfth session). So a
//! top-level statement's reading (the names it uses and defines, where its code ends, whether
//! a comment follows it) is kept in [`Readings`], by its text and the module's imports, and a
//! statement seen before is stepped over with one hash and one comparison instead of being
//! read byte by byte. A reading is kept only where it cannot depend on anything but those two:
//! the statement runs from a line at column 0 to the next such line (which it includes, as the
//! reader may look at its first byte), it was read to exactly there, and no backslash before
//! it continues an earlier line. The answers are those of reading everything (tests compare
//! the two on every template's module and on random cuts of them). The readings are kept in
//! a few sets, one for each module read at the same time; a reader takes a free one and never
//! waits (with none free it reads every byte), and a set forgets everything past 4 MiB of text.

use std::hash::Hasher;
use std::sync::{LazyLock, Mutex, TryLockError};

use rustc_hash::{FxHashMap, FxHasher};

/// The module with only the definitions its other statements reach.
pub(crate) fn reached(text: &str) -> String {
    // one set of readings for each module read at the same time (two cores: rarely more than
    // two); a reader never waits for one, and when all are taken it reads every byte
    static READINGS: LazyLock<[Mutex<Readings>; 4]> = LazyLock::new(Default::default);
    for slot in READINGS.iter() {
        let mut readings = match slot.try_lock() {
            Ok(readings) => readings,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => continue,
        };
        return reached_with(text, Some(&mut readings));
    }
    reached_with(text, None)
}

/// [`reached`] with the readings kept in `readings`, or none (every byte read).
fn reached_with(text: &str, readings: Option<&mut Readings>) -> String {
    let module = Module::read(text, readings);
    let keep = module.closure();
    module.write(&keep)
}

/// At most this many bytes of statements' text are kept in [`Readings`]; past it they are
/// all forgotten and kept anew (a module is ~20 kB before the reach pass; the text of prompts
/// in the steps makes new statements on every generate).
const READINGS_BYTES: usize = 4 << 20;

/// The readings of statements seen before, by the module's imports (the names worth
/// recording depend on them) and then by the statement's text.
struct Readings {
    by_imports: FxHashMap<Box<[u8]>, FxHashMap<u64, Reading>>,
    /// The bytes of text kept.
    bytes: usize,
    /// Past this many, everything is forgotten before the next module is read.
    limit: usize,
    /// How many statements were stepped over with a kept reading.
    hits: usize,
}

impl Default for Readings {
    fn default() -> Self {
        Self {
            by_imports: FxHashMap::default(),
            bytes: 0,
            limit: READINGS_BYTES,
            hits: 0,
        }
    }
}

/// What reading a statement's text from its first line gave, positions relative to that line.
struct Reading {
    /// The text from its first line to the first byte of the next statement, included.
    text: Box<[u8]>,
    /// Where the name it defines starts and ends, when it is a definition.
    defines: Option<(u32, u32)>,
    /// The names it uses: start, end, `loose`.
    refs: Box<[(u32, u32, bool)]>,
    /// The end of its last line of code.
    content_end: u32,
    /// A comment line follows its code (the next statement's leading lines hold one).
    commented: bool,
}

/// A position in a statement as kept (the module is shorter than `u32::MAX`).
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn text_hash(text: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(text);
    h.finish()
}

/// Where the next line at column 0 that is neither blank nor a comment begins, after the line
/// at `start`: where the statement at `start` ends if nothing open (a bracket, a string, a
/// decorator) carries it further.
fn next_statement(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    loop {
        i += memchr::memchr(b'\n', &b[i..])? + 1;
        match b.get(i) {
            None => return None,
            Some(b' ' | b'\t' | b'\r' | b'\x0c' | b'\n' | b'#') => {}
            Some(_) => return Some(i),
        }
    }
}

/// A statement read in full, to be kept in [`Readings`] when the next one begins at `next`.
struct Pending {
    start: usize,
    next: usize,
    unit: usize,
    refs: usize,
    hash: u64,
}

/// A top-level statement with the comment and blank lines before it.
#[derive(Debug)]
struct Unit<'a> {
    /// Where its leading blank and comment lines begin.
    lead: usize,
    /// Where its first line begins.
    code: usize,
    /// Where the next unit's leading lines begin.
    end: usize,
    /// The name it defines, when it is a definition.
    defines: Option<&'a str>,
    /// Its leading lines hold a comment.
    commented: bool,
    /// `self.refs[..]` of the names it uses.
    refs: std::ops::Range<usize>,
}

/// A name used in code: a dotted chain (`urllib.parse.quote`), or `loose` when an attribute
/// of it was written apart (`a .b`), so that it may name any import under it.
#[derive(Debug, Clone, Copy)]
struct Ref<'a> {
    chain: &'a str,
    loose: bool,
}

struct Module<'a> {
    text: &'a str,
    units: Vec<Unit<'a>>,
    refs: Vec<Ref<'a>>,
}

/// What a byte is to the reader of code: most bytes are `PLAIN` (spaces, operators,
/// dots) or `NAME` and are stepped over; the others change what is read.
const PLAIN: u8 = 0;
const NAME: u8 = 1;
const NEWLINE: u8 = 2;
const COMMENT: u8 = 3;
const QUOTE: u8 = 4;
const OPEN: u8 = 5;
const CLOSE: u8 = 6;
const BACKSLASH: u8 = 7;
const EQUALS: u8 = 8;

/// Each byte's class (non-ASCII bytes are parts of Unicode names).
static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            NAME
        } else {
            match b {
                b'\n' => NEWLINE,
                b'#' => COMMENT,
                b'\'' | b'"' => QUOTE,
                b'(' | b'[' | b'{' => OPEN,
                b')' | b']' | b'}' => CLOSE,
                b'\\' => BACKSLASH,
                b'=' => EQUALS,
                _ => PLAIN,
            }
        };
        c += 1;
    }
    t
};

/// A byte that may continue a name.
fn name_byte(c: u8) -> bool {
    CLASS[c as usize] == NAME
}

fn name_start(c: u8) -> bool {
    name_byte(c) && !c.is_ascii_digit()
}

/// Whether `word` followed by a quote is a string's prefix (`rb"..."`), and an f-string's.
fn string_prefix(word: &[u8]) -> Option<bool> {
    if word.len() > 2 {
        return None;
    }
    let mut f = false;
    for &c in word {
        match c.to_ascii_lowercase() {
            b'f' | b't' => f = true,
            b'r' | b'b' | b'u' => {}
            _ => return None,
        }
    }
    Some(f)
}

/// The name a unit defines, if the unit is a definition that may be dropped; `line` runs from
/// the unit's first line to the end of the module.
fn definition(line: &str, assignments: u32) -> Option<&str> {
    let word = |s: &str| -> usize { s.bytes().take_while(|&c| name_byte(c)).count() };
    let private = |name: &str| name.starts_with('_') && !name.starts_with("__");
    for keyword in ["def ", "class "] {
        if let Some(rest) = line.strip_prefix(keyword) {
            let name = &rest[..word(rest)];
            return private(name).then_some(name);
        }
    }
    if let Some(rest) = line.strip_prefix("import ") {
        let rest = &rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
        let path = rest.trim_end();
        let plain = !path.is_empty()
            && path
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(name_byte));
        return plain.then_some(path);
    }
    let name = &line[..word(line)];
    let after = line[name.len()..].trim_start_matches(' ');
    let assigns = after.starts_with('=') && !after.starts_with("==");
    (private(name) && assigns && assignments == 1).then_some(name)
}

/// The first parts of the module's `import a.b` lines (`a`): with the names that begin with
/// `_`, the only names a definition can have, so the only names worth recording. `lengths` is
/// a filter that lets few other names through: bit `n` of `lengths[c & 31]` is set when an
/// import's first part begins with the letter `c` and has `n` bytes.
struct Imports<'a> {
    names: Vec<&'a [u8]>,
    lengths: [u32; 32],
}

impl<'a> Imports<'a> {
    fn read(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut imports = Imports {
            names: Vec::new(),
            lengths: [0; 32],
        };
        let starts = b
            .starts_with(b"import ")
            .then_some(0)
            .into_iter()
            .chain(memchr::memmem::find_iter(b, b"\nimport ").map(|k| k + 1));
        for start in starts {
            let rest = &b[start + "import ".len()..];
            let len = rest.iter().take_while(|&&c| name_byte(c)).count();
            let name = &rest[..len];
            if let Some(&first) = name.first()
                && first.is_ascii_alphabetic()
            {
                if len < 32 {
                    imports.lengths[usize::from(first & 31)] |= 1 << len;
                }
                imports.names.push(name);
            }
        }
        imports
    }

    /// Whether `name` (not beginning with `_`) is an import's first part.
    fn has(&self, name: &[u8]) -> bool {
        let (first, len) = (name[0], name.len());
        let maybe = if len < 32 {
            self.lengths[usize::from(first & 31)] >> len & 1 == 1
        } else {
            !self.names.is_empty()
        };
        maybe && self.names.contains(&name)
    }
}

/// Whether the name at `start` is an attribute: a dot before it on its line, or on a line it
/// continues with a backslash. A dot on an earlier line (the end of a comment, `a.` before a
/// newline in brackets) does not count: taking an attribute for a use only keeps more.
fn after_dot(b: &[u8], start: usize) -> bool {
    let mut i = start;
    while i > 0 {
        match b[i - 1] {
            b' ' | b'\t' | b'\r' | b'\x0c' => i -= 1,
            b'\n' if i > 1 && b[i - 2] == b'\\' => i -= 2,
            c => return c == b'.',
        }
    }
    false
}

/// Reads code from a position: the names worth recording, brackets, strings, comments.
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    imports: Imports<'a>,
    refs: Vec<Ref<'a>>,
    /// Top-level `=` signs of the current logical line.
    assignments: u32,
}

impl<'a> Lexer<'a> {
    /// Code from `i` to the end of its logical line (after a newline outside brackets), or, with
    /// `brace`, to the `}` that closes an f-string's replacement field. Returns the position
    /// after it (at most the module's length).
    fn code(&mut self, mut i: usize, brace: bool) -> usize {
        let b = self.bytes;
        let mut depth = 0usize;
        loop {
            // the bytes that change nothing, one load and one table lookup each
            let Some(k) = b
                .get(i..)
                .and_then(|rest| rest.iter().position(|&c| CLASS[usize::from(c)] != PLAIN))
            else {
                return b.len();
            };
            i += k;
            match CLASS[usize::from(b[i])] {
                NAME => {
                    let start = i;
                    i += 1;
                    i += b[i..]
                        .iter()
                        .position(|&c| CLASS[usize::from(c)] != NAME)
                        .unwrap_or(b.len() - i);
                    if i < b.len()
                        && CLASS[b[i] as usize] == QUOTE
                        && let Some(f) = string_prefix(&b[start..i])
                    {
                        i = self.string(i, f);
                    } else if b[start] == b'_' || self.imports.has(&b[start..i]) {
                        i = self.name(start, i);
                    }
                }
                NEWLINE => {
                    i += 1;
                    if depth == 0 && !brace {
                        return i;
                    }
                }
                COMMENT => i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k),
                QUOTE => i = self.string(i, false),
                OPEN => {
                    depth += 1;
                    i += 1;
                }
                CLOSE => {
                    if depth == 0 {
                        if brace && b[i] == b'}' {
                            return i + 1;
                        }
                    } else {
                        depth -= 1;
                    }
                    i += 1;
                }
                BACKSLASH => i += 2,
                _ => {
                    // `=`: an assignment unless part of `==`, `<=`, `+=`, `:=`, ...
                    let compound = i > 0 && b"=!<>:+-*/%&|^@".contains(&b[i - 1]);
                    if depth == 0 && !brace && !compound && b.get(i + 1) != Some(&b'=') {
                        self.assignments += 1;
                    }
                    i += 1;
                }
            }
        }
    }

    /// A name worth recording, from `start` to `end`, unless it is an attribute (after a dot);
    /// with the attributes written after it (`a.b.c`). Returns where the chain ends.
    fn name(&mut self, start: usize, mut end: usize) -> usize {
        let b = self.bytes;
        if after_dot(b, start) {
            return end;
        }
        while b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|&c| name_start(c)) {
            end += 2;
            while end < b.len() && name_byte(b[end]) {
                end += 1;
            }
        }
        // an attribute written apart (`a .b`) may name any import under the chain
        let loose = b[end..]
            .iter()
            .find(|&&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\x0c' | b'\n' | b'\\'))
            == Some(&b'.');
        self.refs.push(Ref {
            chain: &self.text[start..end],
            loose,
        });
        end
    }

    /// A string literal from its opening quote; an f-string's replacement fields are code.
    /// Returns the position after it (at most the module's length).
    fn string(&mut self, mut i: usize, f: bool) -> usize {
        let b = self.bytes;
        let quote = b[i];
        let triple = b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote);
        i += if triple { 3 } else { 1 };
        while i < b.len() {
            let rest = &b[i..];
            let found = match (f, triple) {
                (false, false) => memchr::memchr3(quote, b'\\', b'\n', rest),
                (false, true) => memchr::memchr2(quote, b'\\', rest),
                (true, _) => memchr::memchr3(quote, b'\\', b'{', rest),
            };
            let Some(k) = found else {
                return b.len();
            };
            if f && !triple
                && let Some(newline) = memchr::memchr(b'\n', &rest[..k])
            {
                // an f-string left open ends with its line
                return i + newline;
            }
            let j = i + k;
            match b[j] {
                b'\\' => i = j + 2,
                b'\n' => return j,
                b'{' if b.get(j + 1) == Some(&b'{') => i = j + 2,
                b'{' => i = self.code(j + 1, true),
                _ if !triple => return j + 1,
                _ if b.get(j + 1) == Some(&quote) && b.get(j + 2) == Some(&quote) => {
                    return j + 3;
                }
                _ => i = j + 1,
            }
        }
        b.len()
    }
}

impl<'a> Module<'a> {
    fn read(text: &'a str, readings: Option<&mut Readings>) -> Self {
        let b = text.as_bytes();
        let mut lexer = Lexer {
            text,
            bytes: b,
            imports: Imports::read(text),
            refs: Vec::new(),
            assignments: 0,
        };
        // the readings kept for this module's imports (offsets are kept in `u32`)
        let small = u32::try_from(text.len()).is_ok_and(|n| n < u32::MAX);
        let mut hits = 0;
        let mut kept = readings.filter(|_| small).map(|r| {
            let imports = lexer.imports.names.join(&b'\n');
            if r.bytes > r.limit {
                r.by_imports.clear();
                r.bytes = 0;
            }
            let Readings {
                by_imports,
                bytes,
                hits: all_hits,
                ..
            } = r;
            if !by_imports.contains_key(imports.as_slice()) {
                *bytes += imports.len();
            }
            (
                by_imports.entry(imports.into_boxed_slice()).or_default(),
                bytes,
                all_hits,
            )
        });
        let mut pending: Option<Pending> = None;
        let mut units: Vec<Unit<'a>> = Vec::new();
        // the end of the last line of code, where the leading lines of the next unit begin
        let mut content_end = 0usize;
        let mut commented = false;
        let mut decorator = false;
        let mut i = 0usize;
        while i < b.len() {
            let indent = b[i..]
                .iter()
                .position(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\x0c'))
                .map_or(b.len(), |k| i + k);
            match b.get(indent) {
                // a blank line
                None => break,
                Some(b'\n') => {
                    i = indent + 1;
                    continue;
                }
                Some(b'#') if indent == i => {
                    commented = true;
                    i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k + 1);
                    continue;
                }
                Some(&c) if indent == i => {
                    // a decorator's line and the definition under it are one unit
                    let decorated = std::mem::replace(&mut decorator, c == b'@');
                    if !decorated {
                        // the statement read before this one, kept when it ended here
                        if let Some(p) = pending.take()
                            && p.next == i
                            && let Some((kept, bytes, _)) = kept.as_mut()
                        {
                            // offsets from the statement's start (the text is under 4 GiB)
                            let from = |s: &str| {
                                offset(s.as_ptr() as usize - text.as_ptr() as usize - p.start)
                            };
                            let reading = Reading {
                                text: b[p.start..=p.next].into(),
                                defines: units[p.unit]
                                    .defines
                                    .map(|d| (from(d), from(d) + offset(d.len()))),
                                refs: lexer.refs[p.refs..]
                                    .iter()
                                    .map(|r| {
                                        let s = from(r.chain);
                                        (s, s + offset(r.chain.len()), r.loose)
                                    })
                                    .collect(),
                                content_end: offset(content_end - p.start),
                                commented,
                            };
                            **bytes += reading.text.len();
                            kept.insert(p.hash, reading);
                        }
                        if let Some(last) = units.last_mut() {
                            last.end = content_end;
                        }
                        let start = lexer.refs.len();
                        units.push(Unit {
                            lead: content_end,
                            code: i,
                            end: usize::MAX,
                            defines: None,
                            commented,
                            refs: start..start,
                        });
                        // a statement read before: its reading instead of its bytes
                        if let Some((kept, _, _)) = kept.as_ref()
                            && c != b'@'
                            && !(i >= 2 && b[i - 2] == b'\\')
                            && let Some(next) = next_statement(b, i)
                        {
                            let span = &b[i..=next];
                            let hash = text_hash(span);
                            match (kept.get(&hash), units.last_mut()) {
                                (Some(r), Some(unit)) if *r.text == *span => {
                                    let at = |s: u32, e: u32| &text[i + s as usize..i + e as usize];
                                    unit.defines = r.defines.map(|(s, e)| at(s, e));
                                    lexer.refs.extend(r.refs.iter().map(|&(s, e, loose)| Ref {
                                        chain: at(s, e),
                                        loose,
                                    }));
                                    unit.refs.end = lexer.refs.len();
                                    content_end = i + r.content_end as usize;
                                    commented = r.commented;
                                    hits += 1;
                                    i = next;
                                    continue;
                                }
                                _ => {
                                    pending = Some(Pending {
                                        start: i,
                                        next,
                                        unit: units.len() - 1,
                                        refs: start,
                                        hash,
                                    });
                                }
                            }
                        }
                    }
                }
                Some(_) => {}
            }
            commented = false;
            lexer.assignments = 0;
            let first_line = i;
            i = lexer.code(indent, false);
            content_end = i;
            if let Some(unit) = units.last_mut() {
                unit.refs.end = lexer.refs.len();
                if unit.code == first_line && b[first_line] != b'@' {
                    unit.defines = definition(&text[first_line..], lexer.assignments);
                }
            }
        }
        if let Some((_, _, all_hits)) = kept {
            *all_hits += hits;
        }
        if let Some(last) = units.last_mut() {
            last.end = content_end;
        }
        // the lines after the last statement (the first unit begins at 0)
        if content_end < text.len() {
            units.push(Unit {
                lead: content_end,
                code: content_end,
                end: text.len(),
                defines: None,
                commented: false,
                refs: 0..0,
            });
        }
        // a comment above a group of lines is the group's: its first line stays
        let grouped: Vec<bool> = (0..units.len())
            .map(|k| {
                units[k].commented
                    && units
                        .get(k + 1)
                        .is_some_and(|next| next.lead == next.code || b[next.lead] == b'#')
            })
            .collect();
        for (unit, grouped) in units.iter_mut().zip(grouped) {
            if grouped {
                unit.defines = None;
            }
        }
        Module {
            text,
            units,
            refs: lexer.refs,
        }
    }

    /// Which units stay: every one that is not a definition, and the definitions they use.
    fn closure(&self) -> Vec<bool> {
        let mut defined: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (k, unit) in self.units.iter().enumerate() {
            if let Some(name) = unit.defines {
                defined.entry(name).or_default().push(k);
            }
        }
        let mut keep = vec![false; self.units.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (k, unit) in self.units.iter().enumerate() {
            if unit.defines.is_none() {
                keep[k] = true;
                stack.push(k);
            }
        }
        let reach = |name: &str, keep: &mut Vec<bool>, stack: &mut Vec<usize>| {
            if let Some(units) = defined.get(name) {
                for &k in units {
                    if !keep[k] {
                        keep[k] = true;
                        stack.push(k);
                    }
                }
            }
        };
        while let Some(k) = stack.pop() {
            for r in &self.refs[self.units[k].refs.clone()] {
                let chain = r.chain;
                for (i, c) in chain.bytes().enumerate() {
                    if c == b'.' {
                        reach(&chain[..i], &mut keep, &mut stack);
                    }
                }
                reach(chain, &mut keep, &mut stack);
                if r.loose {
                    let under = format!("{chain}.");
                    let names: Vec<&str> = defined
                        .keys()
                        .copied()
                        .filter(|name| name.starts_with(&under))
                        .collect();
                    for name in names {
                        reach(name, &mut keep, &mut stack);
                    }
                }
            }
        }
        keep
    }

    /// The kept units, each with its leading lines; a dropped unit's blank lines go to the
    /// next unit when that one has none of its own.
    fn write(&self, keep: &[bool]) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut carried: Option<&str> = None;
        for (unit, &kept) in self.units.iter().zip(keep) {
            let lead = &self.text[unit.lead..unit.code];
            if kept {
                if lead.is_empty()
                    && let Some(blank) = carried
                {
                    out.push_str(blank);
                }
                out.push_str(&self.text[unit.lead..unit.end]);
                carried = None;
            } else if !lead.is_empty() {
                // the blank lines before its first comment line
                let blank = lead
                    .split_inclusive('\n')
                    .take_while(|line| line.trim().is_empty())
                    .map(str::len)
                    .sum::<usize>();
                carried = (blank > 0).then(|| &lead[..blank]);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
