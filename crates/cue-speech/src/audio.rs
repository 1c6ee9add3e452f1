//! Checking audio before it is sent anywhere.
//!
//! The container is identified from its bytes, never from a declared content type or file name:
//! WAV, MP3 (with or without an ID3v2 tag), Ogg (Opus or Vorbis), WebM/Matroska, FLAC and MP4/M4A.
//! Anything else is [`SpeechError::UnsupportedAudio`]; empty, truncated or inconsistent files are
//! [`SpeechError::InvalidAudio`]. Where the container states it cheaply, the duration is read
//! (WAV `fmt `/`data`, FLAC `STREAMINFO`, MP3 Xing header or a constant-bitrate estimate, Ogg's
//! last granule position, WebM `Info/Duration`, MP4 `mvhd`) so that [`AudioLimits::max_seconds`]
//! can be enforced before a provider is paid to listen.
//!
//! [`AudioCollector`] takes a body chunk by chunk, so a multipart field can be streamed with
//! bounded memory: it fails as soon as the byte limit is passed, and as soon as the first bytes
//! show that the body is not audio.

use crate::SpeechError;

/// 25 MiB, the largest upload the OpenAI-compatible APIs accept.
pub const DEFAULT_MAX_BYTES: usize = 25 * 1024 * 1024;
/// Five minutes: a spoken workflow description is far shorter.
pub const DEFAULT_MAX_SECONDS: f64 = 300.0;

/// The containers we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudioFormat {
    Wav,
    Mp3,
    OggOpus,
    OggVorbis,
    WebM,
    Flac,
    Mp4,
}

impl AudioFormat {
    /// The media type to send upstream.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Wav => "audio/wav",
            Self::Mp3 => "audio/mpeg",
            Self::OggOpus | Self::OggVorbis => "audio/ogg",
            Self::WebM => "audio/webm",
            Self::Flac => "audio/flac",
            Self::Mp4 => "audio/mp4",
        }
    }

    /// A file extension, for uploads that need a file name.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Mp3 => "mp3",
            Self::OggOpus | Self::OggVorbis => "ogg",
            Self::WebM => "webm",
            Self::Flac => "flac",
            Self::Mp4 => "m4a",
        }
    }
}

/// What [`inspect_audio`] learned from the bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AudioInfo {
    pub format: AudioFormat,
    pub mime: &'static str,
    /// From the container, when it states it (MP3 without a Xing header: a constant-bitrate estimate).
    pub duration_seconds: Option<f64>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
}

impl AudioInfo {
    fn new(format: AudioFormat) -> Self {
        Self {
            format,
            mime: format.mime(),
            duration_seconds: None,
            sample_rate: None,
            channels: None,
        }
    }
}

/// Size and duration limits (`SPEECH_MAX_BYTES`, `SPEECH_MAX_SECONDS`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AudioLimits {
    pub max_bytes: usize,
    /// `None`: no duration limit.
    pub max_seconds: Option<f64>,
}

impl Default for AudioLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_seconds: Some(DEFAULT_MAX_SECONDS),
        }
    }
}

/// Audio that passed [`inspect_audio`] and the limits: the only thing a provider accepts.
#[derive(Clone, PartialEq)]
pub struct Audio {
    bytes: Vec<u8>,
    info: AudioInfo,
}

impl std::fmt::Debug for Audio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audio")
            .field("len", &self.bytes.len())
            .field("info", &self.info)
            .finish()
    }
}

impl Audio {
    /// Checks a whole body: size first, then the container, then the stated duration.
    pub fn from_bytes(bytes: Vec<u8>, limits: &AudioLimits) -> Result<Self, SpeechError> {
        if bytes.len() > limits.max_bytes {
            return Err(SpeechError::TooLarge {
                limit_bytes: limits.max_bytes,
            });
        }
        let info = inspect_audio(&bytes)?;
        if let (Some(duration_seconds), Some(limit_seconds)) =
            (info.duration_seconds, limits.max_seconds)
            && duration_seconds > limit_seconds
        {
            return Err(SpeechError::TooLong {
                duration_seconds,
                limit_seconds,
            });
        }
        Ok(Self { bytes, info })
    }

