// The inline script of an islands page (see islands.rs): loads the islands bundle's entry module
// from its folder, hydrates every island on the page (a lazy island's hydration first
// loads its own WASM file), then marks <body data-hydrated="true">. After
// Leptos's own island_script.js (MIT), without its island-children callbacks, which no island
// here uses.
(async (folder, js, wasm) => {
	const mod = await import(`${folder}/${js}`);
	await mod.default({ module_or_path: `${folder}/${wasm}` });
	mod.hydrate();
	// Every island's hydration starts at once: each lazy island's file loads alongside the others.
	const hydrations = [];
	const walk = (node) => {
		for (const child of node.children) {
			if (child.tagName === "LEPTOS-ISLAND") {
				const hydrateIsland = mod[child.dataset.component];
				if (hydrateIsland) {
					hydrations.push(hydrateIsland(child));
				} else {
					console.error(`The islands bundle has no island ${child.dataset.component}.`);
				}
			} else {
				walk(child);
			}
		}
	};
	walk(document.body);
	await Promise.all(hydrations);
	document.body.dataset.hydrated = "true";
})
