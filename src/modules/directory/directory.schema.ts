/**
 * Input schemas for editing the directory (people, units, organisations, handover, corrections).
 * Every form posts strings; these schemas trim, normalise (phones to E.164, e-mails to lower case) and
 * answer in Danish, so a page can show the message beside the field and keep what was typed.
 */
import { z } from 'astro/zod';
import { normalisePhone } from '@/lib/phone';
import { normaliseEmail } from '@/lib/email';
import { isIsoDate } from '@/lib/dates';
import type { Visibility } from '@db/schema';
import { DEFAULT_VISIBILITY } from './directory.rules';

// ---------- building blocks ----------

/** A form value as a trimmed string ('' when missing). */
const str = () => z.preprocess((v) => (Array.isArray(v) ? v[0] : v) ?? '', z.string()).transform((v) => v.trim());

/** Free text with a Danish length message; `required` adds a "write something" message. */
function text(label: string, max: number, opts: { required?: boolean } = {}) {
	return str().superRefine((v, ctx) => {
		if (opts.required && !v) ctx.addIssue({ code: 'custom', message: `Skriv ${label}.` });
		else if (v.length > max) ctx.addIssue({ code: 'custom', message: `${capitalise(label)} må højst være ${max} tegn (der er ${v.length}).` });
	});
}

function capitalise(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** An optional phone number in any common Danish notation → E.164 or null. */
const optionalPhone = () =>
	str().transform((v, ctx) => {
		if (!v) return null;
		const result = normalisePhone(v);
		if (!result.ok) {
			ctx.addIssue({ code: 'custom', message: result.error });
			return z.NEVER;
		}
		return result.e164;
	});

/** An optional work e-mail → lower case or null. */
const optionalEmail = () =>
	str().transform((v, ctx) => {
		if (!v) return null;
		const result = normaliseEmail(v);
		if (!result.ok) {
			ctx.addIssue({ code: 'custom', message: result.error });
			return z.NEVER;
		}
		return result.email;
	});

/** An optional calendar date `YYYY-MM-DD` (what `<input type="date">` sends) → the same string or null. */
const optionalDate = () =>
	str().transform((v, ctx) => {
		if (!v) return null;
		if (!isIsoDate(v)) {
			ctx.addIssue({ code: 'custom', message: `"${v}" er ikke en gyldig dato. Skriv den som åååå-mm-dd, fx 2026-07-01.` });
			return z.NEVER;
		}
		return v;
	});

/** A ticked checkbox posts "on" (or the value we give it); an unticked one posts nothing. */
const checkbox = () => z.preprocess((v) => v === 'on' || v === '1' || v === 'true' || v === 'ja', z.boolean());

/** Checkbox groups post the name once per ticked box; normalised to a de-duplicated string array. */
const slugList = (label: string) =>
	z
		.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().trim().max(60, `Ugyldig værdi i ${label}.`)))
		.transform((list) => [...new Set(list.filter(Boolean))]);

/** Lines or commas → trimmed, de-duplicated, non-empty values. */
const lineList = (label: string, maxItems: number, maxLength: number) =>
	str()
		.transform((v) => [...new Set(v.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean))])
		.superRefine((list, ctx) => {
			if (list.length > maxItems) ctx.addIssue({ code: 'custom', message: `Højst ${maxItems} ${label}.` });
			const long = list.find((s) => s.length > maxLength);
			if (long) ctx.addIssue({ code: 'custom', message: `"${long.slice(0, 40)}…" er for lang (højst ${maxLength} tegn).` });
		});

export const VISIBILITY_LABELS: Record<Visibility, string> = {
	public: 'Offentlig',
	members: 'Kun medlemmer',
	hidden: 'Skjult',
};

const visibility = () =>
	z.preprocess((v) => (v === undefined || v === '' ? undefined : v), z.enum(['public', 'members', 'hidden'], { errorMap: () => ({ message: 'Vælg offentlig, kun medlemmer eller skjult.' }) }));

const id = (message: string) =>
	str().transform((v, ctx) => {
		const n = Number(v);
		if (!v || !Number.isInteger(n) || n <= 0) {
			ctx.addIssue({ code: 'custom', message });
			return z.NEVER;
		}
		return n;
	});

const optionalRef = () => str().transform((v) => (v ? v.slice(0, 40) : null));

// ---------- people ----------

