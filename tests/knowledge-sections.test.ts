import { describe, expect, it } from 'vitest';
import { bodySections, findReportSection, reportSections, slugify } from '@/modules/knowledge/knowledge.sections';

const phases = [{ id: 'udskrivning', title: 'Udskrivning', actors: {}, time_limits: [], contacts: [] }];

describe('The sections an article can be reported in', () => {
	it('splits the body at its top-level headings, the text before them being the introduction', () => {
		const body = 'Et møde om én plan.\n\n## Skabelon\n\n### 1. Samtykke først\nTekst.\n\n## Gode råd\n- Giv tid.\n';
		expect(bodySections({ title: 'Netværksmøder', body })).toEqual([
			{ id: 'tekst', title: 'Indledning', markdown: 'Et møde om én plan.' },
			{ id: 'afsnit-skabelon', title: 'Skabelon', markdown: '## Skabelon\n\n### 1. Samtykke først\nTekst.' },
			{ id: 'afsnit-gode-raad', title: 'Gode råd', markdown: '## Gode råd\n- Giv tid.' },
		]);
	});

	it('keeps a body without headings whole, and one that starts with a heading without an introduction', () => {
		expect(bodySections({ title: 'x', body: 'Kun tekst.\n' })).toEqual([{ id: 'tekst', title: 'Teksten', markdown: 'Kun tekst.' }]);
		expect(bodySections({ title: 'x', body: '# Første\nA\n## **Anden** ##\nB' }).map((s) => [s.id, s.title])).toEqual([
			['afsnit-foerste', 'Første'],
			['afsnit-anden', 'Anden'],
		]);
		expect(bodySections({ title: 'x', body: '' })).toEqual([]);
	});

	it('never splits inside a fenced code block, and gives repeated headings ids of their own', () => {
		const body = 'Intro\n\n```\n## ikke en overskrift\n```\n\n## Plan\na\n## Plan\nb';
		const sections = bodySections({ title: 'x', body });
		expect(sections.map((s) => s.id)).toEqual(['tekst', 'afsnit-plan', 'afsnit-plan-2']);
		expect(sections[0].markdown).toContain('## ikke en overskrift');
	});

	it('spells Danish letters out in ids', () => {
		expect(slugify('Krise-, koordinations- og tilbagefaldsplan')).toBe('krise-koordinations-og-tilbagefaldsplan');
		expect(slugify('Hvem gør hvad på Ærø?')).toBe('hvem-goer-hvad-paa-aeroe');
		expect(slugify('§§')).toBe('afsnit');
	});

	it('lists every report section in page order: numbers, body, phases, sources — and resolves an unknown one to the whole text', () => {
		const article = { title: 'Udskrivning', body: 'Intro\n\n## Aftaler\nx', phases, lines: [] };
		expect(reportSections(article)).toEqual([
			{ id: 'tekst', title: 'Indledning', anchor: 'tekst' },
			{ id: 'afsnit-aftaler', title: 'Aftaler', anchor: 'afsnit-aftaler' },
			{ id: 'udskrivning', title: 'Udskrivning', anchor: 'fase-udskrivning' },
			{ id: 'kilder', title: 'Kilder', anchor: 'kilder' },
		]);
		expect(findReportSection(article, 'udskrivning').anchor).toBe('fase-udskrivning');
		expect(findReportSection(article, 'findes-ikke')).toEqual({ id: 'tekst', title: 'Indledning', anchor: 'tekst' });
		expect(findReportSection(article, null).id).toBe('tekst');
		// Without an introduction the whole text is still a section (its anchor is the page itself).
		const headed = { title: 'x', body: '## A\nx', phases: [], lines: [{} as never] };
		expect(reportSections(headed).map((s) => s.id)).toEqual(['numre', 'tekst', 'afsnit-a', 'kilder']);
		expect(findReportSection(headed, 'nej')).toEqual({ id: 'tekst', title: 'Teksten', anchor: '' });
	});
});
