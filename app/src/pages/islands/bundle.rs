//! The islands bundles' folders, from `islands-hash.txt` beside the server's executable (written
//! by `frontend/islands/build`, as cargo-leptos writes `hash.txt`).

use std::sync::OnceLock;

use super::IslandsBundle;

/// The file beside the executable that names the hashed folders.
pub const HASH_FILE: &str = "islands-hash.txt";

/// The entry module and its WASM, in a bundle's folder.
pub const ENTRY_JS: &str = "portal_islands.js";
pub const ENTRY_WASM: &str = "portal_islands_bg.wasm";
/// The module that loads an island's own WASM file (and the chunks it shares) when a page
/// hydrates that island; the entry module imports it.
pub const LOADER_JS: &str = "__wasm_split.js";

/// A bundle's key in the hash file, which is also its folder's name before the hash (and
/// the whole name in an unhashed build, where the build script did not run).
pub fn key(bundle: IslandsBundle) -> &'static str {
    match bundle {
        IslandsBundle::Pages => "islands",
        IslandsBundle::Tasks => "islands-tasks",
    }
}

/// A bundle's folder under `/pkg`.
pub fn folder(bundle: IslandsBundle) -> &'static str {
    static FOLDERS: OnceLock<[String; 2]> = OnceLock::new();
    let folders = FOLDERS.get_or_init(|| {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::read_to_string(exe.parent()?.join(HASH_FILE)).ok());
        [IslandsBundle::Pages, IslandsBundle::Tasks].map(|bundle| {
            hashes
                .as_deref()
                .and_then(|text| folder_of(text, key(bundle)))
                .unwrap_or_else(|| {
                    tracing::warn!(
                        "no {} in {HASH_FILE} beside the server: its islands pages load an unhashed bundle (run `make build`)",
                        key(bundle)
                    );
                    key(bundle).to_owned()
                })
        })
    });
    &folders[bundle as usize]
}

/// The folder named by the hash file's `<key>: <key>.<hash>` line.
pub fn folder_of(text: &str, key: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim() == key)
        .map(|(_, folder)| folder.trim().to_owned())
        .filter(|folder| {
            folder
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|hash| {
                    !hash.is_empty()
                        && hash
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
        })
}

#[cfg(test)]
mod tests {
    use super::folder_of;

    #[test]
    fn the_hash_file_names_each_bundles_hashed_folder() {
        let text = "islands: islands.abc123\nislands-tasks: islands-tasks.def-456\n";
        assert_eq!(
            folder_of(text, "islands").as_deref(),
            Some("islands.abc123")
        );
        assert_eq!(
            folder_of(text, "islands-tasks").as_deref(),
            Some("islands-tasks.def-456")
        );
        assert_eq!(folder_of("", "islands"), None);
        assert_eq!(folder_of("islands: ../etc", "islands"), None);
        assert_eq!(folder_of("islands: islands.", "islands"), None);
        // One bundle's line never names the other's folder.
        assert_eq!(folder_of("islands: islands-tasks.abc", "islands"), None);
        assert_eq!(
            folder_of("islands-tasks: islands.abc", "islands-tasks"),
            None
        );
    }
}
