//! The photo pipeline: recognises an upload by its magic bytes, refuses oversized images from
//! the header alone, reads EXIF (orientation, time taken, GPS) and renders an upright display
//! copy with a burned-in caption band plus a thumbnail, both baseline JPEG without metadata.
//!
//! Pure and synchronous (CPU-bound): callers run it in `spawn_blocking`. JPEGs are decoded with
//! `jpeg-decoder` at a reduced DCT scale (a 12 MP photo is decoded straight to 2000×1500), resized
//! with `fast_image_resize` (SIMD Lanczos3) and encoded with `jpeg-encoder` (4:2:0); PNG goes
//! through the `image` crate, WebP through `image-webp` (the decoder `image` wraps). The
//! thumbnail is made from the display copy, never from the original again.
//!
//! Its own crate, with only the photo libraries, so the fuzz targets in `fuzz/` build it without
//! the server; the server re-exports it as `server::photo::pipeline`.
#![forbid(unsafe_code)]

use std::fmt;
use std::io::Cursor;
use std::path::Path;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use chrono::{NaiveDate, NaiveDateTime};
use fast_image_resize as fr;
use image::ImageDecoder;

/// Long edge of the display copy, in pixels (smaller photos keep their size).
pub const DISPLAY_EDGE: u32 = 1600;
/// Long edge of the thumbnail, in pixels.
pub const THUMB_EDGE: u32 = 320;
/// JPEG quality of both copies.
pub const JPEG_QUALITY: u8 = 80;
/// Lines of a caption that are drawn; further lines are ignored.
pub const MAX_CAPTION_LINES: usize = 2;
/// Longest side any decoder may report: JPEG's own ceiling, far above any camera.
const MAX_SIDE: u32 = 65_535;

/// What an upload may cost to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most pixels (width × height, as stored) an image may have.
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_pixels: 50_000_000 }
    }
}

/// The image formats the pipeline accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    /// The name stored in the database (`photos.format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    pub fn from_name(s: &str) -> Option<Format> {
        [Format::Jpeg, Format::Png, Format::WebP].into_iter().find(|f| f.name() == s)
    }

    /// The media type of this format.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("not a JPEG, PNG or WebP image")]
    Unsupported,
    /// HEIC/HEIF (iPhone's default): named apart so the client can ask for "most compatible".
    #[error("HEIC/HEIF images are not supported")]
    Heic,
    #[error("image of {width}×{height} pixels is too large")]
    TooManyPixels { width: u32, height: u32 },
    #[error("corrupt image: {0}")]
    Corrupt(String),
}

/// Recognises the format from the first bytes alone (never from a file name or a client's
/// content type).
pub fn sniff(bytes: &[u8]) -> Result<Format, IngestError> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(PNG) {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    if is_heif(bytes) {
        return Err(IngestError::Heic);
    }
    Err(IngestError::Unsupported)
}

/// An ISO-BMFF `ftyp` box naming a HEIF brand (AVIF, which shares the container, is not HEIC).
fn is_heif(bytes: &[u8]) -> bool {
    const HEIF: [&[u8; 4]; 11] = [
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
        b"mif2",
    ];
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = size.clamp(16, bytes.len().min(256));
    // The major brand, then (after the minor version) the compatible brands.
    let brands = || std::iter::once(&bytes[8..12]).chain(bytes[16..end].chunks_exact(4));
    if brands().any(|brand| brand == b"avif" || brand == b"avis") {
        return false;
    }
    brands().any(|brand| HEIF.iter().any(|heif| brand == heif.as_slice()))
}

/// What the pipeline learnt about a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// Size of the original, upright (after applying `orientation`).
    pub width: u32,
    pub height: u32,
    /// EXIF orientation (1–8) that was applied; 1 when there was none.
    pub orientation: u8,
    /// EXIF DateTimeOriginal: the phone's local wall-clock time, no zone.
    pub taken_at: Option<NaiveDateTime>,
    /// Latitude and longitude in decimal degrees (WGS 84 as phones write it).
    pub gps: Option<(f64, f64)>,
    pub format: Format,
}

/// Text burned into the bottom of the display copy, one entry per line (at most
/// [`MAX_CAPTION_LINES`] are drawn).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caption {
    pub lines: Vec<String>,
}

/// The result of [`process`]: metadata plus the two JPEG copies to store.
#[derive(Clone)]
pub struct Processed {
    pub meta: Metadata,
    /// Upright, long edge [`DISPLAY_EDGE`] (never upscaled), caption band at the bottom, no
    /// metadata segments.
    pub display_jpeg: Vec<u8>,
    /// Upright, long edge [`THUMB_EDGE`], no caption, no metadata segments.
    pub thumb_jpeg: Vec<u8>,
}

impl fmt::Debug for Processed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Processed")
            .field("meta", &self.meta)
            .field("display_jpeg_bytes", &self.display_jpeg.len())
            .field("thumb_jpeg_bytes", &self.thumb_jpeg.len())
            .finish()
    }
}

/// A font face for captions. The file is memory-mapped when text is drawn rather than read into
/// the heap: a CJK collection is about 20 MB, of which a caption touches a few pages.
pub struct FontData {
    db: fontdb::Database,
    id: fontdb::ID,
    family: String,
}

