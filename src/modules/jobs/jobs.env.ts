/**
 * Configuration the jobs need. Jobs run both inside the server (values handed over from astro:env by the
 * middleware) and in `npm run jobs:run` (process.env), so they read it from here, never from astro:env.
 */
import { publicBaseUrl as defaultBaseUrl } from '@/lib/base-url';
export interface JobEnv {
	SMTP_URL?: string;
	MAIL_FROM?: string;
	PUBLIC_BASE_URL?: string;
	TOKEN_SECRET?: string;
	NODE_ENV?: string;
	/** Freshness settings, see freshness.config.ts. */
	[key: `FRESHNESS_${string}`]: string | undefined;
}

let current: JobEnv = { ...(process.env as JobEnv) };

/** Overrides values (the server passes its astro:env values; undefined keeps what is there). */
export function setJobEnv(env: Partial<JobEnv>): void {
	const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
	current = { ...current, ...defined };
}

export function jobEnv(): JobEnv {
	return current;
}

/** Base URL for links in mails, without a trailing slash. */
export function publicBaseUrl(env: JobEnv = current): string {
	return env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, '') : defaultBaseUrl();
}
