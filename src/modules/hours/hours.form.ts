/**
 * The hours form (issue 16): a weekly schedule as one row per weekday (and one for public holidays) with up to
 * two periods and a "Lukket" choice, plus dated exceptions (closed, or other hours, with a note). Pure: form
 * values → Schedule with Danish field messages, and Schedule → form values. Plain form fields, so the form
 * works without JavaScript and a failed save renders again with exactly what was typed.
 *
 * A period whose end is not after its start runs past midnight ("16:00–08:00"); equal times are 24 hours
 * from that time ("00:00–00:00" = the whole day). Whole weekend/holiday days next to an overnight period are
 * read as the parser reads "weekend hele døgnet" (normaliseNights), so text and form mean the same.
 */
import type { FieldErrors, FormValues } from '@/lib/forms';
import { formatSchedule, normaliseNights } from './hours.parse';
import { FULL_DAY, HOLIDAY, type HoursException, type HoursRule, type Schedule } from './hours.rules';

export const FORM_DAYS: ReadonlyArray<{ day: number; key: string; label: string }> = [
	{ day: 1, key: 'd1', label: 'Mandag' },
	{ day: 2, key: 'd2', label: 'Tirsdag' },
	{ day: 3, key: 'd3', label: 'Onsdag' },
	{ day: 4, key: 'd4', label: 'Torsdag' },
	{ day: 5, key: 'd5', label: 'Fredag' },
	{ day: 6, key: 'd6', label: 'Lørdag' },
	{ day: 7, key: 'd7', label: 'Søndag' },
	{ day: HOLIDAY, key: 'd8', label: 'Helligdage' },
];

/** Empty exception rows offered below the stored ones (no JavaScript to add rows). */
export const EMPTY_EXCEPTION_ROWS = 3;
export const MAX_EXCEPTIONS = 40;
export const MAX_NOTE = 200;

const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** "8", "8.30", "08:30" → minutes; null for anything else. 24:00 is midnight at the end of the day. */
export function readClock(raw: string): number | null {
	const m = /^(\d{1,2})(?:[.:](\d{2}))?$/.exec(raw.trim());
	if (!m) return null;
	const h = Number(m[1]);
	const min = m[2] ? Number(m[2]) : 0;
	if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
	return (h * 60 + min) % FULL_DAY;
}

/** The form's values for a schedule (null: an empty week with weekend and holidays closed). */
export function scheduleToFormValues(schedule: Schedule | null): { values: FormValues; lossy: boolean } {
	const values: FormValues = {};
	let lossy = false;
	const byDay = new Map<number, Array<{ from: number; to: number }>>();
	for (const r of schedule?.rules ?? []) {
		// Even/odd weeks have no place in the weekly rows: shown as every week, and the page says so.
		if (r.weeks) lossy = true;
		for (const d of r.days) byDay.set(d, [...(byDay.get(d) ?? []), { from: r.from, to: r.to >= FULL_DAY && r.from === 0 ? 0 : r.to % FULL_DAY }]);
	}
	for (const { day, key } of FORM_DAYS) {
		const periods = (byDay.get(day) ?? []).sort((a, b) => a.from - b.from);
		if (periods.length > 2) lossy = true;
		if (periods.length === 0) {
			values[`${key}_closed`] = schedule || day > 5 ? 'on' : '';
			continue;
		}
		values[`${key}_from`] = hhmm(periods[0].from);
		values[`${key}_to`] = hhmm(periods[0].to);
		if (periods[1]) {
			values[`${key}_from2`] = hhmm(periods[1].from);
			values[`${key}_to2`] = hhmm(periods[1].to);
		}
	}
	const exceptions = [...(schedule?.exceptions ?? [])].sort((a, b) => a.date.localeCompare(b.date));
	exceptions.forEach((e, i) => {
		values[`x${i}_date`] = e.date;
		values[`x${i}_closed`] = e.intervals.length === 0 ? 'on' : '';
		values[`x${i}_from`] = e.intervals[0] ? hhmm(e.intervals[0].from) : '';
		values[`x${i}_to`] = e.intervals[0] ? hhmm(e.intervals[0].to) : '';
		values[`x${i}_note`] = e.note ?? '';
		if (e.intervals.length > 1) lossy = true;
	});
	values.exceptionRows = String(exceptions.length + EMPTY_EXCEPTION_ROWS);
	return { values, lossy };
}

