/** Form schemas for theme days, with Danish messages. Parsed once at the edge (the page). */
import { z } from 'astro/zod';
import { isIsoDate } from '@/lib/dates';
import { normaliseEmail } from '@/lib/email';
import { asArray } from '@/lib/forms';
import type { EventInput, ProgrammeInput } from './events.writes';
import { hasControlChars, looksLikeUrl, NAME_MAX } from './events.text';

const text = (max: number, message = 'Teksten er for lang.') => z.string().trim().max(max, message);
const required = (label: string, max = 200) => z.string({ required_error: `Skriv ${label}.` }).trim().min(1, `Skriv ${label}.`).max(max, 'Teksten er for lang.');
/** Single-line fields never hold line breaks or other control characters (they end up in mails and .ics files). */
const ONE_LINE = 'Skriv teksten på én linje uden linjeskift eller andre styretegn.';
const oneLine = (schema: z.ZodString) => schema.refine((v) => !hasControlChars(v), ONE_LINE);
/** A person's name: one line of plausible length, no links (it is the greeting of the mails we send). */
const personName = oneLine(z.string({ required_error: 'Skriv dit navn.' }).trim().min(1, 'Skriv dit navn.').max(NAME_MAX, `Navnet må højst være ${NAME_MAX} tegn.`)).refine((v) => !looksLikeUrl(v), 'Skriv kun dit navn — uden links eller webadresser.');
const email = (label: string) =>
	z
		.string({ required_error: `Skriv ${label}.` })
		.trim()
		.min(1, `Skriv ${label}.`)
		.superRefine((value, ctx) => {
			const result = normaliseEmail(value);
			if (!result.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, message: result.error });
		})
		.transform((value) => value.toLowerCase());
const time = (label: string) => z.string().trim().regex(/^([01]\d|2[0-3])[:.][0-5]\d$/, `Skriv ${label} som tt:mm, fx 09:00.`).transform((v) => v.replace('.', ':'));
const date = (label: string) => z.string().trim().refine(isIsoDate, `Vælg ${label} (åååå-mm-dd).`);
const optionalUrl = z
	.string()
	.trim()
	.refine((v) => v === '' || /^https?:\/\/[^\s]+$/i.test(v), 'Linket skal begynde med https:// eller http://.')
	.transform((v) => v || null);

/** Anyone who is not signed in: name, work e-mail, organisation, job title (+ optional needs and a question). */
export const registrationSchema = z.object({
	name: personName,
	email: email('din arbejdsmail'),
	organisation: oneLine(required('din arbejdsplads')),
	job_title: oneLine(required('din stilling')),
	dietary_needs: oneLine(text(300)).optional().default(''),
	accessibility_needs: oneLine(text(300)).optional().default(''),
	question: text(1000).optional().default(''),
});
export type RegistrationForm = z.infer<typeof registrationSchema>;

