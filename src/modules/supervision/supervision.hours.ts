/**
 * Supervision hours: raw and creditable hours from recorded sessions, under the rules of a regime.
 * PURE — no I/O, no clock. The rules are data (REGIMES), each with its source, so the UI can cite them and a
 * new regime is a new entry, not new code.
 *
 * Decisions where the rules were unclear are in README "Decisions" (2026-11-24, supervision hours).
 */

export type RegimeId = 'psykolognaevnet-2025' | 'stps-2026';
export type SessionMode = 'in_person' | 'remote';
export type SupervisorKind = 'psychologist' | 'other_academic';

/** One attended session as the calculation sees it (frozen at recording time). */
export interface SupervisionSession {
	/** `YYYY-MM-DD` (local date): picks the regime. */
	date: string;
	minutes: number;
	/** Supervisands present (the supervisor not counted); 1 = individual supervision. */
	groupSize: number;
	/** Psychologists among those present. */
	psychologists: number;
	mode: SessionMode;
	/** One course = one supervisor over a series of sessions (a group, or individual supervision). */
	courseKey: string;
	supervisorKey: string;
	supervisorKind: SupervisorKind;
	external: boolean;
}

export interface RuleSource {
	title: string;
	/** Where it was read; no address is invented where we had none. */
	where: string;
}

export interface ConversionBand {
	min: number;
	max: number | null;
	factor: number;
	label: string;
}

export interface Regime {
	id: RegimeId;
	label: string;
	/** Sessions dated in [from, until] fall under this regime (inclusive, `YYYY-MM-DD`; null = open). */
	from: string | null;
	until: string | null;
	/** False when the figures are carried over but not confirmed by the authority. */
	confirmed: boolean;
	note: string;
	sources: RuleSource[];
	totalHours: number;
	minSupervisors: number;
	minIndividualHours: number;
	minGroupHoursConverted: number;
	minSameExternalHours: number;
	conversion: ConversionBand[];
	maxGroupSize: number;
	/** Group sessions count only when psychologists are more than half of those present. */
	psychologistMajority: boolean;
	/** A course is normally at least this many hours with the same supervisor. */
	courseMinHours: number;
	/** Courses of [shortCourseMinHours, courseMinHours) hours count for at most shortCourseCap hours in all. */
	shortCourseMinHours: number;
	shortCourseCap: number;
	otherAcademicCap: number;
	remoteCap: number;
}

const AST_SUPERVISION: RuleSource = {
	title: 'Psykolognævnet (Ankestyrelsen): »Supervision« og »Dokumentation for den praktiske uddannelse – supervision«',
	where: 'ast.dk, anvendt til 31.12.2025',
};
const AST_WHO: RuleSource = { title: 'Psykolognævnet: »Hvem kan give supervision til brug for autorisation«', where: 'ast.dk' };
const AST_REMOTE: RuleSource = { title: 'Psykolognævnets retningslinjer for fjernsupervision (2024)', where: 'nyhed på ast.dk' };

const PSYKOLOGNAEVNET_2025: Regime = {
	id: 'psykolognaevnet-2025',
	label: 'Psykolognævnets regler (autorisation som psykolog)',
	from: null,
	until: '2025-12-31',
	confirmed: true,
	note: 'Reglerne som Psykolognævnet anvendte dem til og med 31. december 2025.',
	sources: [AST_SUPERVISION, AST_WHO, AST_REMOTE],
	totalHours: 160,
	minSupervisors: 2,
	minIndividualHours: 40,
	minGroupHoursConverted: 40,
	minSameExternalHours: 40,
	conversion: [
		{ min: 1, max: 1, factor: 1, label: 'Individuel' },
		{ min: 2, max: 2, factor: 1, label: '2 deltagere' },
		{ min: 3, max: 5, factor: 2 / 3, label: '3–5 deltagere' },
		{ min: 6, max: 12, factor: 1 / 2, label: '6–12 deltagere' },
		{ min: 13, max: null, factor: 0, label: 'Over 12 deltagere' },
	],
	maxGroupSize: 12,
	psychologistMajority: true,
	courseMinHours: 10,
	shortCourseMinHours: 5,
	shortCourseCap: 30,
	otherAcademicCap: 25,
	remoteCap: 80,
};