    pub fn info(&self) -> &AudioInfo {
        &self.info
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Collects a body chunk by chunk with bounded memory.
///
/// ```
/// use cue_speech::{AudioCollector, AudioLimits, SpeechError};
/// let mut collector = AudioCollector::new(AudioLimits { max_bytes: 16, max_seconds: None });
/// let err = collector.push(b"this is not audio at all").unwrap_err();
/// assert!(matches!(err, SpeechError::TooLarge { .. }));
/// ```
#[derive(Debug)]
pub struct AudioCollector {
    buf: Vec<u8>,
    limits: AudioLimits,
    recognised: bool,
}

impl AudioCollector {
    pub fn new(limits: AudioLimits) -> Self {
        Self {
            buf: Vec::new(),
            limits,
            recognised: false,
        }
    }

    /// Appends a chunk. Fails once the total passes the byte limit, or once the first bytes
    /// show the body is not a supported container; the caller should then stop reading.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), SpeechError> {
        if self.buf.len().saturating_add(chunk.len()) > self.limits.max_bytes {
            self.buf = Vec::new();
            return Err(SpeechError::TooLarge {
                limit_bytes: self.limits.max_bytes,
            });
        }
        self.buf.extend_from_slice(chunk);
        if !self.recognised {
            match sniff(&self.buf) {
                Sniff::Known(_) => self.recognised = true,
                Sniff::NeedMore => {}
                Sniff::Unknown(reason) => {
                    self.buf = Vec::new();
                    return Err(SpeechError::unsupported(reason));
                }
            }
        }
        Ok(())
    }

    /// Bytes collected so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Checks the whole body (see [`Audio::from_bytes`]).
    pub fn finish(self) -> Result<Audio, SpeechError> {
        Audio::from_bytes(self.buf, &self.limits)
    }
}

/// Identifies the container from the bytes and reads what it states about the audio.
pub fn inspect_audio(bytes: &[u8]) -> Result<AudioInfo, SpeechError> {
    if bytes.is_empty() {
        return Err(SpeechError::invalid("the audio is empty"));
    }
    match sniff(bytes) {
        Sniff::Known(container) => match container {
            Container::Wav => wav(bytes),
            Container::Id3 => id3(bytes),
            Container::MpegFrame => mp3(bytes, 0),
            Container::Ogg => ogg(bytes),
            Container::Ebml => webm(bytes),
            Container::Flac => flac(bytes, 0),
            Container::Mp4 => mp4(bytes),
        },
        Sniff::NeedMore => Err(truncated("the audio")),
        Sniff::Unknown(reason) => Err(SpeechError::unsupported(reason)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Wav,
    Id3,
    MpegFrame,
    Ogg,
    Ebml,
    Flac,
    Mp4,
}

#[derive(Debug, PartialEq, Eq)]
enum Sniff {
    Known(Container),
    /// Too few bytes to tell, and they could still start a supported container.
    NeedMore,
    Unknown(&'static str),
}

/// Enough bytes to tell every supported container apart.
const SNIFF_LEN: usize = 12;

const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];

fn sniff(b: &[u8]) -> Sniff {
    let starts = |magic: &[u8]| b.starts_with(magic);
    if starts(b"RIFF") && b.len() >= SNIFF_LEN {
        return if &b[8..12] == b"WAVE" {
            Sniff::Known(Container::Wav)
        } else {
            Sniff::Unknown("a RIFF file that is not WAVE audio")
        };
    }
    if starts(b"ID3") {
        return Sniff::Known(Container::Id3);
    }
    if starts(b"OggS") {
        return Sniff::Known(Container::Ogg);
    }
    if starts(&EBML_MAGIC) {
        return Sniff::Known(Container::Ebml);
    }
    if starts(b"fLaC") {
        return Sniff::Known(Container::Flac);
    }
    if b.len() >= 8 && &b[4..8] == b"ftyp" {
        return Sniff::Known(Container::Mp4);
    }
    if b.len() >= 4 && mpeg_header(&b[..4]).is_some() {
        return Sniff::Known(Container::MpegFrame);
    }
    if b.len() < SNIFF_LEN && could_still_match(b) {
        return Sniff::NeedMore;
    }
    Sniff::Unknown("not a WAV, MP3, Ogg, WebM, FLAC or MP4 file")
}

/// Whether a short prefix could still grow into a supported container.
fn could_still_match(b: &[u8]) -> bool {
    let prefix_of = |magic: &[u8]| magic.starts_with(&b[..b.len().min(magic.len())]);
    if [&b"RIFF"[..], b"ID3", b"OggS", &EBML_MAGIC, b"fLaC"]
        .into_iter()
        .any(prefix_of)
    {
        return true;
    }
    // MP4: a big-endian box size (first byte 0 for any sane ftyp box), then "ftyp".
    if b[0] == 0 && (b.len() <= 4 || b"ftyp".starts_with(&b[4..b.len().min(8)])) {
        return true;
    }
    // MPEG audio: the 11-bit frame sync.
    b[0] == 0xFF && (b.len() < 2 || b[1] & 0xE0 == 0xE0) && b.len() < 4
}

fn truncated(what: &str) -> SpeechError {
    SpeechError::invalid(format!("{what} is truncated"))
}

/// Bounds-checked reads: every out-of-range read is "truncated".
struct Bytes<'a> {
    b: &'a [u8],
    what: &'static str,
}

impl<'a> Bytes<'a> {
    fn slice(&self, at: usize, len: usize) -> Result<&'a [u8], SpeechError> {
        at.checked_add(len)
            .and_then(|end| self.b.get(at..end))
            .ok_or_else(|| truncated(self.what))
    }

    fn array<const N: usize>(&self, at: usize) -> Result<[u8; N], SpeechError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(at, N)?);
        Ok(out)
    }

    fn u8(&self, at: usize) -> Result<u8, SpeechError> {
        Ok(self.array::<1>(at)?[0])
    }

    fn u16_le(&self, at: usize) -> Result<u16, SpeechError> {
        Ok(u16::from_le_bytes(self.array(at)?))
    }

    fn u32_le(&self, at: usize) -> Result<u32, SpeechError> {
        Ok(u32::from_le_bytes(self.array(at)?))
    }

    fn u32_be(&self, at: usize) -> Result<u32, SpeechError> {
        Ok(u32::from_be_bytes(self.array(at)?))
    }

    fn u64_be(&self, at: usize) -> Result<u64, SpeechError> {
        Ok(u64::from_be_bytes(self.array(at)?))
    }

    fn u64_le(&self, at: usize) -> Result<u64, SpeechError> {
        Ok(u64::from_le_bytes(self.array(at)?))
    }
}