export const eventSchema = z
	.object({
		title: oneLine(required('en titel', 150)),
		summary: text(400).default(''),
		description: text(20_000).default(''),
		date: date('en dato'),
		start_time: time('starttidspunktet'),
		end_time: time('sluttidspunktet'),
		place_name: oneLine(text(200)).default(''),
		place_address: oneLine(text(300)).default(''),
		online_url: optionalUrl.default(''),
		organisation_id: z
			.string()
			.default('')
			.transform((v) => (v === '' ? null : Number(v)))
			.refine((v) => v === null || Number.isInteger(v), 'Vælg en arrangør.'),
		organiser_email: z
			.string()
			.trim()
			.default('')
			.superRefine((value, ctx) => {
				if (value && !normaliseEmail(value).ok) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Skriv en gyldig e-mailadresse til arrangøren.' });
			}),
		target_group: oneLine(text(300)).default(''),
		price_text: oneLine(text(100)).default('Gratis'),
		capacity: z.coerce.number({ invalid_type_error: 'Skriv antal pladser som et tal.' }).int('Skriv et helt antal pladser.').min(1, 'Der skal være mindst én plads.').max(5000, 'Højst 5000 pladser.'),
		deadline_date: z.string().trim().default('').refine((v) => v === '' || isIsoDate(v), 'Vælg en gyldig dato for tilmeldingsfristen.'),
		deadline_time: z.string().trim().default('').refine((v) => v === '' || /^([01]\d|2[0-3])[:.][0-5]\d$/.test(v), 'Skriv fristens klokkeslæt som tt:mm.'),
		promotion_cutoff_hours: z.coerce.number({ invalid_type_error: 'Skriv et antal timer.' }).int('Skriv et helt antal timer.').min(0).max(24 * 14, 'Højst 336 timer.').default(48),
		materials: text(20_000).default(''),
		hours: z.coerce.number({ invalid_type_error: 'Skriv antal timer som et tal.' }).min(0, 'Timer kan ikke være negative.').max(100, 'Højst 100 timer.').default(0),
		topics: z.union([z.string(), z.array(z.string())]).optional().transform((v) => asArray(v)),
	})
	.superRefine((v, ctx) => {
		if (!v.place_name && !v.online_url) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['place_name'], message: 'Skriv et sted eller et online-link.' });
		if (v.end_time <= v.start_time) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['end_time'], message: 'Sluttidspunktet skal ligge efter starttidspunktet.' });
	})
	.transform(
		(v): EventInput => ({
			title: v.title,
			summary: v.summary,
			description: v.description,
			date: v.date,
			startTime: v.start_time,
			endTime: v.end_time,
			placeName: v.place_name,
			placeAddress: v.place_address,
			onlineUrl: v.online_url,
			organisationId: v.organisation_id,
			organiserEmail: v.organiser_email || null,
			targetGroup: v.target_group,
			priceText: v.price_text,
			capacity: v.capacity,
			deadlineDate: v.deadline_date || null,
			deadlineTime: v.deadline_time ? v.deadline_time.replace('.', ':') : null,
			promotionCutoffHours: v.promotion_cutoff_hours,
			materials: v.materials,
			hours: v.hours,
			topics: v.topics,
		}),
	);

/** The programme form: parallel arrays of rows; empty rows are dropped. */
export function parseProgramme(values: Record<string, string | string[]>): { ok: true; items: ProgrammeInput[] } | { ok: false; errors: Record<string, string> } {
	const starts = asArray(values.start_time);
	const ends = asArray(values.end_time);
	const titles = asArray(values.title);
	const names = asArray(values.speaker_name);
	const affiliations = asArray(values.speaker_affiliation);
	const items: ProgrammeInput[] = [];
	const errors: Record<string, string> = {};
	const rows = Math.max(starts.length, titles.length);
	for (let i = 0; i < rows; i++) {
		const start = (starts[i] ?? '').trim().replace('.', ':');
		const end = (ends[i] ?? '').trim().replace('.', ':');
		const title = (titles[i] ?? '').trim();
		if (!start && !title && !(names[i] ?? '').trim()) continue;
		if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(start)) errors[`start_time.${i}`] = 'Skriv tidspunktet som tt:mm, fx 09:30.';
		if (end && !/^([01]\d|2[0-3]):[0-5]\d$/.test(end)) errors[`end_time.${i}`] = 'Skriv sluttidspunktet som tt:mm.';
		if (!title) errors[`title.${i}`] = 'Skriv en titel på punktet.';
		else if (hasControlChars(title)) errors[`title.${i}`] = ONE_LINE;
		items.push({ startTime: start, endTime: end || null, title, speakerName: (names[i] ?? '').trim(), speakerAffiliation: (affiliations[i] ?? '').trim() });
	}
	return Object.keys(errors).length ? { ok: false, errors } : { ok: true, items };
}

export const mailSchema = z.object({
	audience: z.enum(['confirmed', 'waitlisted', 'all'], { errorMap: () => ({ message: 'Vælg modtagere.' }) }),
	subject: oneLine(required('et emne', 150)),
	body: required('en besked', 5000),
});

export const cancelEventSchema = z.object({ reason: text(1000).default('') });
export const copySchema = z.object({ date: date('en dato for kopien') });
