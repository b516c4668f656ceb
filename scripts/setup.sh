# Installs what a fresh machine lacks, skipping what is already there at the right version.
# Sourced by scripts/serve and scripts/test.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
# The S3-compatible server of the object-storage tests (0.17 needs a newer rustc).
S3S_FS_VERSION=0.14.1
# Fuzzing of the photo pipeline (docs/FUZZING.md); runs on stable with `--sanitizer none`.
CARGO_FUZZ_VERSION=0.13.2
# The API fuzzer, from PyPI, in a virtual environment of its own.
SCHEMATHESIS_VERSION=4.32.5
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Where cargo puts builds (CARGO_TARGET_DIR or ./target).
target_dir() {
  cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

say() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen command must be exactly the version of the crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_rust() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  local wb
  wb="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$\| $wb "; then
    say "installing wasm-bindgen-cli $wb (a few minutes, once)"
    # Not --locked: one locked dependency is missing from the registry.
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi
}

setup_node() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    apt_install nodejs npm
  fi
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ package.json -nt node_modules ]; then
    say "installing npm packages (binaryen's wasm-opt, playwright-core)"
    npm install --no-audit --no-fund
    touch node_modules
  fi
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

setup_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} (Debian packages) for browser tests"
    apt_install "${missing[@]}"
  fi
}

# s3s-fs: a real S3-compatible server that serves a folder and checks request signatures (the
# mocks on PyPI and npm accept wrong ones), for the photo tests against object storage.
setup_s3() {
  if ! s3s-fs --version 2>/dev/null | grep -qx "s3s-fs $S3S_FS_VERSION"; then
    say "installing s3s-fs $S3S_FS_VERSION (about 6 minutes, once)"
    cargo install s3s-fs --version "$S3S_FS_VERSION" --locked --features binary
  fi
}

setup_fuzz() {
  if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a few minutes, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

# The fuzz targets build apart from the workspace (instrumented, their own flags), beside the
# usual target folder and never inside the repository.
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-$(dirname "$CARGO_TARGET_DIR")/fuzz-target}"
else
  FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xiaoan/fuzz-target}"
fi

# Longest input each fuzz target is given, in bytes.
fuzz_max_len() {
  case "$1" in
    ingest) echo 16384 ;;
    caption) echo 1024 ;;
    *) echo 4096 ;;
  esac
}

# fuzz_exec TARGET CORPUS_DIR... -- [libFuzzer options]: runs a fuzz target on the stable
# toolchain (without a sanitizer, as stable allows) with the dictionary, a 10 s hang limit and a
# 2 GB memory limit. A crash writes fuzz/artifacts/TARGET/ and fails.
fuzz_exec() {
  local target="$1"
  shift
  local toolchain=()
  command -v rustup >/dev/null && toolchain=(+stable)
  mkdir -p "fuzz/artifacts/$target"
  CARGO_TARGET_DIR="$FUZZ_TARGET_DIR" cargo "${toolchain[@]}" fuzz run "$target" --sanitizer none \
    "$@" -max_len="$(fuzz_max_len "$target")" -dict=fuzz/images.dict -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1
}

# fuzz_run TARGET SECONDS: fuzzes over the committed corpus (fuzz/corpus/TARGET, read only);
# new inputs go to a working corpus beside the build.
fuzz_run() {
  local work="$FUZZ_TARGET_DIR/corpus/$1"
  mkdir -p "$work"
  fuzz_exec "$1" "$work" "fuzz/corpus/$1" -- -max_total_time="$2"
}

# fuzz_merge TARGET: adds to the committed corpus a small set of inputs from the working one that
# together reach every edge it reaches and the committed one does not (edges only, not hit
# counts, to keep the committed corpus small).
fuzz_merge() {
  fuzz_exec "$1" "fuzz/corpus/$1" "$FUZZ_TARGET_DIR/corpus/$1" -- -set_cover_merge=1 -use_counters=0
}

# schemathesis in a virtual environment kept with the builds (nothing installed system-wide).
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/xiaoan/venv"
setup_schemathesis() {
  if ! "$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI, once)"
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
      apt_install python3-venv
    fi
    python3 -m venv "$SCHEMATHESIS_VENV"
    "$SCHEMATHESIS_VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}