// ---------------------------------------------------------------- WAV

fn wav(b: &[u8]) -> Result<AudioInfo, SpeechError> {
    struct Fmt {
        channels: u16,
        sample_rate: u32,
        byte_rate: u32,
        block_align: u16,
    }
    let r = Bytes {
        b,
        what: "the WAV file",
    };
    let mut pos = 12usize;
    let mut fmt: Option<Fmt> = None;
    let mut data_len: Option<usize> = None;
    while pos < b.len() {
        let id = r.slice(pos, 4)?;
        let size = r.u32_le(pos + 4)?;
        let body = pos + 8;
        match id {
            b"fmt " => {
                if size < 16 {
                    return Err(SpeechError::invalid("the WAV fmt chunk is too short"));
                }
                fmt = Some(Fmt {
                    channels: r.u16_le(body + 2)?,
                    sample_rate: r.u32_le(body + 4)?,
                    byte_rate: r.u32_le(body + 8)?,
                    block_align: r.u16_le(body + 12)?,
                });
            }
            b"data" => {
                if fmt.is_none() {
                    return Err(SpeechError::invalid(
                        "the WAV data chunk comes before its fmt chunk",
                    ));
                }
                let available = b.len() - body;
                let size = size as usize;
                // Streaming writers leave the size as 0 or all ones; the data then runs to the end.
                let len = if size == u32::MAX as usize || (size == 0 && available > 0) {
                    available
                } else if size > available {
                    return Err(truncated("the WAV data chunk"));
                } else {
                    size
                };
                data_len = Some(len);
                break;
            }
            _ => {}
        }
        pos = body
            .checked_add(size as usize)
            .and_then(|p| p.checked_add(size as usize & 1))
            .ok_or_else(|| truncated("the WAV file"))?;
        if pos > b.len() {
            return Err(truncated("the WAV file"));
        }
    }
    let fmt = fmt.ok_or_else(|| SpeechError::invalid("the WAV file has no fmt chunk"))?;
    let data_len =
        data_len.ok_or_else(|| SpeechError::invalid("the WAV file has no data chunk"))?;
    if fmt.channels == 0 || fmt.sample_rate == 0 || fmt.byte_rate == 0 || fmt.block_align == 0 {
        return Err(SpeechError::invalid("the WAV fmt chunk describes no audio"));
    }
    if data_len < usize::from(fmt.block_align) {
        return Err(SpeechError::invalid(
            "the WAV file contains no audio samples",
        ));
    }
    Ok(AudioInfo {
        duration_seconds: Some(data_len as f64 / f64::from(fmt.byte_rate)),
        sample_rate: Some(fmt.sample_rate),
        channels: Some(fmt.channels),
        ..AudioInfo::new(AudioFormat::Wav)
    })
}

