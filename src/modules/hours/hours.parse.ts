/**
 * Danish opening-hours text → a Schedule, and a Schedule → Danish text ("Man–tors 8–15, fre 8–13").
 *
 * The parser reads what offices write: day names and abbreviations ("man.", "tirsdag", "tirs og tors"), day
 * ranges ("man–fre", "mandag til fredag"), groups ("hverdage", "weekend", "helligdage", "alle dage"),
 * "undtagen onsdag", times ("8", "8.00", "15:30", "fra kl. 8 til kl. 15", "0–24"), "døgnet rundt"/"døgnåben",
 * "lukket", "lige/ulige uger". It is strict: a word it does not know makes the whole text unparsed, so a
 * condition like "dog ikke i skoleferien" is never silently dropped — the text stays as a note and is listed
 * for the unit's editors to fix.
 */
import { FULL_DAY, HOLIDAY, scheduleFromJson, type HoursRule, type Schedule } from './hours.rules';

export type ParseResult = { ok: true; schedule: Schedule } | { ok: false; reason: string };

const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7, HOLIDAY];

const DAY_WORDS: Record<string, number[]> = {};
const dayNames: Array<[number, string[]]> = [
	[1, ['ma', 'man', 'mandag', 'mandage', 'mon']],
	[2, ['ti', 'tir', 'tirs', 'tirsdag', 'tirsdage']],
	[3, ['on', 'ons', 'onsdag', 'onsdage']],
	[4, ['to', 'tor', 'tors', 'torsdag', 'torsdage']],
	[5, ['fr', 'fre', 'fredag', 'fredage']],
	[6, ['lø', 'lør', 'lørdag', 'lørdage', 'lor', 'lordag', 'loerdag']],
	[7, ['sø', 'søn', 'søndag', 'søndage', 'son', 'sondag', 'soendag']],
];
for (const [day, words] of dayNames) for (const w of words) DAY_WORDS[w] = [day];
for (const w of ['hverdag', 'hverdage', 'hverdagene', 'alle hverdage']) DAY_WORDS[w] = WEEKDAYS;
for (const w of ['weekend', 'weekends', 'weekenden', 'weekender', 'weekendene']) DAY_WORDS[w] = [6, 7];
for (const w of ['helligdag', 'helligdage', 'helligdagene', 'helligdage', 'søgnehelligdage']) DAY_WORDS[w] = [HOLIDAY];
DAY_WORDS.alledage = ALL_DAYS;

/** Words that carry no meaning for the schedule. */
const FILLER = new Set(['og', 'samt', 'fra', 'i', 'på', 'om', 'telefontid', 'telefontiden', 'telefontider', 'træffetid', 'træffetiden', 'træffetider', 'åbningstid', 'åbningstiden', 'åbningstider', 'åben', 'åbent', 'tlf', 'telefon', 'telefonen', 'telefonisk', 'tid', 'vagt', 'vagten', 'vagttelefon', 'vagttelefonen', 'træffes', 'kontorets', 'kontortid', 'dog', 'kun', 'er', 'der', 'både', 'hele', 'alle', 'tidsrummet', 'mellem', 'man-fre']);

type Item =
	| { t: 'days'; days: number[] }
	| { t: 'range' }
	| { t: 'time'; m: number }
	| { t: 'fullday' }
	| { t: 'closed' }
	| { t: 'except' }
	| { t: 'weeks'; v: 'even' | 'odd' };

function normalise(text: string): string {
	return (
		` ${text.toLowerCase()} `
			.replace(/[–—−‐]/g, '-')
			.replace(/\u00a0/g, ' ')
			.replace(/24\s*\/\s*7/g, ' døgnrundt ')
			.replace(/døgnet rundt|hele døgnet|døgnåbent?|døgnåbne|24 timer i døgnet|24 timer|alle døgnets timer/g, ' døgnrundt ')
			.replace(/alle årets dage|årets alle dage|alle ugens dage|alle dage|hver dag|dagligt|hele ugen|alle ugedage|ugens 7 dage|ugens syv dage/g, ' alledage ')
			.replace(/hele året|året rundt/g, ' ')
			// "mellem 9 og 12" is a range like "9–12".
			.replace(/mellem\s+(?:kl\.?\s*)?(\d{1,2}(?:[.:]\d{2})?)\s+og\s+(?:kl\.?\s*)?(\d{1,2}(?:[.:]\d{2})?)/g, ' $1-$2 ')
			.replace(/alle hverdage/g, ' hverdage ')
			.replace(/ulige uger/g, ' uligeuger ')
			.replace(/lige uger/g, ' ligeuger ')
			.replace(/undtagen|bortset fra|dog ikke|men ikke|ikke om/g, ' undtagen ')
			// "kl." and "kl" before a time; also "kl.8".
			.replace(/\bkl\.?/g, ' ')
	);
}

