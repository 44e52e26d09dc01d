//! Random bytes and random JSON fed to every ABI entry point that takes input: never a crash,
//! always exactly one of an error or a result, and everything handed out can be freed.

use std::ffi::{c_char, CString};
use std::ptr;

use apimbackend::ffi::*;
use proptest::prelude::*;
use serde_json::Value;

/// Calls an entry point with `input` (NUL-terminated, interior NULs cut) and checks the contract.
fn exercise(input: &[u8]) {
    let end = input.iter().position(|&b| b == 0).unwrap_or(input.len());
    let c = CString::new(&input[..end]).unwrap();
    unsafe {
        let mut patch: *mut apimb_patch = ptr::null_mut();
        let err = apimb_patch_build(c.as_ptr(), &mut patch);
        assert!(
            err.is_null() != patch.is_null(),
            "exactly one of error or patch"
        );
        if err.is_null() {
            let mut preview: *mut c_char = ptr::null_mut();
            assert!(apimb_patch_preview(patch, &mut preview).is_null());
            apimb_string_free(preview);
        } else {
            assert!(!apimb_error_message(err).is_null());
            assert!(!apimb_error_code(err).is_null());
            assert!(!apimb_error_json(err).is_null());
        }
        apimb_error_free(err);
        apimb_patch_free(patch);

        let mut path: *mut c_char = ptr::null_mut();
        let err = apimb_target_validate(c.as_ptr(), &mut path);
        assert!(
            err.is_null() != path.is_null(),
            "exactly one of error or path"
        );
        apimb_error_free(err);
        apimb_string_free(path);
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("properties"),
            Just("url"),
            Just("pool"),
            Just("circuitBreaker"),
            Just("rules"),
            Just("credentials"),
            Just("header"),
            Just("proxy"),
            Just("tls"),
            Just("type"),
            Just("subscriptionId"),
            Just("serviceName"),
            Just("https://x"),
            Just("Pool"),
            Just("PT1M"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("properties".to_string()),
                        Just("url".to_string()),
                        Just("description".to_string()),
                        Just("pool".to_string()),
                        Just("services".to_string()),
                        Just("circuitBreaker".to_string()),
                        Just("rules".to_string()),
                        Just("credentials".to_string()),
                        Just("header".to_string()),
                        Just("tls".to_string()),
                        Just("proxy".to_string()),
                        Just("subscriptionId".to_string()),
                        Just("resourceGroupName".to_string()),
                        Just("serviceName".to_string()),
                        "[a-zA-Z]{1,8}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        exercise(&bytes);
    }

    #[test]
    fn random_json_never_crashes(v in json_value()) {
        exercise(v.to_string().as_bytes());
        exercise(serde_json::json!({"properties": v}).to_string().as_bytes());
    }
}