// ---------------------------------------------------------------- FLAC

fn flac(b: &[u8], start: usize) -> Result<AudioInfo, SpeechError> {
    let r = Bytes {
        b,
        what: "the FLAC file",
    };
    let mut pos = start + 4;
    let mut info = AudioInfo::new(AudioFormat::Flac);
    let mut first = true;
    loop {
        let header = r.u8(pos)?;
        let [_, l0, l1, l2] = r.array::<4>(pos)?;
        let len = u32::from_be_bytes([0, l0, l1, l2]) as usize;
        let body = pos + 4;
        r.slice(body, len)?;
        let kind = header & 0x7F;
        if first {
            if kind != 0 || len < 34 {
                return Err(SpeechError::invalid(
                    "the FLAC file does not start with STREAMINFO",
                ));
            }
            let s = r.slice(body, 34)?;
            let sample_rate =
                (u32::from(s[10]) << 12) | (u32::from(s[11]) << 4) | (u32::from(s[12]) >> 4);
            let channels = u16::from((s[12] >> 1) & 0x07) + 1;
            let total = (u64::from(s[13] & 0x0F) << 32)
                | u64::from(u32::from_be_bytes([s[14], s[15], s[16], s[17]]));
            if sample_rate == 0 {
                return Err(SpeechError::invalid(
                    "the FLAC STREAMINFO has no sample rate",
                ));
            }
            info.sample_rate = Some(sample_rate);
            info.channels = Some(channels);
            // Zero total samples means "unknown" in FLAC.
            info.duration_seconds = (total > 0).then(|| total as f64 / f64::from(sample_rate));
            first = false;
        } else if kind == 127 {
            return Err(SpeechError::invalid(
                "the FLAC file has an invalid metadata block",
            ));
        }
        pos = body + len;
        if header & 0x80 != 0 {
            break;
        }
    }
    // Audio frames start with the 14-bit sync code 0b11111111111110.
    match b.get(pos..pos + 2) {
        Some([0xFF, second]) if second & 0xFC == 0xF8 => Ok(info),
        Some(_) => Err(SpeechError::invalid(
            "the FLAC file has no audio frame after its metadata",
        )),
        None => Err(SpeechError::invalid(
            "the FLAC file contains no audio frames",
        )),
    }
}

// ---------------------------------------------------------------- MP3

struct MpegHeader {
    mpeg1: bool,
    layer: u8,
    /// kbit/s; `None` for the free format.
    bitrate: Option<u32>,
    sample_rate: u32,
    padding: u32,
    mono: bool,
}

