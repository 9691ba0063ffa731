/**
 * The one way user-written Markdown becomes HTML. `marked` does not sanitise, so its output always passes
 * through `sanitize-html` with a short allow-list: no scripts, no event handlers, no styles, links only to
 * http(s)/mailto/tel. This is the only value any page may give to `set:html`.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// A private instance, so no other code's marked.use() can change how ours renders.
const marked = new Marked({ gfm: true, breaks: false, async: false });

const OPTIONS: sanitizeHtml.IOptions = {
	allowedTags: ['h2', 'h3', 'h4', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'code', 'pre', 'blockquote', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'del'],
	allowedAttributes: { a: ['href', 'title', 'rel'], th: ['align'], td: ['align'], ol: ['start'] },
	allowedSchemes: ['http', 'https', 'mailto', 'tel'],
	allowedSchemesAppliedToAttributes: ['href'],
	allowProtocolRelative: false,
	disallowedTagsMode: 'discard',
	// A page has one h1 (its title): Markdown headings move down a level so the outline stays right.
	transformTags: {
		h1: 'h2',
		a: (tagName, attribs) => {
			const external = /^https?:\/\//i.test(attribs.href ?? '');
			return { tagName, attribs: external ? { ...attribs, rel: 'noopener noreferrer' } : attribs };
		},
	},
};

/** Sanitised HTML for a Markdown text (empty string for empty input). */
export function renderMarkdown(markdown: string | null | undefined): string {
	if (!markdown || !markdown.trim()) return '';
	const html = marked.parse(markdown, { async: false }) as string;
	return sanitizeHtml(html, OPTIONS);
}
