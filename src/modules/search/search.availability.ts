/**
 * "The right person now" on top of the ranked results (issue 16): who can be reached at the moment asked
 * about, what each result matched, and the municipality's after-hours line first when its day-time contacts
 * are closed.
 *
 * Time words in a query ("weekend", "nat", "i aften", "efter kl 16", "uden for åbningstid") move the moment
 * the results are judged at and are taken out of the words to match; "socialvagt", "døgnvagt" and "vagt" stay
 * words (they name the after-hours units) and also ask for the after-hours lines.
 */
import type { Db } from '@db/client';
import { addLocalDays, localInstant, localMoment } from '@/lib/clock';
import { availabilityText, lineAvailability, personAvailability, scheduleOf, type PersonAvailability } from '@/modules/hours/hours.availability';
import { listAfterHoursLines, type AfterHoursLine } from '@/modules/hours/hours.repository';
import type { PersonCard } from './search.sources';
import type { ConceptKind, ParsedQuery, SearchHit } from './search.types';

export interface TimeIntent {
	/** The query without its time words. */
	query: string;
	/** The moment results are judged at. */
	at: Date;
	/** The query asks for the after-hours service. */
	afterHours: boolean;
}

const KIND_LABEL: Partial<Record<ConceptKind, string>> = { municipality: 'kommune', topic: 'emne', age_group: 'alder', role: 'situation', sector: 'sektor', organisation: 'organisation', unit: 'enhed' };

/** Reads the time words of a query (see the module comment). */
export function readTimeWords(q: string, at: Date): TimeIntent {
	let query = ` ${q} `;
	let moment = at;
	let afterHours = false;
	const local = localMoment(at);
	const take = (re: RegExp, fn: (m: RegExpMatchArray) => void) => {
		const m = query.match(re);
		if (!m) return;
		fn(m);
		query = query.replace(re, ' ');
	};
	take(/\s(uden for|udenfor)\s+(normal\s+)?(åbningstid(en)?|abningstid(en)?|kontortid(en)?|arbejdstid(en)?)(?=\s)/i, () => (afterHours = true));
	take(/\s(i\s+|om\s+)?weekend(en)?(?=\s)/i, () => {
		afterHours = true;
		if (local.weekday < 6) moment = localInstant(addLocalDays(local.date, 6 - local.weekday), 12 * 60);
	});
	take(/\s(i\s+|om\s+)?(nat|natten)(?=\s)/i, () => {
		afterHours = true;
		if (local.minute >= 6 * 60 && local.minute < 22 * 60) moment = localInstant(addLocalDays(local.date, 1), 2 * 60);
	});
	take(/\s(i\s+|om\s+)?(aften|aftenen)(?=\s)/i, () => {
		afterHours = true;
		if (local.minute < 19 * 60) moment = localInstant(local.date, 19 * 60);
	});
	take(/\s(efter|fra)\s+(kl\.?\s*)?(\d{1,2})(?:[.:](\d{2}))?(?=\s)/i, (m) => {
		afterHours = true;
		const minute = Math.min(23 * 60 + 59, Number(m[3]) * 60 + Number(m[4] ?? 0) + 30);
		if (local.minute < minute) moment = localInstant(local.date, minute);
	});
	if (/\s(socialvagt\w*|døgnvagt\w*|doegnvagt\w*|dognvagt\w*|vagt\w*)(?=\s)/i.test(query)) afterHours = true;
	return { query: query.replace(/\s+/g, ' ').trim(), at: moment, afterHours };
}

const slugsByDb = new WeakMap<Db, Promise<Map<string, string>>>();
function municipalitySlugs(db: Db): Promise<Map<string, string>> {
	let p = slugsByDb.get(db);
	if (!p) {
		p = db
			.selectFrom('municipality')
			.select(['code', 'slug'])
			.execute()
			.then((rows) => new Map(rows.map((r) => [r.code, r.slug])));
		slugsByDb.set(db, p);
	}
	return p;
}

function label(kind: ConceptKind, slug: string, slugs: Map<string, string>): string {
	return `${KIND_LABEL[kind] ?? kind}:${kind === 'municipality' ? (slugs.get(slug) ?? slug) : slug}`;
}

