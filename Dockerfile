# syntax=docker/dockerfile:1
# Multi-stage build of the Cue API: a full Rust toolchain to build, a slim Debian to run.

FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libsqlite3-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p cue-gateway --features aws,opensearch \
    && cp target/release/cue-gateway /usr/local/bin/cue-gateway

FROM debian:bookworm-slim AS runtime
# python3 and bubblewrap run dry runs (cue-sandbox); bubblewrap needs the host to allow
# unprivileged user namespaces, else only generated, unedited code is dry-run.
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 ca-certificates \
    python3-minimal bubblewrap \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/cue --create-home cue
COPY --from=build /usr/local/bin/cue-gateway /usr/local/bin/cue-gateway
USER cue
WORKDIR /var/lib/cue
ENV HOST=0.0.0.0 PORT=8000 APP_ENV=production LOG_FORMAT=json
EXPOSE 8000
# The binary asks its own /health/ready (dash has no /dev/tcp, and the image has no curl).
HEALTHCHECK --interval=10s --timeout=2s --retries=3 CMD ["/usr/local/bin/cue-gateway", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/cue-gateway"]
CMD ["serve"]
