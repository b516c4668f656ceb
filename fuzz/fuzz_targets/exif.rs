//! The EXIF reader alone (kamadak-exif and what the pipeline takes from it), fed a raw TIFF
//! structure as found after "Exif\0\0": far more executions per second than through an image.
#![no_main]

use ingest_fuzz::{Capped, check_position};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: Capped = Capped::new(16 << 20, 64 << 20);

fuzz_target!(|data: &[u8]| {
    let (orientation, _taken_at, gps) = ingest::fuzz_read_exif(data);
    assert!((1..=8).contains(&orientation), "orientation {orientation}");
    check_position(gps);
});
