/** The JSON shape of GET /api/search (contracts.md), kept apart from the route so it is testable without a server. */
import type { Db } from '@db/client';
import { search } from './search.service';

export const RESULT_TYPES = ['person', 'organisation', 'unit', 'topic', 'event', 'group', 'article'] as const;

export interface ApiResult {
	type: string;
	ref: string;
	title: string;
	subtitle: string;
	url: string;
	status: string | null;
	successorRef: string | null;
	verifiedAt: string | null;
	/** People and after-hours lines: who can be reached at `at` (contracts.md). */
	availability?: { openNow: boolean; until: string | null; nextOpen: string | null; away: boolean; deputyRef: string | null };
	/** The Danish sentence for it ("Træffes nu til 15:00"). */
	availabilityText?: string;
	matched: string[];
	unmatched: string[];
	/** Only with `suggest=1` (the combobox): what matched and what did not, in Danish ("Gribskov · selvskade"). */
	matchedText?: string;
	unmatchedText?: string;
	/** After-hours lines: the number to call and what the line takes. */
	phone?: string | null;
	takes?: string;
	afterHours?: boolean;
}

/**
 * As-you-type suggestions order a query exactly as the results page does: the same search first; only when it
 * finds nothing that matches every part is the last word read as still being typed (a prefix: "kirs" → Kirsten).
 */
async function suggest(db: Db, q: string, type: string | undefined, limit: number, at: Date | undefined) {
	const asTyped = await search(db, q, { type, limit, log: false, at });
	if (asTyped.confidence === 'ok') return asTyped;
	const typing = await search(db, q, { type, limit, typing: true, at });
	return typing.confidence === 'ok' || asTyped.hits.length === 0 ? typing : asTyped;
}

export async function searchApi(db: Db, params: URLSearchParams): Promise<{ status: number; body: { query: string; results: ApiResult[] } | { error: string } }> {
	const q = (params.get('q') ?? '').slice(0, 200);
	const type = params.get('type') || undefined;
	if (type && !(RESULT_TYPES as readonly string[]).includes(type))
		return { status: 400, body: { error: `Ukendt type "${type}". Brug en af: ${RESULT_TYPES.join(', ')}.` } };
	const limitParam = params.get('limit');
	const limit = limitParam === null || limitParam === '' ? 10 : Number(limitParam);
	if (!Number.isInteger(limit) || limit < 1) return { status: 400, body: { error: 'limit skal være et helt tal fra 1 til 100.' } };
	const atParam = params.get('at');
	const at = atParam ? new Date(atParam) : undefined;
	if (atParam && (!/^\d{4}-\d{2}-\d{2}/.test(atParam) || Number.isNaN(at!.getTime())))
		return { status: 400, body: { error: 'at skal være et tidspunkt i ISO-8601, fx 2026-12-04T16:30:00+01:00.' } };
	const typing = params.get('suggest') === '1';
	const result = typing ? await suggest(db, q, type, Math.min(limit, 100), at) : await search(db, q, { type, limit: Math.min(limit, 100), at });
	return {
		status: 200,
		body: {
			query: q,
			results: result.hits.map((h) => ({
				type: h.type,
				ref: h.ref,
				title: h.title,
				subtitle: h.subtitle,
				url: h.url,
				status: h.status,
				successorRef: h.successorRef,
				verifiedAt: h.verifiedAt,
				...(h.availability && { availability: { openNow: h.availability.openNow, until: h.availability.until, nextOpen: h.availability.nextOpen, away: h.availability.away, deputyRef: h.availability.deputyRef }, availabilityText: h.availabilityText }),
				matched: h.matched ?? [],
				unmatched: h.unmatched ?? [],
				...(h.line && { afterHours: true, phone: h.line.phone, takes: h.line.takes }),
				// The combobox says why a suggestion fits, as /sog does; the contract's response is unchanged.
				...(typing && { matchedText: h.matchedText ?? '', unmatchedText: h.unmatchedText ?? '' }),
			})),
		},
	};
}
