//! Writing JSON strings eight bytes at a time. serde_json escapes a string one byte at a time
//! (a table lookup and a branch per byte); the generate response carries the generated module
//! (3–25 kB) twice and the SAM template once, and escaping them was the largest part of writing
//! that response. [`write_str`] writes exactly what serde_json writes for the same text: the
//! tests hold the two equal on every byte value and on random text.

/// Every byte of the word set to `b`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

const HIGH_BITS: u64 = splat(0x80);

/// Whether one of the eight bytes of `word` is one JSON must escape: a control byte
/// (below 0x20), `"` or `\`. Exact for "any" (a chunk without one never answers true), which
/// is all the caller needs: it then looks at the chunk's bytes one by one.
fn needs_escape(word: u64) -> bool {
    // A byte below 0x20 borrows into its high bit when 0x20 is subtracted (and had it clear);
    // a byte equal to `"` or `\` becomes zero under the XOR and then does the same for 0x01.
    let control = word.wrapping_sub(splat(0x20)) & !word;
    let quote = word ^ splat(b'"');
    let quote = quote.wrapping_sub(splat(1)) & !quote;
    let backslash = word ^ splat(b'\\');
    let backslash = backslash.wrapping_sub(splat(1)) & !backslash;
    (control | quote | backslash) & HIGH_BITS != 0
}

fn is_escaped(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// The index of the first byte at or after `from` that JSON escapes, or the length.
fn next_escape(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if needs_escape(word) {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&b| is_escaped(b))
        .map_or(bytes.len(), |p| i + p)
}

/// Appends `text` as a JSON string (quotes included), byte for byte what
/// `serde_json::to_writer(out, text)` appends.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + bytes.len() / 8 + 2);
    out.push(b'"');
    let mut start = 0;
    loop {
        let at = next_escape(bytes, start);
        out.extend_from_slice(&bytes[start..at]);
        let Some(&byte) = bytes.get(at) else { break };
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]),
        }
        start = at + 1;
    }
    out.push(b'"');
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn ours(text: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_char_below_256_is_written_as_serde_json_writes_it() {
        for c in (0u32..256).filter_map(char::from_u32) {
            // alone, and at every position of a chunk and across a chunk's end
            for pad in 0..17 {
                let text = format!("{}{c}{}", "a".repeat(pad), "b".repeat(16 - pad));
                assert_eq!(
                    ours(&text),
                    serde_json::to_string(&text).unwrap(),
                    "{c:?} at {pad}"
                );
            }
        }
    }

    #[test]
    fn text_with_nothing_to_escape_is_copied_and_text_with_everything_is_escaped() {
        for text in [
            "",
            "x",
            "plain ascii text longer than one chunk of eight bytes",
            "é 🚀 ünïcödé ~\u{7f}",
            "\"\\\n\r\t\u{8}\u{c}\u{0}\u{1f}",
            "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
            "def f():\n\treturn \"a\\\\b\" + '\u{1}' + \"é 🚀\" # </script>\r\n",
        ] {
            assert_eq!(ours(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn random_text_is_written_as_serde_json_writes_it() {
        // xorshift: no dependency, the same texts on every run
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: Vec<char> = "ab \"\\\n\t\r\u{0}\u{1f}\u{7f}é🚀{}:,x".chars().collect();
        for _ in 0..3000 {
            let len = usize::try_from(next() % 70).unwrap();
            let text: String = (0..len)
                .map(|_| alphabet[usize::try_from(next()).unwrap() % alphabet.len()])
                .collect();
            assert_eq!(
                ours(&text),
                serde_json::to_string(&text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_word_test_finds_each_escaped_byte_in_every_lane_and_nothing_else() {
        for byte in 0u8..=255 {
            for lane in 0..8 {
                let mut word = [b'a'; 8];
                word[lane] = byte;
                assert_eq!(
                    needs_escape(u64::from_le_bytes(word)),
                    is_escaped(byte),
                    "{byte:#x} in lane {lane}"
                );
            }
        }
    }
}
