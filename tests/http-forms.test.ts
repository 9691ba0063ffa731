import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, FORM_BODY_LIMIT, FORM_FIELD_LIMIT, readForm } from '@/lib/forms';

function post(body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }): Request {
	return new Request('http://localhost/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

/** A body that arrives in chunks without a Content-Length (as `Transfer-Encoding: chunked` does). */
function streamed(text: string, chunk = 1024): ReadableStream<Uint8Array> {
	const bytes = new TextEncoder().encode(text);
	let offset = 0;
	return new ReadableStream({
		pull(controller) {
			if (offset >= bytes.length) return controller.close();
			controller.enqueue(bytes.slice(offset, (offset += chunk)));
		},
	});
}

describe('Reading a form', () => {
	it('reads single values as strings and repeated names as arrays, in one pass', async () => {
		const values = await readForm(post('name=%C3%86bel%C3%B8&topic=angst&topic=sorg&empty='));
		expect(values).toEqual({ name: 'Æbelø', topic: ['angst', 'sorg'], empty: '' });
	});

	it('reads multipart forms the same way', async () => {
		const data = new FormData();
		data.append('name', 'Åse');
		data.append('topic', 'a');
		data.append('topic', 'b');
		const request = new Request('http://localhost/x', { method: 'POST', body: data });
		expect(await readForm(request)).toEqual({ name: 'Åse', topic: ['a', 'b'] });
	});

	it('refuses 40,000 fields quickly instead of parsing them quadratically', async () => {
		const body = Array.from({ length: 40_000 }, (_, i) => `p${i}=${i}`).join('&');
		const started = performance.now();
		await expect(readForm(post(body.slice(0, FORM_BODY_LIMIT - 10)))).rejects.toThrow(BodyTooLargeError);
		await expect(readForm(post(body))).rejects.toThrow(BodyTooLargeError);
		// Generous bound: the old parser took ~6 s for this on the same machine.
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it('accepts exactly the field limit and refuses one more', async () => {
		const fields = (n: number) => Array.from({ length: n }, (_, i) => `f=${i}`).join('&');
		expect((await readForm(post(fields(FORM_FIELD_LIMIT)))).f).toHaveLength(FORM_FIELD_LIMIT);
		await expect(readForm(post(fields(FORM_FIELD_LIMIT + 1)))).rejects.toThrow(/for mange felter/);
	});

	it('stops reading a streamed body without Content-Length as soon as it passes the byte limit', async () => {
		let pulled = 0;
		const big = 'x='.padEnd(10 * FORM_BODY_LIMIT, 'a');
		const source = streamed(big);
		const reader = source.getReader();
		const counting = new ReadableStream<Uint8Array>({
			async pull(controller) {
				const { done, value } = await reader.read();
				if (done) return controller.close();
				pulled += value.byteLength;
				controller.enqueue(value);
			},
		});
		await expect(readForm(post(counting))).rejects.toThrow(BodyTooLargeError);
		expect(pulled).toBeLessThan(FORM_BODY_LIMIT + 64 * 1024);
	});

	it('refuses a declared Content-Length over the limit before reading anything', async () => {
		const request = post(streamed('a=1'), { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(FORM_BODY_LIMIT + 1) });
		await expect(readForm(request)).rejects.toThrow(BodyTooLargeError);
		expect(request.bodyUsed).toBe(false);
	});
});
