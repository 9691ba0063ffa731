/**
 * Form handling shared by every page that accepts a POST: forms post to their own URL, the page parses
 * with a zod schema, calls one module function and redirects (303) on success, or renders again with the
 * typed values and Danish messages (status 422) on failure — so nothing the user typed is lost.
 *
 * Every request body is read here, under a byte limit and a field limit, in one linear pass: an anonymous
 * POST with tens of thousands of fields must not hold the event loop (the hardening issue measured 6 s for
 * 40,000 fields with FormData.getAll per key).
 */
import type { z } from 'astro/zod';

/** Largest form body we read (the middleware refuses a larger declared Content-Length before reading). */
export const FORM_BODY_LIMIT = 64 * 1024;
/** More fields than any of our forms has (the participant list's check-in form is the largest, ~300). */
export const FORM_FIELD_LIMIT = 1000;

/**
 * Routes that take a file upload, with their own body limit (the middleware and readUpload use it).
 * `/admin/import`: a directory CSV of a few thousand rows (the ~1,400-row fixture is 300 KB); 4 MB leaves room
 * for well over 10,000 rows, multipart overhead included.
 */
export const UPLOAD_BODY_LIMITS: Readonly<Record<string, number>> = { '/admin/import': 4 * 1024 * 1024 };

/** The body limit of a path: its upload limit, else the form limit. */
export function bodyLimitFor(pathname: string): number {
	return UPLOAD_BODY_LIMITS[pathname.replace(/\/+$/, '') || '/'] ?? FORM_BODY_LIMIT;
}

/** A body over the byte or field limit; answered with the Danish 413 page. */
export class BodyTooLargeError extends Error {
	constructor(message = 'Formularen er for stor.') {
		super(message);
		this.name = 'BodyTooLargeError';
	}
}

export type FormValues = Record<string, string | string[]>;

/** The values a page read from its request, so the "prøv igen" page can offer to send them again. */
const readValues = new WeakMap<Request, FormValues>();

/** What `readForm` read from this request, if it read it (for the 503 page's resend form). */
export function formValuesOf(request: Request): FormValues | undefined {
	return readValues.get(request);
}

/** The body as bytes, stopping as soon as it passes `limit` (a missing or false Content-Length is no help). */
export async function readBodyBytes(request: Request, limit = FORM_BODY_LIMIT): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > limit) throw new BodyTooLargeError();
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => {});
			throw new BodyTooLargeError();
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}

/** Form fields as strings; repeated names (checkboxes) as arrays. Files are ignored. */
export async function readForm(request: Request): Promise<FormValues> {
	const cached = readValues.get(request);
	if (cached) return cached;
	const bytes = await readBodyBytes(request);
	const type = request.headers.get('content-type') ?? '';
	const entries: Iterable<[string, FormDataEntryValue]> = type.startsWith('multipart/form-data')
		? await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } }).formData()
		: new URLSearchParams(new TextDecoder().decode(bytes));
	const out: FormValues = {};
	let count = 0;
	for (const [key, value] of entries) {
		if (++count > FORM_FIELD_LIMIT) throw new BodyTooLargeError('Formularen har for mange felter.');
		if (typeof value !== 'string') continue;
		const existing = out[key];
		if (existing === undefined) out[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else out[key] = [existing, value];
	}
	readValues.set(request, out);
	return out;
}

/** A multipart upload read under the route's limit: the text fields and the files (name → first file). */
export async function readUpload(request: Request, limit: number): Promise<{ values: FormValues; files: Record<string, { name: string; bytes: Uint8Array }> }> {
	const bytes = await readBodyBytes(request, limit);
	const type = request.headers.get('content-type') ?? '';
	const values: FormValues = {};
	const files: Record<string, { name: string; bytes: Uint8Array }> = {};
	if (!type.startsWith('multipart/form-data')) {
		for (const [key, value] of new URLSearchParams(new TextDecoder().decode(bytes))) values[key] ??= value;
		readValues.set(request, values);
		return { values, files };
	}
	let count = 0;
	for (const [key, value] of await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } }).formData()) {
		if (++count > FORM_FIELD_LIMIT) throw new BodyTooLargeError('Formularen har for mange felter.');
		if (typeof value === 'string') values[key] ??= value;
		else if (!files[key]) files[key] = { name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) };
	}
	// Only the text fields are offered for resending (a file is never kept in memory for that).
	readValues.set(request, values);
	return { values, files };
}

/** One field as a single string (the first, when repeated); '' when missing. */
export function field(values: FormValues, name: string): string {
	const value = values[name];
	return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** A value that may be an array, as an array (for checkbox groups). */
export function asArray(value: string | string[] | undefined): string[] {
	if (value === undefined || value === '') return [];
	return Array.isArray(value) ? value : [value];
}

export type FieldErrors = Record<string, string>;

/** The first message per field from a zod error (field path joined with '.'; form-wide under '_form'). */
export function fieldErrors(error: z.ZodError): FieldErrors {
	const errors: FieldErrors = {};
	for (const issue of error.issues) {
		const key = issue.path.length ? issue.path.join('.') : '_form';
		errors[key] ??= issue.message;
	}
	return errors;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: FormValues };

/** Reads and validates a POSTed form in one step. */
export async function parseForm<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<FormResult<z.infer<S>>> {
	const values = await readForm(request);
	const parsed = schema.safeParse(values);
	return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error), values };
}