impl FontData {
    /// Where distributions put a CJK font, best first (Debian's `fonts-noto-cjk` first).
    pub const KNOWN_PATHS: &'static [&'static str] = &[
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ];

    /// Loads a font file (a collection picks its Simplified Chinese face, by name). Fails when
    /// the file cannot be read or has no face that draws Chinese.
    pub fn load(path: impl AsRef<Path>) -> std::io::Result<FontData> {
        let mut db = fontdb::Database::new();
        db.load_font_file(path.as_ref())?;
        let draws_chinese = |id| {
            db.with_face_data(id, |data, index| {
                FontRef::try_from_slice_and_index(data, index)
                    .is_ok_and(|font| font.glyph_id('校') != GlyphId(0))
            })
            .unwrap_or(false)
        };
        let best = db
            .faces()
            .enumerate()
            .filter(|(_, face)| draws_chinese(face.id))
            .max_by_key(|(i, face)| (face_preference(face), std::cmp::Reverse(*i)))
            .map(|(_, face)| (face.id, face_family(face)));
        match best {
            Some((id, family)) => Ok(FontData { db, id, family }),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: no face that draws Chinese", path.as_ref().display()),
            )),
        }
    }

    /// The first of [`FontData::KNOWN_PATHS`] that loads, if any.
    pub fn load_default() -> Option<FontData> {
        Self::KNOWN_PATHS.iter().find_map(|path| Self::load(path).ok())
    }

    /// The family name of the chosen face, e.g. "Noto Sans CJK SC".
    pub fn family(&self) -> &str {
        &self.family
    }
}

impl fmt::Debug for FontData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontData").field("family", &self.family).finish_non_exhaustive()
    }
}

/// Simplified Chinese before other CJK variants, proportional before monospaced.
fn face_preference(face: &fontdb::FaceInfo) -> u8 {
    let words = || face.families.iter().flat_map(|(name, _)| name.split_whitespace());
    let simplified = words().any(|w| matches!(w, "SC" | "CN" | "GB" | "Simplified"));
    let mono = words().any(|w| w.starts_with("Mono")) || face.monospaced;
    u8::from(simplified) * 2 + u8::from(!mono)
}

fn face_family(face: &fontdb::FaceInfo) -> String {
    face.families.first().map_or_else(|| face.post_script_name.clone(), |(name, _)| name.clone())
}

/// Turns an upload into its display copy and thumbnail.
///
/// The pixel count is checked from the header before anything is decoded. A caption is drawn
/// only when both a caption and a font are given; without a font the display copy simply has
/// no band.
pub fn process(
    bytes: &[u8],
    limits: &Limits,
    caption: Option<&Caption>,
    font: Option<&FontData>,
) -> Result<Processed, IngestError> {
    let format = sniff(bytes)?;
    let decoded = match format {
        Format::Jpeg => decode_jpeg(bytes, limits)?,
        Format::Png => {
            let decoder = image::codecs::png::PngDecoder::with_limits(
                Cursor::new(bytes),
                header_limits(limits),
            )
            .map_err(corrupt)?;
            decode_with_image(decoder, limits)?
        }
        Format::WebP => decode_webp(bytes, limits)?,
    };
    let exif = read_exif(decoded.exif.as_deref());
    let turned = exif.orientation >= 5;
    let (width, height) =
        if turned { (decoded.height, decoded.width) } else { (decoded.width, decoded.height) };

    // Resize first, then turn upright: the same result with fewer pixels to move.
    let (display_w, display_h) = fit(width, height, DISPLAY_EDGE);
    let (stored_w, stored_h) = if turned { (display_h, display_w) } else { (display_w, display_h) };
    let resized = resize_owned(decoded.raster, stored_w, stored_h)?;
    let mut display = orient(flatten(resized), exif.orientation);

    let (thumb_w, thumb_h) = fit(display.width, display.height, THUMB_EDGE);
    let thumb = resize(&display, thumb_w, thumb_h)?;
    if let (Some(caption), Some(font)) = (caption, font) {
        burn_caption(&mut display, caption, font);
    }
    Ok(Processed {
        meta: Metadata {
            width,
            height,
            orientation: exif.orientation,
            taken_at: exif.taken_at,
            gps: exif.gps,
            format,
        },
        display_jpeg: encode(&display)?,
        thumb_jpeg: encode(&thumb)?,
    })
}

fn corrupt(e: impl fmt::Display) -> IngestError {
    IngestError::Corrupt(e.to_string())
}

fn check_pixels(width: u32, height: u32, limits: &Limits) -> Result<(), IngestError> {
    if width == 0 || height == 0 {
        return Err(IngestError::Corrupt(format!("image has no pixels ({width}×{height})")));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(IngestError::TooManyPixels { width, height });
    }
    Ok(())
}

/// Bytes a decoder may allocate: the pixels at 16-bit RGBA, the widest a PNG decodes to.
fn alloc_limit(limits: &Limits) -> u64 {
    limits.max_pixels.saturating_mul(8)
}

/// Limits while only the header is read: no size limits yet, so that an oversized image is
/// reported with its size by [`check_pixels`] rather than as a generic decoder error.
fn header_limits(limits: &Limits) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_alloc = Some(alloc_limit(limits));
    l
}

/// Pixels in memory: RGB, or RGBA straight out of a PNG/WebP with transparency.
struct Raster {
    width: u32,
    height: u32,
    channels: usize,
    pixels: Vec<u8>,
}

impl Raster {
    fn pixel_type(&self) -> fr::PixelType {
        if self.channels == 4 { fr::PixelType::U8x4 } else { fr::PixelType::U8x3 }
    }
}

struct Decoded {
    /// The pixels, possibly already reduced (JPEG DCT scaling), in stored orientation.
    raster: Raster,
    /// Size of the original, as stored.
    width: u32,
    height: u32,
    /// Raw EXIF, starting at the TIFF header.
    exif: Option<Vec<u8>>,
}