function readTime(raw: string): number | null {
	const m = /^(\d{1,2})(?:[.:](\d{2}))?$/.exec(raw);
	if (!m) return null;
	const h = Number(m[1]);
	const min = m[2] ? Number(m[2]) : 0;
	if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
	return h * 60 + min;
}

function tokenize(text: string): Item[] | string {
	const items: Item[] = [];
	const re = /(\d{1,2}(?:[.:]\d{2})?)|([a-zæøå]+)|(-)|([^\s])/g;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (m[1]) {
			const time = readTime(m[1]);
			if (time === null) return `ukendt klokkeslæt "${m[1]}"`;
			items.push({ t: 'time', m: time });
		} else if (m[2]) {
			const w = m[2];
			if (DAY_WORDS[w]) items.push({ t: 'days', days: DAY_WORDS[w] });
			else if (w === 'til') items.push({ t: 'range' });
			else if (w === 'døgnrundt') items.push({ t: 'fullday' });
			else if (w === 'lukket' || w === 'lukkede') items.push({ t: 'closed' });
			else if (w === 'undtagen') items.push({ t: 'except' });
			else if (w === 'ligeuger') items.push({ t: 'weeks', v: 'even' });
			else if (w === 'uligeuger') items.push({ t: 'weeks', v: 'odd' });
			else if (!FILLER.has(w)) return `ukendt ord "${w}"`;
		} else if (m[3]) items.push({ t: 'range' });
		// Other punctuation (, ; . : /) separates and says nothing more.
	}
	return items;
}

function range(a: number, b: number): number[] {
	const out: number[] = [];
	if (a <= b) for (let d = a; d <= b; d++) out.push(d);
	else {
		// "fre–man" wraps over the weekend.
		for (let d = a; d <= 7; d++) out.push(d);
		for (let d = 1; d <= b; d++) out.push(d);
	}
	return out;
}

