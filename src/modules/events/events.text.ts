/**
 * Rules for text that participants and organisers type and that we later write into mails and calendar
 * files. Input is checked by the schemas (events.schema.ts); output is made safe again here, because rows
 * saved before these rules existed may break them.
 */

/** Control characters: C0 (CR, LF, TAB, NUL, …), DEL, C1 and the Unicode line/paragraph separators. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_CHARS_G = new RegExp(CONTROL_CHARS.source, 'g');

/** Top-level domains seen in links; a word like "kommune.dk" or "bit.ly/x" is a link, "St. Clair" is not. */
const TLD = '(?:dk|com|net|org|info|biz|io|eu|de|se|no|nu|uk|co|me|ly|app|link|click|top|xyz|site|online|ru|cn|gl|fo|is)';
const URL_LIKE = new RegExp(`(?:[a-z][a-z0-9+.-]*:\\/\\/|www\\.)\\S*|\\b[\\w-]+(?:\\.[\\w-]+)*\\.${TLD}\\b(?:[/:?#]\\S*)?`, 'giu');

export function hasControlChars(value: string): boolean {
	return CONTROL_CHARS.test(value);
}

/** True when the text holds something a mail client would make into a link (scheme, www., a domain name). */
export function looksLikeUrl(value: string): boolean {
	URL_LIKE.lastIndex = 0;
	const found = URL_LIKE.test(value);
	URL_LIKE.lastIndex = 0;
	return found;
}

/** The most a person's name may be (the form says so; mails cut older rows to it). */
export const NAME_MAX = 100;

/**
 * User-supplied text as it may appear in a mail (names in the greeting, a participant's workplace in the
 * organiser's mail): one line, at most `max` characters, and anything link-like replaced — so a
 * registration form cannot be used to mail a phishing link to an address someone else typed in.
 */
export function mailSafeText(value: string, max = NAME_MAX): string {
	const line = value.replace(CONTROL_CHARS_G, ' ').replace(URL_LIKE, '[link fjernet]').replace(/\s{2,}/g, ' ').trim();
	return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}