/**
 * From 1 Jan 2026 (L 181, 2024–25) the practice training leads to "psykolog med praksisuddannelse (klinisk
 * psykolog)" under Styrelsen for Patientsikkerhed. We found no confirmation that the hour rules changed or stayed:
 * the figures are carried over and the regime is marked unconfirmed, so every page says so. Not a guess at new rules.
 */
const STPS_2026: Regime = {
	...PSYKOLOGNAEVNET_2025,
	id: 'stps-2026',
	label: 'Praksisuddannelse til klinisk psykolog (Styrelsen for Patientsikkerhed)',
	from: '2026-01-01',
	until: null,
	confirmed: false,
	note: 'Ikke bekræftet: det er uafklaret, om reglerne fra 1. januar 2026 svarer til Psykolognævnets. Tallene er foreløbigt de samme — tjek hos Styrelsen for Patientsikkerhed.',
	sources: [{ title: 'Lovforslag L 181 (2024–25) om psykologer under autorisationsloven', where: 'Folketinget; regler for timeberegning ikke bekræftet' }, ...PSYKOLOGNAEVNET_2025.sources],
};

export const REGIMES: Record<RegimeId, Regime> = { 'psykolognaevnet-2025': PSYKOLOGNAEVNET_2025, 'stps-2026': STPS_2026 };

export function regimeFor(date: string): Regime {
	for (const regime of Object.values(REGIMES)) {
		if ((regime.from === null || date >= regime.from) && (regime.until === null || date <= regime.until)) return regime;
	}
	return STPS_2026;
}

export function conversionBand(regime: Regime, groupSize: number): ConversionBand {
	const size = Math.max(1, Math.floor(groupSize));
	return regime.conversion.find((b) => size >= b.min && (b.max === null || size <= b.max)) ?? regime.conversion[regime.conversion.length - 1];
}

export type WarningCode = 'group_too_large' | 'non_psychologist_majority' | 'course_under_min' | 'course_too_short' | 'short_course_cap' | 'remote_cap' | 'other_academic_cap' | 'regime_unconfirmed';

export interface HoursWarning {
	code: WarningCode;
	courseKey?: string;
	message: string;
}

export interface SessionResult extends SupervisionSession {
	regime: RegimeId;
	rawHours: number;
	/** raw × conversion factor (0 above the size limit or without a psychologist majority). */
	convertedHours: number;
	/** After the caps (short courses, remote, other academics), filled in date order. */
	creditableHours: number;
	band: string;
}

export interface CourseResult {
	courseKey: string;
	supervisorKey: string;
	rawHours: number;
	creditableHours: number;
	firstDate: string;
	lastDate: string;
	/** Sessions grouped by conversion band (the statement lists them separately). */
	bySize: { band: string; sessions: number; rawHours: number; creditableHours: number }[];
	short: boolean;
}

export interface HoursResult {
	rawHours: number;
	creditableHours: number;
	individualHours: number;
	groupHoursConverted: number;
	remoteHours: number;
	/** The most creditable hours with one external psychologist supervisor. */
	sameExternalHours: number;
	supervisors: number;
	sessions: SessionResult[];
	courses: CourseResult[];
	warnings: HoursWarning[];
	/** Regimes the sessions fell under (the UI cites their sources). */
	regimes: RegimeId[];
	progress: { total: boolean; individual: boolean; group: boolean; sameExternal: boolean; supervisors: boolean };
}

/** Hours rounded to 2 decimals for display and comparison (⅔ is not exact in binary). */
export const round2 = (n: number) => Math.round(n * 100) / 100;