fn decode_jpeg(bytes: &[u8], limits: &Limits) -> Result<Decoded, IngestError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(corrupt)?;
    let info = decoder.info().ok_or_else(|| corrupt("no frame header"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_pixels(width, height, limits)?;
    decoder
        .set_max_decoding_buffer_size(usize::try_from(alloc_limit(limits)).unwrap_or(usize::MAX));
    // Decode at 1/2, 1/4 or 1/8 scale where that still covers the display size: most of the
    // work of shrinking happens in the inverse DCT, almost for free.
    let (want_w, want_h) = fit(width, height, DISPLAY_EDGE);
    let (scaled_w, scaled_h) = decoder
        .scale(u16::try_from(want_w).unwrap_or(u16::MAX), u16::try_from(want_h).unwrap_or(u16::MAX))
        .map_err(corrupt)?;
    let pixels = decoder.decode().map_err(corrupt)?;
    let format = decoder.info().ok_or_else(|| corrupt("no frame header"))?.pixel_format;
    let pixels = match format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::CMYK32 => pixels.chunks_exact(4).flat_map(cmyk_to_rgb).collect(),
        jpeg_decoder::PixelFormat::L16 => return Err(IngestError::Unsupported),
    };
    let (scaled_w, scaled_h) = (u32::from(scaled_w), u32::from(scaled_h));
    if pixels.len() != scaled_w as usize * scaled_h as usize * 3 {
        return Err(corrupt("decoded size does not match the header"));
    }
    Ok(Decoded {
        raster: Raster { width: scaled_w, height: scaled_h, channels: 3, pixels },
        width,
        height,
        exif: decoder.exif_data().map(<[u8]>::to_vec),
    })
}

/// `jpeg-decoder` hands out CMYK already un-inverted (Adobe's convention is handled there).
fn cmyk_to_rgb(p: &[u8]) -> [u8; 3] {
    let k = 255 - u16::from(p[3]);
    let channel = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
    [channel(p[0]), channel(p[1]), channel(p[2])]
}

fn decode_with_image(
    mut decoder: impl ImageDecoder,
    limits: &Limits,
) -> Result<Decoded, IngestError> {
    let (width, height) = decoder.dimensions();
    check_pixels(width, height, limits)?;
    let mut image_limits = header_limits(limits);
    image_limits.max_image_width = Some(MAX_SIDE);
    image_limits.max_image_height = Some(MAX_SIDE);
    let too_large = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => IngestError::TooManyPixels { width, height },
        e => corrupt(e),
    };
    decoder.set_limits(image_limits).map_err(too_large)?;
    // Metadata is a bonus: a damaged EXIF chunk must not cost the photo.
    let exif = decoder.exif_metadata().ok().flatten();
    let alpha = decoder.color_type().has_alpha();
    let image = image::DynamicImage::from_decoder(decoder).map_err(too_large)?;
    let raster = if alpha {
        Raster { width, height, channels: 4, pixels: image.into_rgba8().into_raw() }
    } else {
        Raster { width, height, channels: 3, pixels: image.into_rgb8().into_raw() }
    };
    Ok(Decoded { raster, width, height, exif })
}

/// WebP through `image-webp` itself: `image`'s wrapper does not pass its allocation limit on,
/// and the decoder then allocates a metadata chunk at whatever size the file declares (4 GB from
/// a 500-byte upload) before reading it.
fn decode_webp(bytes: &[u8], limits: &Limits) -> Result<Decoded, IngestError> {
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    decoder.set_memory_limit(usize::try_from(alloc_limit(limits)).unwrap_or(usize::MAX));
    let (width, height) = decoder.dimensions();
    check_pixels(width, height, limits)?;
    // Metadata is a bonus: a damaged or oversized EXIF chunk must not cost the photo.
    let exif = decoder.exif_metadata().ok().flatten();
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let size = decoder.output_buffer_size().ok_or(IngestError::TooManyPixels { width, height })?;
    let mut pixels = vec![0; size];
    decoder.read_image(&mut pixels).map_err(corrupt)?;
    Ok(Decoded { raster: Raster { width, height, channels, pixels }, width, height, exif })
}

#[derive(Debug, Default)]
struct ExifInfo {
    orientation: u8,
    taken_at: Option<NaiveDateTime>,
    gps: Option<(f64, f64)>,
}

fn read_exif(raw: Option<&[u8]>) -> ExifInfo {
    let none = ExifInfo { orientation: 1, ..ExifInfo::default() };
    let Some(raw) = raw else { return none };
    // Some WebP writers keep the JPEG "Exif\0\0" prefix inside their EXIF chunk.
    let raw = raw.strip_prefix(b"Exif\0\0").unwrap_or(raw);
    let parsed = exif::Reader::new()
        .continue_on_error(true)
        .read_raw(raw.to_vec())
        .or_else(|e| e.distill_partial_result(|_| {}));
    let Ok(exif) = parsed else { return none };
    let field = |tag| exif.get_field(tag, exif::In::PRIMARY).map(|f| &f.value);
    let orientation = field(exif::Tag::Orientation)
        .and_then(|v| v.get_uint(0))
        .and_then(|o| u8::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1);
    let taken_at = match field(exif::Tag::DateTimeOriginal) {
        Some(exif::Value::Ascii(text)) => text.first().and_then(|t| parse_exif_time(t)),
        _ => None,
    };
    let degrees = |tag, reference, negative: u8| {
        let exif::Value::Rational(parts) = field(tag)? else { return None };
        let value = parts.iter().zip([1.0, 60.0, 3600.0]).map(|(p, d)| p.to_f64() / d).sum::<f64>();
        let sign = match field(reference) {
            Some(exif::Value::Ascii(r)) if r.first().and_then(|r| r.first()) == Some(&negative) => {
                -1.0
            }
            _ => 1.0,
        };
        Some(value * sign).filter(|v| v.is_finite())
    };
    let gps = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b'S')
        .zip(degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b'W'))
        // 0,0 is what some phones write without a fix; no school is there.
        .filter(|&(lat, lng)| lat.abs() <= 90.0 && lng.abs() <= 180.0 && (lat, lng) != (0.0, 0.0));
    ExifInfo { orientation, taken_at, gps }
}

