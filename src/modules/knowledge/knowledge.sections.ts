/**
 * The sections of an article a reader can report an error in ("Meld en fejl i dette afsnit"): the body split at its
 * top-level headings (the text before the first one is the introduction), each pathway phase, and the sources.
 * Pure: the pages render each body section through renderMarkdown() with its own report link, and the report form
 * resolves the section the link names within the article.
 */
import { slugify as slugText } from '@/lib/text';
import type { Article } from './knowledge.types';

export interface BodySection {
	/** `tekst` for the introduction (or a body without headings), else `afsnit-<slug of the heading>`. */
	id: string;
	title: string;
	/** The section's Markdown, its heading included. */
	markdown: string;
}

const HEADING = /^(#{1,2})[ \t]+(.+?)[ \t#]*$/;
const FENCE = /^[ \t]{0,3}(```|~~~)/;

/** The heading as the app's one slug (src/lib/text.ts); a heading of no letters at all is "afsnit". */
export function slugify(text: string): string {
	return slugText(text) || 'afsnit';
}

/** The body at its `#`/`##` headings (never inside a fenced code block). Empty sections are left out. */
export function bodySections(article: Pick<Article, 'title' | 'body'>): BodySection[] {
	const parts: Array<{ title: string | null; lines: string[] }> = [{ title: null, lines: [] }];
	let fenced = false;
	for (const line of article.body.split('\n')) {
		if (FENCE.test(line)) fenced = !fenced;
		const heading = fenced ? null : HEADING.exec(line);
		if (heading) parts.push({ title: heading[2].replace(/[*_`]/g, '').trim(), lines: [line] });
		else parts.at(-1)!.lines.push(line);
	}
	const used = new Set<string>();
	const out: BodySection[] = [];
	for (const part of parts) {
		const markdown = part.lines.join('\n').trim();
		if (!markdown) continue;
		if (part.title === null) {
			out.push({ id: 'tekst', title: parts.length > 1 ? 'Indledning' : 'Teksten', markdown });
			continue;
		}
		let id = `afsnit-${slugify(part.title)}`;
		for (let n = 2; used.has(id); n++) id = `afsnit-${slugify(part.title)}-${n}`;
		used.add(id);
		out.push({ id, title: part.title, markdown });
	}
	return out;
}

export interface ReportSection {
	id: string;
	title: string;
	/** The element on the article page the section is (for "Tilbage til …" after a report); '' for the whole page. */
	anchor: string;
}

type Sectioned = Pick<Article, 'title' | 'body' | 'phases' | 'lines'>;

/** Every section of an article a report can be about, in page order (`tekst` is always there: the whole text). */
export function reportSections(article: Sectioned): ReportSection[] {
	const body = bodySections(article).map((s) => ({ id: s.id, title: s.title, anchor: s.id }));
	if (body[0]?.id !== 'tekst') body.unshift({ id: 'tekst', title: 'Teksten', anchor: '' });
	const lines = article.lines?.length ? [{ id: 'numre', title: 'Numre', anchor: 'numre' }] : [];
	return [...lines, ...body, ...article.phases.map((p) => ({ id: p.id, title: p.title, anchor: `fase-${p.id}` })), { id: 'kilder', title: 'Kilder', anchor: 'kilder' }];
}

/** The section a report names, resolved within the article; an unknown one is the whole text. */
export function findReportSection(article: Sectioned, id: string | null): ReportSection {
	const sections = reportSections(article);
	return sections.find((s) => s.id === id) ?? sections.find((s) => s.id === 'tekst')!;
}
