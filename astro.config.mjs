// @ts-check
import { defineConfig, envField } from 'astro/config';
import vejviserNode from './src/server/adapter.ts';

const port = Number(process.env.PORT ?? 4321);

export default defineConfig({
	output: 'server',
	// @astrojs/node (standalone) behind our front door: client address, forwarded headers, compression.
	adapter: vejviserNode(),
	// Parallel builds (e2e runs, several developers on one machine) each get their own folder.
	outDir: process.env.ASTRO_OUT_DIR ?? './dist',
	server: { host: process.env.HOST ?? 'localhost', port },
	security: {
		// The origin check runs in src/middleware.ts instead (originAllowed), because it must know the public
		// host at run time (PUBLIC_BASE_URL / PUBLIC_HOSTNAME) — Astro's own check only knows the build's.
		checkOrigin: false,
	},
	env: {
		// All server variables are `secret` on purpose: those are read at run time, so one build serves any
		// DATABASE_PATH or host (Astro inlines `public` server variables at build time).
		schema: {
			DATABASE_PATH: envField.string({ context: 'server', access: 'secret', default: 'data/vejviser.db' }),
			// postgres://… runs the same app on PostgreSQL instead of the SQLite file (db/client.ts databaseTarget).
			DATABASE_URL: envField.string({ context: 'server', access: 'secret', optional: true }),
			// PUBLIC_BASE_URL is read in src/lib/base-url.ts: its default (the address the server listens on) is only
			// known at run time.
			SMTP_URL: envField.string({ context: 'server', access: 'secret', optional: true }),
			MAIL_FROM: envField.string({ context: 'server', access: 'secret', default: 'Vejviser <noreply@vejviser.local>' }),
			TOKEN_SECRET: envField.string({ context: 'server', access: 'secret', optional: true }),
			PUBLIC_HOSTNAME: envField.string({ context: 'server', access: 'secret', optional: true }),
		},
	},
	devToolbar: { enabled: false },
	// No inline scripts: every script is a file of our own, so the CSP needs no 'unsafe-inline' for scripts.
	vite: { build: { assetsInlineLimit: 0 } },
});
