#![expect(clippy::unwrap_used, reason = "tests")]

use super::*;
use crate::silent_wav;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        ))
        .as_slice()
    };
}

/// Real files made with espeak-ng + sox + ffmpeg ("turn on the lights", about 1.2 s).
/// (name, bytes, format, duration range, sample rate, channels)
type Fixture = (
    &'static str,
    &'static [u8],
    AudioFormat,
    Option<(f64, f64)>,
    Option<u32>,
    Option<u16>,
);

const FIXTURES: &[Fixture] = &[
    (
        "speech.wav",
        fixture!("speech.wav"),
        AudioFormat::Wav,
        Some((1.19, 1.20)),
        Some(8000),
        Some(1),
    ),
    (
        "speech.mp3",
        fixture!("speech.mp3"),
        AudioFormat::Mp3,
        Some((1.25, 1.35)),
        Some(16000),
        Some(1),
    ),
    (
        "speech-cbr.mp3",
        fixture!("speech-cbr.mp3"),
        AudioFormat::Mp3,
        Some((1.2, 1.4)),
        Some(16000),
        Some(1),
    ),
    (
        "speech.opus.ogg",
        fixture!("speech.opus.ogg"),
        AudioFormat::OggOpus,
        Some((1.19, 1.21)),
        Some(16000),
        Some(1),
    ),
    (
        "speech.vorbis.ogg",
        fixture!("speech.vorbis.ogg"),
        AudioFormat::OggVorbis,
        Some((1.19, 1.21)),
        Some(16000),
        Some(1),
    ),
    (
        "speech.webm",
        fixture!("speech.webm"),
        AudioFormat::WebM,
        Some((1.19, 1.21)),
        None,
        None,
    ),
    (
        "speech.flac",
        fixture!("speech.flac"),
        AudioFormat::Flac,
        Some((1.19, 1.20)),
        Some(8000),
        Some(1),
    ),
    (
        "speech.m4a",
        fixture!("speech.m4a"),
        AudioFormat::Mp4,
        Some((1.19, 1.21)),
        None,
        None,
    ),
];

