import { describe, expect, it } from 'vitest';
import { formatPhone, normalisePhone } from '@/lib/phone';
import { normaliseEmail } from '@/lib/email';
import { isIsoDate } from '@/lib/dates';

describe('normalisePhone', () => {
	it.each([
		['44342814', '+4544342814'],
		['4434 2814', '+4544342814'],
		['44 34 28 14', '+4544342814'],
		['+45 44 34 28 14', '+4544342814'],
		['+4544342814', '+4544342814'],
		['0045 44342814', '+4544342814'],
		['(+45) 4434-2814', '+4544342814'],
		['4544342814', '+4544342814'],
		['44.34.28.14', '+4544342814'],
		['+46 8 123 456 78', '+46812345678'],
	])('turns %s into %s', (input, expected) => {
		expect(normalisePhone(input)).toEqual({ ok: true, e164: expected });
	});

	it.each(['12 34', '123456789', '04342814', 'ring til Bo', '+45 4434 281', '44+342814'])('rejects %s with a Danish message', (input) => {
		const result = normalisePhone(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatch(/Telefonnummeret/);
	});

	it('shows Danish numbers grouped in pairs', () => {
		expect(formatPhone('+4544342814')).toBe('+45 44 34 28 14');
		expect(formatPhone('+46812345678')).toBe('+46812345678');
	});
});

describe('normaliseEmail', () => {
	it('lower-cases and trims work addresses', () => {
		expect(normaliseEmail('  Anne.Hansen@Hillerod.DK ')).toEqual({ ok: true, email: 'anne.hansen@hillerod.dk' });
	});
	it.each(['not-an-email', 'a@b', 'a b@c.dk', '@kommune.dk', 'x@.dk'])('rejects %s', (input) => {
		expect(normaliseEmail(input).ok).toBe(false);
	});
});

describe('isIsoDate', () => {
	it('accepts real dates and rejects impossible ones', () => {
		expect(isIsoDate('2026-02-28')).toBe(true);
		expect(isIsoDate('2026-13-45')).toBe(false);
		expect(isIsoDate('2026-02-30')).toBe(false);
		expect(isIsoDate('28-02-2026')).toBe(false);
	});
});