/// What [`read_exif`] keeps, for the `exif` fuzz target (the EXIF reader is otherwise reached
/// only through a decoded image): orientation, time taken, position.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn fuzz_read_exif(raw: &[u8]) -> (u8, Option<NaiveDateTime>, Option<(f64, f64)>) {
    let info = read_exif(Some(raw));
    (info.orientation, info.taken_at, info.gps)
}

fn parse_exif_time(text: &[u8]) -> Option<NaiveDateTime> {
    let t = exif::DateTime::from_ascii(text).ok()?;
    NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day))?.and_hms_opt(
        u32::from(t.hour),
        u32::from(t.minute),
        u32::from(t.second),
    )
}

/// The size with the long edge at most `edge`, keeping the aspect ratio; never larger.
fn fit(width: u32, height: u32, edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= edge {
        return (width, height);
    }
    let short = |side: u32| {
        ((f64::from(side) * f64::from(edge) / f64::from(long)).round() as u32).clamp(1, edge)
    };
    if width >= height { (edge, short(height)) } else { (short(width), edge) }
}

fn resize_owned(src: Raster, width: u32, height: u32) -> Result<Raster, IngestError> {
    if (src.width, src.height) == (width, height) {
        return Ok(src);
    }
    resize(&src, width, height)
}

/// Lanczos3 in sRGB (as browsers and vips do), alpha-aware for RGBA.
fn resize(src: &Raster, width: u32, height: u32) -> Result<Raster, IngestError> {
    let pixel_type = src.pixel_type();
    let from = fr::images::ImageRef::new(src.width, src.height, &src.pixels, pixel_type)
        .map_err(corrupt)?;
    let mut to = fr::images::Image::new(width, height, pixel_type);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new().resize(&from, &mut to, &options).map_err(corrupt)?;
    Ok(Raster { width, height, channels: src.channels, pixels: to.into_vec() })
}

/// RGBA composited onto white (transparent screenshots stay readable); RGB as it is.
fn flatten(src: Raster) -> Raster {
    if src.channels != 4 {
        return src;
    }
    let pixels = src
        .pixels
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [over_white(p[0]), over_white(p[1]), over_white(p[2])]
        })
        .collect();
    Raster { width: src.width, height: src.height, channels: 3, pixels }
}

/// Applies EXIF orientation `o` (1–8) to an RGB raster, giving the upright image.
fn orient(src: Raster, o: u8) -> Raster {
    let (w, h) = (src.width as isize, src.height as isize);
    // Source pixel of upright (x, y) = start + x·step_x + y·step_y, counted in pixels.
    let (start, step_x, step_y) = match o {
        2 => (w - 1, -1, w),
        3 => (h * w - 1, -1, -w),
        4 => ((h - 1) * w, 1, -w),
        5 => (0, w, 1),
        6 => ((h - 1) * w, -w, 1),
        7 => (h * w - 1, -w, -1),
        8 => (w - 1, w, -1),
        _ => return src,
    };
    let (out_w, out_h) = if o >= 5 { (src.height, src.width) } else { (src.width, src.height) };
    let mut pixels = Vec::with_capacity(src.pixels.len());
    for y in 0..out_h as isize {
        let mut at = start + y * step_y;
        for _ in 0..out_w {
            let i = at as usize * 3;
            pixels.extend_from_slice(&src.pixels[i..i + 3]);
            at += step_x;
        }
    }
    Raster { width: out_w, height: out_h, channels: 3, pixels }
}

/// Baseline JPEG, 4:2:0 with averaged chroma (as libjpeg), JFIF header only: no EXIF, so no
/// GPS position leaves the server in a copy.
fn encode(src: &Raster) -> Result<Vec<u8>, IngestError> {
    let (Ok(width), Ok(height)) = (u16::try_from(src.width), u16::try_from(src.height)) else {
        return Err(corrupt("output too large for JPEG"));
    };
    let mut out = Vec::with_capacity(src.pixels.len() / 10);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    encoder.encode(&src.pixels, width, height, jpeg_encoder::ColorType::Rgb).map_err(corrupt)?;
    Ok(out)
}

/// Draws the caption band: a dark translucent strip across the bottom with white text, like a
/// watermark camera. Skipped when the image is too small to carry it.
fn burn_caption(img: &mut Raster, caption: &Caption, font: &FontData) {
    let lines: Vec<&str> = caption
        .lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .take(MAX_CAPTION_LINES)
        .collect();
    if lines.is_empty() {
        return;
    }
    font.db.with_face_data(font.id, |data, index| {
        if let Ok(face) = FontRef::try_from_slice_and_index(data, index) {
            draw_band(img, &lines, &face);
        }
    });
}

fn draw_band(img: &mut Raster, lines: &[&str], font: &FontRef<'_>) {
    let (w, h) = (img.width as f32, img.height as f32);
    let mut size = (w.min(h) * 0.036).max(10.0);
    let pad = size * 0.6;
    let widest = lines.iter().map(|line| line_width(font, size, line)).fold(0.0, f32::max);
    if widest > w - 2.0 * pad {
        size *= (w - 2.0 * pad) / widest;
    }
    let scaled = font.as_scaled(PxScale::from(size));
    let line_height = size * 1.3;
    let band = (pad * 2.0 + line_height * lines.len() as f32).ceil();
    if size < 8.0 || band > h / 3.0 {
        return;
    }
    let top = img.height - band as u32;
    let row = img.width as usize * 3;
    // About 55 % black over the photo.
    for v in &mut img.pixels[top as usize * row..] {
        *v = (u16::from(*v) * 115 / 256) as u8;
    }
    for (i, line) in lines.iter().enumerate() {
        let baseline = top as f32
            + pad
            + line_height * i as f32
            + (line_height - size) / 2.0
            + scaled.ascent();
        let mut x = pad;
        let mut previous = None;
        for c in line.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                x += scaled.kern(previous, id);
            }
            previous = Some(id);
            let glyph = id.with_scale_and_position(size, point(x, baseline));
            x += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph).filter(|_| id != GlyphId(0)) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px < 0 || py < 0 || px >= i64::from(img.width) || py >= i64::from(img.height) {
                    return;
                }
                let at = py as usize * row + px as usize * 3;
                for v in &mut img.pixels[at..at + 3] {
                    *v = (f32::from(*v) + (255.0 - f32::from(*v)) * coverage.min(1.0)) as u8;
                }
            });
        }
    }
}

