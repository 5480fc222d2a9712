#!/usr/bin/env bash
# Clean debug builds of the same hello world, with cement and with a minimal attribute
# macro on syn's `full` feature (tokio-macros' class), alternating; prints the median
# seconds of each as `build_cement_s` and `build_synfull_s`.
#
#   bench/build_cost.sh RUNS DIR
#
# Both programs reach their macro crates by path, and cargo builds path dependencies
# incrementally, which a dependency from crates.io never is; CARGO_INCREMENTAL=0 builds
# every crate as a user's registry dependencies are built, on both sides.
set -euo pipefail
export CARGO_INCREMENTAL=0
root=$(cd "$(dirname "$0")/.." && pwd)
runs=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir/cement_hello/src" "$dir/synfull_hello/src" "$dir/synfull_attr/src"

cat > "$dir/cement_hello/Cargo.toml" <<TOML
[package]
name = "cement_hello"
version = "0.1.0"
edition = "2024"

[dependencies]
cement = { path = "$root/runtime" }

[workspace]
TOML
cat > "$dir/cement_hello/src/main.rs" <<'RS'
#[cement::cleanup(pre_close)]
fn goodbye() {
    println!("goodbye");
}

#[cement::main]
fn main() {
    println!("hello");
}
RS

cat > "$dir/synfull_attr/Cargo.toml" <<'TOML'
[package]
name = "synfull_attr"
version = "0.1.0"
edition = "2024"

[lib]
proc-macro = true

[dependencies]
proc-macro2 = "1"
quote = "1"
syn = { version = "3", features = ["full"] }
TOML
cat > "$dir/synfull_attr/src/lib.rs" <<'RS'
use proc_macro::TokenStream;
use quote::quote;

#[proc_macro_attribute]
pub fn main(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = syn::parse_macro_input!(item as syn::ItemFn);
    quote!(#function).into()
}

#[proc_macro_attribute]
pub fn cleanup(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = syn::parse_macro_input!(item as syn::ItemFn);
    quote!(#function).into()
}
RS
cat > "$dir/synfull_hello/Cargo.toml" <<'TOML'
[package]
name = "synfull_hello"
version = "0.1.0"
edition = "2024"

[dependencies]
synfull_attr = { path = "../synfull_attr" }

[workspace]
TOML
cat > "$dir/synfull_hello/src/main.rs" <<'RS'
#[synfull_attr::cleanup]
#[allow(dead_code)]
fn goodbye() {
    println!("goodbye");
}

#[synfull_attr::main]
fn main() {
    println!("hello");
}
RS

for side in cement_hello synfull_hello; do
  (cd "$dir/$side" && cargo generate-lockfile -q && cargo fetch -q)
done

python3 - "$runs" "$dir" <<'PY'
import os, shutil, statistics, subprocess, sys, time
runs, dir = int(sys.argv[1]), sys.argv[2]
times = {"cement_hello": [], "synfull_hello": []}
for _ in range(runs):
    for side in times:
        target = os.path.join(dir, side, "target")
        shutil.rmtree(target, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(["cargo", "build", "-q", "--offline"], cwd=os.path.join(dir, side), check=True)
        times[side].append(time.perf_counter() - start)
print(f"build_cement_s {statistics.median(times['cement_hello']):.3f}")
print(f"build_synfull_s {statistics.median(times['synfull_hello']):.3f}")
PY
