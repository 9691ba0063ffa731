/**
 * The frontmatter of the knowledge articles in `content/` (Astro content collections, src/content.config.ts)
 * and the inputs of the knowledge pages. A missing title, owner or review date fails `astro build`: the
 * content layer validates every file against these schemas. User-facing messages are Danish.
 */
import { z } from 'astro/zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Kun små bogstaver, tal og bindestreger.');
/** A link in content: http(s) only — zod's url() alone accepts `javascript:` (frontmatter links are not sanitised Markdown). */
const webUrl = z.string().url().regex(/^https?:\/\//i, 'Kun links, der begynder med http:// eller https://.');

/** A person (directory ref; followed to the successor after a handover) or a unit (`<organisation>/<unit>` slugs). */
export const ownerSchema = z.union([
	z.object({ person: z.string().min(1) }).strict(),
	z.object({ unit: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'Enheden skrives som organisation/enhed (slugs).') }).strict(),
]);

export const sourceSchema = z.object({
	title: z.string().min(1),
	publisher: z.string().optional(),
	year: z.number().int().min(1900).max(2100).optional(),
	url: webUrl.optional(),
	/** Where in the publication (pages, lines), or what was taken from it. */
	note: z.string().optional(),
});

/** What every article carries: who answers for it and when it was last reviewed. */
export const articleBaseSchema = z.object({
	title: z.string().min(1, 'Titel mangler.'),
	summary: z.string().min(1, 'Resumé mangler.'),
	owner: ownerSchema,
	/** YAML dates arrive as Date, strings as text: both become a Date. */
	last_reviewed: z.coerce.date(),
	/** Months between reviews. */
	review_every: z.number().int().min(1).max(36),
	sources: z.array(sourceSchema).min(1, 'Mindst én kilde.'),
	/** Topic slugs (directory vocabulary): search and related links. */
	topics: z.array(z.string()).default([]),
	order: z.number().int().default(100),
});

export const SECTORS = ['kommune', 'region', 'frivillig', 'andet'] as const;

/**
 * One "Hvem kontakter jeg?" block: which directory people a phase points to, by their organisation's sector and
 * their routing role, optionally narrowed by age group and ranked up by topic.
 */
export const contactSpecSchema = z.object({
	label: z.string().min(1),
	sector: z.enum(SECTORS),
	roles: z.array(z.string().min(1)).min(1),
	age_groups: z.array(z.string()).default([]),
	topics: z.array(z.string()).default([]),
	key_persons_only: z.boolean().default(false),
	max: z.number().int().min(1).max(12).default(4),
});

export const ACTORS = ['region', 'kommune', 'almen_praksis', 'frivillige'] as const;
export const ACTOR_LABELS: Record<(typeof ACTORS)[number], string> = { region: 'Region', kommune: 'Kommune', almen_praksis: 'Almen praksis', frivillige: 'Frivillige' };

export const phaseSchema = z.object({
	id: slug,
	title: z.string().min(1),
	/** What each actor does in this phase (Markdown). */
	actors: z.object({ region: z.string().optional(), kommune: z.string().optional(), almen_praksis: z.string().optional(), frivillige: z.string().optional() }),
	/** Only time limits a source gives, each with its source in the text. */
	time_limits: z.array(z.string()).default([]),
	contacts: z.array(contactSpecSchema).default([]),
});

/**
 * A help line on a resource page. Only a number we can point to a source for: the source (with where it was read
 * and when) is required, so a line without one fails the build like a missing title.
 */
export const helpLineSchema = z.object({
	name: z.string().min(1, 'Navn mangler.'),
	/** As it is dialled and shown, e.g. "116 111"; digits and spaces only. */
	number: z.string().regex(/^[0-9](?:[0-9 ]{1,14}[0-9])$/, 'Nummeret skrives med cifre og mellemrum, fx 116 111.'),
	/** Who the line is for and what it helps with. */
	for: z.string().min(1),
	/** Opening hours as the source gives them. */
	hours: z.string().optional(),
	/** Where it answers from: the whole country or one region. */
	area: z.string().min(1),
	source: z
		.object({
			title: z.string().min(1),
			publisher: z.string().min(1),
			url: webUrl,
			/** When we read the number there. */
			checked: z.coerce.date(),
		})
		.strict(),
});

export const methodSchema = articleBaseSchema;
export const resourceSchema = articleBaseSchema.extend({ lines: z.array(helpLineSchema).default([]) });
export const pathwaySchema = articleBaseSchema.extend({ phases: z.array(phaseSchema).min(1) });

export type ContactSpec = z.infer<typeof contactSpecSchema>;
export type Phase = z.infer<typeof phaseSchema>;
export type Owner = z.infer<typeof ownerSchema>;
export type Source = z.infer<typeof sourceSchema>;
export type HelpLine = z.infer<typeof helpLineSchema>;

// ---------- page inputs ----------

const markdownText = (max: number) =>
	z
		.string()
		.trim()
		.max(max, `Højst ${max} tegn.`);

export const noteInputSchema = z.object({
	phase: slug,
	body: markdownText(4000),
});

export const newsInputSchema = z.object({
	title: z.string().trim().min(1, 'Skriv en overskrift.').max(160, 'Overskriften må højst være 160 tegn.'),
	body: markdownText(8000).pipe(z.string().min(1, 'Skriv selve nyheden.')),
	municipality: z.string().trim().default(''),
});
export type NewsInput = z.infer<typeof newsInputSchema>;

export const articleCorrectionSchema = z.object({
	section: z.string().trim().min(1).max(120),
	message: z.string().trim().min(5, 'Beskriv fejlen med mindst 5 tegn.').max(2000, 'Højst 2000 tegn.'),
	reporterEmail: z
		.string()
		.trim()
		.max(200)
		.transform((v) => (v === '' ? null : v.toLowerCase()))
		.pipe(z.string().email('Skriv en gyldig e-mailadresse, eller lad feltet stå tomt.').nullable()),
	homepage: z.string().default(''),
});