impl MpegHeader {
    fn samples_per_frame(&self) -> u32 {
        match (self.layer, self.mpeg1) {
            (1, _) => 384,
            (3, false) => 576,
            _ => 1152,
        }
    }

    fn frame_len(&self) -> Option<usize> {
        let bitrate = self.bitrate? * 1000;
        let len = match self.layer {
            1 => (12 * bitrate / self.sample_rate + self.padding) * 4,
            3 if !self.mpeg1 => 72 * bitrate / self.sample_rate + self.padding,
            _ => 144 * bitrate / self.sample_rate + self.padding,
        };
        Some(len as usize)
    }
}

fn mpeg_header(h: &[u8]) -> Option<MpegHeader> {
    let &[b0, b1, b2, b3] = h else { return None };
    if b0 != 0xFF || b1 & 0xE0 != 0xE0 {
        return None;
    }
    let version = (b1 >> 3) & 0x03; // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
    let layer = match (b1 >> 1) & 0x03 {
        0 => return None, // reserved (and what AAC ADTS puts here)
        bits => 4 - bits,
    };
    if version == 1 {
        return None;
    }
    let bitrate_index = usize::from(b2 >> 4);
    let rate_index = usize::from((b2 >> 2) & 0x03);
    if bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    const RATES: [[u32; 3]; 3] = [[11025, 12000, 8000], [0, 0, 0], [22050, 24000, 16000]];
    let sample_rate = if version == 3 {
        [44100, 48000, 32000][rate_index]
    } else {
        RATES[usize::from(version)][rate_index]
    };
    const V1: [[u32; 15]; 3] = [
        [
            0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
        ],
        [
            0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
        ],
        [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ],
    ];
    const V2: [[u32; 15]; 2] = [
        [
            0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
        ],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ];
    let mpeg1 = version == 3;
    let kbps = if mpeg1 {
        V1[usize::from(layer - 1)][bitrate_index]
    } else {
        V2[usize::from(layer != 1)][bitrate_index]
    };
    Some(MpegHeader {
        mpeg1,
        layer,
        bitrate: (kbps != 0).then_some(kbps),
        sample_rate,
        padding: u32::from((b2 >> 1) & 0x01),
        mono: b3 >> 6 == 3,
    })
}

fn id3(b: &[u8]) -> Result<AudioInfo, SpeechError> {
    let r = Bytes {
        b,
        what: "the ID3 tag",
    };
    let flags = r.u8(5)?;
    let size = r.array::<4>(6)?;
    if size.iter().any(|byte| byte & 0x80 != 0) {
        return Err(SpeechError::invalid("the ID3 tag has a malformed size"));
    }
    let size = size
        .iter()
        .fold(0usize, |acc, byte| (acc << 7) | usize::from(*byte));
    let footer = if flags & 0x10 != 0 { 10 } else { 0 };
    let mut pos = 10 + size + footer;
    if pos > b.len() {
        return Err(truncated("the ID3 tag"));
    }
    // Some encoders pad between the tag and the first frame.
    while b.get(pos) == Some(&0) {
        pos += 1;
    }
    if pos >= b.len() {
        return Err(SpeechError::invalid(
            "the file holds an ID3 tag but no audio",
        ));
    }
    // FLAC files are sometimes tagged with ID3v2 as well.
    if b[pos..].starts_with(b"fLaC") {
        return flac(b, pos);
    }
    mp3(b, pos)
}