const fmt = (n: number) => round2(n).toLocaleString('da-DK', { maximumFractionDigits: 2 });

/**
 * Raw and creditable hours for one participant's attended sessions. The order of the input does not matter:
 * caps are filled by date, earliest first.
 */
export function computeHours(input: SupervisionSession[]): HoursResult {
	const sessions = [...input].sort((a, b) => a.date.localeCompare(b.date) || a.courseKey.localeCompare(b.courseKey));
	const warnings: HoursWarning[] = [];
	const warned = new Set<string>();
	const warn = (w: HoursWarning) => {
		const key = `${w.code}:${w.courseKey ?? ''}`;
		if (!warned.has(key)) (warned.add(key), warnings.push(w));
	};

	// Course totals first: whether a course is short decides how its sessions count.
	const courseRaw = new Map<string, number>();
	for (const s of sessions) courseRaw.set(s.courseKey, (courseRaw.get(s.courseKey) ?? 0) + s.minutes / 60);

	let shortUsed = 0;
	let remoteUsed = 0;
	let otherUsed = 0;
	const results: SessionResult[] = [];
	for (const s of sessions) {
		const regime = regimeFor(s.date);
		if (!regime.confirmed) warn({ code: 'regime_unconfirmed', message: `${regime.label}: ${regime.note}` });
		const raw = s.minutes / 60;
		const band = conversionBand(regime, s.groupSize);
		let converted = raw * band.factor;
		if (s.groupSize > regime.maxGroupSize) {
			warn({ code: 'group_too_large', courseKey: s.courseKey, message: `En session havde ${s.groupSize} deltagere. Grupper over ${regime.maxGroupSize} tæller ikke med.` });
		}
		if (regime.psychologistMajority && s.groupSize >= 2 && s.psychologists * 2 <= s.groupSize) {
			converted = 0;
			warn({ code: 'non_psychologist_majority', courseKey: s.courseKey, message: `En session havde ${s.psychologists} psykologer ud af ${s.groupSize} deltagere. Flertallet skal være psykologer; sessionen tæller ikke med.` });
		}
		const courseHours = courseRaw.get(s.courseKey) ?? 0;
		let credit = converted;
		if (courseHours < regime.shortCourseMinHours) {
			credit = 0;
		} else if (courseHours < regime.courseMinHours) {
			const room = Math.max(0, regime.shortCourseCap - shortUsed);
			if (credit > room) warn({ code: 'short_course_cap', message: `Forløb på ${regime.shortCourseMinHours}–${regime.courseMinHours} timer tæller samlet højst ${regime.shortCourseCap} timer.` });
			credit = Math.min(credit, room);
			shortUsed += credit;
		}
		if (s.supervisorKind === 'other_academic') {
			const room = Math.max(0, regime.otherAcademicCap - otherUsed);
			if (credit > room) warn({ code: 'other_academic_cap', message: `Supervision fra andre akademikere end psykologer tæller højst ${regime.otherAcademicCap} timer.` });
			credit = Math.min(credit, room);
			otherUsed += credit;
		}
		if (s.mode === 'remote') {
			const room = Math.max(0, regime.remoteCap - remoteUsed);
			if (credit > room) warn({ code: 'remote_cap', message: `Fjernsupervision tæller højst ${regime.remoteCap} timer.` });
			credit = Math.min(credit, room);
			remoteUsed += credit;
		}
		results.push({ ...s, regime: regime.id, rawHours: raw, convertedHours: converted, creditableHours: credit, band: band.label });
	}

	// Course-level warnings (one per course) and the per-course summary.
	const courses: CourseResult[] = [];
	for (const [courseKey, rawHours] of courseRaw) {
		const own = results.filter((r) => r.courseKey === courseKey);
		const regime = regimeFor(own[own.length - 1].date);
		if (rawHours < regime.shortCourseMinHours) {
			warn({ code: 'course_too_short', courseKey, message: `Forløbet har ${fmt(rawHours)} timer. Forløb under ${regime.shortCourseMinHours} timer tæller ikke med.` });
		} else if (rawHours < regime.courseMinHours) {
			warn({ code: 'course_under_min', courseKey, message: `Forløbet har ${fmt(rawHours)} timer. Et forløb skal normalt være mindst ${regime.courseMinHours} timer; forløb på ${regime.shortCourseMinHours}–${regime.courseMinHours} timer tæller samlet højst ${regime.shortCourseCap} timer.` });
		}
		const bands = new Map<string, { band: string; sessions: number; rawHours: number; creditableHours: number }>();
		for (const r of own) {
			const b = bands.get(r.band) ?? { band: r.band, sessions: 0, rawHours: 0, creditableHours: 0 };
			b.sessions++;
			b.rawHours += r.rawHours;
			b.creditableHours += r.creditableHours;
			bands.set(r.band, b);
		}
		courses.push({
			courseKey,
			supervisorKey: own[0].supervisorKey,
			rawHours,
			creditableHours: own.reduce((n, r) => n + r.creditableHours, 0),
			firstDate: own[0].date,
			lastDate: own[own.length - 1].date,
			bySize: [...bands.values()],
			short: rawHours < regime.courseMinHours,
		});
	}

	const sum = (list: SessionResult[], f: (r: SessionResult) => number) => list.reduce((n, r) => n + f(r), 0);
	const external = new Map<string, number>();
	for (const r of results) if (r.external && r.supervisorKind === 'psychologist') external.set(r.supervisorKey, (external.get(r.supervisorKey) ?? 0) + r.creditableHours);
	const creditable = sum(results, (r) => r.creditableHours);
	const individual = sum(results.filter((r) => r.groupSize <= 1), (r) => r.creditableHours);
	const group = sum(results.filter((r) => r.groupSize >= 2), (r) => r.creditableHours);
	const sameExternal = Math.max(0, ...external.values());
	const supervisors = new Set(results.filter((r) => r.creditableHours > 0).map((r) => r.supervisorKey)).size;
	const latest = regimeFor(results.length ? results[results.length - 1].date : '9999-12-31');
	return {
		rawHours: sum(results, (r) => r.rawHours),
		creditableHours: creditable,
		individualHours: individual,
		groupHoursConverted: group,
		remoteHours: sum(results.filter((r) => r.mode === 'remote'), (r) => r.creditableHours),
		sameExternalHours: sameExternal,
		supervisors,
		sessions: results,
		courses,
		warnings,
		regimes: [...new Set(results.map((r) => r.regime))],
		progress: {
			total: round2(creditable) >= latest.totalHours,
			individual: round2(individual) >= latest.minIndividualHours,
			group: round2(group) >= latest.minGroupHoursConverted,
			sameExternal: round2(sameExternal) >= latest.minSameExternalHours,
			supervisors: supervisors >= latest.minSupervisors,
		},
	};
}

/** `3,5` — hours in Danish notation, at most 2 decimals. */
export function formatHours(hours: number): string {
	return fmt(hours);
}

/**
 * Warnings about one recorded meeting as the supervisor enters it (live, before anyone's hours are computed):
 * too many present, or psychologists not in the majority.
 */
export function meetingWarnings(m: { date: string; groupSize: number; psychologists: number }): string[] {
	const regime = regimeFor(m.date);
	const out: string[] = [];
	if (m.groupSize > regime.maxGroupSize) out.push(`${m.groupSize} til stede: grupper over ${regime.maxGroupSize} tæller ikke med.`);
	if (regime.psychologistMajority && m.groupSize >= 2 && m.psychologists * 2 <= m.groupSize)
		out.push(`${m.psychologists} psykologer af ${m.groupSize}: flertallet skal være psykologer, ellers tæller mødet ikke.`);
	return out;
}