/** How many exception rows the form has (its hidden count, bounded; typed rows are never dropped). */
export function exceptionRowCount(values: FormValues): number {
	const raw = typeof values.exceptionRows === 'string' ? values.exceptionRows.trim() : '';
	const n = /^\d+$/.test(raw) ? Number(raw) : EMPTY_EXCEPTION_ROWS;
	// A row that was sent counts even when the hidden count is missing or too small (a client that posts without it).
	const sent = Object.keys(values).reduce((max, k) => {
		const m = /^x(\d+)_/.exec(k);
		return m ? Math.max(max, Number(m[1]) + 1) : max;
	}, 0);
	return Math.min(Math.max(n, sent), MAX_EXCEPTIONS + EMPTY_EXCEPTION_ROWS);
}

const str = (values: FormValues, k: string) => (typeof values[k] === 'string' ? (values[k] as string).trim() : '');
const dayName = (label: string) => label.toLowerCase();

function readPeriod(values: FormValues, fromKey: string, toKey: string, what: string, errors: FieldErrors): { from: number; to: number } | null | undefined {
	const fromRaw = str(values, fromKey);
	const toRaw = str(values, toKey);
	if (!fromRaw && !toRaw) return null;
	if (!fromRaw || !toRaw) {
		errors[fromRaw ? toKey : fromKey] = `Udfyld både fra og til ${what}.`;
		return undefined;
	}
	const from = readClock(fromRaw);
	const to = readClock(toRaw);
	if (from === null) errors[fromKey] = `"${fromRaw}" er ikke et klokkeslæt. Skriv fx 08:00.`;
	if (to === null) errors[toKey] = `"${toRaw}" er ikke et klokkeslæt. Skriv fx 15:30.`;
	if (from === null || to === null) return undefined;
	// Only midnight to midnight may start and end alike: "8–8" reads as nothing in Danish text.
	if (from === to && from !== 0) {
		errors[toKey] = `Fra og til er ens ${what}. Skriv 00:00 til 00:00 for hele døgnet.`;
		return undefined;
	}
	return { from, to };
}

/** Minutes a period covers from its day's midnight: [from, end) with the end past `from` (maybe next day). */
const span = (p: { from: number; to: number }) => [p.from, p.to > p.from ? p.to : p.to + FULL_DAY] as const;

