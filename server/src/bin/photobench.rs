//! `photobench`: the photo pipeline against `vipsthumbnail`, photo by photo, in CPU time and peak
//! memory, printed as a Markdown table.
//!
//! Run with `cargo run --release -p server --bin photobench [-- --runs N --keep]`
//! (`-- --samples DIR` only writes the sample photos, for the province benchmark). Needs
//! `vipsthumbnail` (Debian `libvips-tools`) and GNU time at `/usr/bin/time` (Debian `time`).
//!
//! It writes ten deterministic 12 MP JPEGs (noise and gradients, quality 90, 4:2:0; every second
//! one carries EXIF orientation 6) to a temporary folder. Each photo is then processed by a
//! child process of this binary (`--one`: read the file, `process` with a caption, write both
//! copies) and by two `vipsthumbnail` calls (1600 and 320, Q=80, strip), each under
//! `/usr/bin/time` for the peak RSS; CPU time (user + system) is the growth of this process's
//! `RUSAGE_CHILDREN`, to the microsecond. Each measurement is repeated `--runs` times (default 3)
//! and the median is reported.
#![forbid(unsafe_code)]

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};
use server::photo::pipeline::samples::{ExifSpec, exif_tiff, jpeg, noise_photo};
use server::photo::pipeline::{self, Caption, FontData, Limits};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const PHOTOS: u64 = 10;
const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
const GOAL_CPU_RATIO: f64 = 0.6;
const GOAL_RSS_MIB: f64 = 48.0;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--one") => match (args.get(1), args.get(2)) {
            (Some(input), Some(out)) => one(Path::new(input), Path::new(out)),
            _ => Err("usage: photobench --one INPUT OUTPUT_PREFIX".into()),
        },
        Some("--idle") => idle(),
        Some("--samples") => match args.get(1) {
            Some(dir) => write_samples(Path::new(dir)).map(drop),
            None => Err("usage: photobench --samples DIR".into()),
        },
        _ => bench(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("photobench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the ten sample photos into `dir`: (path, EXIF orientation).
fn write_samples(dir: &Path) -> Result<Vec<(PathBuf, u16)>> {
    std::fs::create_dir_all(dir)?;
    eprintln!("writing {PHOTOS} photos of {WIDTH}×{HEIGHT} to {}", dir.display());
    let mut photos = Vec::new();
    for i in 0..PHOTOS {
        let orientation = if i % 2 == 1 { 6 } else { 1 };
        let tiff = exif_tiff(&ExifSpec {
            orientation: Some(orientation),
            taken_at: Some("2026:11:28 09:41:07"),
            gps: Some((27.7241 + i as f64 * 1e-4, 106.9253)),
        });
        let rgb = noise_photo(WIDTH, HEIGHT, i + 1);
        let bytes = jpeg(&rgb, WIDTH as u16, HEIGHT as u16, 90, Some(&tiff));
        let path = dir.join(format!("photo-{i:02}.jpg"));
        std::fs::write(&path, bytes)?;
        photos.push((path, orientation));
    }
    Ok(photos)
}

/// The measured child: one photo, as the server would handle it (font loaded first).
fn one(input: &Path, out: &Path) -> Result<()> {
    let font = FontData::load_default();
    let bytes = std::fs::read(input)?;
    let caption = Caption {
        lines: vec!["白榆县实验小学".into(), "2026年11月28日 09:41 · 李建国".into()],
    };
    let started = Instant::now();
    let processed = pipeline::process(&bytes, &Limits::default(), Some(&caption), font.as_ref())?;
    let micros = started.elapsed().as_micros();
    std::fs::write(with_suffix(out, "display.jpg"), &processed.display_jpeg)?;
    std::fs::write(with_suffix(out, "thumb.jpg"), &processed.thumb_jpeg)?;
    println!(
        "{micros} {} {} {}",
        processed.display_jpeg.len(),
        processed.thumb_jpeg.len(),
        font.as_ref().map_or("none", FontData::family).replace(' ', "_")
    );
    Ok(())
}

/// The fixed cost of the child: start-up and loading the font, no photo.
fn idle() -> Result<()> {
    let font = FontData::load_default();
    println!("{}", font.as_ref().map_or("none", FontData::family));
    Ok(())
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(format!("-{suffix}"));
    PathBuf::from(name)
}

/// CPU time and peak RSS of one command run under `/usr/bin/time`.
struct Usage {
    cpu_ms: f64,
    rss_mib: f64,
    stdout: String,
}

fn children_cpu_us() -> Result<i64> {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)?;
    let us = |t: nix::sys::time::TimeVal| t.tv_sec() * 1_000_000 + t.tv_usec();
    Ok(us(usage.user_time()) + us(usage.system_time()))
}

fn measure(program: &Path, args: &[&str], dir: &Path) -> Result<Usage> {
    let rss_file = dir.join("rss.txt");
    let before = children_cpu_us()?;
    let output = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    let after = children_cpu_us()?;
    if !output.status.success() {
        return Err(format!(
            "{} {args:?} failed: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let rss_kib: f64 = std::fs::read_to_string(&rss_file)?
        .lines()
        .last()
        .ok_or("no output from /usr/bin/time")?
        .trim()
        .parse()?;
    Ok(Usage {
        cpu_ms: (after - before) as f64 / 1000.0,
        rss_mib: rss_kib / 1024.0,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn kib(path: &Path) -> Result<f64> {
    Ok(std::fs::metadata(path)?.len() as f64 / 1024.0)
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

struct Row {
    name: String,
    orientation: u16,
    original_kib: f64,
    ours: Vec<Usage>,
    vips_cpu: Vec<f64>,
    vips_rss: Vec<f64>,
    display_kib: f64,
    thumb_kib: f64,
    vips_display_kib: f64,
}

fn bench(args: &[String]) -> Result<()> {
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).ok_or("--runs needs a number")?.parse()?,
        None => 3,
    };
    let keep = args.iter().any(|a| a == "--keep");
    let vips = Path::new("/usr/bin/vipsthumbnail");
    if command_output("vipsthumbnail", &["--vips-version"]).is_none() {
        return Err("vipsthumbnail not found: apt-get install libvips-tools".into());
    }
    if !Path::new("/usr/bin/time").exists() {
        return Err("/usr/bin/time not found: apt-get install time".into());
    }
    let vips = if vips.exists() { vips.to_path_buf() } else { PathBuf::from("vipsthumbnail") };
    let me = std::env::current_exe()?;
    let dir = std::env::temp_dir().join("xiaoan-photobench");
    std::fs::create_dir_all(&dir)?;

    let photos = write_samples(&dir)?;

    // Warm the page cache and the dynamic loader for both sides once, unmeasured.
    let first = photos.first().ok_or("no photos")?.0.to_string_lossy().into_owned();
    let warm = dir.join("warm").to_string_lossy().into_owned();
    measure(&me, &["--one", &first, &warm], &dir)?;
    measure(&vips, &[&first, "-s", "1600", "-o", &format!("{warm}-vips.jpg[Q=80,strip]")], &dir)?;
    let idle: Vec<Usage> =
        (0..runs).map(|_| measure(&me, &["--idle"], &dir)).collect::<Result<_>>()?;

    let mut rows = Vec::new();
    for (path, orientation) in &photos {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        eprintln!("measuring {name}");
        let input = path.to_string_lossy().into_owned();
        let ours_prefix = dir.join(format!("{name}-ours")).to_string_lossy().into_owned();
        let vips_1600 = dir.join(format!("{name}-vips-1600.jpg")).to_string_lossy().into_owned();
        let vips_320 = dir.join(format!("{name}-vips-320.jpg")).to_string_lossy().into_owned();
        let mut ours = Vec::new();
        let (mut vips_cpu, mut vips_rss) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            ours.push(measure(&me, &["--one", &input, &ours_prefix], &dir)?);
            let large = measure(
                &vips,
                &[&input, "-s", "1600", "-o", &format!("{vips_1600}[Q=80,strip]")],
                &dir,
            )?;
            let small = measure(
                &vips,
                &[&input, "-s", "320", "-o", &format!("{vips_320}[Q=80,strip]")],
                &dir,
            )?;
            vips_cpu.push(large.cpu_ms + small.cpu_ms);
            vips_rss.push(large.rss_mib.max(small.rss_mib));
        }
        rows.push(Row {
            original_kib: kib(path)?,
            orientation: *orientation,
            display_kib: kib(&with_suffix(Path::new(&ours_prefix), "display.jpg"))?,
            thumb_kib: kib(&with_suffix(Path::new(&ours_prefix), "thumb.jpg"))?,
            vips_display_kib: kib(Path::new(&vips_1600))?,
            name,
            ours,
            vips_cpu,
            vips_rss,
        });
    }

    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let font = rows
        .first()
        .and_then(|r| r.ours.first())
        .and_then(|u| u.stdout.split_whitespace().nth(3))
        .unwrap_or("none")
        .replace('_', " ");
    println!("Date: {}", chrono::Local::now().format("%Y-%m-%d %H:%M %Z"));
    println!("Machine: {cores} cores (nproc), {cpu_model}");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("Load average at the end of the run (1, 5, 15 min): {}", load.join(" "));
    println!(
        "vips: {}; caption font: {font}; {runs} runs per measurement, medians",
        command_output("vipsthumbnail", &["--vips-version"]).unwrap_or_default()
    );
    println!();
    println!(
        "| photo | EXIF orient. | original KiB | ours CPU ms | vips CPU ms (2 calls) | ratio | \
         ours peak RSS MiB | vips peak RSS MiB | ours display KiB | vips display KiB | \
         ours thumb KiB | `process()` ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let (mut total_ours, mut total_vips, mut worst_rss, mut worst_ratio) =
        (0.0, 0.0, 0.0f64, 0.0f64);
    let mut process_ms = Vec::new();
    for row in &rows {
        let ours_cpu = median(row.ours.iter().map(|u| u.cpu_ms).collect());
        let ours_rss = median(row.ours.iter().map(|u| u.rss_mib).collect());
        let inner = median(
            row.ours
                .iter()
                .filter_map(|u| u.stdout.split_whitespace().next()?.parse::<f64>().ok())
                .map(|us| us / 1000.0)
                .collect(),
        );
        let vips_cpu = median(row.vips_cpu.clone());
        let vips_rss = median(row.vips_rss.clone());
        let ratio = ours_cpu / vips_cpu;
        total_ours += ours_cpu;
        total_vips += vips_cpu;
        worst_rss = worst_rss.max(ours_rss);
        worst_ratio = worst_ratio.max(ratio);
        process_ms.push(inner);
        println!(
            "| {} | {} | {:.0} | {ours_cpu:.0} | {vips_cpu:.0} | {ratio:.2}× | {ours_rss:.1} | \
             {vips_rss:.1} | {:.0} | {:.0} | {:.1} | {inner:.0} |",
            row.name,
            row.orientation,
            row.original_kib,
            row.display_kib,
            row.vips_display_kib,
            row.thumb_kib
        );
    }
    let total_ratio = total_ours / total_vips;
    println!(
        "| **all {}** | | | **{total_ours:.0}** | **{total_vips:.0}** | **{total_ratio:.2}×** | \
         **max {worst_rss:.1}** | | | | | median {:.0} |",
        rows.len(),
        median(process_ms)
    );
    println!();
    println!(
        "Fixed cost of our child process (start-up, loading the font, no photo): {:.1} ms CPU, \
         {:.1} MiB peak RSS; included in \"ours\" above.",
        median(idle.iter().map(|u| u.cpu_ms).collect()),
        median(idle.iter().map(|u| u.rss_mib).collect())
    );
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    println!(
        "Goal CPU ≤ {GOAL_CPU_RATIO}× vips: {} (overall {total_ratio:.2}×, worst photo \
         {worst_ratio:.2}×). Goal peak RSS ≤ {GOAL_RSS_MIB} MiB: {} (worst {worst_rss:.1} MiB).",
        verdict(total_ratio <= GOAL_CPU_RATIO && worst_ratio <= GOAL_CPU_RATIO),
        verdict(worst_rss <= GOAL_RSS_MIB)
    );
    if keep {
        eprintln!("kept the photos and outputs in {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