const personFields = {
	firstName: text('fornavnet', 80, { required: true }),
	lastName: text('efternavnet', 80, { required: true }),
	title: text('stillingsbetegnelsen', 120),
	unitId: id('Vælg en enhed.'),
	phone: optionalPhone(),
	mobile: optionalPhone(),
	email: optionalEmail(),
	hours: text('træffetiden', 200),
	note: text('noten', 1000),
	keyPerson: checkbox(),
	roles: slugList('roller'),
	topics: slugList('emner'),
	ageGroups: slugList('aldersgrupper'),
	phoneVisibility: visibility().default(DEFAULT_VISIBILITY.phone),
	mobileVisibility: visibility().default(DEFAULT_VISIBILITY.mobile),
	emailVisibility: visibility().default(DEFAULT_VISIBILITY.email),
};

const awayRefine = (v: { awayFrom: string | null; awayUntil: string | null }, ctx: z.RefinementCtx) => {
	if (v.awayFrom && v.awayUntil && v.awayFrom > v.awayUntil)
		ctx.addIssue({ code: 'custom', path: ['awayUntil'], message: 'Slutdatoen for fraværet ligger før startdatoen.' });
	if (!v.awayFrom && v.awayUntil) ctx.addIssue({ code: 'custom', path: ['awayFrom'], message: 'Skriv, hvornår fraværet begynder.' });
};

/** `/personer/<ref>/rediger`. */
export const personEditSchema = z
	.object({
		...personFields,
		deputyRef: optionalRef(),
		awayFrom: optionalDate(),
		awayUntil: optionalDate(),
		/** "Oplysningerne er korrekte": stamps verified_at. */
		confirm: checkbox(),
	})
	.superRefine(awayRefine);
export type PersonEditInput = z.infer<typeof personEditSchema>;

/** `/organisationer/<slug>/<unit>/ny-person`. */
export const newPersonSchema = z.object({
	...personFields,
	/** Send the newcomer the welcome mail (explains the network and how to keep the entry current). */
	sendWelcome: checkbox(),
});
export type NewPersonInput = z.infer<typeof newPersonSchema>;

// ---------- handover ----------

export const handoverSchema = z
	.object({
		mode: z.preprocess((v) => v || undefined, z.enum(['successor', 'new', 'vacant'], { errorMap: () => ({ message: 'Vælg, hvem der overtager.' }) })),
		successorRef: optionalRef(),
		newFirstName: text('efterfølgerens fornavn', 80),
		newLastName: text('efterfølgerens efternavn', 80),
		newTitle: text('efterfølgerens stillingsbetegnelse', 120),
		newEmail: optionalEmail(),
		newPhone: optionalPhone(),
		moveTags: checkbox(),
		/** Only for a new colleague: take over the leaver's hours (default off — they are the leaver's). */
		copyHours: checkbox(),
		/** The day the person stops; empty = now. A later day is carried out by the handover job. */
		effectiveOn: optionalDate(),
	})
	.superRefine((v, ctx) => {
		if (v.mode === 'successor' && !v.successorRef) ctx.addIssue({ code: 'custom', path: ['successorRef'], message: 'Vælg efterfølgeren på listen.' });
		if (v.mode === 'new') {
			if (!v.newFirstName) ctx.addIssue({ code: 'custom', path: ['newFirstName'], message: 'Skriv efterfølgerens fornavn.' });
			if (!v.newLastName) ctx.addIssue({ code: 'custom', path: ['newLastName'], message: 'Skriv efterfølgerens efternavn.' });
			if (!v.newEmail) ctx.addIssue({ code: 'custom', path: ['newEmail'], message: 'Skriv efterfølgerens arbejdsmail, så vi kan sende en velkomstmail.' });
		}
	});
export type HandoverInput = z.infer<typeof handoverSchema>;

// ---------- units and organisations ----------

export const unitEditSchema = z.object({
	name: text('enhedens navn', 120, { required: true }),
	aliases: lineList('andre navne', 20, 120),
	description: text('beskrivelsen', 2000),
	address: text('vej og husnummer', 200).transform((v) => v || null),
	postcode: str().superRefine((v, ctx) => {
		if (v && !/^\d{4}$/.test(v)) ctx.addIssue({ code: 'custom', message: `"${v}" er ikke et postnummer. Skriv de 4 cifre, fx 3400.` });
	}).transform((v) => v || null),
	town: text('byen', 80).transform((v) => v || null),
	municipalityCodes: slugList('kommuner').superRefine((list, ctx) => {
		if (list.some((c) => !/^\d{3}$/.test(c))) ctx.addIssue({ code: 'custom', message: 'Vælg kommunerne på listen.' });
	}),
});
export type UnitEditInput = z.infer<typeof unitEditSchema>;

