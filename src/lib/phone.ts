/**
 * Danish phone numbers in every notation people write them (`44 34 28 14`, `4434-2814`, `+45 44342814`,
 * `0045 4434 2814`, `(+45) 44 34 28 14`) → E.164 (`+4544342814`). Foreign numbers must carry their `+`.
 */
export type PhoneResult = { ok: true; e164: string } | { ok: false; error: string };

export function normalisePhone(input: string): PhoneResult {
	const raw = input.trim();
	if (!raw) return { ok: false, error: 'Telefonnummeret er tomt.' };
	if (/[^\d\s+().\-/]/.test(raw)) return { ok: false, error: `Telefonnummeret "${raw}" indeholder tegn, der ikke hører til et telefonnummer.` };
	let digits = raw.replace(/[^\d+]/g, '');
	if (digits.indexOf('+') > 0 || (digits.match(/\+/g) ?? []).length > 1)
		return { ok: false, error: `Telefonnummeret "${raw}" har et plus det forkerte sted.` };
	if (digits.startsWith('00')) digits = '+' + digits.slice(2);
	if (digits.startsWith('+45')) digits = digits.slice(3);
	else if (digits.startsWith('+')) {
		// Another country: accept any plausible E.164 number.
		if (/^\+[1-9]\d{6,14}$/.test(digits)) return { ok: true, e164: digits };
		return { ok: false, error: `Telefonnummeret "${raw}" er ikke et gyldigt internationalt nummer.` };
	} else if (digits.length === 10 && digits.startsWith('45')) digits = digits.slice(2);
	if (!/^\d{8}$/.test(digits))
		return { ok: false, error: `Telefonnummeret "${raw}" skal have 8 cifre (danske numre), men har ${digits.length}.` };
	// Danish subscriber numbers never start with 0 or 1 (those are service/short numbers).
	if (/^[01]/.test(digits)) return { ok: false, error: `Telefonnummeret "${raw}" er ikke et gyldigt dansk nummer.` };
	return { ok: true, e164: '+45' + digits };
}

/** `+4544342814` → `+45 44 34 28 14`; other countries are shown as stored. */
export function formatPhone(e164: string | null | undefined): string {
	if (!e164) return '';
	const m = /^\+45(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(e164);
	return m ? `+45 ${m[1]} ${m[2]} ${m[3]} ${m[4]}` : e164;
}
