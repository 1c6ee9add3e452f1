//! A TCP proxy the test controls, to put between the app and a dependency (PostgreSQL,
//! Redis) and break the network on demand, without touching the shared server.
//!
//! - [`Proxy::cut`]: every live connection is reset and new ones are reset as soon as they
//!   are accepted — the dependency crashed or refuses connections. Fails fast.
//! - [`Proxy::blackhole`]: connections are accepted but nothing is forwarded either way —
//!   packets vanish (a partition, a security group change, a hung host). Nothing fails;
//!   only the client's own deadlines can end the wait.
//! - [`Proxy::restore`]: forward again. Connections paused by a blackhole resume with their
//!   bytes intact, as TCP would after a short partition; connections accepted during it
//!   never reached the target and are reset.
//!
//! The kernel still acknowledges every byte on loopback, so socket-level timeouts
//! (`tcp_user_timeout`, keepalives) never fire here: a blackhole tests the application's
//! own deadlines.
//!
//! ```ignore
//! let proxy = Proxy::start("127.0.0.1:5432".parse()?).await;
//! // point the app at 127.0.0.1:{proxy.port()} ...
//! proxy.blackhole();
//! proxy.restore();
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Forward,
    Cut,
    Blackhole,
}

#[derive(Debug, Clone, Copy)]
struct State {
    mode: Mode,
    /// Bumped by every cut: a connection from an earlier generation is dead even when the
    /// proxy was restored before the connection's task noticed the cut.
    generation: u64,
}

