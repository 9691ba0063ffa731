/**
 * Form handling shared by every page that accepts a POST: forms post to their own URL, the page parses
 * with a zod schema, calls one module function and redirects (303) on success, or renders again with the
 * typed values and Danish messages (status 422) on failure — so nothing the user typed is lost.
 */
import type { z } from 'astro/zod';

/** Form fields as strings; repeated names (checkboxes) as arrays. */
export async function readForm(request: Request): Promise<Record<string, string | string[]>> {
	const data = await request.formData();
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(data.keys())) {
		const values = data.getAll(key).filter((v): v is string => typeof v === 'string');
		out[key] = values.length > 1 ? values : (values[0] ?? '');
	}
	return out;
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

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string | string[]> };

/** Reads and validates a POSTed form in one step. */
export async function parseForm<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<FormResult<z.infer<S>>> {
	const values = await readForm(request);
	const parsed = schema.safeParse(values);
	return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error), values };
}
