//! Log output: human-readable lines, or one JSON object per line (`XIAOAN_LOG_FORMAT=json`) for
//! a log collector. The filter comes from `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Installs the process's subscriber. Request spans (id, method, route) are part of every line.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,leptos=warn"));
    // Colours only on a terminal: a journal or a log file gets plain text.
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    if json {
        fmt.json().with_current_span(true).with_span_list(false).init();
    } else {
        fmt.init();
    }
}
