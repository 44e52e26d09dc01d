//! `apim-emulator`: serves the API Management backend endpoints of ARM on loopback.
//! Prints its base URL as the first line of output; the request log is at /_emulator/requests.

use std::path::PathBuf;

use apim_emulator::{Config, FaultConfig, RetryAfterForm};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Local ARM emulator for API Management backends (api-version 2024-05-01)"
)]
struct Args {
    /// Loopback address to bind (127.0.0.1 or ::1).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    http: bool,
    /// Write the CA certificate (PEM) that clients must trust here.
    #[arg(long, value_name = "FILE")]
    cert_out: Option<PathBuf>,
    /// Keep state in this JSON file (loaded at start, written atomically after each change).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Accept only this bearer token (default: any bearer token).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "APIM_EMULATOR_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// Write throttling bucket size per subscription (ARM: 200).
    #[arg(long, default_value_t = 200.0)]
    write_bucket: f64,
    /// Write throttling refill, tokens per second (ARM: 10).
    #[arg(long, default_value_t = 10.0)]
    write_refill: f64,
    /// Items per list page when the client sends no $top.
    #[arg(long, default_value_t = 100)]
    page_size: usize,
    /// Milliseconds added to every ARM request.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share (0..1) of ARM requests answered with an error from --error-status.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Statuses used by --error-rate (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "500,503")]
    error_status: Vec<u16>,
    /// Share (0..1) of ARM requests whose connection is dropped.
    #[arg(long, default_value_t = 0.0)]
    reset_rate: f64,
    /// Send every response body slowly, pausing this many milliseconds halfway.
    #[arg(long, default_value_t = 0)]
    slow_body_ms: u64,
    /// Seed of the fault choices, so a run can be repeated.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How 429 answers say when to retry: all, seconds, http-date, ms, x-ms-ms.
    #[arg(long, default_value = "all")]
    retry_after: String,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let retry_after_form: RetryAfterForm =
        match serde_json::from_value(serde_json::Value::String(args.retry_after.clone())) {
            Ok(f) => f,
            Err(_) => {
                eprintln!(
                "apim-emulator: --retry-after must be one of all, seconds, http-date, ms, x-ms-ms"
            );
                std::process::exit(2);
            }
        };
    let config = Config {
        bind: args.bind,
        port: args.port,
        https: !args.http,
        cert_out: args.cert_out,
        state_file: args.state,
        expected_token: args.token,
        write_bucket: args.write_bucket,
        write_refill_per_sec: args.write_refill,
        page_size: args.page_size.max(1),
        faults: FaultConfig {
            latency_ms: args.latency_ms,
            error_rate: args.error_rate,
            error_statuses: args.error_status,
            reset_rate: args.reset_rate,
            slow_body_ms: args.slow_body_ms,
            seed: args.seed,
            retry_after_form,
            write_bucket: None,
            write_refill_per_sec: None,
            next: Default::default(),
        },
    };
    // Injected connection resets abandon a request by unwinding; keep stderr quiet about them.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let injected = info
            .payload()
            .downcast_ref::<&str>()
            .is_some_and(|s| s.starts_with("apim-emulator: injected"));
        if !injected {
            default_hook(info);
        }
    }));
    match apim_emulator::start(config).await {
        Ok(running) => {
            println!("{}", running.base_url);
            use std::io::Write;
            let _ = std::io::stdout().flush();
            tokio::select! {
                r = running.wait() => {
                    if let Err(e) = r {
                        eprintln!("apim-emulator: {e}");
                        std::process::exit(1);
                    }
                }
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(e) => {
            eprintln!("apim-emulator: {e}");
            std::process::exit(1);
        }
    }
}
