import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { participantsCsv } from '@/modules/events/events.csv';
import { neutraliseCell } from '@/modules/events/events.rules';
import type { Registration } from '@/modules/events/events.types';

const reg = (over: Partial<Registration>): Registration => ({
	id: 1, eventId: 1, userId: null, name: 'Anne Holm', email: 'anne@kommune.example', organisation: 'Hillerød Kommune', jobTitle: 'Psykolog',
	dietaryNeeds: '', accessibilityNeeds: '', question: '', status: 'confirmed', queuedAt: null, queueSeq: 1, emailConfirmedAt: null,
	promotedAt: null, checkedInAt: null, cancelledAt: null, createdAt: '2030-05-01T10:00:00.000Z', updatedAt: '2030-05-01T10:00:00.000Z', ...over,
});

describe('The participant CSV', () => {
	it('neutralises cells that a spreadsheet would run as formulas', () => {
		const csv = participantsCsv([
			{ registration: reg({ name: '=HYPERLINK("http://evil","x")', organisation: '+45 1234', jobTitle: '-2+3', dietaryNeeds: '@SUM(A1)', accessibilityNeeds: '\tTab', question: '\rCR' }), position: null },
		]);
		const rows = parse(csv.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
		const [name, , organisation, jobTitle, , , diet, access, question] = rows[1];
		expect(name).toBe(`'=HYPERLINK("http://evil","x")`);
		expect(organisation).toBe("'+45 1234");
		expect(jobTitle).toBe("'-2+3");
		expect(diet).toBe("'@SUM(A1)");
		expect(access).toBe("'\tTab");
		expect(question).toBe("'\rCR");
	});

	it('starts with a BOM and a Danish header, and keeps æøå and semicolons intact', () => {
		const csv = participantsCsv([{ registration: reg({ name: 'Søren Ærø; Åby', status: 'waitlisted' }), position: 3 }]);
		expect(csv.startsWith('\uFEFFNavn;E-mail;Organisation')).toBe(true);
		const rows = parse(csv.slice(1), { delimiter: ';' }) as string[][];
		expect(rows[1][0]).toBe('Søren Ærø; Åby');
		expect(rows[1][4]).toBe('Venteliste');
		expect(rows[1][5]).toBe('3');
	});

	it('leaves ordinary text alone', () => {
		expect(neutraliseCell('Anne')).toBe('Anne');
		expect(neutraliseCell('a=b')).toBe('a=b');
		expect(neutraliseCell('')).toBe('');
	});
});
