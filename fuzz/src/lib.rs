//! What the fuzz targets share: an allocator that turns a huge allocation into a crash (without
//! a sanitizer libFuzzer cannot see one until the pages are touched), and checks on what the
//! pipeline returns.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, aborting on one allocation over `single` bytes or more than `live` bytes
/// in use at once. Inputs are small and `Limits` tight, so either means a size came from the
/// input unchecked.
pub struct Capped {
    pub single: usize,
    pub live: usize,
    in_use: AtomicUsize,
}

impl Capped {
    pub const fn new(single: usize, live: usize) -> Self {
        Self { single, live, in_use: AtomicUsize::new(0) }
    }

    /// Books `added` bytes for a block that is now `size` bytes long.
    fn check(&self, size: usize, added: usize) {
        let in_use = self.in_use.fetch_add(added, Ordering::Relaxed) + added;
        if size > self.single || in_use > self.live {
            // No formatting: that could allocate. stderr is unbuffered.
            let _ = std::io::stderr().write_all(b"\n==ingest-fuzz== huge allocation\n");
            std::process::abort();
        }
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the counter is only bookkeeping.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.check(layout.size(), layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.check(layout.size(), layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.in_use.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            self.check(new_size, new_size - layout.size());
        } else {
            self.in_use.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Asserts what every successful `process` must give: the original within the pixel limit, an
/// orientation of 1–8, a plausible position, and two bare baseline JPEGs of the right sizes.
pub fn check_processed(out: &ingest::Processed, limits: &ingest::Limits) {
    let meta = &out.meta;
    assert!(meta.width > 0 && meta.height > 0, "empty original: {meta:?}");
    assert!(
        u64::from(meta.width) * u64::from(meta.height) <= limits.max_pixels,
        "over the pixel limit: {meta:?}"
    );
    assert!((1..=8).contains(&meta.orientation), "orientation: {meta:?}");
    check_position(meta.gps);
    let display = jpeg_size(&out.display_jpeg);
    let thumb = jpeg_size(&out.thumb_jpeg);
    assert!(display.0.max(display.1) <= ingest::DISPLAY_EDGE, "display {display:?}");
    assert!(thumb.0.max(thumb.1) <= ingest::THUMB_EDGE, "thumbnail {thumb:?}");
    // Upright: the long side stays the long side.
    assert_eq!(display.0 >= display.1, meta.width >= meta.height || display.0 == display.1);
    for copy in [&out.display_jpeg, &out.thumb_jpeg] {
        assert!(!copy.windows(2).any(|w| w == [0xFF, 0xE1]), "a copy carries an APP1 segment");
    }
}

/// Latitude and longitude, when there, are finite and on the globe.
pub fn check_position(gps: Option<(f64, f64)>) {
    if let Some((lat, lng)) = gps {
        assert!(lat.is_finite() && lng.is_finite(), "position {lat},{lng}");
        assert!(lat.abs() <= 90.0 && lng.abs() <= 180.0, "position {lat},{lng}");
    }
}

fn jpeg_size(jpeg: &[u8]) -> (u32, u32) {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    decoder.read_info().expect("the pipeline writes readable JPEGs");
    let info = decoder.info().expect("a frame header after read_info");
    (u32::from(info.width), u32::from(info.height))
}