/** `matched`/`unmatched` of one result: the recognised parts of the query it does and does not carry. */
function matchParts(hit: SearchHit, parsed: ParsedQuery, slugs: Map<string, string>): { matched: string[]; unmatched: string[]; matchedText: string; unmatchedText: string } {
	const matched: string[] = [];
	const unmatched: string[] = [];
	const said: string[] = [];
	const notSaid: string[] = [];
	for (const p of parsed.parts) {
		if (p.kind === 'text' || !KIND_LABEL[p.kind]) continue;
		const kind = p.kind as ConceptKind;
		const has = [...(hit.tags?.[kind] ?? []), ...(hit.weakTags?.[kind] ?? [])];
		const hitSlug = p.slugs.find((s) => has.includes(s));
		if (hitSlug) {
			matched.push(label(kind, hitSlug, slugs));
			said.push(p.label);
		} else if (p.slugs[0]) {
			unmatched.push(label(kind, p.slugs[0], slugs));
			notSaid.push(p.label);
		}
	}
	// "Gribskov · selvskade · 13–17 år · udskrivning", for the result card.
	return { matched, unmatched, matchedText: said.join(' · '), unmatchedText: notSaid.join(' · ') };
}

function lineHit(line: AfterHoursLine, at: Date, members: string[]): SearchHit {
	const availability = lineAvailability(line, at);
	const codes = line.municipalityCodes.length ? line.municipalityCodes : members;
	return {
		type: 'unit',
		ref: `${line.organisationSlug}/${line.unitSlug}`,
		title: line.label,
		subtitle: `${line.unitName}, ${line.organisationName} · uden for åbningstid`,
		url: `/organisationer/${line.organisationSlug}/${line.unitSlug}`,
		status: null,
		successorRef: null,
		verifiedAt: null,
		score: 0,
		complete: true,
		stale: false,
		tags: { municipality: codes, sector: [line.organisationType] },
		availability,
		availabilityText: availabilityText(availability, at, { line: true }),
		line: { label: line.label, phone: line.phone, note: line.note, takes: line.takes, hours: line.hours },
	};
}

/** After-hours lines per database, re-read when the audit log moved (every directory change is audited). */
const linesCache = new WeakMap<Db, { version: number; lines: Promise<AfterHoursLine[]> }>();
function linesOf(db: Db, version: number): Promise<AfterHoursLine[]> {
	const hit = linesCache.get(db);
	if (hit && hit.version === version) return hit.lines;
	const lines = listAfterHoursLines(db);
	linesCache.set(db, { version, lines });
	lines.catch(() => linesCache.delete(db));
	return lines;
}

const rank = (a: PersonAvailability | undefined) => (!a ? 1 : a.away ? 2 : a.openNow ? 0 : 1);

/**
 * Reachable-first reordering happens within blocks of this many ranked hits, never across a block's edge, and
 * search() always ranks whole blocks: so the order of the first n hits is the same whatever the limit — the
 * suggestions (8) and the results page (21, then 41 for page 2 …) agree, and paging neither repeats nor skips
 * anyone. Reordering whole runs of equal matches instead made the order depend on how many hits were asked
 * for, but only in office hours, when availability differs (found by a test run at 08:45).
 */
export const AVAILABILITY_BLOCK = 20;

/**
 * Adds availability and matched/unmatched to the hits, orders equal matches reachable-first, and puts the
 * municipality's after-hours line first when its day-time contacts are closed (or the query asks for it).
 */
