import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '@/lib/markdown';

describe('renderMarkdown', () => {
	it('renders headings, lists, emphasis and links', () => {
		const html = renderMarkdown('# Program\n\n- **Oplæg** om *sorg*\n- [Slides](https://example.org/slides.pdf)');
		expect(html).toContain('<h2>Program</h2>');
		expect(html).toContain('<strong>Oplæg</strong>');
		expect(html).toContain('<em>sorg</em>');
		expect(html).toContain('<a href="https://example.org/slides.pdf" rel="noopener noreferrer">Slides</a>');
	});

	it('removes script and style elements with their content', () => {
		const html = renderMarkdown('Hej <script>alert(1)</script><style>body{display:none}</style> verden');
		expect(html).not.toMatch(/script|alert|style|display/i);
		expect(html).toContain('Hej');
	});

	it('removes event handler attributes from raw HTML', () => {
		const html = renderMarkdown('<img src="x" onerror="alert(1)"> <p onclick="steal()">Tekst</p> <a href="https://a.dk" onmouseover="x()">a</a>');
		expect(html).not.toMatch(/onerror|onclick|onmouseover|alert|steal/i);
		expect(html).not.toContain('<img');
		expect(html).toContain('Tekst');
	});

	it('removes javascript: and data: URLs from Markdown and HTML links', () => {
		const html = renderMarkdown('[klik](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">b</a> <a href="data:text/html;base64,PHNjcmlwdD4=">c</a> [d](vbscript:x)');
		expect(html).not.toMatch(/javascript|vbscript|data:/i);
		expect(html).toContain('klik');
	});

	it('removes iframes, forms and inline styles', () => {
		const html = renderMarkdown('<iframe src="https://evil.example"></iframe><form action="/x"><input name="a"></form><p style="color:red">rød</p>');
		expect(html).not.toMatch(/iframe|form|input|style/i);
		expect(html).toContain('<p>rød</p>');
	});

	it('returns an empty string for empty input', () => {
		expect(renderMarkdown('')).toBe('');
		expect(renderMarkdown(null)).toBe('');
		expect(renderMarkdown('   ')).toBe('');
	});
});