fn line_width(font: &FontRef<'_>, size: f32, line: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut previous: Option<GlyphId> = None;
    line.chars()
        .map(|c| {
            let id = scaled.glyph_id(c);
            let kern = previous.map_or(0.0, |p| scaled.kern(p, id));
            previous = Some(id);
            kern + scaled.h_advance(id)
        })
        .sum()
}

/// Synthetic photos for the tests and the `photobench` benchmark: JPEGs with a hand-built EXIF
/// APP1 segment, and deterministic noise-and-gradient pictures.
pub mod samples {
    /// EXIF fields to write.
    #[derive(Debug, Clone, Default)]
    pub struct ExifSpec<'a> {
        pub orientation: Option<u16>,
        /// "YYYY:MM:DD HH:MM:SS"
        pub taken_at: Option<&'a str>,
        /// Latitude, longitude in decimal degrees.
        pub gps: Option<(f64, f64)>,
    }

    struct Entry {
        tag: u16,
        kind: u16,
        count: u32,
        data: Vec<u8>,
    }

    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;

    fn ascii(tag: u16, text: &str) -> Entry {
        let mut data = text.as_bytes().to_vec();
        data.push(0);
        Entry { tag, kind: ASCII, count: data.len() as u32, data }
    }

    fn degrees(tag: u16, value: f64) -> Entry {
        let value = value.abs();
        let whole = value.trunc();
        let minutes = ((value - whole) * 60.0).trunc();
        let seconds = ((value - whole) * 60.0 - minutes) * 60.0;
        let mut data = Vec::new();
        for (n, d) in [(whole as u32, 1u32), (minutes as u32, 1), ((seconds * 1e4) as u32, 10_000)]
        {
            data.extend(n.to_be_bytes());
            data.extend(d.to_be_bytes());
        }
        Entry { tag, kind: RATIONAL, count: 3, data }
    }

    /// One IFD placed at `offset`, its out-of-line values right after it.
    fn ifd(entries: &[Entry], offset: u32) -> Vec<u8> {
        let table = 2 + 12 * entries.len() as u32 + 4;
        let mut out = (entries.len() as u16).to_be_bytes().to_vec();
        let mut extra = Vec::new();
        for e in entries {
            out.extend(e.tag.to_be_bytes());
            out.extend(e.kind.to_be_bytes());
            out.extend(e.count.to_be_bytes());
            if e.data.len() <= 4 {
                let mut inline = e.data.clone();
                inline.resize(4, 0);
                out.extend(inline);
            } else {
                out.extend((offset + table + extra.len() as u32).to_be_bytes());
                extra.extend(&e.data);
                if extra.len() % 2 == 1 {
                    extra.push(0);
                }
            }
        }
        out.extend(0u32.to_be_bytes());
        out.extend(extra);
        out
    }

    /// A big-endian TIFF structure as found in an APP1 segment after "Exif\0\0".
    pub fn exif_tiff(spec: &ExifSpec<'_>) -> Vec<u8> {
        let exif_ifd: Vec<Entry> = spec.taken_at.iter().map(|t| ascii(0x9003, t)).collect();
        let gps_ifd: Vec<Entry> = spec
            .gps
            .iter()
            .flat_map(|&(lat, lng)| {
                [
                    ascii(1, if lat < 0.0 { "S" } else { "N" }),
                    degrees(2, lat),
                    ascii(3, if lng < 0.0 { "W" } else { "E" }),
                    degrees(4, lng),
                ]
            })
            .collect();
        let ifd0 = |exif_at: u32, gps_at: u32| {
            let mut entries = Vec::new();
            if let Some(o) = spec.orientation {
                entries.push(Entry {
                    tag: 0x0112,
                    kind: SHORT,
                    count: 1,
                    data: o.to_be_bytes().into(),
                });
            }
            if !exif_ifd.is_empty() {
                entries.push(Entry {
                    tag: 0x8769,
                    kind: LONG,
                    count: 1,
                    data: exif_at.to_be_bytes().into(),
                });
            }
            if !gps_ifd.is_empty() {
                entries.push(Entry {
                    tag: 0x8825,
                    kind: LONG,
                    count: 1,
                    data: gps_at.to_be_bytes().into(),
                });
            }
            ifd(&entries, 8)
        };
        let exif_at = 8 + ifd0(0, 0).len() as u32;
        let exif_bytes = ifd(&exif_ifd, exif_at);
        let gps_at = exif_at + exif_bytes.len() as u32;
        let mut out = b"MM\0\x2a\0\0\0\x08".to_vec();
        out.extend(ifd0(exif_at, gps_at));
        if !exif_ifd.is_empty() {
            out.extend(exif_bytes);
        }
        if !gps_ifd.is_empty() {
            out.extend(ifd(&gps_ifd, gps_at));
        }
        out
    }

    /// Encodes RGB pixels as a phone would (4:2:0), with an EXIF APP1 segment when given.
    pub fn jpeg(rgb: &[u8], width: u16, height: u16, quality: u8, exif: Option<&[u8]>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
        if let Some(tiff) = exif {
            let mut segment = b"Exif\0\0".to_vec();
            segment.extend_from_slice(tiff);
            encoder.add_app_segment(1, segment).expect("EXIF segment under 64 KiB");
        }
        encoder
            .encode(rgb, width, height, jpeg_encoder::ColorType::Rgb)
            .expect("buffer matches the size");
        out
    }

    /// A deterministic picture: smooth colour gradients, a few flat shapes and fine grain, so it
    /// compresses about as well as a phone photo (a few MB at 12 MP, quality 90).
    pub fn noise_photo(width: u32, height: u32, seed: u64) -> Vec<u8> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            // xorshift64*: tiny, fast and the same everywhere.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let shapes: Vec<(u32, u32, u32, [u8; 3])> = (0..12)
            .map(|_| {
                let r = next();
                let cx = (r % u64::from(width)) as u32;
                let cy = ((r >> 20) % u64::from(height)) as u32;
                let radius = ((r >> 40) % u64::from(height / 4)) as u32 + 20;
                let c = next().to_le_bytes();
                (cx, cy, radius, [c[0], c[1], c[2]])
            })
            .collect();
        let mut out = Vec::with_capacity(width as usize * height as usize * 3);
        let mut grain = 0u64;
        for y in 0..height {
            for x in 0..width {
                let mut p = [
                    (x * 255 / width) as i32,
                    (y * 255 / height) as i32,
                    ((x + y) * 255 / (width + height)) as i32,
                ];
                for &(cx, cy, radius, colour) in &shapes {
                    let (dx, dy) = (x.abs_diff(cx), y.abs_diff(cy));
                    if dx < radius && dy < radius && dx * dx + dy * dy < radius * radius {
                        p = colour.map(i32::from);
                    }
                }
                if x % 8 == 0 {
                    grain = next();
                }
                let g = ((grain >> ((x % 8) * 8)) & 0x1F) as i32 - 16;
                out.extend(p.map(|c| (c + g).clamp(0, 255) as u8));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{ExifSpec, exif_tiff, jpeg};
    use super::*;
    use std::time::Instant;

    fn solid(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
        rgb.repeat(width as usize * height as usize)
    }

    fn decode(jpeg: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut d = jpeg_decoder::Decoder::new(jpeg);
        let pixels = d.decode().unwrap();
        let info = d.info().unwrap();
        assert_eq!(info.pixel_format, jpeg_decoder::PixelFormat::RGB24);
        (u32::from(info.width), u32::from(info.height), pixels)
    }

    /// Width and height from the header alone (a full decode is slow in debug builds).
    fn dims(jpeg: &[u8]) -> (u32, u32) {
        let mut d = jpeg_decoder::Decoder::new(jpeg);
        d.read_info().unwrap();
        let info = d.info().unwrap();
        (u32::from(info.width), u32::from(info.height))
    }

    fn has_exif(jpeg: &[u8]) -> bool {
        jpeg.windows(10).any(|w| w[..2] == [0xFF, 0xE1] && &w[4..10] == b"Exif\0\0")
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }

    #[test]
    fn sniff_recognises_formats_by_magic_bytes() {
        let jpeg = jpeg(&solid(8, 8, [9, 9, 9]), 8, 8, 80, None);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png_chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        let webp = b"RIFF\x24\0\0\0WEBPVP8L".to_vec();
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        let heif = b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic".to_vec();
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf".to_vec();
        let zip = b"PK\x03\x04\x14\0\0\0\x08\0photo.jpg".to_vec();
        let cases: [(&str, &[u8], Result<Format, &str>); 9] = [
            ("jpeg", &jpeg, Ok(Format::Jpeg)),
            ("png", &png, Ok(Format::Png)),
            ("webp", &webp, Ok(Format::WebP)),
            ("heic", &heic, Err("heic")),
            ("heif", &heif, Err("heic")),
            ("avif", &avif, Err("unsupported")),
            ("zip renamed .jpg", &zip, Err("unsupported")),
            ("empty", b"", Err("unsupported")),
            ("text", b"<html>not an image</html>", Err("unsupported")),
        ];
        for (name, bytes, expected) in cases {
            let got = sniff(bytes).map_err(|e| match e {
                IngestError::Heic => "heic",
                IngestError::Unsupported => "unsupported",
                _ => "other",
            });
            assert_eq!(got, expected, "case {name}");
        }
    }

    #[test]
    fn every_exif_orientation_comes_out_upright() {
        // Upright: 96×48, red | green over blue | yellow.
        const RED: [u8; 3] = [220, 30, 30];
        const GREEN: [u8; 3] = [30, 200, 30];
        const BLUE: [u8; 3] = [30, 30, 220];
        const YELLOW: [u8; 3] = [230, 230, 40];
        let (uw, uh) = (96u32, 48u32);
        let upright = |x: u32, y: u32| match (x < uw / 2, y < uh / 2) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => YELLOW,
        };
        for orientation in 1..=8u16 {
            // Stored pixels from the TIFF definition of each tag ("row 0 is the visual …"),
            // written independently of `orient`.
            let (sw, sh) = if orientation >= 5 { (uh, uw) } else { (uw, uh) };
            let mut stored = Vec::new();
            for sy in 0..sh {
                for sx in 0..sw {
                    stored.extend(match orientation {
                        1 => upright(sx, sy),
                        2 => upright(uw - 1 - sx, sy),
                        3 => upright(uw - 1 - sx, uh - 1 - sy),
                        4 => upright(sx, uh - 1 - sy),
                        5 => upright(sy, sx),
                        6 => upright(uw - 1 - sy, sx),
                        7 => upright(uw - 1 - sy, uh - 1 - sx),
                        _ => upright(sy, uh - 1 - sx),
                    });
                }
            }
            let tiff =
                exif_tiff(&ExifSpec { orientation: Some(orientation), ..ExifSpec::default() });
            let input = jpeg(&stored, sw as u16, sh as u16, 95, Some(&tiff));
            let out = process(&input, &Limits::default(), None, None).unwrap();
            assert_eq!(out.meta.orientation, orientation as u8, "orientation {orientation}");
            assert_eq!((out.meta.width, out.meta.height), (uw, uh), "orientation {orientation}");
            let (w, h, pixels) = decode(&out.display_jpeg);
            assert_eq!((w, h), (uw, uh), "display size, orientation {orientation}");
            for (x, y) in [
                (uw / 4, uh / 4),
                (3 * uw / 4, uh / 4),
                (uw / 4, 3 * uh / 4),
                (3 * uw / 4, 3 * uh / 4),
            ] {
                let i = (y * w + x) as usize * 3;
                let got = &pixels[i..i + 3];
                let want = upright(x, y);
                let distance: i32 =
                    got.iter().zip(want).map(|(&g, w)| (i32::from(g) - i32::from(w)).abs()).sum();
                assert!(
                    distance < 60,
                    "orientation {orientation}: at ({x},{y}) {got:?}, want {want:?}"
                );
            }
        }
    }

    #[test]
    fn a_png_pixel_bomb_is_refused_from_its_header() {
        let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = 30_000u32.to_be_bytes().to_vec();
        ihdr.extend(30_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        png_chunk(&mut bomb, b"IHDR", &ihdr);
        png_chunk(&mut bomb, b"IDAT", &[0; 2048]);
        png_chunk(&mut bomb, b"IEND", &[]);
        assert!(bomb.len() < 4096);
        let started = Instant::now();
        let result = process(&bomb, &Limits::default(), None, None);
        assert!(
            matches!(result, Err(IngestError::TooManyPixels { width: 30_000, height: 30_000 })),
            "{result:?}"
        );
        // Not a timing assertion, just a note: decoding 2.7 GB would take far longer.
        println!("refused in {:?}", started.elapsed());
    }

    #[test]
    fn a_jpeg_pixel_bomb_is_refused_from_its_header() {
        let mut bomb = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8];
        bomb.extend(60_000u16.to_be_bytes());
        bomb.extend(60_000u16.to_be_bytes());
        bomb.extend([3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0, 0xFF, 0xD9]);
        let result = process(&bomb, &Limits::default(), None, None);
        assert!(
            matches!(result, Err(IngestError::TooManyPixels { width: 60_000, height: 60_000 })),
            "{result:?}"
        );
        let small = Limits { max_pixels: 1_000 };
        let photo = jpeg(&solid(40, 30, [1, 2, 3]), 40, 30, 80, None);
        assert!(matches!(
            process(&photo, &small, None, None),
            Err(IngestError::TooManyPixels { .. })
        ));
    }

    #[test]
    fn a_webp_exif_chunk_is_read_within_the_allocation_budget() {
        // Found by fuzzing: a WebP of a few hundred bytes declaring a 4 GB EXIF chunk made the
        // decoder allocate the declared size before reading a byte of it.
        let mut tiff = exif_tiff(&ExifSpec { orientation: Some(6), ..ExifSpec::default() });
        tiff.resize(600, 0);
        let mut webp = Vec::new();
        let mut encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut webp);
        image::ImageEncoder::set_exif_metadata(&mut encoder, tiff).expect("WebP carries EXIF");
        encoder
            .encode(&solid(4, 4, [10, 20, 30]), 4, 4, image::ExtendedColorType::Rgb8)
            .expect("a 4×4 WebP");
        let read = |bytes: &[u8], limits: &Limits| {
            process(bytes, limits, None, None).map(|out| out.meta.orientation)
        };
        assert_eq!(read(&webp, &Limits::default()).expect("a valid WebP"), 6, "EXIF is read");
        // 64 pixels allow 512 bytes: the 600-byte chunk is skipped, the photo kept.
        let small = Limits { max_pixels: 64 };
        assert_eq!(read(&webp, &small).expect("a valid WebP"), 1, "EXIF over the budget");

        let at = webp.windows(4).position(|w| w == b"EXIF").expect("an EXIF chunk") + 4;
        webp[at..at + 4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        assert_eq!(read(&webp, &Limits::default()).expect("pixels intact"), 1, "4 GB chunk");
    }

    #[test]
    fn a_truncated_jpeg_is_corrupt() {
        let photo = jpeg(&solid(64, 64, [50, 60, 70]), 64, 64, 80, None);
        let result = process(&photo[..40], &Limits::default(), None, None);
        assert!(matches!(result, Err(IngestError::Corrupt(_))), "{result:?}");
    }

    #[test]
    fn grayscale_cmyk_and_progressive_jpegs_are_decoded() {
        let encode = |pixels: &[u8], colour, progressive| {
            let mut out = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, 95);
            encoder.set_progressive(progressive);
            encoder.encode(pixels, 64, 48, colour).unwrap();
            out
        };
        let cases = [
            (
                "grayscale",
                encode(&[90; 64 * 48], jpeg_encoder::ColorType::Luma, false),
                [90u8, 90, 90],
            ),
            (
                "cmyk",
                encode(&[0, 255, 255, 0].repeat(64 * 48), jpeg_encoder::ColorType::Cmyk, false),
                [255, 0, 0],
            ),
            (
                "progressive",
                encode(&solid(64, 48, [40, 160, 90]), jpeg_encoder::ColorType::Rgb, true),
                [40, 160, 90],
            ),
        ];
        for (name, input, want) in cases {
            let out = process(&input, &Limits::default(), None, None).unwrap();
            let (w, h, pixels) = decode(&out.display_jpeg);
            assert_eq!((w, h), (64, 48), "{name}");
            let got = &pixels[(24 * 64 + 32) * 3..][..3];
            let distance: i32 =
                got.iter().zip(want).map(|(&g, w)| (i32::from(g) - i32::from(w)).abs()).sum();
            assert!(distance < 30, "{name}: got {got:?}, want {want:?}");
        }
    }

    #[test]
    fn metadata_is_read_but_never_written() {
        let tiff = exif_tiff(&ExifSpec {
            orientation: Some(1),
            taken_at: Some("2026:11:28 09:41:07"),
            gps: Some((27.7241, -106.9253)),
        });
        let input = jpeg(&solid(400, 300, [90, 120, 150]), 400, 300, 90, Some(&tiff));
        assert!(has_exif(&input));
        let out = process(&input, &Limits::default(), None, None).unwrap();
        let expected = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(9, 41, 7);
        assert_eq!(out.meta.taken_at, expected);
        let (lat, lng) = out.meta.gps.unwrap();
        assert!((lat - 27.7241).abs() < 1e-5 && (lng + 106.9253).abs() < 1e-5, "{lat},{lng}");
        assert_eq!(out.meta.format, Format::Jpeg);
        assert!(!has_exif(&out.display_jpeg), "display copy has EXIF");
        assert!(!has_exif(&out.thumb_jpeg), "thumbnail has EXIF");
        assert!(!out.display_jpeg.windows(2).any(|w| w == [0xFF, 0xE1]), "display has APP1");
    }

    #[test]
    fn display_is_1600_and_thumb_320_on_the_long_edge() {
        let cases = [
            ("4:3 landscape", 1680u32, 1260u32, None, (1600, 1200), (320, 240)),
            // Thin strips keep the debug-build test quick while still going through DCT scaling.
            ("landscape", 3400, 200, None, (1600, 94), (320, 19)),
            ("portrait", 200, 3400, None, (94, 1600), (19, 320)),
            ("turned by EXIF", 3400, 200, Some(6), (94, 1600), (19, 320)),
            ("small, not upscaled", 800, 600, None, (800, 600), (320, 240)),
            ("tiny, not upscaled", 200, 100, None, (200, 100), (200, 100)),
        ];
        for (name, w, h, orientation, display, thumb) in cases {
            let tiff = exif_tiff(&ExifSpec { orientation, ..ExifSpec::default() });
            let input = jpeg(&solid(w, h, [100, 150, 200]), w as u16, h as u16, 85, Some(&tiff));
            let out = process(&input, &Limits::default(), None, None).unwrap();
            assert_eq!(dims(&out.display_jpeg), display, "display, case {name}");
            assert_eq!(dims(&out.thumb_jpeg), thumb, "thumbnail, case {name}");
        }
    }

    #[test]
    fn png_and_webp_are_accepted_and_transparency_becomes_white() {
        let (w, h) = (160u32, 80u32);
        let mut rgba = Vec::new();
        for x in 0..w * h {
            rgba.extend(if x % w < w / 2 { [200, 0, 0, 255] } else { [0, 0, 0, 0] });
        }
        let mut png = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut png),
            &rgba,
            w,
            h,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .encode(&rgba, w, h, image::ExtendedColorType::Rgba8)
            .unwrap();
        for (name, bytes, format) in [("png", png, Format::Png), ("webp", webp, Format::WebP)] {
            let out = process(&bytes, &Limits::default(), None, None).unwrap();
            assert_eq!(out.meta.format, format, "{name}");
            let (dw, dh, pixels) = decode(&out.display_jpeg);
            assert_eq!((dw, dh), (w, h), "{name}");
            let at = |x: u32, y: u32| &pixels[(y * dw + x) as usize * 3..][..3];
            assert!(at(w / 4, h / 2)[0] > 170 && at(w / 4, h / 2)[1] < 40, "{name}: red side");
            assert!(at(3 * w / 4, h / 2).iter().all(|&c| c > 235), "{name}: transparent side");
        }
    }

    #[test]
    fn the_caption_band_darkens_the_bottom_of_the_display_copy() {
        let Some(font) = FontData::load_default() else {
            println!("note: no CJK font installed (fonts-noto-cjk); caption test skipped");
            return;
        };
        let caption = Caption {
            lines: vec!["白榆县实验小学".into(), "2026年11月28日 09:41 · 李建国".into()],
        };
        let input = jpeg(&solid(1000, 750, [128, 128, 128]), 1000, 750, 90, None);
        let plain = process(&input, &Limits::default(), Some(&caption), None).unwrap();
        let captioned = process(&input, &Limits::default(), Some(&caption), Some(&font)).unwrap();
        let (w, h, plain) = decode(&plain.display_jpeg);
        let (_, _, with_band) = decode(&captioned.display_jpeg);
        let mean = |pixels: &[u8], rows: std::ops::Range<u32>| {
            let slice = &pixels[(rows.start * w * 3) as usize..(rows.end * w * 3) as usize];
            slice.iter().map(|&v| f64::from(v)).sum::<f64>() / slice.len() as f64
        };
        let bottom = h - 20..h;
        assert!(
            mean(&with_band, bottom.clone()) < mean(&plain, bottom.clone()) - 30.0,
            "band is not darker: {} vs {}",
            mean(&with_band, bottom.clone()),
            mean(&plain, bottom)
        );
        assert!((mean(&with_band, 0..100) - mean(&plain, 0..100)).abs() < 1.0, "top changed");
        // Text: somewhere in the band there are near-white pixels.
        let band = &with_band[((h - 100) * w * 3) as usize..];
        assert!(band.iter().any(|&v| v > 230), "no white text in the band");
    }

    #[test]
    fn fonts_prefer_the_simplified_chinese_face_of_a_collection() {
        let Some(font) = FontData::load_default() else {
            println!("note: no CJK font installed (fonts-noto-cjk); font test skipped");
            return;
        };
        println!("caption font: {}", font.family());
        if font.family().starts_with("Noto Sans CJK") {
            assert_eq!(font.family(), "Noto Sans CJK SC");
        }
        assert!(FontData::load("/nonexistent/font.ttc").is_err());
    }
}
