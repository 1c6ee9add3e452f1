//! Fuzzes what `/speech/transcribe` does with an upload before any provider sees it: sniffing
//! the container from the first bytes as they arrive, then reading the whole header (WAV, FLAC,
//! MP3 with or without ID3/Xing, Ogg Opus/Vorbis, WebM, MP4). Whatever the bytes, it must not
//! panic or hang, and:
//! - a stated duration is a real number of seconds (finite, not negative);
//! - the chunked collector agrees with the whole-body check: it accepts exactly the uploads
//!   `inspect_audio` accepts within the limits, with the same information, however the body
//!   is split (its early rejection on the first bytes never refuses a valid upload).
#![no_main]

use cue_speech::{AudioCollector, AudioLimits, inspect_audio};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size, so one corpus covers many ways of splitting.
    let (chunk, body) = match data.split_first() {
        Some((&c, rest)) => (usize::from(c % 64) + 1, rest),
        None => (1, data),
    };

    let whole = inspect_audio(body);
    if let Ok(info) = &whole {
        assert_eq!(info.mime, info.format.mime());
        if let Some(seconds) = info.duration_seconds {
            assert!(
                seconds.is_finite() && seconds >= 0.0,
                "duration {seconds} for {:?}",
                info.format
            );
        }
    }

    let limits = AudioLimits {
        max_bytes: 1 << 20,
        max_seconds: None,
    };
    let mut collector = AudioCollector::new(limits);
    let mut pushed = Ok(());
    for piece in body.chunks(chunk) {
        pushed = collector.push(piece);
        if pushed.is_err() {
            break;
        }
    }
    let collected = pushed.and_then(|()| collector.finish());
    match (&whole, &collected) {
        (Ok(info), Ok(audio)) => assert_eq!(info, audio.info()),
        (Err(_), Err(_)) => {}
        (Ok(info), Err(e)) => panic!("the collector refused a valid {:?} upload: {e}", info.format),
        (Err(e), Ok(audio)) => panic!(
            "the collector accepted a {:?} upload the whole-body check refuses: {e}",
            audio.info().format
        ),
    }
});