/// See the module docs. Dropping it closes the listener and every connection.
pub struct Proxy {
    addr: SocketAddr,
    state: watch::Sender<State>,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on `127.0.0.1:0` and forwards to `target`.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let addr = listener.local_addr().expect("proxy address");
        let (state, watcher) = watch::channel(State {
            mode: Mode::Forward,
            generation: 0,
        });
        let accepted = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(accept_loop(listener, target, watcher, accepted.clone()));
        Proxy {
            addr,
            state,
            accepted,
            task,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many connections the proxy has accepted so far, in any mode.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Resets every live connection and every new one until [`restore`](Self::restore).
    pub fn cut(&self) {
        self.state.send_modify(|s| {
            s.mode = Mode::Cut;
            s.generation += 1;
        });
    }

    /// Accepts but forwards nothing, either way, until [`restore`](Self::restore).
    pub fn blackhole(&self) {
        self.state.send_modify(|s| s.mode = Mode::Blackhole);
    }

    /// Forwards again.
    pub fn restore(&self) {
        self.state.send_modify(|s| s.mode = Mode::Forward);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Dropping the accept task drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    target: SocketAddr,
    mut state: watch::Receiver<State>,
    accepted: Arc<AtomicUsize>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            conn = listener.accept() => {
                let Ok((client, _)) = conn else { continue };
                // The mode at accept time decides the connection's fate, not the mode when
                // its task first runs.
                // Marked seen before cloning, so the clone waits for the next change.
                let born = *state.borrow_and_update();
                let watcher = state.clone();
                accepted.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(client, target, born, watcher));
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Closes with RST rather than FIN, as a crashed peer or a firewall reject looks.
fn reset(stream: &TcpStream) {
    let _ = stream.set_zero_linger();
}

async fn serve(
    client: TcpStream,
    target: SocketAddr,
    born: State,
    mut state: watch::Receiver<State>,
) {
    match born.mode {
        Mode::Cut => return reset(&client),
        Mode::Blackhole => {
            // Never reaches the target: hold it, silent, until the mode changes, then reset
            // it (the connection never existed for the target).
            let _ = state.changed().await;
            return reset(&client);
        }
        Mode::Forward => {}
    }
    let Ok(upstream) = TcpStream::connect(target).await else {
        return reset(&client);
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let generation = born.generation;
    let up = pump(
        &mut client_read,
        &mut upstream_write,
        state.clone(),
        generation,
    );
    let down = pump(&mut upstream_read, &mut client_write, state, generation);
    let (a, b) = tokio::join!(up, down);
    if a == End::Cut || b == End::Cut {
        reset(client_read.as_ref());
        reset(upstream_read.as_ref());
    }
}

#[derive(Debug, PartialEq, Eq)]
enum End {
    /// The source closed its side (FIN forwarded) or an I/O error ended the stream.
    Closed,
    Cut,
}

/// Waits until forwarding is allowed: `Err` on a cut of this connection's generation.
async fn wait_open(state: &mut watch::Receiver<State>, generation: u64) -> Result<(), ()> {
    loop {
        let now = *state.borrow_and_update();
        if now.generation != generation {
            return Err(());
        }
        match now.mode {
            Mode::Forward => return Ok(()),
            Mode::Cut => return Err(()),
            Mode::Blackhole => {}
        }
        if state.changed().await.is_err() {
            return Err(());
        }
    }
}

/// Copies one direction. In a blackhole it stops reading (and holds any bytes it had read)
/// so that the stream resumes intact on restore.
async fn pump(
    from: &mut OwnedReadHalf,
    to: &mut OwnedWriteHalf,
    mut state: watch::Receiver<State>,
    generation: u64,
) -> End {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if wait_open(&mut state, generation).await.is_err() {
            return End::Cut;
        }
        let n = tokio::select! {
            read = from.read(&mut buf) => match read {
                Ok(0) | Err(_) => {
                    let _ = to.shutdown().await;
                    return End::Closed;
                }
                Ok(n) => n,
            },
            // Reading is cancel-safe: re-check the mode and read again.
            changed = state.changed() => {
                if changed.is_err() {
                    return End::Cut;
                }
                continue;
            }
        };
        if wait_open(&mut state, generation).await.is_err() {
            return End::Cut;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return End::Closed;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// An echo server, the proxy in front of it, and a connected client.
    async fn echo_behind_proxy() -> (Proxy, TcpStream) {
        let echo = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = echo.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut s, _)) = echo.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let (mut r, mut w) = s.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        });
        let proxy = Proxy::start(target).await;
        let client = TcpStream::connect(proxy.addr()).await.unwrap();
        (proxy, client)
    }

    async fn echo(client: &mut TcpStream, msg: &[u8]) -> std::io::Result<Vec<u8>> {
        client.write_all(msg).await?;
        let mut got = vec![0u8; msg.len()];
        client.read_exact(&mut got).await?;
        Ok(got)
    }

    #[tokio::test]
    async fn forwards_both_ways() {
        let (proxy, mut client) = echo_behind_proxy().await;
        assert_eq!(echo(&mut client, b"ping").await.unwrap(), b"ping");
        assert_eq!(proxy.accepted(), 1);
    }

    #[tokio::test]
    async fn cut_resets_live_and_new_connections_until_restored() {
        let (proxy, mut client) = echo_behind_proxy().await;
        assert_eq!(echo(&mut client, b"a").await.unwrap(), b"a");
        proxy.cut();
        let live = tokio::time::timeout(Duration::from_secs(2), echo(&mut client, b"b")).await;
        assert!(
            matches!(live, Ok(Err(_))),
            "live connection fails fast: {live:?}"
        );
        let mut new = TcpStream::connect(proxy.addr()).await.unwrap();
        let fresh = tokio::time::timeout(Duration::from_secs(2), echo(&mut new, b"c")).await;
        assert!(
            matches!(fresh, Ok(Err(_))),
            "new connection fails fast: {fresh:?}"
        );
        proxy.restore();
        let mut again = TcpStream::connect(proxy.addr()).await.unwrap();
        assert_eq!(echo(&mut again, b"d").await.unwrap(), b"d");
    }

    #[tokio::test]
    async fn blackhole_swallows_traffic_and_restore_resumes_it_intact() {
        let (proxy, mut client) = echo_behind_proxy().await;
        assert_eq!(echo(&mut client, b"a").await.unwrap(), b"a");
        proxy.blackhole();
        client.write_all(b"held").await.unwrap();
        let mut buf = [0u8; 4];
        let silent =
            tokio::time::timeout(Duration::from_millis(300), client.read_exact(&mut buf)).await;
        assert!(silent.is_err(), "nothing comes back during a blackhole");
        let mut during = TcpStream::connect(proxy.addr()).await.unwrap();
        during.write_all(b"lost").await.unwrap();
        while proxy.accepted() < 2 {
            tokio::task::yield_now().await;
        }

        proxy.restore();
        tokio::time::timeout(Duration::from_secs(2), client.read_exact(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf, b"held", "the paused stream resumes where it stopped");
        let mut one = [0u8; 1];
        let reset = tokio::time::timeout(Duration::from_secs(2), during.read(&mut one)).await;
        assert!(
            matches!(reset, Ok(Err(_)) | Ok(Ok(0))),
            "a connection accepted in the blackhole never reached the target: {reset:?}"
        );
    }
}
