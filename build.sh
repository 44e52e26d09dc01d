#!/usr/bin/env bash
# Builds and tests everything with only Rust and the .NET SDK (no pwsh needed).
#   ./build.sh build   native library, emulator, module folder (out/module), console host (out/host)
#   ./build.sh run     build, then run the main job (examples/main.ps1) in the hosted engine
#   ./build.sh test    build, then every test: lint, cargo test, C ABI under valgrind, hosted PowerShell
# APIMB_PROFILE=release selects an optimised native build (default: debug, shared with cargo test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=$PWD
profile=${APIMB_PROFILE:-debug}
cargo_flags=()
[[ $profile == release ]] && cargo_flags+=(--release)
target_dir=${CARGO_TARGET_DIR:-$root/target}
native_dir="$target_dir/$profile"

rid() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=osx ;; *) os=win ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  echo "$os-$arch"
}

native_file() {
  case "$(uname -s)" in Linux) echo libapimbackend.so ;; Darwin) echo libapimbackend.dylib ;; *) echo apimbackend.dll ;; esac
}

step() { printf '\n==> %s\n' "$*"; }

build() {
  step "cargo build (${profile})"
  cargo build --workspace "${cargo_flags[@]}"

  step "dotnet build module (netstandard2.0)"
  dotnet build powershell/ApiManagementBackend -c Release -nologo -v quiet -warnaserror
  step "assemble out/module/ApiManagementBackend"
  local module="$root/out/module/ApiManagementBackend"
  # Directory.Build.props puts .NET output under <repo>/target/dotnet whatever CARGO_TARGET_DIR is.
  local bin="$root/target/dotnet/bin/ApiManagementBackend/Release/netstandard2.0"
  rm -rf "$module"
  mkdir -p "$module/runtimes/$(rid)/native"
  cp powershell/ApiManagementBackend/ApiManagementBackend.psd1 "$module/"
  cp "$bin/ApiManagementBackend.dll" "$module/"
  for extra in powershell/ApiManagementBackend/*.ps1xml; do [[ -e $extra ]] && cp "$extra" "$module/"; done
  if [[ -d powershell/ApiManagementBackend/en-US ]]; then cp -r powershell/ApiManagementBackend/en-US "$module/"; fi
  cp "$native_dir/$(native_file)" "$module/runtimes/$(rid)/native/"

  step "dotnet build console host (out/host) and benchmark host (out/bench)"
  dotnet build powershell/Host -c Release -nologo -v quiet -warnaserror -o "$root/out/host"
  dotnet build powershell/Bench -c Release -nologo -v quiet -warnaserror -o "$root/out/bench"
}

run() {
  build
  step "main job: examples/main.ps1"
  dotnet "$root/out/host/apimhost.dll" --module "$root/out/module/ApiManagementBackend" \
    --emulator "$native_dir/apim-emulator" examples/main.ps1 "$@"
}

test_all() {
  build
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "cargo clippy --all-targets -D warnings"
  cargo clippy --workspace --all-targets "${cargo_flags[@]}" -- -D warnings
  step "cargo test"
  cargo test --workspace "${cargo_flags[@]}"

  step "C ABI tests (gcc, valgrind)"
  local cbin="$target_dir/ctest"
  mkdir -p "$cbin"
  for src in tests/c/*_test.c; do
    local exe="$cbin/$(basename "${src%.c}")"
    gcc -std=c11 -Wall -Wextra -Werror -Iinclude -o "$exe" "$src" \
      -L"$native_dir" -lapimbackend -lpthread -Wl,-rpath,"$native_dir"
    # client_test starts the emulator itself; valgrind does not follow it (no --trace-children).
    if command -v valgrind >/dev/null; then
      valgrind --quiet --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --suppressions=tests/c/valgrind.supp \
        --show-leak-kinds=definite,indirect "$exe" "$native_dir/apim-emulator"
    else
      echo "valgrind not found: running $exe without it" >&2
      "$exe" "$native_dir/apim-emulator"
    fi
  done

  step "hosted PowerShell tests (xunit, System.Management.Automation 7.6.9)"
  rm -f "$root/target/reliability-counts.txt"
  dotnet test powershell/Tests -c Release -nologo -warnaserror --logger "console;verbosity=normal"

  step "build.ps1 in the hosted engine builds the same module folder"
  local expected="$root/target/module-from-build-sh"
  rm -rf "$expected" && cp -r "$root/out/module/ApiManagementBackend" "$expected"
  dotnet "$root/out/host/apimhost.dll" "$root/build.ps1" -Task Build -Configuration "$profile" >/dev/null
  diff -r "$expected" "$root/out/module/ApiManagementBackend"
  echo "build.ps1: module folder identical"

  step "suite counts"
  cat "$root/target/reliability-counts.txt"
}

case "${1:-build}" in
  build) build ;;
  run) shift; run "$@" ;;
  test) test_all ;;
  *) echo "usage: $0 [build|run|test]" >&2; exit 2 ;;
esac
