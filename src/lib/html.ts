/**
 * HTML written in TypeScript, for the small per-viewer parts of stored pages (page-cache.ts viewer holes): they
 * are filled in for each request without Astro, so they cannot be Astro components. Every interpolated value is
 * escaped, as in an Astro template, unless it is itself `Html` (built by `html` from escaped parts); `false`,
 * `null`, `undefined` and `true` render as nothing and arrays are joined, so `${cond && html`…`}` and
 * `${list.map(…)}` read as they do in JSX. This is the only other producer of markup that `set:html` receives.
 */
export class Html {
	constructor(readonly value: string) {}
	toString(): string {
		return this.value;
	}
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function part(value: unknown): string {
	if (value === null || value === undefined || value === false || value === true) return '';
	if (value instanceof Html) return value.value;
	if (Array.isArray(value)) return value.map(part).join('');
	return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
	let out = strings[0];
	for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
	return new Html(out);
}
