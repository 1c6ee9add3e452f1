//! The one answer actix-http writes without us: a request head over its fixed limits.
//!
//! actix-http 3.20 parses a request head into a buffer of at most 128 KiB (`MAX_BUFFER_SIZE`,
//! `h1/decoder.rs`) with room for 96 header lines (`MAX_HEADERS`); both are constants, no builder
//! setting changes them. Past either, its dispatcher queues
//! `Response::with_body(REQUEST_HEADER_FIELDS_TOO_LARGE, ())` itself (`h1/dispatcher.rs`,
//! `ParseError::TooLarge`): no service, middleware or error handler runs for that request, so
//! the answer would be an empty 431, then the connection is closed.
//!
//! [`JsonHeadErrors`] wraps each accepted connection and rewrites that one answer, on its way
//! out, into our JSON error shape. It recognises it exactly: a head that starts with the 431
//! status line, says `content-length: 0` and ends the bytes written (the dispatcher writes
//! nothing after it and closes the connection). No handler of ours answers 431, and a JSON
//! body cannot hold the raw line breaks of a head, so nothing else can look like it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The status line actix-http writes for an oversized head (HTTP/1.0 and 1.1 requests).
const STATUS_LINES: [&[u8]; 2] = [
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
    b"HTTP/1.0 431 Request Header Fields Too Large\r\n",
];

/// What a client gets instead: the stable error shape, on a connection about to close.
const BODY: &str = concat!(
    r#"{"detail":"the request headers are too large: at most 128 KiB and 96 header lines","#,
    r#""code":"headers_too_large"}"#
);

/// The JSON answer that replaces actix-http's empty 431 (`version`: `HTTP/1.1` or `HTTP/1.0`).
fn json_answer(version: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(version);
    out.extend_from_slice(b" 431 Request Header Fields Too Large\r\n");
    out.extend_from_slice(b"content-type: application/json\r\n");
    out.extend_from_slice(format!("content-length: {}\r\n", BODY.len()).as_bytes());
    out.extend_from_slice(b"connection: close\r\ncache-control: no-store\r\n\r\n");
    out.extend_from_slice(BODY.as_bytes());
    out
}

/// Where actix-http's empty 431 starts in `buf`, when `buf` ends with it.
fn empty_431_at(buf: &[u8]) -> Option<usize> {
    // The answer ends the bytes written: every other write (any body) is passed on after this
    // one comparison, not searched.
    if !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let start = STATUS_LINES
        .iter()
        .filter_map(|line| find(buf, line))
        .min()?;
    let head = &buf[start..];
    let end = find(head, b"\r\n\r\n")?;
    let lines = &head[..end + 2];
    let ends_buf = end + 4 == head.len();
    (ends_buf && find(lines, b"\r\ncontent-length: 0\r\n").is_some()).then_some(start)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An accepted connection whose oversized-head answer is JSON; everything else passes through.
pub struct JsonHeadErrors<T> {
    inner: T,
    /// The JSON answer being written, how much of it is written, and how many bytes of the
    /// caller's buffer it stands for (reported once it is all written).
    replacing: Option<(Vec<u8>, usize, usize)>,
}

impl<T> JsonHeadErrors<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            replacing: None,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonHeadErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonHeadErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.replacing.is_none() {
            match empty_431_at(buf) {
                // answers before it (pipelined requests) go out first, as they are
                Some(start) if start > 0 => {
                    return Pin::new(&mut this.inner).poll_write(cx, &buf[..start]);
                }
                Some(_) => this.replacing = Some((json_answer(&buf[..8]), 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        while let Some((answer, written, stands_for)) = this.replacing.as_mut() {
            if *written == answer.len() {
                let n = *stands_for;
                this.replacing = None;
                return Poll::Ready(Ok(n));
            }
            match Pin::new(&mut this.inner).poll_write(cx, &answer[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                other => return other,
            }
        }
        Poll::Ready(Ok(0))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use tokio::io::AsyncWriteExt;

    const EMPTY_431: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\ndate: Sun, 06 Dec 2026 13:06:46 GMT\r\n\r\n";

    async fn written(chunks: &[&[u8]]) -> Vec<u8> {
        let mut io = JsonHeadErrors::new(Vec::new());
        for chunk in chunks {
            io.write_all(chunk).await.unwrap();
        }
        io.inner
    }

    #[tokio::test]
    async fn the_empty_431_becomes_json() {
        let out = String::from_utf8(written(&[EMPTY_431]).await).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["code"], "headers_too_large");
    }

    #[tokio::test]
    async fn answers_before_it_pass_unchanged() {
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".as_slice();
        let out = written(&[&[ok, EMPTY_431].concat()]).await;
        assert!(out.starts_with(ok));
        assert!(String::from_utf8_lossy(&out[ok.len()..]).contains("headers_too_large"));
    }

    #[tokio::test]
    async fn other_answers_and_lookalikes_pass_unchanged() {
        let cases: [&[u8]; 4] = [
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}",
            // the same head with more after it is not the dispatcher's last answer
            &[EMPTY_431, b"x"].concat(),
            // a 431 with a body, or another status
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
        ];
        for case in cases {
            assert_eq!(written(&[case]).await, case);
        }
    }
}
