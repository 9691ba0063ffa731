/**
 * What a search result shows (title, subtitle, tags, a person's card…), kept per document as one short string
 * instead of a graph of objects: at 100,000 people the object graph cost ~2 kB a person and most of a rebuild's
 * time went to the garbage collector tracing it. A record is decoded only for the ~20 hits a search returns.
 *
 * Strings that repeat across documents (unit, organisation and municipality names, titles, tag slugs,
 * visibility values) are stored once per index and referenced by number; strings with a digit or an `@` (refs,
 * phone numbers, e-mail addresses, dates, URLs with ids) are unique per document and written inline. Object keys
 * are stored once per shape (a person card's 24 keys once, not 100,000 times).
 *
 * Encoding: `n` null · `u` undefined · `t`/`f` · `d<number>;` · `i<id>;` an interned string · `s<length>:<text>`
 * · `[…]` an array · `{<shape>;…}` a plain object's values in its shape's key order · `o<id>;` anything else
 * (a Date, a class instance), kept by reference so it comes back as the same value.
 */
import type { StringTable } from './search.types';

/** Longer strings are descriptions and notes: rarely shared, so not worth a table entry. */
const INTERN_MAX = 80;

function internable(s: string): boolean {
	if (s.length > INTERN_MAX) return false;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if ((c >= 48 && c <= 57) || c === 64) return false;
	}
	return true;
}

export class RecordStore implements StringTable {
	private strings: string[] = [];
	private stringIds = new Map<string, number>();
	/** An interned string's token in a record (`i<id>;`), by its number. */
	private stringTokens: string[] = [];
	private shapes: string[][] = [];
	private shapeCodes: string[] = [];
	/** Shapes by their first key (a few per key): found by comparing keys, without building a string per object. */
	private shapesByFirst = new Map<string, number[]>();
	private opaque: unknown[] = [];
	private text = '';
	private pos = 0;

	/** Number of interned strings (for the bench's breakdown). */
	get internedCount(): number {
		return this.strings.length;
	}

	/** The number of a string in this store's table (also for a source's own record format, RecordCodec). */
	intern(s: string): number {
		let id = this.stringIds.get(s);
		if (id === undefined) {
			id = this.strings.length;
			this.strings.push(s);
			this.stringIds.set(s, id);
			this.stringTokens.push(`i${id.toString(36)};`);
		}
		return id;
	}

	string(id: number): string {
		return this.strings[id];
	}

	encode(value: unknown): string {
		const out: string[] = [];
		this.write(value, out);
		return out.join('');
	}

	decode(record: string): unknown {
		this.text = record;
		this.pos = 0;
		const value = this.read();
		this.text = '';
		return value;
	}

	private write(v: unknown, out: string[]): void {
		if (v === null) out.push('n');
		else if (v === undefined) out.push('u');
		else if (v === true) out.push('t');
		else if (v === false) out.push('f');
		else if (typeof v === 'number') out.push('d', String(v), ';');
		else if (typeof v === 'string') {
			if (internable(v)) out.push(this.stringTokens[this.intern(v)]);
			else out.push('s', v.length.toString(36), ':', v);
		} else if (Array.isArray(v)) {
			out.push('[');
			for (const item of v) this.write(item, out);
			out.push(']');
		} else if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
			const keys = Object.keys(v);
			const id = this.shapeOf(keys);
			out.push('{', this.shapeCodes[id], ';');
			for (const k of keys) this.write((v as Record<string, unknown>)[k], out);
			out.push('}');
		} else {
			out.push('o', this.opaque.length.toString(36), ';');
			this.opaque.push(v);
		}
	}

	private shapeOf(keys: string[]): number {
		const first = keys[0] ?? '';
		let candidates = this.shapesByFirst.get(first);
		if (!candidates) this.shapesByFirst.set(first, (candidates = []));
		for (const id of candidates) {
			const shape = this.shapes[id];
			if (shape.length !== keys.length) continue;
			let same = true;
			for (let k = 1; k < keys.length && same; k++) same = shape[k] === keys[k];
			if (same) return id;
		}
		const id = this.shapes.length;
		this.shapes.push(keys);
		this.shapeCodes.push(id.toString(36));
		candidates.push(id);
		return id;
	}

	private number(end: string): string {
		const stop = this.text.indexOf(end, this.pos);
		const s = this.text.slice(this.pos, stop);
		this.pos = stop + 1;
		return s;
	}

	private read(): unknown {
		const tag = this.text[this.pos++];
		switch (tag) {
			case 'n':
				return null;
			case 'u':
				return undefined;
			case 't':
				return true;
			case 'f':
				return false;
			case 'd':
				return Number(this.number(';'));
			case 'i':
				return this.strings[parseInt(this.number(';'), 36)];
			case 's': {
				const length = parseInt(this.number(':'), 36);
				const s = this.text.slice(this.pos, this.pos + length);
				this.pos += length;
				return s;
			}
			case '[': {
				const list: unknown[] = [];
				while (this.text[this.pos] !== ']') list.push(this.read());
				this.pos++;
				return list;
			}
			case '{': {
				const keys = this.shapes[parseInt(this.number(';'), 36)];
				const obj: Record<string, unknown> = {};
				for (const k of keys) {
					if (k === '__proto__') Object.defineProperty(obj, k, { value: this.read(), enumerable: true, writable: true, configurable: true });
					else obj[k] = this.read();
				}
				this.pos++;
				return obj;
			}
			case 'o':
				return this.opaque[parseInt(this.number(';'), 36)];
			default:
				throw new Error(`search record: unexpected "${tag}" at ${this.pos - 1}`);
		}
	}
}