#[test]
fn identifies_real_files_and_reads_their_duration() {
    for (name, bytes, format, duration, rate, channels) in FIXTURES {
        let info = inspect_audio(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(info.format, *format, "{name}");
        assert_eq!(info.mime, format.mime(), "{name}");
        assert_eq!(info.sample_rate, *rate, "{name}");
        assert_eq!(info.channels, *channels, "{name}");
        match (duration, info.duration_seconds) {
            (Some((lo, hi)), Some(d)) => assert!((*lo..=*hi).contains(&d), "{name}: {d}"),
            (None, None) => {}
            (want, got) => panic!("{name}: duration {got:?}, wanted {want:?}"),
        }
    }
}

#[test]
fn synthesised_wav_duration_is_exact() {
    let info = inspect_audio(&silent_wav(16_000, 2.5)).unwrap();
    assert_eq!(info.duration_seconds, Some(2.5));
    assert_eq!(info.sample_rate, Some(16_000));
    assert_eq!(info.channels, Some(1));
}

fn assert_invalid(bytes: &[u8], case: &str) {
    match inspect_audio(bytes) {
        Err(SpeechError::InvalidAudio { .. }) => {}
        other => panic!("{case}: expected InvalidAudio, got {other:?}"),
    }
}

fn assert_unsupported(bytes: &[u8], case: &str) {
    match inspect_audio(bytes) {
        Err(SpeechError::UnsupportedAudio { .. }) => {}
        other => panic!("{case}: expected UnsupportedAudio, got {other:?}"),
    }
}

#[test]
fn rejects_what_is_not_audio() {
    let cases: &[(&str, &[u8])] = &[
        (
            "text renamed .wav",
            b"Hello, this is a text file pretending to be a WAV recording.\n",
        ),
        ("html", b"<!DOCTYPE html><html><body>nope</body></html>"),
        ("json", br#"{"audio": "base64..."}"#),
        ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("zip", b"PK\x03\x04\x14\0\0\0\x08\0"),
        ("RIFF but AVI", b"RIFF\x24\0\0\0AVI LIST\0\0\0\0"),
        (
            "AAC ADTS (MPEG sync, layer 0)",
            b"\xFF\xF1\x50\x80\x02\x1F\xFC\x21\x00\x49\x90\x02",
        ),
        (
            "Ogg FLAC",
            &ogg_page_with(b"\x7fFLAC\x01\x00\x00\x01fLaC\0\0\0\x22"),
        ),
        (
            "Ogg Speex",
            &ogg_page_with(b"Speex   1.2rc1\0\0\0\0\0\0\0\0\0\0"),
        ),
        ("EBML but not webm", &ebml_header(b"mkvmerge-ish")),
    ];
    for (case, bytes) in cases {
        assert_unsupported(bytes, case);
    }
}

#[test]
fn rejects_empty_and_truncated_audio() {
    let wav = silent_wav(16_000, 0.25);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("three bytes of RIFF", b"RIF".to_vec()),
        ("WAV header, no data chunk", wav[..36].to_vec()),
        ("WAV header, empty data chunk", header_only_wav()),
        ("WAV data cut short", wav[..wav.len() / 2].to_vec()),
        ("WAV cut in the fmt chunk", wav[..24].to_vec()),
        ("ID3 tag, no audio", fixture!("speech.mp3")[..45].to_vec()),
        ("ID3 tag cut short", fixture!("speech.mp3")[..20].to_vec()),
        (
            "MP3 first frame cut",
            fixture!("speech-cbr.mp3")[..60].to_vec(),
        ),
        ("FLAC metadata only", fixture!("speech.flac")[..42].to_vec()),
        (
            "FLAC cut in STREAMINFO",
            fixture!("speech.flac")[..20].to_vec(),
        ),
        (
            "Ogg first page cut",
            fixture!("speech.opus.ogg")[..30].to_vec(),
        ),
        ("Ogg last page cut", {
            let f = fixture!("speech.opus.ogg");
            f[..f.len() - 10].to_vec()
        }),
        ("WebM header only", fixture!("speech.webm")[..20].to_vec()),
        (
            "MP4 cut in the middle",
            fixture!("speech.m4a")[..2000].to_vec(),
        ),
        ("MP4 ftyp only", fixture!("speech.m4a")[..28].to_vec()),
    ];
    for (case, bytes) in &cases {
        assert_invalid(bytes, case);
    }
}

#[test]
fn magic_confusions_are_settled_by_the_whole_structure() {
    // A WAV whose data starts with an MP3 frame header is still a WAV.
    let mut wav = silent_wav(8000, 0.1);
    wav[44..48].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    assert_eq!(inspect_audio(&wav).unwrap().format, AudioFormat::Wav);
    // An ID3-tagged FLAC is FLAC, not MP3.
    let mut tagged = b"ID3\x04\0\0\0\0\0\x05ABCDE".to_vec();
    tagged.extend_from_slice(fixture!("speech.flac"));
    assert_eq!(inspect_audio(&tagged).unwrap().format, AudioFormat::Flac);
    // An ID3 tag followed by WAV bytes is neither.
    let mut id3_wav = b"ID3\x04\0\0\0\0\0\0".to_vec();
    id3_wav.extend_from_slice(&silent_wav(8000, 0.1));
    assert_unsupported(&id3_wav, "ID3 + WAV");
    // Bytes that merely start with an MPEG sync word but are not a stream of frames.
    let mut fake_mp3 = vec![0xFF, 0xFB, 0x90, 0x64];
    fake_mp3.extend(std::iter::repeat_n(b'x', 1000));
    assert_unsupported(&fake_mp3, "sync word then text");
    // "OggS" followed by WAV bytes is a malformed Ogg page.
    let mut ogg_wav = b"OggS".to_vec();
    ogg_wav.extend_from_slice(&silent_wav(8000, 0.01));
    assert!(inspect_audio(&ogg_wav).is_err());
}

#[test]
fn never_panics_on_prefixes_or_corruption_of_real_files() {
    for (name, bytes, ..) in FIXTURES {
        for len in (0..bytes.len()).step_by(7).chain(0..64) {
            let _ = inspect_audio(&bytes[..len]);
        }
        let mut corrupt = bytes.to_vec();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % corrupt.len().min(256);
            corrupt[at] = (seed >> 32) as u8;
            let _ = inspect_audio(&corrupt);
        }
        let _ = name;
    }
}

#[test]
fn limits_apply_to_size_then_duration() {
    let wav = silent_wav(8000, 2.0);
    let small = AudioLimits {
        max_bytes: 100,
        max_seconds: None,
    };
    assert!(matches!(
        Audio::from_bytes(wav.clone(), &small),
        Err(SpeechError::TooLarge { limit_bytes: 100 })
    ));
    let short = AudioLimits {
        max_bytes: 1 << 20,
        max_seconds: Some(1.5),
    };
    match Audio::from_bytes(wav.clone(), &short) {
        Err(SpeechError::TooLong {
            duration_seconds,
            limit_seconds,
        }) => {
            assert_eq!((duration_seconds, limit_seconds), (2.0, 1.5));
        }
        other => panic!("expected TooLong, got {other:?}"),
    }
    let ok = Audio::from_bytes(wav, &AudioLimits::default()).unwrap();
    assert_eq!(ok.info().format, AudioFormat::Wav);
    assert!(
        !format!("{ok:?}").contains("[0, 0"),
        "Debug must not dump the bytes"
    );
}

