// The inline script of an islands page (see islands.rs): loads the islands bundle, hydrates each
// island on the page in document order, then marks <body data-hydrated="true">. After Leptos's
// own island_script.js (MIT), without its island-children callbacks, which no island here uses.
(async (pkg, js, wasm) => {
	const mod = await import(`${pkg}/${js}`);
	await mod.default({ module_or_path: `${pkg}/${wasm}` });
	mod.hydrate();
	const walk = async (node) => {
		for (const child of node.children) {
			if (child.tagName === "LEPTOS-ISLAND") {
				const hydrateIsland = mod[child.dataset.component];
				if (hydrateIsland) {
					await hydrateIsland(child);
				} else {
					console.error(`The islands bundle has no island ${child.dataset.component}.`);
				}
			} else {
				await walk(child);
			}
		}
	};
	await walk(document.body);
	document.body.dataset.hydrated = "true";
})
