/**
 * As-you-type suggestions on every `[data-search-input]` (ARIA 1.2 combobox with a listbox popup). The input is
 * `type="text"` with `inputmode="search"`/`enterkeyhint="search"`: role=combobox is not allowed on type=search.
 * The suggestions come from /api/search?suggest=1, which orders a query exactly as the results page does.
 * Progressive enhancement: without this script the input is a plain GET form field that submits to /sog.
 *
 * Keys: ↓/↑ move through suggestions, Enter opens the highlighted one (or submits the search), Escape closes,
 * Tab leaves. The highlighted option is announced through aria-activedescendant; a live region says how many.
 */

interface Suggestion {
	type: string;
	title: string;
	subtitle: string;
	url: string;
	/** "Træffes nu til 15:00" (people and after-hours lines). */
	availabilityText?: string;
	/** What of the query the suggestion matches and does not, in Danish (suggest=1), as /sog shows it. */
	matchedText?: string;
	unmatchedText?: string;
}

const TYPE_LABEL: Record<string, string> = { person: 'Person', unit: 'Enhed', organisation: 'Organisation', topic: 'Emne', event: 'Temadag', group: 'Gruppe', article: 'Artikel' };
const DEBOUNCE_MS = 150;
let counter = 0;

function enhance(input: HTMLInputElement): void {
	if (input.dataset.suggestReady) return;
	input.dataset.suggestReady = '1';
	const id = `suggest-${++counter}`;
	const form = input.form;
	const container = input.parentElement!;
	container.classList.add('suggest');

	const list = document.createElement('ul');
	list.id = `${id}-list`;
	list.setAttribute('role', 'listbox');
	list.setAttribute('aria-label', 'Forslag');
	list.className = 'suggest__list';
	list.hidden = true;
	const status = document.createElement('div');
	status.className = 'visually-hidden';
	status.setAttribute('role', 'status');
	status.setAttribute('aria-live', 'polite');
	container.append(list, status);

	// ARIA in HTML allows role=combobox on a text input, not on type=search (the markup uses text + inputmode).
	if (input.type === 'search') input.type = 'text';
	input.setAttribute('role', 'combobox');
	input.setAttribute('aria-autocomplete', 'list');
	input.setAttribute('aria-expanded', 'false');
	input.setAttribute('aria-controls', list.id);

	let items: Suggestion[] = [];
	let active = -1;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let controller: AbortController | undefined;
	let lastQuery = '';

	const close = () => {
		list.hidden = true;
		input.setAttribute('aria-expanded', 'false');
		input.removeAttribute('aria-activedescendant');
		active = -1;
	};
	const highlight = (index: number) => {
		const options = list.querySelectorAll<HTMLLIElement>('[role="option"]');
		options.forEach((o, i) => o.setAttribute('aria-selected', String(i === index)));
		active = index;
		if (index >= 0 && options[index]) {
			input.setAttribute('aria-activedescendant', options[index].id);
			options[index].scrollIntoView({ block: 'nearest' });
		} else input.removeAttribute('aria-activedescendant');
	};
	const render = () => {
		list.replaceChildren();
		items.forEach((item, i) => {
			const li = document.createElement('li');
			li.id = `${id}-opt-${i}`;
			li.setAttribute('role', 'option');
			li.setAttribute('aria-selected', 'false');
			li.className = 'suggest__option';
			const title = document.createElement('span');
			title.className = 'suggest__title';
			title.textContent = item.title;
			const meta = document.createElement('span');
			meta.className = 'suggest__meta';
			meta.textContent = `${TYPE_LABEL[item.type] ?? item.type} · ${item.subtitle}`;
			li.append(title, meta);
			const why = [item.availabilityText, item.matchedText && `Passer: ${item.matchedText}`, item.unmatchedText && `passer ikke: ${item.unmatchedText}`].filter(Boolean).join(' · ');
			if (why) {
				const line = document.createElement('span');
				line.className = 'suggest__why';
				line.textContent = why;
				li.append(line);
			}
			// mousedown, not click: the input must not lose focus (and close the list) first.
			li.addEventListener('mousedown', (event) => {
				event.preventDefault();
				window.location.assign(item.url);
			});
			list.append(li);
		});
		const open = items.length > 0;
		list.hidden = !open;
		input.setAttribute('aria-expanded', String(open));
		status.textContent = open ? `${items.length} forslag. Brug pil op og ned.` : lastQuery ? 'Ingen forslag.' : '';
		highlight(-1);
	};
	const fetchSuggestions = async (q: string) => {
		controller?.abort();
		controller = new AbortController();
		try {
			const res = await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=8&suggest=1`, { signal: controller.signal, headers: { Accept: 'application/json' } });
			if (!res.ok) return;
			const body = (await res.json()) as { results: Suggestion[] };
			if (input.value.trim() !== q) return;
			items = body.results;
			render();
		} catch {
			/* aborted or offline: the form still works */
		}
	};

	input.addEventListener('input', () => {
		const q = input.value.trim();
		lastQuery = q;
		clearTimeout(timer);
		if (q.length < 2) {
			items = [];
			close();
			return;
		}
		timer = setTimeout(() => void fetchSuggestions(q), DEBOUNCE_MS);
	});
	input.addEventListener('keydown', (event) => {
		const open = !list.hidden && items.length > 0;
		if (event.key === 'ArrowDown') {
			if (!open) {
				if (items.length) render();
				return;
			}
			event.preventDefault();
			highlight(active + 1 >= items.length ? 0 : active + 1);
		} else if (event.key === 'ArrowUp') {
			if (!open) return;
			event.preventDefault();
			highlight(active <= 0 ? items.length - 1 : active - 1);
		} else if (event.key === 'Enter') {
			if (open && active >= 0) {
				event.preventDefault();
				window.location.assign(items[active].url);
			}
		} else if (event.key === 'Escape') {
			if (open) {
				event.preventDefault();
				close();
			} else input.value = '';
		}
	});
	input.addEventListener('blur', () => setTimeout(close, 100));
	form?.addEventListener('submit', () => close());
}

function init(): void {
	document.querySelectorAll<HTMLInputElement>('input[data-search-input]').forEach(enhance);
	if (!document.getElementById('suggest-style')) {
		const style = document.createElement('style');
		style.id = 'suggest-style';
		style.textContent = `
.suggest { position: relative; }
.suggest__list { position: absolute; z-index: 20; left: 0; right: 0; top: 100%; margin: 2px 0 0; padding: 0.25rem 0; list-style: none;
	background: #fff; color: #1b1f23; border: 2px solid #4a5561; border-radius: 6px; box-shadow: 0 6px 18px rgb(0 0 0 / 0.15); max-height: 24rem; overflow-y: auto; }
.suggest__option { padding: 0.4rem 0.75rem; cursor: pointer; display: flex; flex-direction: column; }
.suggest__option[aria-selected='true'], .suggest__option:hover { background: #0b5563; color: #fff; }
.suggest__title { font-weight: 600; }
.suggest__meta, .suggest__why { font-size: 0.875rem; }
.suggest__why { font-style: italic; }
`;
		document.head.append(style);
	}
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