#[test]
fn collector_accepts_a_chunked_upload() {
    let wav = silent_wav(16_000, 1.0);
    let mut collector = AudioCollector::new(AudioLimits::default());
    for chunk in wav.chunks(1) {
        collector.push(chunk).unwrap();
    }
    assert_eq!(collector.len(), wav.len());
    let audio = collector.finish().unwrap();
    assert_eq!(audio.bytes(), wav.as_slice());
}

#[test]
fn collector_stops_a_100_mib_body_at_the_limit() {
    // Streams 100 MiB of zeros in 64 KiB chunks against the default 25 MiB limit; only one
    // chunk is ever allocated by the test, and the collector never holds more than the limit.
    let chunk = vec![0u8; 64 * 1024];
    let mut wav_header = silent_wav(16_000, 0.0);
    wav_header.truncate(44);
    let mut collector = AudioCollector::new(AudioLimits::default());
    collector.push(&wav_header).unwrap();
    let mut sent = wav_header.len();
    let err = loop {
        match collector.push(&chunk) {
            Ok(()) => sent += chunk.len(),
            Err(e) => break e,
        }
        assert!(sent <= 100 * 1024 * 1024, "the limit was never enforced");
    };
    assert!(matches!(
        err,
        SpeechError::TooLarge {
            limit_bytes: DEFAULT_MAX_BYTES
        }
    ));
    assert!(sent <= DEFAULT_MAX_BYTES);
    assert!(sent + chunk.len() > DEFAULT_MAX_BYTES);
    assert_eq!(collector.len(), 0, "the buffer is released on failure");
}

#[test]
fn collector_rejects_non_audio_from_the_first_bytes() {
    let mut collector = AudioCollector::new(AudioLimits::default());
    collector.push(b"Hel").unwrap_err();
    let mut collector = AudioCollector::new(AudioLimits::default());
    // A WAV prefix waits for more bytes instead of deciding early.
    collector.push(b"RIF").unwrap();
    collector.push(b"F").unwrap();
    let err = collector.push(b"\0\0\0\0AVI ").unwrap_err();
    assert!(matches!(err, SpeechError::UnsupportedAudio { .. }));
}

#[test]
fn collector_finish_reports_truncation() {
    let wav = silent_wav(16_000, 1.0);
    let mut collector = AudioCollector::new(AudioLimits::default());
    collector.push(&wav[..wav.len() - 100]).unwrap();
    assert!(matches!(
        collector.finish(),
        Err(SpeechError::InvalidAudio { .. })
    ));
    assert!(matches!(
        AudioCollector::new(AudioLimits::default()).finish(),
        Err(SpeechError::InvalidAudio { .. })
    ));
}

#[test]
fn wav_with_streaming_sizes_runs_to_the_end() {
    let mut wav = silent_wav(16_000, 0.5);
    wav[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(inspect_audio(&wav).unwrap().duration_seconds, Some(0.5));
    wav[40..44].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(inspect_audio(&wav).unwrap().duration_seconds, Some(0.5));
}

#[test]
fn wav_skips_unknown_chunks_and_rejects_data_before_fmt() {
    let wav = silent_wav(8000, 0.1);
    let mut with_list = wav[..12].to_vec();
    with_list.extend_from_slice(b"LIST\x03\0\0\0abc\0"); // odd size, padded
    with_list.extend_from_slice(&wav[12..]);
    assert_eq!(
        inspect_audio(&with_list).unwrap().duration_seconds,
        Some(0.1)
    );
    let mut data_first = wav[..12].to_vec();
    data_first.extend_from_slice(&wav[36..]);
    data_first.extend_from_slice(&wav[12..36]);
    assert_invalid(&data_first, "data before fmt");
}

fn header_only_wav() -> Vec<u8> {
    let mut wav = silent_wav(16_000, 0.0);
    wav.truncate(44);
    wav
}

fn ogg_page_with(packet: &[u8]) -> Vec<u8> {
    let mut page = b"OggS\0\x02".to_vec();
    page.extend_from_slice(&[0; 8]); // granule
    page.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // serial, sequence, crc
    page.push(1);
    page.push(u8::try_from(packet.len()).unwrap());
    page.extend_from_slice(packet);
    page.extend_from_slice(&page.clone()); // a second page, so it is not header-only
    page
}

fn ebml_header(doc_type: &[u8]) -> Vec<u8> {
    let mut body = vec![0x42, 0x82, 0x80 | u8::try_from(doc_type.len()).unwrap()];
    body.extend_from_slice(doc_type);
    let mut out = EBML_MAGIC.to_vec();
    out.push(0x80 | u8::try_from(body.len()).unwrap());
    out.extend_from_slice(&body);
    out.extend_from_slice(&[
        0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xAA,
    ]);
    out
}