export async function addAvailability(
	db: Db,
	hits: SearchHit[],
	parsed: ParsedQuery,
	intent: TimeIntent,
	deputyOf: (entityId: number) => { ref: string; name: string } | undefined,
	type?: string,
	/** The audit id the index reflects: the cached lines are as fresh as the index. */
	version = -1,
): Promise<SearchHit[]> {
	const { at } = intent;
	const slugs = await municipalitySlugs(db);
	const hasLines = hits.some((h) => h.type === 'unit');
	const place = parsed.parts.find((p) => p.kind === 'municipality');
	const needLike = parsed.parts.some((p) => p.kind === 'topic' || p.kind === 'role' || p.kind === 'age_group');
	const wantsLines = !type || type === 'unit';
	const lines = hasLines || (wantsLines && (place || intent.afterHours)) ? await (version >= 0 ? linesOf(db, version) : listAfterHoursLines(db)) : [];
	const members = [...new Set(lines.flatMap((l) => l.municipalityCodes))];
	const lineByUnit = new Map(lines.map((l) => [`${l.organisationSlug}/${l.unitSlug}`, l]));

	for (const hit of hits) {
		const card = hit.type === 'person' ? (hit.data as PersonCard | undefined) : undefined;
		if (card && card.status === 'active') {
			const deputy = card.deputyId != null ? deputyOf(card.deputyId) : undefined;
			hit.availability = personAvailability({ ...card, deputyRef: deputy?.ref ?? null }, at);
			hit.availabilityText = availabilityText(hit.availability, at, { awayUntil: card.awayUntil, deputyName: deputy?.name, known: !!scheduleOf(card.hours, card.hoursSchedule) });
		}
		const line = hit.type === 'unit' ? lineByUnit.get(hit.ref) : undefined;
		if (line) {
			const l = lineHit(line, at, members);
			Object.assign(hit, { availability: l.availability, availabilityText: l.availabilityText, line: l.line, title: hit.title });
		}
		Object.assign(hit, matchParts(hit, parsed, slugs));
	}

	// Among equal matches (same tier, same parts matched) the one reachable now first; someone away last.
	const ordered: SearchHit[] = [];
	for (let i = 0; i < hits.length; ) {
		let j = i;
		const key = (h: SearchHit) => (h.type === 'person' ? `${h.complete}|${h.elsewhere ?? false}|${(h.matched ?? []).join(',')}` : null);
		const k = key(hits[i]);
		const blockEnd = (Math.floor(i / AVAILABILITY_BLOCK) + 1) * AVAILABILITY_BLOCK;
		while (j + 1 < hits.length && j + 1 < blockEnd && k !== null && key(hits[j + 1]) === k) j++;
		const run = hits.slice(i, j + 1);
		ordered.push(...run.map((h, n) => ({ h, n })).sort((a, b) => rank(a.h.availability) - rank(b.h.availability) || a.n - b.n).map((x) => x.h));
		i = j + 1;
	}

	// Lines are units: a search for people only (type=person) gets none in front.
	if (!place || !(needLike || intent.afterHours) || (type && type !== 'unit')) return ordered;
	const dayOpen = ordered.slice(0, 3).some((h) => h.type === 'person' && h.availability?.openNow);
	if (dayOpen && !intent.afterHours) return ordered;
	const codes = place.slugs;
	const urgent = intent.afterHours || parsed.parts.some((p) => p.kind === 'role' && p.slugs.includes('akut')) || parsed.parts.some((p) => p.kind === 'topic' && p.slugs.some((s) => ['selvmord', 'selvskade', 'psykose'].includes(s)));
	const first: SearchHit[] = [];
	for (const l of lines) {
		const own = l.organisationType === 'kommune' && l.municipalityCodes.some((c) => codes.includes(c));
		const region = l.organisationType !== 'kommune' && urgent && (l.municipalityCodes.length === 0 || l.municipalityCodes.some((c) => codes.includes(c)));
		if (!own && !region) continue;
		const hit = lineHit(l, at, members);
		if (!hit.availability!.openNow && !intent.afterHours) continue;
		Object.assign(hit, matchParts(hit, parsed, slugs));
		first.push(hit);
	}
	// One line goes in front: the municipality's own, else the region's. More would push the named people the
	// need was searched for out of the top three (a nurse may still want the caseworker's name for Monday); the
	// region's line stays where its own match puts it and on the contact sheet and routing card.
	const own = (h: SearchHit) => Number(h.tags?.sector?.[0] === 'kommune');
	first.sort((a, b) => own(b) - own(a));
	const lead = first[0];
	if (!lead) return ordered;
	return [lead, ...ordered.filter((h) => !(h.type === 'unit' && h.ref === lead.ref))];
}