/** The form's values as a schedule and its Danish text, or Danish messages keyed by field (ids `f-<field>`). */
export function readHoursForm(values: FormValues): { ok: true; schedule: Schedule; text: string } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const periodsByDay = new Map<number, Array<{ from: number; to: number }>>();
	for (const { day, key, label } of FORM_DAYS) {
		if (str(values, `${key}_closed`) === 'on') continue;
		const what = day === HOLIDAY ? 'på helligdage' : `om ${dayName(label)}en`;
		const first = readPeriod(values, `${key}_from`, `${key}_to`, what, errors);
		const second = readPeriod(values, `${key}_from2`, `${key}_to2`, `i det andet tidsrum ${what}`, errors);
		if (first === null && second === null) {
			errors[`${key}_from`] = `Udfyld fra og til ${what}, eller markér dagen som lukket.`;
			continue;
		}
		if (first === undefined || second === undefined) continue;
		if (first === null) {
			errors[`${key}_from`] = `Udfyld det første tidsrum ${what} før det andet.`;
			continue;
		}
		const periods = [first];
		if (second) {
			const [a0, a1] = span(first);
			const [b0, b1] = span(second);
			if (b0 < a1 && a0 < b1) {
				errors[`${key}_from2`] = `Det andet tidsrum ${what} overlapper det første.`;
				continue;
			}
			periods.push(second);
		}
		periodsByDay.set(day, periods);
	}

	const exceptions: HoursException[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < exceptionRowCount(values); i++) {
		const date = str(values, `x${i}_date`);
		const closed = str(values, `x${i}_closed`) === 'on';
		const note = str(values, `x${i}_note`);
		const from = str(values, `x${i}_from`);
		const to = str(values, `x${i}_to`);
		// A row without a date is an empty row (or one being removed) — unless something else was typed in it.
		if (!date) {
			if (from || to || note) errors[`x${i}_date`] = 'Skriv datoen for undtagelsen, eller ryd rækken.';
			continue;
		}
		if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T12:00:00Z`)) || new Date(`${date}T12:00:00Z`).toISOString().slice(0, 10) !== date) {
			errors[`x${i}_date`] = `"${date}" er ikke en dato. Skriv den som åååå-mm-dd, fx 2026-12-24.`;
			continue;
		}
		if (seen.has(date)) {
			errors[`x${i}_date`] = `${date} står der allerede. Skriv hver dato én gang.`;
			continue;
		}
		seen.add(date);
		if (note.length > MAX_NOTE) errors[`x${i}_note`] = `Noten må højst være ${MAX_NOTE} tegn.`;
		let intervals: HoursException['intervals'] = [];
		if (!closed) {
			const p = readPeriod(values, `x${i}_from`, `x${i}_to`, `den ${date}`, errors);
			if (p === null) errors[`x${i}_from`] = `Markér ${date} som lukket, eller udfyld fra og til.`;
			if (!p) continue;
			intervals = [p];
		}
		exceptions.push({ date, intervals, ...(note && { note }) });
	}
	if (exceptions.length > MAX_EXCEPTIONS) errors._form = `Højst ${MAX_EXCEPTIONS} undtagelser. Ryd gamle datoer.`;
	if (Object.keys(errors).length === 0 && periodsByDay.size === 0)
		errors.d1_from = 'Markér mindst én dag med træffetid. Vil du fjerne træffetiden helt, så brug knappen «Fjern træffetiden».';
	if (Object.keys(errors).length) return { ok: false, errors };

	// Days with the same periods become one rule ("man–tors 8–15"), in weekday order.
	const rules: HoursRule[] = [];
	for (const { day } of FORM_DAYS) {
		for (const p of periodsByDay.get(day) ?? []) {
			const to = p.to === p.from ? FULL_DAY : p.to;
			const same = rules.find((r) => r.from === p.from && r.to === to);
			if (same) same.days.push(day);
			else rules.push({ days: [day], from: p.from, to });
		}
	}
	normaliseNights(rules);
	exceptions.sort((a, b) => a.date.localeCompare(b.date));
	const schedule: Schedule = { rules, exceptions };
	return { ok: true, schedule, text: formatSchedule(schedule) };
}

const WEEKDAY_SHORT = ['', 'man', 'tirs', 'ons', 'tors', 'fre', 'lør', 'søn'];
const MONTHS = ['jan.', 'feb.', 'mar.', 'apr.', 'maj', 'jun.', 'jul.', 'aug.', 'sep.', 'okt.', 'nov.', 'dec.'];
const clock = (m: number) => (m % 60 ? `${Math.floor(m / 60) % 24}.${String(m % 60).padStart(2, '0')}` : `${Math.floor(m / 60) % 24}`);

/**
 * Exceptions from `today` on, in Danish: "Tors 24. dec.: lukket (juleaftensdag)", "Fre 4. dec.: 8–12".
 * At most `limit`, soonest first.
 */
export function formatExceptions(schedule: Schedule | null, today: string, limit = 5): string[] {
	return (schedule?.exceptions ?? [])
		.filter((e) => e.date >= today)
		.sort((a, b) => a.date.localeCompare(b.date))
		.slice(0, limit)
		.map((e) => {
			const d = new Date(`${e.date}T12:00:00Z`);
			const weekday = WEEKDAY_SHORT[d.getUTCDay() === 0 ? 7 : d.getUTCDay()];
			const when = `${weekday.charAt(0).toUpperCase()}${weekday.slice(1)} ${d.getUTCDate()}. ${MONTHS[d.getUTCMonth()]}`;
			const what = e.intervals.length ? e.intervals.map((i) => `${clock(i.from)}–${clock(i.to)}`).join(' og ') : 'lukket';
			return `${when}: ${what}${e.note ? ` (${e.note})` : ''}`;
		});
}

/** Field name → what the error summary calls it ("Mandag, fra", "Undtagelse 2, dato"). */
export function hoursFieldLabels(values: FormValues): Record<string, string> {
	const parts: Record<string, string> = { from: 'fra', to: 'til', from2: 'igen fra', to2: 'igen til', closed: 'lukket' };
	const labels: Record<string, string> = {};
	for (const { key, label } of FORM_DAYS) for (const [part, text] of Object.entries(parts)) labels[`${key}_${part}`] = `${label}, ${text}`;
	for (let i = 0; i < exceptionRowCount(values); i++)
		for (const [part, text] of Object.entries({ date: 'dato', from: 'fra', to: 'til', note: 'note' })) labels[`x${i}_${part}`] = `Undtagelse ${i + 1}, ${text}`;
	return labels;
}