export function parseHours(text: string): ParseResult {
	const src = text.trim();
	if (!src) return { ok: false, reason: 'tom' };
	const items = tokenize(normalise(src));
	if (typeof items === 'string') return { ok: false, reason: items };
	const rules: HoursRule[] = [];
	let current: Set<number> | null = null;
	let excluding = false;
	let weeks: 'even' | 'odd' | undefined;
	let lastEmitted: HoursRule[] = [];
	let lastDays: number[] | null = null;
	/** Rules just given their days by default ("kl. 8–15 …"): days right after them are theirs ("… på hverdage"). */
	let defaulted = null as HoursRule[] | null;
	let defaultedDays = null as Set<number> | null;
	const emit = (from: number, to: number, fallback: number[]) => {
		// New days start a new group; times without days repeat the last group's ("man 8–12 og 13–16").
		const fresh = current !== null || lastDays === null;
		const byDefault = current === null && lastDays === null;
		const days = current ? [...current].sort((a, b) => a - b) : (lastDays ?? fallback);
		if (days.length === 0) return 'ingen dage tilbage';
		const rule: HoursRule = { days, from, to, ...(weeks && { weeks }) };
		// Days named again later override what was said for them ("hverdage 8.30–15, fredag dog 8.30–12") when
		// the times overlap; a period apart is added to the day ("hverdage 9–15; vagt fre og lør 20–02").
		const end = (r: { from: number; to: number }) => (r.to > r.from ? r.to : r.to + FULL_DAY);
		const overlaps = (r: HoursRule) => r.from < end({ from, to }) && from < end(r);
		if (fresh && !weeks) for (const r of rules) if (!r.weeks && overlaps(r)) r.days = r.days.filter((d) => !days.includes(d));
		rules.push(rule);
		if (fresh) lastEmitted = [];
		lastEmitted.push(rule);
		defaulted = byDefault ? [...lastEmitted] : null;
		defaultedDays = null;
		lastDays = days;
		current = null;
		excluding = false;
		weeks = undefined;
		return null;
	};
	for (let i = 0; i < items.length; i++) {
		const it = items[i];
		if (it.t === 'days') {
			let days = it.days;
			// A day range: "man-fre", "mandag til fredag".
			const next = items[i + 1];
			const after = items[i + 2];
			if (next?.t === 'range' && after?.t === 'days' && days.length === 1 && after.days.length === 1 && days[0] <= 7 && after.days[0] <= 7) {
				days = range(days[0], after.days[0]);
				i += 2;
			}
			if (defaulted && !current && !excluding) {
				// "kl. 8–15 på hverdage", "hele døgnet, alle dage": the days belong to the times before them.
				defaultedDays ??= new Set();
				for (const d of days) defaultedDays.add(d);
				const chosen = [...defaultedDays].sort((a, b) => a - b);
				for (const r of defaulted) r.days = chosen;
				lastDays = chosen;
			} else if (excluding) {
				if (!current) current = new Set(lastDays ?? WEEKDAYS);
				for (const d of days) current.delete(d);
			} else {
				if (!current) {
					current = new Set();
					lastDays = null;
				}
				for (const d of days) current.add(d);
			}
		} else if (it.t === 'time') {
			defaulted = null;
			const sep = items[i + 1];
			const end = items[i + 2];
			if (sep?.t !== 'range' || end?.t !== 'time') return { ok: false, reason: 'klokkeslæt uden "til"' };
			i += 2;
			if (it.m === end.m) return { ok: false, reason: 'samme start og slut' };
			const from = it.m === FULL_DAY ? 0 : it.m;
			const problem = emit(from, end.m, from === 0 && end.m === FULL_DAY ? ALL_DAYS : WEEKDAYS);
			if (problem) return { ok: false, reason: problem };
		} else if (it.t === 'fullday') {
			const problem = emit(0, FULL_DAY, ALL_DAYS);
			if (problem) return { ok: false, reason: problem };
		} else if (it.t === 'closed') {
			defaulted = null;
			let closed: Set<number> | null = current;
			if (!closed) {
				// "lukket på helligdage", "lukket i weekender og på helligdage": the days come after the word.
				const after = new Set<number>();
				let previous: number[] = [];
				while (items[i + 1]?.t === 'days' || (items[i + 1]?.t === 'range' && items[i + 2]?.t === 'days')) {
					const next = items[++i];
					if (next.t !== 'days') continue;
					const spanned = items[i - 1]?.t === 'range' && previous.length === 1 && next.days.length === 1 && previous[0] <= 7 && next.days[0] <= 7;
					for (const d of spanned ? range(previous[0], next.days[0]) : next.days) after.add(d);
					previous = next.days;
				}
				if (after.size === 0) return { ok: false, reason: '"lukket" uden dage' };
				closed = after;
			}
			const shut = closed;
			for (const r of rules) r.days = r.days.filter((d) => !shut.has(d));
			current = null;
			lastDays = null;
		} else if (it.t === 'except') {
			excluding = true;
			if (!current && lastEmitted.length) {
				// "Man–fre 8–16 undtagen onsdag": take the day out of what was just said.
				const next = items[i + 1];
				if (next?.t === 'days') {
					for (const r of lastEmitted) r.days = r.days.filter((d) => !next.days.includes(d));
					i++;
					excluding = false;
					// "Hverdage 8–15 undtagen fredag 8–12": times right after are the excepted day's own.
					if (items[i + 1]?.t === 'time') {
						current = new Set(next.days);
						lastDays = null;
					}
				}
			}
		} else if (it.t === 'weeks') {
			if (!current && lastEmitted.length) for (const r of lastEmitted) r.weeks = it.v;
			else weeks = it.v;
		} else if (it.t === 'range') return { ok: false, reason: '"-" eller "til" uden noget at forbinde' };
	}
	if (current) return { ok: false, reason: 'dage uden klokkeslæt' };
	const kept = rules.filter((r) => r.days.length > 0);
	if (kept.length === 0) return { ok: false, reason: 'ingen tider fundet' };
	normaliseNights(kept);
	return { ok: true, schedule: { rules: kept, exceptions: [] } };
}

/**
 * "Hverdage 16–08 samt weekend hele døgnet": the weekend's night runs on to the weekday morning (Monday
 * 00–08, and the morning after a holiday), as the line's staff do. A whole day then ends at that hour.
 * The parser and the hours form both apply it, so text and form mean the same schedule. Mutates `rules`.
 */
