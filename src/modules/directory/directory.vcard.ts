/**
 * vCard 3.0 (RFC 2426) for a person: the format phones and Outlook import most reliably. Only what the viewer
 * may see goes in; someone who has left gets a card without contact data and a note naming who took over.
 */
import { slugify } from '@/lib/text';

export interface VCardInput {
	ref: string;
	firstName: string;
	lastName: string;
	title: string;
	organisationName: string;
	unitName: string;
	/** Already filtered for the viewer (null = not shown). */
	phone: string | null;
	mobile: string | null;
	email: string | null;
	hours: string;
	status: 'active' | 'left';
	/** Name of the person to contact instead, for someone who left. */
	successorName?: string | null;
	/** Absolute URL of the person's page. */
	url: string;
	updatedAt: string;
}

/** Escapes a text value (RFC 2426 §4: backslash, comma, semicolon, newline). */
export function escapeVCardText(value: string): string {
	return value
		.replace(/\\/g, '\\\\')
		.replace(/\r\n|\r|\n/g, '\\n')
		.replace(/,/g, '\\,')
		.replace(/;/g, '\\;');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (continuation lines start with a space). */
export function foldLine(line: string): string {
	const encoder = new TextEncoder();
	if (encoder.encode(line).length <= 75) return line;
	const parts: string[] = [];
	let current = '';
	let size = 0;
	for (const ch of line) {
		const n = encoder.encode(ch).length;
		// The first line may hold 75 octets; continuation lines 74 plus the leading space.
		const limit = parts.length === 0 ? 75 : 74;
		if (size + n > limit) {
			parts.push(current);
			current = '';
			size = 0;
		}
		current += ch;
		size += n;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

export function buildVCard(p: VCardInput): string {
	const e = escapeVCardText;
	const lines = [
		'BEGIN:VCARD',
		'VERSION:3.0',
		`N:${e(p.lastName)};${e(p.firstName)};;;`,
		`FN:${e(`${p.firstName} ${p.lastName}`.trim())}`,
		`ORG:${e(p.organisationName)};${e(p.unitName)}`,
	];
	if (p.title) lines.push(`TITLE:${e(p.title)}`);
	if (p.status === 'active') {
		if (p.phone) lines.push(`TEL;TYPE=WORK,VOICE:${e(p.phone)}`);
		if (p.mobile) lines.push(`TEL;TYPE=WORK,CELL:${e(p.mobile)}`);
		if (p.email) lines.push(`EMAIL;TYPE=INTERNET,WORK:${e(p.email)}`);
		if (p.hours) lines.push(`NOTE:${e(`Træffetid: ${p.hours}`)}`);
	} else {
		lines.push(`NOTE:${e(p.successorName ? `Fratrådt. Kontakt i stedet ${p.successorName}.` : 'Fratrådt. Stillingen er vakant.')}`);
	}
	lines.push(`URL:${p.url}`, `UID:urn:vejviser:person:${e(p.ref)}`, `REV:${p.updatedAt}`, 'END:VCARD');
	return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** `Content-Disposition` for the download: an ASCII name plus the UTF-8 name (RFC 6266). */
export function vCardDisposition(firstName: string, lastName: string): string {
	const name = `${firstName} ${lastName}`.trim();
	const ascii = slugify(name) || 'kontakt';
	return `attachment; filename="${ascii}.vcf"; filename*=UTF-8''${encodeURIComponent(name)}.vcf`;
}
