//! Patch building + validation, and one round trip through the C ABI as the module makes it.
//! Run: cargo bench --bench patch (the benchmark harness, bench/run.sh, does).

use std::ffi::{c_char, CString};
use std::ptr;

use apimbackend::ffi::*;
use apimbackend::BackendPatch;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const SIMPLE: &str = r#"{"properties":{"description":"updated description"}}"#;
const FULL: &str = r#"{"properties":{"url":"https://contoso.com/api","protocol":"http","title":"t","description":"d",
 "tls":{"validateCertificateChain":true,"validateCertificateName":false},
 "credentials":{"certificateIds":["/c/1"],"header":{"x-key":["v1","v2"]},"query":{"code":"q"},"authorization":{"scheme":"Basic","parameter":"p"}},
 "proxy":{"url":"http://proxy:8080","username":"u","password":"pw"},
 "circuitBreaker":{"rules":[{"name":"r","tripDuration":"PT1M","acceptRetryAfter":true,"failureCondition":{"count":5,"interval":"PT1H","statusCodeRanges":[{"min":500,"max":599}],"errorReasons":["timeout"]}}]}}}"#;
const AZ: &str = r#"{"Description":"updated description","SkipCertificateChainValidation":true,"SkipCertificateNameValidation":false}"#;

fn bench(c: &mut Criterion) {
    c.bench_function("patch_build_validate_simple", |b| {
        b.iter(|| BackendPatch::from_json(black_box(SIMPLE)).unwrap())
    });
    c.bench_function("patch_build_validate_full", |b| {
        b.iter(|| BackendPatch::from_json(black_box(FULL)).unwrap())
    });
    c.bench_function("patch_build_az_parameters", |b| {
        b.iter(|| apimbackend::az::build_patch(black_box(AZ)).unwrap())
    });
    let az = CString::new(AZ).unwrap();
    c.bench_function("abi_round_trip_build_preview_free", |b| {
        b.iter(|| unsafe {
            let mut patch: *mut apimb_patch = ptr::null_mut();
            assert!(apimb_patch_build_az(az.as_ptr(), &mut patch).is_null());
            let mut preview: *mut c_char = ptr::null_mut();
            assert!(apimb_patch_preview(patch, &mut preview).is_null());
            apimb_string_free(black_box(preview));
            apimb_patch_free(patch);
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