fn mp3(b: &[u8], pos: usize) -> Result<AudioInfo, SpeechError> {
    let r = Bytes {
        b,
        what: "the MP3 file",
    };
    let h = mpeg_header(r.slice(pos, 4)?)
        .ok_or_else(|| SpeechError::unsupported("not a WAV, MP3, Ogg, WebM, FLAC or MP4 file"))?;
    let mut info = AudioInfo {
        sample_rate: Some(h.sample_rate),
        channels: Some(if h.mono { 1 } else { 2 }),
        ..AudioInfo::new(AudioFormat::Mp3)
    };
    let Some(frame_len) = h.frame_len() else {
        return Ok(info); // free-format bitrate: no cheap duration
    };
    if pos + frame_len > b.len() {
        return Err(truncated("the MP3 file"));
    }
    // A second frame header where the first frame ends rules out bytes that merely start with 0xFFE.
    if let Some(next) = b.get(pos + frame_len..pos + frame_len + 4) {
        match mpeg_header(next) {
            Some(n) if n.sample_rate == h.sample_rate && n.layer == h.layer => {}
            _ => {
                return Err(SpeechError::unsupported(
                    "bytes start like MPEG audio but are not a stream of frames",
                ));
            }
        }
    }
    let side_info = match (h.mpeg1, h.mono) {
        (true, false) => 32,
        (true, true) | (false, false) => 17,
        (false, true) => 9,
    };
    let xing = pos + 4 + side_info;
    let samples = f64::from(h.samples_per_frame());
    let rate = f64::from(h.sample_rate);
    info.duration_seconds = match b.get(xing..xing + 12) {
        Some([t0, t1, t2, t3, f0, f1, f2, f3, n0, n1, n2, n3])
            if (&[*t0, *t1, *t2, *t3] == b"Xing" || &[*t0, *t1, *t2, *t3] == b"Info")
                && u32::from_be_bytes([*f0, *f1, *f2, *f3]) & 1 != 0 =>
        {
            Some(f64::from(u32::from_be_bytes([*n0, *n1, *n2, *n3])) * samples / rate)
        }
        // Constant bitrate: the size tells the duration.
        _ => h
            .bitrate
            .map(|kbps| (b.len() - pos) as f64 * 8.0 / (f64::from(kbps) * 1000.0)),
    };
    Ok(info)
}

// ---------------------------------------------------------------- Ogg

struct OggPage {
    granule: u64,
    serial: u32,
    body: usize,
    end: usize,
}

fn ogg_page(b: &[u8], at: usize) -> Result<OggPage, SpeechError> {
    let r = Bytes {
        b,
        what: "the Ogg file",
    };
    if r.slice(at, 4)? != b"OggS" || r.u8(at + 4)? != 0 {
        return Err(SpeechError::invalid("the Ogg file has a malformed page"));
    }
    let segments = usize::from(r.u8(at + 26)?);
    let lacing = r.slice(at + 27, segments)?;
    let body = at + 27 + segments;
    let end = body + lacing.iter().map(|l| usize::from(*l)).sum::<usize>();
    r.slice(body, end - body)?;
    Ok(OggPage {
        granule: r.u64_le(at + 6)?,
        serial: r.u32_le(at + 14)?,
        body,
        end,
    })
}

fn ogg(b: &[u8]) -> Result<AudioInfo, SpeechError> {
    let first = ogg_page(b, 0)?;
    let packet = &b[first.body..first.end];
    let r = Bytes {
        b: packet,
        what: "the Ogg stream header",
    };
    let (mut info, pre_skip) = if packet.starts_with(b"OpusHead") {
        let info = AudioInfo {
            channels: Some(u16::from(r.u8(9)?)),
            sample_rate: Some(r.u32_le(12)?).filter(|rate| *rate > 0),
            ..AudioInfo::new(AudioFormat::OggOpus)
        };
        (info, Some(r.u16_le(10)?))
    } else if packet.starts_with(b"\x01vorbis") {
        let rate = r.u32_le(12)?;
        if rate == 0 {
            return Err(SpeechError::invalid("the Vorbis header has no sample rate"));
        }
        let info = AudioInfo {
            channels: Some(u16::from(r.u8(11)?)),
            sample_rate: Some(rate),
            ..AudioInfo::new(AudioFormat::OggVorbis)
        };
        (info, None)
    } else {
        return Err(SpeechError::unsupported(
            "an Ogg file that holds neither Opus nor Vorbis",
        ));
    };
    if first.end >= b.len() {
        return Err(SpeechError::invalid(
            "the Ogg file holds a stream header but no audio",
        ));
    }
    // The last page's granule position is the stream's length in samples.
    let window_start = b.len().saturating_sub(65_536).max(first.end);
    let last = b[window_start..]
        .windows(4)
        .rposition(|w| w == b"OggS")
        .map(|i| window_start + i);
    if let Some(at) = last {
        let page = ogg_page(b, at)?;
        if page.serial == first.serial && page.granule != u64::MAX {
            info.duration_seconds = match pre_skip {
                // Opus granules always count 48 kHz samples.
                Some(skip) => Some(page.granule.saturating_sub(u64::from(skip)) as f64 / 48_000.0),
                None => info
                    .sample_rate
                    .map(|rate| page.granule as f64 / f64::from(rate)),
            };
        }
    }
    Ok(info)
}

