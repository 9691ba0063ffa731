import { describe, expect, it } from 'vitest';
import { buildVCard, escapeVCardText, foldLine, vCardDisposition, type VCardInput } from '@/modules/directory/directory.vcard';

const base: VCardInput = {
	ref: 'T001',
	firstName: 'Søren',
	lastName: 'Østergaard',
	title: 'Psykolog',
	organisationName: 'Hillerød Kommune',
	unitName: 'PPR',
	phone: '+4548201234',
	mobile: null,
	email: 'soren@hilleroed.example',
	hours: 'Man-tors 8-15',
	status: 'active',
	url: 'http://localhost:4321/personer/T001',
	updatedAt: '2026-03-01T10:00:00.000Z',
};

describe('vCard', () => {
	it('escapes backslashes, commas, semicolons and newlines in text values', () => {
		expect(escapeVCardText('a\\b,c;d\ne')).toBe('a\\\\b\\,c\\;d\\ne');
	});

	it('builds a vCard 3.0 with name, organisation, unit, title, phone, e-mail and CRLF line ends', () => {
		const card = buildVCard(base);
		const lines = card.split('\r\n');
		expect(lines[0]).toBe('BEGIN:VCARD');
		expect(lines).toContain('VERSION:3.0');
		expect(lines).toContain('N:Østergaard;Søren;;;');
		expect(lines).toContain('FN:Søren Østergaard');
		expect(lines).toContain('ORG:Hillerød Kommune;PPR');
		expect(lines).toContain('TITLE:Psykolog');
		expect(lines).toContain('TEL;TYPE=WORK,VOICE:+4548201234');
		expect(lines).toContain('EMAIL;TYPE=INTERNET,WORK:soren@hilleroed.example');
		expect(card.endsWith('END:VCARD\r\n')).toBe(true);
		expect(card.replace(/\r\n/g, '')).not.toMatch(/\n/);
	});

	it('leaves out fields the viewer may not see', () => {
		const card = buildVCard({ ...base, phone: null, email: null });
		expect(card).not.toContain('TEL');
		expect(card).not.toContain('EMAIL');
	});

	it('escapes hostile names so they cannot add properties', () => {
		const card = buildVCard({ ...base, lastName: 'X\nTEL:+4500000000', organisationName: 'A;B,C' });
		expect(card).toContain('N:X\\nTEL:+4500000000;Søren;;;');
		expect(card).toContain('ORG:A\\;B\\,C;PPR');
		expect(card.split('\r\n').filter((l) => l.startsWith('TEL'))).toHaveLength(1);
	});

	it('gives someone who left no contact data and names who took over', () => {
		const card = buildVCard({ ...base, status: 'left', successorName: 'Anne Holm' });
		expect(card).not.toContain('TEL');
		expect(card).not.toContain('EMAIL');
		expect(card).toContain('NOTE:Fratrådt. Kontakt i stedet Anne Holm.');
	});

	it('folds long lines at 75 octets without splitting a Danish letter', () => {
		const long = `NOTE:${'æøå'.repeat(40)}`;
		const folded = foldLine(long);
		const parts = folded.split('\r\n');
		expect(parts.length).toBeGreaterThan(1);
		for (const part of parts) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75);
		expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
		expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(long);
	});

	it('offers an ASCII file name and the UTF-8 name for the download', () => {
		expect(vCardDisposition('Søren', 'Østergaard')).toBe(`attachment; filename="soeren-oestergaard.vcf"; filename*=UTF-8''S%C3%B8ren%20%C3%98stergaard.vcf`);
	});
});
