//! The whole upload path: sniff, header checks, decode (JPEG at reduced DCT scale, PNG, WebP),
//! EXIF, orientation, resize, caption band and encode, with a small pixel limit so that each
//! input is fast. Any `Err` is a fine answer; a panic, abort, hang or huge allocation is a bug.
#![no_main]

use std::sync::OnceLock;

use ingest::{Caption, FontData, Limits, process};
use ingest_fuzz::{Capped, check_processed};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: Capped = Capped::new(64 << 20, 256 << 20);

/// 512×512: decoders allocate at most a few MB.
const LIMITS: Limits = Limits { max_pixels: 1 << 18 };

static FONT: OnceLock<Option<FontData>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    // The caption is drawn when a CJK font is installed (as on the server); without one the
    // display copy has no band.
    let font = FONT.get_or_init(FontData::load_default).as_ref();
    let caption = Caption {
        lines: vec!["白榆县实验小学".into(), "2026-11-28 09:41 · 李建国".into()],
    };
    if let Ok(out) = process(data, &LIMITS, Some(&caption), font) {
        check_processed(&out, &LIMITS);
    }
});
