//! Where the islands bundles are: their folders, from `islands-hash.txt` beside the server's
//! executable (written by `frontend/islands/build`, as cargo-leptos writes `hash.txt`), and the
//! files each lazy island loads, from the bundle's split loader.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use leptos::config::LeptosOptions;

use super::IslandsBundle;

/// Where this page's islands bundle is: its folder as the browser asks for it and on disk.
/// Provided by the shell to the views of an islands page.
#[derive(Clone, Debug)]
pub struct Served {
    /// `/pkg/islands.<hash>`.
    pub url: String,
    dir: PathBuf,
}

impl Served {
    pub fn new(bundle: IslandsBundle, options: &LeptosOptions) -> Self {
        let folder = folder(bundle);
        Self {
            url: format!("/{}/{folder}", options.site_pkg_dir),
            dir: Path::new(&*options.site_root)
                .join(&*options.site_pkg_dir)
                .join(folder),
        }
    }

    /// The addresses of the files that the lazy island `island` (its name in snake case without
    /// `_island`) loads when it hydrates, as the bundle's split loader names them; none where
    /// the bundle is not built (each folder's loader is read once).
    pub fn island_files(&self, island: &str) -> Vec<String> {
        // Each folder's loader, read once (a deployment has one folder per bundle).
        type Loaders = Mutex<HashMap<PathBuf, Arc<Option<String>>>>;
        static LOADERS: OnceLock<Loaders> = OnceLock::new();
        let loader = LOADERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(self.dir.clone())
            .or_insert_with(|| Arc::new(std::fs::read_to_string(self.dir.join(LOADER_JS)).ok()))
            .clone();
        loader
            .as_deref()
            .and_then(|text| island_files(text, island))
            .unwrap_or_default()
            .into_iter()
            .map(|file| format!("{}/{file}", self.url))
            .collect()
    }
}

/// The files a lazy island loads, from its line in the split loader:
/// `export const __wasm_split_load_<island>_island_loader_<n> = wrapAsyncCb(makeLoad(… new
/// URL("./split_….wasm", import.meta.url) …, [__chunk_3, __chunk_7]));`: its own file, then the
/// chunks it shares (`chunk_3.wasm`).
pub fn island_files(loader: &str, island: &str) -> Option<Vec<String>> {
    let start = loader.find(&format!("__wasm_split_load_{island}_island_loader_"))?;
    let rest = &loader[start..];
    let statement = &rest[..rest.find("]));")?];
    let own = statement
        .split("new URL(\"./")
        .nth(1)
        .and_then(|url| url.split('"').next());
    let chunks = &statement[statement.rfind('[')? + 1..];
    let chunks = chunks
        .split(',')
        .map(str::trim)
        .filter(|chunk| !chunk.is_empty())
        .map(|chunk| format!("{}.wasm", chunk.trim_start_matches("__")));
    Some(own.map(str::to_owned).into_iter().chain(chunks).collect())
}

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
        IslandsBundle::Insurance => "islands-insurance",
    }
}

/// A bundle's folder under `/pkg`.
pub fn folder(bundle: IslandsBundle) -> &'static str {
    static FOLDERS: OnceLock<[String; 3]> = OnceLock::new();
    let folders = FOLDERS.get_or_init(|| {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::read_to_string(exe.parent()?.join(HASH_FILE)).ok());
        [
            IslandsBundle::Pages,
            IslandsBundle::Tasks,
            IslandsBundle::Insurance,
        ]
        .map(|bundle| {
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
    use super::{folder_of, island_files};

    /// Lines of a task bundle's `__wasm_split.js` as `wasm-split-cli` 0.2.3 wrote them.
    const LOADER: &str = r#"/* card_island_loader_13636915836514880133, fill_in_island_loader_16754041710377243029 */
const __chunk_3 = makeLoad(() => {
    const src = fetch(new URL("./chunk_3.wasm", import.meta.url));
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_fill_in_island_loader_16754041710377243029 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_fill_in_island_loader_16754041710377243029.wasm", import.meta.url));
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_3]));
export const __wasm_split_load_card_island_loader_13636915836514880133 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_card_island_loader_13636915836514880133.wasm", import.meta.url));
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_3, __chunk_12]));
"#;

    #[test]
    fn the_split_loader_names_each_lazy_islands_own_file_and_its_chunks() {
        assert_eq!(
            island_files(LOADER, "fill_in").unwrap(),
            [
                "split_fill_in_island_loader_16754041710377243029.wasm",
                "chunk_3.wasm"
            ]
        );
        assert_eq!(
            island_files(LOADER, "card").unwrap(),
            [
                "split_card_island_loader_13636915836514880133.wasm",
                "chunk_3.wasm",
                "chunk_12.wasm"
            ]
        );
        // An island the loader does not name (or names only in a comment) has no files.
        assert_eq!(island_files(LOADER, "account"), None);
        assert_eq!(island_files(LOADER, "in"), None);
    }

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
