//! `cue-gateway healthcheck`: asks a running server's `/health/ready` and says whether it is
//! ready, for the Docker `HEALTHCHECK` (the image has no shell tools for it: `/bin/sh` is
//! dash, without `/dev/tcp`, and there is no curl).
//!
//! It reads only `HOST` and `PORT` from the environment: a probe that runs every few seconds
//! must not read the AWS Secrets Manager secret, nor fail because an unrelated setting is
//! invalid. A listener on every interface (`0.0.0.0`, `::`) is asked on the loopback.

use std::io::{Read as _, Write as _};
use std::net::{TcpStream, ToSocketAddrs as _};
use std::time::Duration;

use serde::Deserialize;

/// How long the whole check may take (the image's `HEALTHCHECK --timeout` is 2 s).
pub const TIMEOUT: Duration = Duration::from_millis(1500);

/// Where the server listens, as `serve` reads it.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Listener {
    pub host: String,
    pub port: u16,
}

impl Default for Listener {
    fn default() -> Self {
        let settings = crate::config::Settings::default();
        Self {
            host: settings.host,
            port: settings.port,
        }
    }
}

impl Listener {
    /// `HOST` and `PORT` from the environment (and `.env`).
    pub fn from_environment() -> Result<Self, crate::config::ConfigError> {
        let _ = dotenvy::dotenv();
        cue_settings::Source::new().with_environment().get()
    }

    /// The address to ask: the loopback for a wildcard listener.
    fn target(&self) -> String {
        let host = match self.host.as_str() {
            "0.0.0.0" | "" => "127.0.0.1",
            "::" | "[::]" => "[::1]",
            h if h.contains(':') && !h.starts_with('[') => return format!("[{h}]:{}", self.port),
            h => h,
        };
        format!("{host}:{}", self.port)
    }
}

/// `Ok` when `/health/ready` answers 200 within [`TIMEOUT`]; else why not.
pub fn check(listener: &Listener) -> Result<(), String> {
    let target = listener.target();
    let addr = target
        .to_socket_addrs()
        .map_err(|e| format!("{target}: {e}"))?
        .next()
        .ok_or_else(|| format!("{target}: no address"))?;
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("{target}: {e}"))?;
    let io = |e: std::io::Error| format!("{target}: {e}");
    stream.set_read_timeout(Some(TIMEOUT)).map_err(io)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(io)?;
    // one write: `write!` sends each piece of the format on its own, and a server that answers
    // after the first (or a test stand-in) would then see a broken pipe
    let request = format!(
        "GET /health/ready HTTP/1.1\r\nHost: {target}\r\nUser-Agent: cue-gateway-healthcheck\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(io)?;
    // The status line is all that matters; read a little more than it.
    let mut head = [0_u8; 64];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]).map_err(io)? {
            0 => break,
            n => read += n,
        }
        if head[..read].contains(&b'\n') {
            break;
        }
    }
    let line = String::from_utf8_lossy(&head[..read]);
    let status = line.split_whitespace().nth(1).unwrap_or("no answer");
    if status == "200" {
        Ok(())
    } else {
        Err(format!("{target}/health/ready answered {status}"))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::net::TcpListener;

    use super::*;

    /// A server that answers one request with `status_line` (or closes at once without one).
    fn one_answer(status_line: Option<&'static str>) -> Listener {
        let server = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut conn, _) = server.accept().unwrap();
            // the whole request head, so the answer never races the client's writing
            let mut head = Vec::new();
            let mut buf = [0_u8; 512];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            if let Some(line) = status_line {
                let _ = write!(conn, "{line}\r\ncontent-length: 0\r\n\r\n");
            }
        });
        Listener {
            host: "0.0.0.0".into(),
            port,
        }
    }

    #[test]
    fn ready_is_ok_and_anything_else_says_why() {
        check(&one_answer(Some("HTTP/1.1 200 OK"))).unwrap();
        let err = check(&one_answer(Some("HTTP/1.1 503 Service Unavailable"))).unwrap_err();
        assert!(err.contains("503"), "{err}");
        let err = check(&one_answer(None)).unwrap_err();
        assert!(err.contains("no answer"), "{err}");
        // Nothing listening.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let closed = Listener {
            host: "127.0.0.1".into(),
            port,
        };
        assert!(check(&closed).is_err());
    }

    #[test]
    fn wildcard_listeners_are_asked_on_the_loopback() {
        let at = |host: &str| {
            Listener {
                host: host.into(),
                port: 8000,
            }
            .target()
        };
        assert_eq!(at("0.0.0.0"), "127.0.0.1:8000");
        assert_eq!(at("::"), "[::1]:8000");
        assert_eq!(at("10.0.0.5"), "10.0.0.5:8000");
        assert_eq!(at("::1"), "[::1]:8000");
    }
}
