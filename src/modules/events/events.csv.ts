/**
 * The participant list as CSV for organisers: only the columns they need (data minimisation), UTF-8 with a
 * BOM and `;` so Danish Excel opens it with æøå intact, every cell formula-neutralised.
 */
import { stringify } from 'csv-stringify/sync';
import { formatDateTime } from '@/lib/dates';
import { neutraliseCell } from './events.rules';
import { REGISTRATION_STATUS_LABEL, type Registration } from './events.types';

const HEADER = ['Navn', 'E-mail', 'Organisation', 'Stilling', 'Status', 'Venteliste nr.', 'Kost', 'Tilgængelighed', 'Spørgsmål til arrangøren', 'Tilmeldt', 'Tjekket ind'];

export function participantsCsv(rows: Array<{ registration: Registration; position: number | null }>): string {
	const records = rows.map(({ registration: r, position }) =>
		[r.name, r.email, r.organisation, r.jobTitle, REGISTRATION_STATUS_LABEL[r.status], position ? String(position) : '', r.dietaryNeeds, r.accessibilityNeeds, r.question, formatDateTime(r.createdAt), formatDateTime(r.checkedInAt)].map((cell) =>
			neutraliseCell(cell ?? ''),
		),
	);
	return '\uFEFF' + stringify([HEADER, ...records], { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[;"\r\n]/ });
}

export function csvFilename(slug: string): string {
	return `deltagere-${slug}.csv`;
}