// ---------------------------------------------------------------- WebM / Matroska

/// An EBML variable-length integer at `at`: (value with the length marker removed, length).
fn ebml_vint(b: &[u8], at: usize, keep_marker: bool) -> Result<(u64, usize), SpeechError> {
    let first = *b.get(at).ok_or_else(|| truncated("the WebM file"))?;
    if first == 0 {
        return Err(SpeechError::invalid(
            "the WebM file has a malformed element",
        ));
    }
    let len = first.leading_zeros() as usize + 1;
    let bytes = b
        .get(at..at + len)
        .ok_or_else(|| truncated("the WebM file"))?;
    let mut value = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for byte in &bytes[1..] {
        value = (value << 8) | u64::from(*byte);
    }
    Ok((value, len))
}

struct Element {
    id: u64,
    body: usize,
    /// `None`: unknown size (live streams such as MediaRecorder's), running to the end.
    size: Option<usize>,
}

fn ebml_element(b: &[u8], at: usize) -> Result<Element, SpeechError> {
    let (id, id_len) = ebml_vint(b, at, true)?;
    let (size, size_len) = ebml_vint(b, at + id_len, false)?;
    let all_ones = (1u64 << (7 * size_len)) - 1;
    let size = if size == all_ones {
        None
    } else {
        Some(usize::try_from(size).map_err(|_| truncated("the WebM file"))?)
    };
    Ok(Element {
        id,
        body: at + id_len + size_len,
        size,
    })
}

fn webm(b: &[u8]) -> Result<AudioInfo, SpeechError> {
    const DOC_TYPE: u64 = 0x4282;
    const SEGMENT: u64 = 0x1853_8067;
    const INFO: u64 = 0x1549_A966;
    const TIMECODE_SCALE: u64 = 0x2A_D7B1;
    const DURATION: u64 = 0x4489;
    let r = Bytes {
        b,
        what: "the WebM file",
    };
    let header = ebml_element(b, 0)?;
    let header_size = header
        .size
        .ok_or_else(|| SpeechError::invalid("the EBML header has no size"))?;
    let header_end = header.body + header_size;
    r.slice(header.body, header_size)?;
    let mut doc_type = None;
    let mut pos = header.body;
    while pos < header_end {
        let child = ebml_element(b, pos)?;
        let size = child
            .size
            .ok_or_else(|| SpeechError::invalid("the EBML header is malformed"))?;
        if child.id == DOC_TYPE {
            doc_type = Some(r.slice(child.body, size)?);
        }
        pos = child.body + size;
    }
    match doc_type.map(|d| d.split(|c| *c == 0).next().unwrap_or_default()) {
        Some(b"webm" | b"matroska") => {}
        _ => {
            return Err(SpeechError::unsupported(
                "an EBML file that is neither WebM nor Matroska",
            ));
        }
    }
    let segment = ebml_element(b, header_end)?;
    if segment.id != SEGMENT {
        return Err(SpeechError::invalid("the WebM file has no segment"));
    }
    if segment.body >= b.len() {
        return Err(SpeechError::invalid(
            "the WebM file holds a header but no audio",
        ));
    }
    let mut info = AudioInfo::new(AudioFormat::WebM);
    // Duration lives in Segment/Info, usually the first or second child; live recordings omit it.
    let mut pos = segment.body;
    for _ in 0..8 {
        let Ok(child) = ebml_element(b, pos) else {
            break;
        };
        let Some(size) = child.size else { break };
        if child.id == INFO {
            let mut scale = 1_000_000f64;
            let mut duration = None;
            let mut at = child.body;
            while at < child.body + size {
                let field = ebml_element(b, at)?;
                let len = field
                    .size
                    .ok_or_else(|| SpeechError::invalid("the WebM Info is malformed"))?;
                let value = r.slice(field.body, len)?;
                match (field.id, len) {
                    (TIMECODE_SCALE, 1..=8) => {
                        scale = value.iter().fold(0u64, |acc, v| (acc << 8) | u64::from(*v)) as f64
                    }
                    (DURATION, 4) => {
                        duration = Some(f64::from(f32::from_be_bytes(r.array(field.body)?)))
                    }
                    (DURATION, 8) => duration = Some(f64::from_bits(r.u64_be(field.body)?)),
                    _ => {}
                }
                at = field.body + len;
            }
            info.duration_seconds = duration
                .map(|ticks| ticks * scale / 1e9)
                .filter(|d| d.is_finite() && *d >= 0.0);
            break;
        }
        pos = child.body + size;
    }
    Ok(info)
}

