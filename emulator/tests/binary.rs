//! The shipped binary: base URL on the first line, CA certificate written where asked.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_base_url_first_and_writes_the_ca_certificate() {
    let dir = std::env::temp_dir().join(format!("apim-emu-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_apim-emulator"))
        .args(["--port", "0", "--cert-out"])
        .arg(&ca)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let url = first.trim();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(url.rsplit(':').next().unwrap().parse::<u16>().unwrap() > 0);
    let pem = std::fs::read_to_string(&ca).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rejects_a_bad_retry_after_form() {
    let out = Command::new(env!("CARGO_BIN_EXE_apim-emulator"))
        .args(["--retry-after", "weekly"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--retry-after"));
}
