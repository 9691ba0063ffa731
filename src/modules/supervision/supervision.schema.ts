/** Form schemas for supervision groups, with Danish messages. Parsed once at the edge (the page). */
import { z } from 'astro/zod';
import { isIsoDate } from '@/lib/dates';

const text = (max: number) => z.string().trim().max(max, 'Teksten er for lang.');
const required = (label: string, max = 200) => z.string({ required_error: `Skriv ${label}.` }).trim().min(1, `Skriv ${label}.`).max(max, 'Teksten er for lang.');
const int = (label: string, min: number, max: number) =>
	z
		.string({ required_error: `Skriv ${label}.` })
		.trim()
		.regex(/^\d+$/, `Skriv ${label} som et helt tal.`)
		.transform(Number)
		.refine((n) => n >= min && n <= max, `${label[0].toUpperCase()}${label.slice(1)} skal være mellem ${min} og ${max}.`);
const optionalInt = (label: string, max: number) =>
	z
		.string()
		.trim()
		.optional()
		.default('')
		.refine((v) => v === '' || (/^\d+$/.test(v) && Number(v) <= max), `Skriv ${label} som et helt tal (højst ${max}).`)
		.transform((v) => (v === '' ? null : Number(v)));
const checkbox = z
	.string()
	.optional()
	.transform((v) => v === 'ja' || v === 'on');
const mode = z.enum(['in_person', 'remote'], { errorMap: () => ({ message: 'Vælg fremmøde eller fjernsupervision.' }) });

export const PROFESSIONS = ['Psykolog', 'Læge', 'Socialrådgiver', 'Sygeplejerske', 'Pædagog', 'Anden faggruppe'] as const;

export const applySchema = z.object({
	profession: z.enum(PROFESSIONS, { errorMap: () => ({ message: 'Vælg din profession.' }) }),
	motivation: required('en kort motivation', 1500),
});

export const decisionSchema = z.object({
	membership_id: z.string().regex(/^\d+$/, 'Ukendt ansøgning.').transform(Number),
	action: z.enum(['approve', 'decline'], { errorMap: () => ({ message: 'Ukendt handling.' }) }),
	message: text(1000).default(''),
});

export const meetingSchema = z.object({
	date: z.string().trim().refine(isIsoDate, 'Vælg en dato (åååå-mm-dd).'),
	time: z.string().trim().regex(/^([01]\d|2[0-3])[:.][0-5]\d$/, 'Skriv tidspunktet som tt:mm, fx 13:00.').transform((v) => v.replace('.', ':')),
	duration_minutes: int('varigheden i minutter', 15, 600),
	mode,
	place: text(200).default(''),
});

export const attendanceSchema = z
	.object({
		duration_minutes: int('varigheden i minutter', 15, 600),
		mode,
		present_count: optionalInt('antal til stede', 200),
		psychologist_count: optionalInt('antal psykologer', 200),
	})
	.refine((v) => v.present_count === null || v.psychologist_count === null || v.psychologist_count <= v.present_count, { message: 'Der kan ikke være flere psykologer end deltagere til stede.', path: ['psychologist_count'] });

export const groupSchema = z
	.object({
		title: required('en titel', 150),
		focus: required('gruppens fokus', 300),
		audience: required('hvem gruppen er for', 500),
		admission: required('hvordan man bliver optaget', 1000),
		place: text(200).default(''),
		min_size: int('mindste antal deltagere', 1, 50),
		capacity: int('højeste antal deltagere', 1, 50),
		offer_days: int('svarfristen i dage', 1, 30),
		counts_toward_training: checkbox,
		supervisor_email: required('supervisorens e-mail (brugerkonto)', 200).transform((v) => v.toLowerCase()),
		supervisor_name: required('supervisorens navn'),
		supervisor_profession: required('supervisorens profession'),
		supervisor_qualifications: text(500).default(''),
		supervisor_kind: z.enum(['psychologist', 'other_academic'], { errorMap: () => ({ message: 'Vælg supervisorens faggruppe.' }) }),
		supervisor_external: checkbox,
	})
	.refine((v) => v.capacity >= v.min_size, { message: 'Højeste antal skal være mindst lige så stort som mindste antal.', path: ['capacity'] });

export const selfCourseSchema = z
	.object({
		title: required('en betegnelse for forløbet', 150),
		supervisor_name: required('supervisorens navn'),
		kind: z.enum(['individual', 'group'], { errorMap: () => ({ message: 'Vælg individuel eller gruppe.' }) }),
		group_size: optionalInt('antal deltagere', 50),
		external: checkbox,
		hours: z
			.string()
			.trim()
			.regex(/^\d+([.,]\d+)?$/, 'Skriv antal timer, fx 12 eller 7,5.')
			.transform((v) => Number(v.replace(',', '.')))
			.refine((n) => n > 0 && n <= 500, 'Antal timer skal være mellem 0 og 500.'),
		from_date: z.string().trim().refine(isIsoDate, 'Vælg en startdato.'),
		to_date: z.string().trim().refine(isIsoDate, 'Vælg en slutdato.'),
	})
	.refine((v) => v.to_date >= v.from_date, { message: 'Slutdatoen skal ligge efter startdatoen.', path: ['to_date'] })
	.refine((v) => v.kind === 'individual' || (v.group_size ?? 0) >= 2, { message: 'Skriv antal deltagere i gruppen (mindst 2).', path: ['group_size'] });

export const supervisorSchema = z.object({
	supervisor_email: required('supervisorens e-mail (brugerkonto)', 200).transform((v) => v.toLowerCase()),
	supervisor_name: required('supervisorens navn'),
	supervisor_profession: required('supervisorens profession'),
	supervisor_qualifications: text(500).default(''),
	supervisor_kind: z.enum(['psychologist', 'other_academic'], { errorMap: () => ({ message: 'Vælg supervisorens faggruppe.' }) }),
	supervisor_external: checkbox,
});

export const settingsSchema = z.object({
	capacity: int('højeste antal deltagere', 1, 50),
	admission: required('hvordan man bliver optaget', 1000),
});
