//! Writes the seed corpus of the fuzz targets: tiny valid JPEGs (baseline with EXIF orientation,
//! time and GPS in both byte orders, progressive, grayscale, CMYK, 4:4:4 with restart markers),
//! PNGs and lossless WebPs (with and without alpha and EXIF), raw EXIF TIFF structures, and
//! truncated copies. Deterministic, so a rerun changes nothing.
//!
//! `cargo run -p ingest --example fuzz_seeds -- fuzz/corpus`
#![forbid(unsafe_code)]

use std::error::Error;
use std::path::Path;

use image::{ExtendedColorType, ImageEncoder};
use ingest::samples::{ExifSpec, exif_tiff, jpeg};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let out = std::env::args().nth(1).ok_or("usage: fuzz_seeds CORPUS_DIR")?;
    let out = Path::new(&out);

    let full = ExifSpec {
        orientation: Some(6),
        taken_at: Some("2026:11:28 09:41:07"),
        gps: Some((27.7241, 106.9253)),
    };
    let south_west = ExifSpec {
        orientation: Some(3),
        taken_at: Some("2025:02:29 25:61:61"),
        gps: Some((-33.8688, -151.2093)),
    };
    let tiffs = [
        ("exif-full-be", exif_tiff(&full)),
        ("exif-full-le", little_endian(&exif_tiff(&full))?),
        ("exif-sw-invalid-date-le", little_endian(&exif_tiff(&south_west))?),
        (
            "exif-orientation-8",
            exif_tiff(&ExifSpec { orientation: Some(8), ..ExifSpec::default() }),
        ),
        ("exif-gps-only", exif_tiff(&ExifSpec { gps: Some((0.5, 0.5)), ..ExifSpec::default() })),
    ];

    let mut images: Vec<(String, Vec<u8>)> = Vec::new();
    let rgb = gradient(24, 16);
    images.push(("jpeg-plain.jpg".into(), jpeg(&rgb, 24, 16, 80, None)));
    for (name, tiff) in &tiffs {
        images.push((format!("jpeg-{name}.jpg"), jpeg(&gradient(16, 24), 16, 24, 80, Some(tiff))));
    }
    images.push(("jpeg-progressive.jpg".into(), jpeg_with(&rgb, |e| e.set_progressive(true))?));
    images.push((
        "jpeg-444-restart.jpg".into(),
        jpeg_with(&rgb, |e| {
            e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
            e.set_restart_interval(1);
        })?,
    ));
    images
        .push(("jpeg-gray.jpg".into(), raw_jpeg(&[128; 24 * 16], jpeg_encoder::ColorType::Luma)?));
    images.push((
        "jpeg-cmyk.jpg".into(),
        raw_jpeg(&[0, 200, 255, 30].repeat(24 * 16), jpeg_encoder::ColorType::Cmyk)?,
    ));

    let rgba: Vec<u8> = rgb
        .chunks_exact(3)
        .enumerate()
        .flat_map(|(i, p)| [p[0], p[1], p[2], (i * 11) as u8])
        .collect();
    let exif = exif_tiff(&full);
    for (name, pixels, colour, exif) in [
        ("rgb", &rgb, ExtendedColorType::Rgb8, None),
        ("rgba-exif", &rgba, ExtendedColorType::Rgba8, Some(&exif)),
    ] {
        let mut png = Vec::new();
        write(image::codecs::png::PngEncoder::new(&mut png), pixels, colour, exif)?;
        images.push((format!("png-{name}.png"), png));
        let mut webp = Vec::new();
        write(image::codecs::webp::WebPEncoder::new_lossless(&mut webp), pixels, colour, exif)?;
        images.push((format!("webp-lossless-{name}.webp"), webp));
    }
    let gray16: Vec<u8> = (0..24 * 16u16).flat_map(|v| (v * 170).to_be_bytes()).collect();
    let mut png = Vec::new();
    write(image::codecs::png::PngEncoder::new(&mut png), &gray16, ExtendedColorType::L16, None)?;
    images.push(("png-gray16.png".into(), png));

    // Cut inside the header, inside the metadata and inside the pixel data.
    let truncated: Vec<(String, Vec<u8>)> = images
        .iter()
        .filter(|(name, _)| {
            name.ends_with("plain.jpg")
                || name.contains("exif-full-be")
                || name.contains("-rgba-exif")
        })
        .flat_map(|(name, bytes)| {
            [(5, 20), (1, 3), (2, 3)].map(|(num, den)| {
                let cut = bytes.len() * num / den;
                (format!("truncated-{cut}-{name}"), bytes[..cut].to_vec())
            })
        })
        .collect();
    images.extend(truncated);
    // Refused from the first bytes (HEIC is named apart; AVIF shares its container).
    images.push(("heic.heic".into(), b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec()));
    images.push(("avif.avif".into(), b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf".to_vec()));

    for target in ["sniff", "ingest"] {
        write_all(&out.join(target), &images)?;
    }
    let mut raw: Vec<(String, Vec<u8>)> =
        tiffs.iter().map(|(name, tiff)| (format!("{name}.tiff"), tiff.clone())).collect();
    raw.push(("exif-prefixed.tiff".into(), [b"Exif\0\0".as_slice(), &exif].concat()));
    raw.push(("truncated-exif.tiff".into(), exif[..exif.len() / 2].to_vec()));
    write_all(&out.join("exif"), &raw)?;
    let captions: [(&str, &[u8]); 4] = [
        ("caption-two-lines", "\0白榆县实验小学\n2026-11-28 09:41 · 李建国".as_bytes()),
        (
            "caption-long",
            "\x02一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十".as_bytes(),
        ),
        ("caption-mixed", "\x03School 校 🏫 e\u{301}\t\n\n   \nthird line".as_bytes()),
        ("caption-invalid-utf8", b"\x04\xff\xfe caption \xe6\xa0"),
    ];
    let captions: Vec<(String, Vec<u8>)> =
        captions.iter().map(|(name, text)| (format!("{name}.txt"), text.to_vec())).collect();
    write_all(&out.join("caption"), &captions)?;
    Ok(())
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in files {
        std::fs::write(dir.join(format!("seed-{name}")), bytes)?;
    }
    println!("{}: {} seeds", dir.display(), files.len());
    Ok(())
}

/// A 24×16 image through `encoder`, with EXIF when given.
fn write(
    mut encoder: impl ImageEncoder,
    pixels: &[u8],
    colour: ExtendedColorType,
    exif: Option<&Vec<u8>>,
) -> Result<()> {
    if let Some(exif) = exif {
        encoder.set_exif_metadata(exif.clone())?;
    }
    encoder.write_image(pixels, 24, 16, colour)?;
    Ok(())
}

fn gradient(width: usize, height: usize) -> Vec<u8> {
    (0..width * height)
        .flat_map(|i| {
            let (x, y) = (i % width, i / width);
            [(x * 255 / width) as u8, (y * 255 / height) as u8, ((x + y) * 7) as u8]
        })
        .collect()
}

fn jpeg_with(
    rgb: &[u8],
    configure: impl FnOnce(&mut jpeg_encoder::Encoder<&mut Vec<u8>>),
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 80);
    configure(&mut encoder);
    encoder.encode(rgb, 24, 16, jpeg_encoder::ColorType::Rgb)?;
    Ok(out)
}

