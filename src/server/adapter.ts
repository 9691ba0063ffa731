/**
 * The node adapter with our own front door (src/server/entry.ts): `node dist/server/entry.mjs` stays the
 * production server, but every request passes through frontDoor() before Astro sees it.
 */
import node from '@astrojs/node';
import type { AstroIntegration } from 'astro';

export default function vejviserNode(): AstroIntegration {
	const integration = node({ mode: 'standalone' });
	const configDone = integration.hooks['astro:config:done']!;
	return {
		...integration,
		hooks: {
			...integration.hooks,
			'astro:config:done': (options) =>
				configDone({
					...options,
					setAdapter: (adapter) => options.setAdapter({ ...adapter, serverEntrypoint: new URL('./entry.ts', import.meta.url) }),
				}),
		},
	};
}