// ---------------------------------------------------------------- MP4

fn mp4(b: &[u8]) -> Result<AudioInfo, SpeechError> {
    let r = Bytes {
        b,
        what: "the MP4 file",
    };
    let mut info = AudioInfo::new(AudioFormat::Mp4);
    let mut pos = 0usize;
    let mut moov = None;
    let mut media = false;
    while pos < b.len() {
        let (kind, body, end) = mp4_box(&r, pos, b.len())?;
        match kind {
            b"moov" => moov = Some((body, end)),
            b"mdat" | b"moof" => media = true,
            _ => {}
        }
        pos = end;
    }
    let (moov_body, moov_end) =
        moov.ok_or_else(|| SpeechError::invalid("the MP4 file has no moov box"))?;
    if !media {
        return Err(SpeechError::invalid("the MP4 file holds no media data"));
    }
    let mut pos = moov_body;
    while pos < moov_end {
        let (kind, body, end) = mp4_box(&r, pos, moov_end)?;
        if kind == b"mvhd" {
            let (scale, duration) = if r.u8(body)? == 1 {
                (r.u32_be(body + 20)?, r.u64_be(body + 24)?)
            } else {
                (r.u32_be(body + 12)?, u64::from(r.u32_be(body + 16)?))
            };
            // Fragmented files leave the duration at 0 (or all ones).
            if scale > 0 && duration > 0 && duration != u64::MAX && duration != u64::from(u32::MAX)
            {
                info.duration_seconds = Some(duration as f64 / f64::from(scale));
            }
            break;
        }
        pos = end;
    }
    Ok(info)
}

/// One box at `pos` inside a parent ending at `limit`: (type, body start, end).
fn mp4_box<'a>(
    r: &Bytes<'a>,
    pos: usize,
    limit: usize,
) -> Result<(&'a [u8], usize, usize), SpeechError> {
    let size = r.u32_be(pos)?;
    let kind = r.slice(pos + 4, 4)?;
    let (body, end) = match size {
        0 => (pos + 8, limit),
        1 => {
            let large =
                usize::try_from(r.u64_be(pos + 8)?).map_err(|_| truncated("the MP4 file"))?;
            (
                pos + 16,
                pos.checked_add(large)
                    .ok_or_else(|| truncated("the MP4 file"))?,
            )
        }
        s => (pos + 8, pos + s as usize),
    };
    if end < body {
        return Err(SpeechError::invalid("the MP4 file has a malformed box"));
    }
    if end > limit {
        return Err(truncated("the MP4 file"));
    }
    Ok((kind, body, end))
}

#[cfg(test)]
#[path = "audio_tests.rs"]
mod tests;