fn raw_jpeg(pixels: &[u8], colour: jpeg_encoder::ColorType) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80).encode(pixels, 24, 16, colour)?;
    Ok(out)
}

/// The same TIFF structure in Intel byte order ("II"), as most phones write it: every IFD entry,
/// value and offset swapped by the size of its type.
fn little_endian(be: &[u8]) -> Result<Vec<u8>> {
    let mut le = be.to_vec();
    le[..4].copy_from_slice(b"II\x2a\0");
    swap(&mut le, 4, 4);
    let first = read_u32(be, 4)?;
    swap_ifd(be, &mut le, first as usize)?;
    Ok(le)
}

fn swap_ifd(be: &[u8], le: &mut [u8], at: usize) -> Result<()> {
    let count = usize::from(u16::from_be_bytes([be[at], be[at + 1]]));
    swap(le, at, 2);
    for i in 0..count {
        let entry = at + 2 + 12 * i;
        let tag = u16::from_be_bytes([be[entry], be[entry + 1]]);
        let kind = u16::from_be_bytes([be[entry + 2], be[entry + 3]]);
        let n = read_u32(be, entry + 4)? as usize;
        swap(le, entry, 2);
        swap(le, entry + 2, 2);
        swap(le, entry + 4, 4);
        // ASCII and bytes do not swap; SHORT by 2; LONG by 4; RATIONAL as two LONGs.
        let unit = match kind {
            3 => 2,
            4 | 5 => 4,
            _ => 1,
        };
        let len = n * if kind == 5 { 8 } else { unit };
        let value = if len <= 4 {
            entry + 8
        } else {
            swap(le, entry + 8, 4);
            read_u32(be, entry + 8)? as usize
        };
        for k in 0..len / unit {
            swap(le, value + k * unit, unit);
        }
        // The EXIF and GPS sub-IFDs.
        if tag == 0x8769 || tag == 0x8825 {
            swap_ifd(be, le, read_u32(be, entry + 8)? as usize)?;
        }
    }
    swap(le, at + 2 + 12 * count, 4);
    Ok(())
}

fn swap(bytes: &mut [u8], at: usize, len: usize) {
    bytes[at..at + len].reverse();
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32> {
    let word = bytes.get(at..at + 4).ok_or("offset past the end")?;
    Ok(u32::from_be_bytes([word[0], word[1], word[2], word[3]]))
}