export function normaliseNights(rules: HoursRule[]): HoursRule[] {
	const night = rules.find((r) => r.to < r.from);
	if (night) for (const r of rules) if (r.from === 0 && r.to === FULL_DAY && !WEEKDAYS.every((d) => r.days.includes(d))) r.to = FULL_DAY + night.to;
	return rules;
}

// ── Danish display ──────────────────────────────────────────────────────────────────────────────────────

const SHORT = ['', 'man', 'tirs', 'ons', 'tors', 'fre', 'lør', 'søn'];

function time(m: number): string {
	const h = Math.floor(m / 60) % 24;
	const min = m % 60;
	return min ? `${h}.${String(min).padStart(2, '0')}` : `${h}`;
}

function joinDa(parts: string[]): string {
	return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} og ${parts[parts.length - 1]}`;
}

/** "man–tors", "tirs og tors", "weekend og helligdage", "alle dage". */
export function formatDays(days: number[]): string {
	const set = new Set(days);
	if (ALL_DAYS.every((d) => set.has(d))) return 'alle dage';
	const parts: string[] = [];
	const week = [1, 2, 3, 4, 5, 6, 7].filter((d) => set.has(d));
	if (week.length === 2 && week[0] === 6 && week[1] === 7) parts.push('weekend');
	else {
		for (let i = 0; i < week.length; ) {
			let j = i;
			while (j + 1 < week.length && week[j + 1] === week[j] + 1) j++;
			if (j - i >= 2) parts.push(`${SHORT[week[i]]}–${SHORT[week[j]]}`);
			else for (let k = i; k <= j; k++) parts.push(SHORT[week[k]]);
			i = j + 1;
		}
	}
	if (set.has(HOLIDAY)) parts.push('helligdage');
	return joinDa(parts);
}

function span(r: HoursRule): string {
	return r.from === 0 && r.to >= FULL_DAY ? 'hele døgnet' : `${time(r.from)}–${time(r.to)}`;
}

/** A schedule in Danish: "Man–tors 8–15, fre 8–13"; "Døgnet rundt". */
export function formatSchedule(schedule: Schedule): string {
	const rules = schedule.rules.filter((r) => r.days.length > 0);
	if (rules.length === 0) return 'Lukket';
	if (rules.length === 1 && rules[0].from === 0 && rules[0].to === FULL_DAY && ALL_DAYS.every((d) => rules[0].days.includes(d)) && !rules[0].weeks) return 'Døgnet rundt';
	// Rules with the same times and weeks are said once ("man og ons 9–12").
	const grouped: HoursRule[] = [];
	for (const r of rules) {
		const same = grouped.find((g) => g.from === r.from && g.to === r.to && g.weeks === r.weeks && !g.days.some((d) => r.days.includes(d)));
		if (same && !(r.from === 0 && r.to === FULL_DAY)) same.days = [...same.days, ...r.days].sort((a, b) => a - b);
		else grouped.push({ ...r, days: [...r.days] });
	}
	// The same days with several spans are said together ("man 8–12 og 13–16").
	const phrases: Array<{ key: string; days: number[]; weeks?: string; spans: string[] }> = [];
	for (const r of grouped) {
		const key = `${r.days.join(',')}|${r.weeks ?? ''}`;
		const same = phrases.find((p) => p.key === key);
		if (same) same.spans.push(span(r));
		else phrases.push({ key, days: r.days, weeks: r.weeks, spans: [span(r)] });
	}
	const text = phrases.map((p) => `${formatDays(p.days)} ${joinDa(p.spans)}${p.weeks ? ` (${p.weeks === 'even' ? 'lige' : 'ulige'} uger)` : ''}`).join(', ');
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The stored schedule after an entry's hours text was changed somewhere other than the hours form (the edit
 * form's text field, a CSV import): the text wins. Without dated exceptions the schedule is dropped and the
 * new text is read on load; with them, the new text's weekly rules keep the exceptions (closed days typed in
 * the form must not vanish because the weekly hours changed). Unreadable text drops the schedule: the text is
 * then listed for the unit's editors.
 */
export function scheduleAfterTextChange(storedJson: string | null | undefined, text: string | null): string | null {
	const stored = scheduleFromJson(storedJson);
	if (!stored) return null;
	if (formatSchedule(stored) === (text ?? '').trim()) return storedJson ?? null;
	if (stored.exceptions.length === 0) return null;
	const parsed = parseHours(text ?? '');
	return parsed.ok ? JSON.stringify({ rules: parsed.schedule.rules, exceptions: stored.exceptions }) : null;
}
