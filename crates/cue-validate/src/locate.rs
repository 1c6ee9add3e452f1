//! Byte offsets to 1-based line and character columns, for many offsets in one pass.

/// Converts byte `offsets` (each at a char boundary of `source` or at its end) to 1-based
/// `(line, column)` pairs, columns counted in characters. Runs in one forward sweep over the
/// source plus a sort of the offsets, so thousands of findings on one very long line stay cheap.
pub(crate) fn locate_all(source: &str, offsets: &[usize]) -> Vec<(u32, u32)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets.get(i).copied().unwrap_or(0));
    let mut result = vec![(1u32, 1u32); offsets.len()];
    let bytes = source.as_bytes();
    let mut pos = 0usize;
    let mut line = 1u32;
    let mut column = 1u32;
    for index in order {
        let target = offsets.get(index).copied().unwrap_or(0).min(bytes.len());
        while pos < target {
            let b = bytes.get(pos).copied().unwrap_or(0);
            if b == b'\n' {
                line = line.saturating_add(1);
                column = 1;
            } else if b == b'\r' {
                // A lone CR ends a line too; CRLF counts once (at the LF).
                if bytes.get(pos + 1) != Some(&b'\n') {
                    line = line.saturating_add(1);
                    column = 1;
                }
            } else if b & 0xC0 != 0x80 {
                // Count each character once, at its first byte.
                column = column.saturating_add(1);
            }
            pos += 1;
        }
        if let Some(slot) = result.get_mut(index) {
            *slot = (line, column);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_character_columns() {
        let src = "ab\ncé d\r\nx\ry";
        // offsets: a=0, b=1, c=3, é=4 (2 bytes), ' '=6, d=7, x=10, y=12, end=13
        let got = locate_all(src, &[0, 1, 3, 4, 6, 7, 10, 12, 13]);
        assert_eq!(
            got,
            vec![
                (1, 1),
                (1, 2),
                (2, 1),
                (2, 2),
                (2, 3),
                (2, 4),
                (3, 1),
                (4, 1),
                (4, 2)
            ]
        );
    }

    #[test]
    fn handles_unsorted_and_out_of_range_offsets() {
        let got = locate_all("a\nb", &[2, 0, 99]);
        assert_eq!(got, vec![(2, 1), (1, 1), (2, 2)]);
    }
}
