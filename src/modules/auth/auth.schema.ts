/** Inputs of the account pages, parsed once at the edge, with Danish messages. */
import { z } from 'astro/zod';
import { normaliseEmail } from '@/lib/email';
import { ROLES } from './auth.rules';

const email = z.string({ required_error: 'Skriv din e-mailadresse.' }).transform((value, ctx) => {
	const result = normaliseEmail(value);
	if (!result.ok) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: result.error === 'E-mailadressen er tom.' ? 'Skriv din e-mailadresse.' : result.error });
		return z.NEVER;
	}
	return result.email;
});

export const signinSchema = z.object({
	email,
	next: z.string().optional(),
});

export const codeSchema = z.object({
	code: z
		.string()
		.transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
		.refine((v) => v.length > 0, 'Skriv koden fra mailen.')
		.refine((v) => v.length === 0 || /^[A-Z0-9]{8}$/.test(v), 'Koden har 8 tegn (bogstaver og tal), fx ABCD-EFGH.'),
});

export const registerSchema = z.object({
	email,
	name: z.string().trim().min(1, 'Skriv dit navn.').max(120, 'Navnet er for langt.'),
	note: z.string().trim().max(500, 'Højst 500 tegn.').default(''),
	consent: z.literal('ja', { errorMap: () => ({ message: 'Sæt kryds for at bekræfte, at du er fagperson i netværket.' }) }),
});

const idList = z
	.union([z.string(), z.array(z.string())])
	.optional()
	.transform((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]).filter((x) => /^\d+$/.test(x)).map(Number));

export const accountUpdateSchema = z.object({
	role: z.enum(ROLES as [string, ...string[]], { errorMap: () => ({ message: 'Vælg en rolle.' }) }),
	status: z.enum(['pending', 'active', 'disabled'], { errorMap: () => ({ message: 'Vælg en status.' }) }),
	unitIds: idList,
	organisationIds: idList,
});
