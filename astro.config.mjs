// @ts-check
import { defineConfig, envField } from 'astro/config';
import node from '@astrojs/node';

const port = Number(process.env.PORT ?? 4321);

export default defineConfig({
	output: 'server',
	adapter: node({ mode: 'standalone' }),
	// Parallel builds (e2e runs, several developers on one machine) each get their own folder.
	outDir: process.env.ASTRO_OUT_DIR ?? './dist',
	server: { host: process.env.HOST ?? 'localhost', port },
	security: {
		checkOrigin: true,
		// Behind the node adapter Astro's origin check needs the hosts we answer on.
		allowedDomains: [
			{ hostname: 'localhost' },
			{ hostname: '127.0.0.1' },
			...(process.env.PUBLIC_HOSTNAME ? [{ hostname: process.env.PUBLIC_HOSTNAME, protocol: 'https' }] : []),
		],
	},
	env: {
		// All server variables are `secret` on purpose: those are read at run time, so one build serves any
		// DATABASE_PATH or host (Astro inlines `public` server variables at build time).
		schema: {
			DATABASE_PATH: envField.string({ context: 'server', access: 'secret', default: 'data/vejviser.db' }),
			PUBLIC_BASE_URL: envField.string({ context: 'server', access: 'secret', default: `http://localhost:${port}` }),
			SMTP_URL: envField.string({ context: 'server', access: 'secret', optional: true }),
			MAIL_FROM: envField.string({ context: 'server', access: 'secret', default: 'Vejviser <noreply@vejviser.local>' }),
			TOKEN_SECRET: envField.string({ context: 'server', access: 'secret', optional: true }),
		},
	},
	devToolbar: { enabled: false },
});
