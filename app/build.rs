//! Names, from this crate's features, where the islands of the islands pages are compiled: the
//! server, which renders them, and the default islands bundle, which hydrates them (`app` with
//! neither `routes` nor one of the other islands bundles' features). The islands say
//! `#[cfg(pages_islands)]` rather than repeating the condition.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(pages_islands)");
    let on = |feature: &str| std::env::var_os(format!("CARGO_FEATURE_{feature}")).is_some();
    let other_bundle = on("ROUTES") || on("TASK_ISLANDS") || on("INSURANCE_ISLAND");
    if on("SSR") || !other_bundle {
        println!("cargo::rustc-cfg=pages_islands");
    }
}
