//! The committed C header must be exactly what cbindgen (pinned in Cargo.toml) generates from
//! the current source, so a changed export signature cannot ship with a stale header.
//! Regenerate after an intended change with:
//!   APIMB_REGENERATE_HEADER=1 cargo test --test header

use std::path::PathBuf;

#[test]
fn committed_header_matches_cbindgen_output() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not parse the crate")
        .write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = crate_dir.join("include/apimbackend.h");
    if std::env::var_os("APIMB_REGENERATE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/apimbackend.h is out of date with src/ffi.rs; regenerate it with \
         `APIMB_REGENERATE_HEADER=1 cargo test --test header` and commit the result"
    );
}
