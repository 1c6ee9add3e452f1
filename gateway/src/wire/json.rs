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

/// The escapes of the eight bytes of `word` (read little-endian): the high bit of each byte that
/// JSON must escape (a control byte below 0x20, `"` or `\`) may be set, and the lowest set
/// bit is exactly the first such byte's. Bits above it may be set for bytes that need no escape
/// (a borrow runs on from the first one), so only the lowest is read; a word with none is 0.
fn escapes(word: u64) -> u64 {
    // A byte below 0x20 borrows into its high bit when 0x20 is subtracted (and had it clear);
    // a byte equal to `"` or `\` becomes zero under the XOR and then does the same for 0x01.
    // Below the first byte that borrows no borrow runs, so each term's lowest bit is exact.
    let control = word.wrapping_sub(splat(0x20)) & !word;
    let quote = word ^ splat(b'"');
    let quote = quote.wrapping_sub(splat(1)) & !quote;
    let backslash = word ^ splat(b'\\');
    let backslash = backslash.wrapping_sub(splat(1)) & !backslash;
    (control | quote | backslash) & HIGH_BITS
}

fn is_escaped(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Appends the escape of one byte [`is_escaped`] holds, as serde_json writes it.
fn write_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
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
}

/// Appends `text` as a JSON string (quotes included), byte for byte what
/// `serde_json::to_writer(out, text)` appends.
///
/// Eight bytes at a time: each chunk is appended whole (one store), and one with an escape is
/// cut back to its first escaped byte, which is written escaped; the next chunk starts after
/// it. Generated Python has an escape (a newline, a quote) every dozen bytes or so, so what an
/// escape costs matters as much as what a plain byte costs: no search and no copy call per run.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    // room for one escape every four bytes; more only costs a reallocation
    out.reserve(bytes.len() + bytes.len() / 4 + 2);
    out.push(b'"');
    let mut i = 0;
    while let Some(&chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        out.extend_from_slice(&chunk);
        let found = escapes(u64::from_le_bytes(chunk));
        if found == 0 {
            i += 8;
            continue;
        }
        // the lane of the lowest high bit: 0..8
        let lane = (found.trailing_zeros() / 8) as usize;
        out.truncate(out.len() - (8 - lane));
        write_escape(out, chunk[lane]);
        i += lane + 1;
    }
    for &byte in bytes.get(i..).unwrap_or_default() {
        if is_escaped(byte) {
            write_escape(out, byte);
        } else {
            out.push(byte);
        }
    }
    out.push(b'"');
}

/// Appends `n` in decimal, as serde_json writes an integer.
pub fn write_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        // n % 10 < 10: the cast keeps it
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
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
                    escapes(u64::from_le_bytes(word)) != 0,
                    is_escaped(byte),
                    "{byte:#x} in lane {lane}"
                );
            }
        }
    }

    #[test]
    fn the_lowest_escape_bit_is_the_first_escaped_byte_of_any_word() {
        // bytes at the edges of each test (0x1f/0x20, around `"` and `\`, high bytes that a
        // borrow could flag) in every combination of lanes a random walk reaches
        let edges = [
            0x00, 0x01, 0x08, 0x0a, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80,
            0x9f, 0xa0, 0xa1, 0xa2, 0xdc, 0xdd, 0xff, b'a',
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let word: [u8; 8] = std::array::from_fn(|lane| {
                edges[usize::from(state.to_le_bytes()[lane]) % edges.len()]
            });
            let first = word.iter().position(|&b| is_escaped(b));
            let found = escapes(u64::from_le_bytes(word));
            let lane = (found != 0).then(|| (found.trailing_zeros() / 8) as usize);
            assert_eq!(lane, first, "{word:x?}");
        }
    }

    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        let mut n = 1u32;
        let mut cases = vec![
            0,
            1,
            9,
            10,
            11,
            99,
            100,
            101,
            999_999,
            1_000_000,
            u32::MAX - 1,
            u32::MAX,
        ];
        while let Some(next) = n.checked_mul(10) {
            cases.extend([n - 1, n, n + 1]);
            n = next;
        }
        for n in cases {
            let mut out = Vec::new();
            write_u32(&mut out, n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap(), "{n}");
        }
    }
}
