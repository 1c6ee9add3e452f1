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

use std::collections::HashMap;

/// The module with only the definitions its other statements reach.
pub(crate) fn reached(text: &str) -> String {
    let module = Module::read(text);
    let keep = module.closure();
    module.write(&keep)
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

/// A byte that may continue a name (non-ASCII bytes are parts of Unicode names).
fn name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
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

/// The name a unit's first line defines, if the unit is a definition that may be dropped.
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

/// Reads code from a position: names, brackets, strings, comments.
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    refs: Vec<Ref<'a>>,
    /// Where the last name or dot ended, and whether it was a dot.
    last: (usize, bool),
    /// The chain being read: its start, and its index in `refs`.
    chain: Option<(usize, usize)>,
    /// Top-level `=` signs of the current logical line.
    assignments: u32,
}

impl<'a> Lexer<'a> {
    /// Code from `i` to the end of its logical line (a newline outside brackets), or, with
    /// `brace`, to the `}` that closes an f-string's replacement field. Returns the position
    /// after it.
    fn code(&mut self, mut i: usize, brace: bool) -> usize {
        let b = self.bytes;
        let mut depth = 0usize;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\n' => {
                    i += 1;
                    if depth == 0 && !brace {
                        return i;
                    }
                }
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'\\' => i += 2,
                b'\'' | b'"' => {
                    self.end_chain();
                    i = self.string(i, false);
                }
                b'.' if !(i + 1 < b.len() && b[i + 1].is_ascii_digit()) => {
                    self.last = (i + 1, true);
                    i += 1;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.end_chain();
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        if brace && c == b'}' {
                            return i + 1;
                        }
                    } else {
                        depth -= 1;
                    }
                    self.end_chain();
                    i += 1;
                }
                b'=' => {
                    let before = i.checked_sub(1).map(|j| b[j]);
                    let compound = matches!(
                        before,
                        Some(
                            b'=' | b'!'
                                | b'<'
                                | b'>'
                                | b':'
                                | b'+'
                                | b'-'
                                | b'*'
                                | b'/'
                                | b'%'
                                | b'&'
                                | b'|'
                                | b'^'
                                | b'@'
                        )
                    );
                    if depth == 0 && !compound && b.get(i + 1) != Some(&b'=') {
                        self.assignments += 1;
                    }
                    self.end_chain();
                    i += 1;
                }
                c if c.is_ascii_digit() => {
                    while i < b.len() && (name_byte(b[i]) || b[i] == b'.') {
                        i += 1;
                    }
                    self.end_chain();
                }
                c if name_start(c) => {
                    let start = i;
                    while i < b.len() && name_byte(b[i]) {
                        i += 1;
                    }
                    if matches!(b.get(i), Some(b'\'' | b'"'))
                        && let Some(f) = string_prefix(&b[start..i])
                    {
                        self.end_chain();
                        i = self.string(i, f);
                        continue;
                    }
                    self.name(start, i);
                }
                b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
                _ => {
                    self.end_chain();
                    i += 1;
                }
            }
        }
        i
    }

    /// A name from `start` to `end`: an attribute of the chain before it, or a new chain.
    fn name(&mut self, start: usize, end: usize) {
        let (last_end, dot) = self.last;
        self.last = (end, false);
        if dot {
            if let Some((chain_start, index)) = self.chain {
                if last_end == start && self.refs[index].chain.len() + chain_start + 1 == start {
                    self.refs[index].chain = &self.text[chain_start..end];
                } else {
                    self.refs[index].loose = true;
                    self.chain = None;
                }
            }
            return;
        }
        self.chain = Some((start, self.refs.len()));
        self.refs.push(Ref {
            chain: &self.text[start..end],
            loose: false,
        });
    }

    fn end_chain(&mut self) {
        self.chain = None;
        self.last = (usize::MAX, false);
    }

    /// A string literal from its opening quote; an f-string's replacement fields are code.
    fn string(&mut self, mut i: usize, f: bool) -> usize {
        let b = self.bytes;
        let quote = b[i];
        let triple = b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote);
        i += if triple { 3 } else { 1 };
        while i < b.len() {
            let c = b[i];
            if c == b'\\' {
                i += 2;
            } else if c == quote {
                if !triple {
                    return i + 1;
                }
                if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
                i += 1;
            } else if f && c == b'{' {
                if b.get(i + 1) == Some(&b'{') {
                    i += 2;
                } else {
                    let chain = self.chain.take();
                    i = self.code(i + 1, true);
                    self.chain = chain;
                }
            } else if c == b'\n' && !triple {
                return i;
            } else {
                i += 1;
            }
        }
        i
    }
}

impl<'a> Module<'a> {
    fn read(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut lexer = Lexer {
            text,
            bytes: b,
            refs: Vec::new(),
            last: (usize::MAX, false),
            chain: None,
            assignments: 0,
        };
        let mut units: Vec<Unit<'a>> = Vec::new();
        // the end of the last line of code, where the leading lines of the next unit begin
        let mut content_end = 0usize;
        let mut commented = false;
        let mut decorator = false;
        let mut i = 0usize;
        while i < b.len() {
            let line_end = b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p + 1);
            let first = b[i..line_end]
                .iter()
                .position(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\x0c' | b'\n'));
            match first {
                None => {
                    i = line_end;
                    continue;
                }
                Some(0) if b[i] == b'#' => {
                    commented = true;
                    i = line_end;
                    continue;
                }
                Some(0) => {
                    // a decorator's line and the definition under it are one unit
                    let decorated = std::mem::replace(&mut decorator, b[i] == b'@');
                    if !decorated {
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
                    }
                }
                Some(_) => {}
            }
            commented = false;
            lexer.end_chain();
            lexer.assignments = 0;
            let first_line = i;
            i = lexer.code(i, false);
            content_end = i;
            if let Some(unit) = units.last_mut() {
                unit.refs.end = lexer.refs.len();
                if unit.code == first_line && b[first_line] != b'@' {
                    let line = &text[first_line..line_end];
                    unit.defines = definition(line, lexer.assignments);
                }
            }
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
        let mut defined: HashMap<&str, Vec<usize>> = HashMap::new();
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
