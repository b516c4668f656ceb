//! Format sniffing and header parsing: `process` with a limit of 64 pixels, so nearly every input
//! is refused right after its header (JPEG markers, PNG chunks, RIFF/VP8X) and the rest decode
//! in microseconds.
#![no_main]

use ingest::{Limits, process, sniff};
use ingest_fuzz::{Capped, check_processed};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: Capped = Capped::new(16 << 20, 64 << 20);

const LIMITS: Limits = Limits { max_pixels: 64 };

fuzz_target!(|data: &[u8]| {
    let format = sniff(data);
    match process(data, &LIMITS, None, None) {
        Ok(out) => {
            assert_eq!(format.ok(), Some(out.meta.format), "process accepted what sniff refused");
            check_processed(&out, &LIMITS);
        }
        Err(e) => {
            if let Err(refused) = format {
                assert_eq!(e.to_string(), refused.to_string(), "sniff and process disagree");
            }
        }
    }
});
