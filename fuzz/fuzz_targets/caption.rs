//! The caption band: arbitrary text (school and user names end up in it) drawn on a few fixed
//! photos of different shapes. The first byte picks the photo; the rest, as UTF-8 with
//! replacement characters, is the caption, one line per `\n`. Needs a CJK font; without one
//! there is nothing to draw and the target says so once.
#![no_main]

use std::sync::OnceLock;

use ingest::samples::jpeg;
use ingest::{Caption, FontData, Limits, process};
use ingest_fuzz::{Capped, check_processed};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: Capped = Capped::new(64 << 20, 256 << 20);

/// Wide, tall, square, tiny and the smallest size that can carry a two-line band.
const SHAPES: [(u16, u16); 6] =
    [(640, 120), (120, 640), (300, 300), (40, 30), (200, 114), (800, 48)];

static PHOTOS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
static FONT: OnceLock<Option<FontData>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(font) = FONT
        .get_or_init(|| {
            let font = FontData::load_default();
            if font.is_none() {
                eprintln!("no CJK font installed (Debian fonts-noto-cjk): nothing to fuzz");
            }
            font
        })
        .as_ref()
    else {
        return;
    };
    let photos = PHOTOS.get_or_init(|| {
        SHAPES
            .iter()
            .map(|&(w, h)| {
                let rgb = [90, 140, 200].repeat(usize::from(w) * usize::from(h));
                jpeg(&rgb, w, h, 80, None)
            })
            .collect()
    });
    let Some((&pick, text)) = data.split_first() else { return };
    let photo = &photos[usize::from(pick) % photos.len()];
    let caption =
        Caption { lines: String::from_utf8_lossy(text).split('\n').map(String::from).collect() };
    let limits = Limits::default();
    let out = process(photo, &limits, Some(&caption), Some(font)).expect("a valid photo");
    check_processed(&out, &limits);
});