/** A team phone or shared mailbox; `contactId` empty for a new one. */
export const unitContactSchema = z
	.object({
		contactId: str().transform((v) => (v && /^\d+$/.test(v) ? Number(v) : null)),
		label: text('navnet på kontakten (fx "Teamets telefon")', 120, { required: true }),
		phone: optionalPhone(),
		email: optionalEmail(),
		hours: text('telefontiden', 200).transform((v) => v || null),
		note: text('noten', 500),
	})
	.superRefine((v, ctx) => {
		if (!v.phone && !v.email) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Skriv et telefonnummer eller en e-mailadresse.' });
	});
export type UnitContactEditInput = z.infer<typeof unitContactSchema>;

const DOMAIN = /^(?=.{3,253}$)[a-z0-9æøå](?:[a-z0-9æøå-]*[a-z0-9æøå])?(?:\.[a-z0-9æøå](?:[a-z0-9æøå-]*[a-z0-9æøå])?)+$/;

export const organisationEditSchema = z.object({
	name: text('organisationens navn', 150, { required: true }),
	type: z.preprocess((v) => v || undefined, z.enum(['kommune', 'region', 'frivillig', 'andet'], { errorMap: () => ({ message: 'Vælg en organisationstype.' }) })),
	municipalityCode: str().transform((v, ctx) => {
		if (!v) return null;
		if (!/^\d{3}$/.test(v)) {
			ctx.addIssue({ code: 'custom', message: 'Vælg kommunen på listen.' });
			return z.NEVER;
		}
		return v;
	}),
	description: text('beskrivelsen', 2000),
	website: str().transform((v, ctx) => {
		if (!v) return null;
		const candidate = /^https?:\/\//i.test(v) ? v : `https://${v}`;
		try {
			const url = new URL(candidate);
			if (!url.hostname.includes('.')) throw new Error('no dot');
			if (candidate.length > 300) throw new Error('too long');
			return url.toString();
		} catch {
			ctx.addIssue({ code: 'custom', message: `"${v}" er ikke en gyldig webadresse. Skriv fx https://www.eksempel.dk.` });
			return z.NEVER;
		}
	}),
	emailDomains: lineList('domæner', 20, 253).transform((list, ctx) => {
		const domains = list.map((d) => d.toLowerCase().replace(/^@/, ''));
		const bad = domains.find((d) => !DOMAIN.test(d));
		if (bad) {
			ctx.addIssue({ code: 'custom', message: `"${bad}" er ikke et gyldigt e-maildomæne (skriv fx hillerod.dk uden @).` });
			return z.NEVER;
		}
		return domains;
	}),
});
export type OrganisationEditInput = z.infer<typeof organisationEditSchema>;

// ---------- corrections ----------

export const CORRECTION_KINDS = {
	number: 'Nummeret virker ikke',
	left: 'Personen er stoppet',
	wrong_unit: 'Forkert enhed/titel',
	other: 'Andet',
} as const;
export type CorrectionKind = keyof typeof CORRECTION_KINDS;

export const correctionSchema = z
	.object({
		kind: z.preprocess((v) => v || undefined, z.enum(['number', 'left', 'wrong_unit', 'other'], { errorMap: () => ({ message: 'Vælg, hvad der er galt.' }) })),
		message: text('beskrivelsen', 1000),
		reporterEmail: optionalEmail(),
		/** Honeypot: hidden from people, filled in by bots. */
		homepage: str(),
	})
	.superRefine((v, ctx) => {
		if (v.kind === 'other' && !v.message) ctx.addIssue({ code: 'custom', path: ['message'], message: 'Beskriv kort, hvad der er forkert.' });
	});
export type CorrectionInput = z.infer<typeof correctionSchema>;

export const correctionDecisionSchema = z.object({
	correctionId: id('Rettelsen findes ikke.'),
	decision: z.preprocess((v) => v || undefined, z.enum(['resolved', 'dismissed'], { errorMap: () => ({ message: 'Vælg løst eller afvist.' }) })),
	note: text('noten', 1000),
});
export type CorrectionDecisionInput = z.infer<typeof correctionDecisionSchema>;
