import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import type { ChatStore, MessageRow, NewMessage } from './store';
import { createMessageWriter, isPermanent } from './writer';

const logger = createLogger({ level: 'silent' });

/** A store that records each INSERT's rows and answers after 5 ms, failing as told (and for good on the text 'refused'). */
function fakeStore() {
	const calls: NewMessage[][] = [];
	let seq = 0;
	const failures: unknown[] = [];
	const store = {
		async insertMany(rows: NewMessage[]) {
			calls.push(rows);
			await new Promise((r) => setTimeout(r, 5));
			const failure = failures.shift();
			if (failure) throw failure;
			if (rows.some((r) => r.text === 'refused')) throw Object.assign(new Error('violates foreign key'), { code: '23503' });
			return rows.map((r) => ({ row: { ...r, id: `id-${++seq}`, seq } as unknown as MessageRow, created: true }));
		}
	} as unknown as ChatStore;
	return { store, calls, failNext: (err: unknown) => failures.push(err) };
}

const row = (text: string): NewMessage => ({ spaceId: 's', authorId: 'a', clientId: text, text, lang: 'en' });

describe('chat message writer', () => {
	it('writes the first message at once and whatever arrives meanwhile in the next INSERT', async () => {
		const { store, calls } = fakeStore();
		const stored: string[][] = [];
		const writer = createMessageWriter<string>({ store, logger, onStored: (rs) => stored.push(rs.map((r) => r.meta)) });
		const first = writer.write(row('1'), 'm1');
		await new Promise((r) => setImmediate(r));
		const rest = ['2', '3', '4'].map((t) => writer.write(row(t), `m${t}`));
		const results = await Promise.all([first, ...rest]);
		expect(calls.map((c) => c.map((r) => r.text))).toEqual([['1'], ['2', '3', '4']]);
		expect(results.map((r) => r.row.seq)).toEqual([1, 2, 3, 4]);
		expect(stored).toEqual([['m1'], ['m2', 'm3', 'm4']]);
		expect(writer.stats).toMatchObject({ batches: 2, rows: 4 });
	});

	it('sends written in the same turn share one INSERT, up to maxRows', async () => {
		const { store, calls } = fakeStore();
		const writer = createMessageWriter({ store, logger, maxRows: 2 });
		await Promise.all(['1', '2', '3'].map((t) => writer.write(row(t), undefined)));
		expect(calls.map((c) => c.length)).toEqual([2, 1]);
	});

	it('keeps a batch in memory while the database fails, and answers only once it is stored', async () => {
		const { store, calls, failNext } = fakeStore();
		failNext(Object.assign(new Error('connection reset'), { code: '08006' }));
		const writer = createMessageWriter({ store, logger });
		const result = await writer.write(row('kept'), undefined);
		expect(result.row.text).toBe('kept');
		expect(calls.map((c) => c.map((r) => r.text))).toEqual([['kept'], ['kept']]);
	});

	it('a batch committed by an attempt whose answer was lost still counts as created, once per message', async () => {
		// A store keyed like chat_messages (space, author, client id): the first INSERT commits, then its answer is lost.
		const byKey = new Map<string, MessageRow>();
		let seq = 0;
		let loseAnswer = true;
		const store = {
			async insertMany(rows: NewMessage[]) {
				const out = rows.map((r) => {
					const existing = byKey.get(r.clientId);
					if (existing) return { row: existing, created: false };
					const stored = { ...r, id: `id-${++seq}`, seq } as unknown as MessageRow;
					byKey.set(r.clientId, stored);
					return { row: stored, created: true };
				});
				if (loseAnswer) {
					loseAnswer = false;
					throw Object.assign(new Error('connection lost after commit'), { code: '08006' });
				}
				return out;
			}
		} as unknown as ChatStore;
		const announced: string[] = [];
		const writer = createMessageWriter({ store, logger, onStored: (rs) => rs.filter((r) => r.created).forEach((r) => announced.push(r.row.id)) });
		const first = writer.write(row('a'), undefined);
		// The client resends 'a' (its ack was late) while the first write is still being retried.
		await new Promise((r) => setTimeout(r, 1));
		const again = writer.write(row('a'), undefined);
		const [one, two] = await Promise.all([first, again]);
		expect(one.created).toBe(true);
		expect(two.created).toBe(false);
		expect(one.row.id).toBe(two.row.id);
		expect(announced).toEqual([one.row.id]);
	});

	it('a row the database refuses for good is found and refused alone; the rest of its batch is stored', async () => {
		const { store } = fakeStore();
		const writer = createMessageWriter({ store, logger });
		const outcomes = await Promise.allSettled(['a', 'refused', 'b'].map((t) => writer.write(row(t), undefined)));
		expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect(writer.stats.refused).toBe(1);
	});

	it('after stop(), a database that keeps failing makes it give up and tell the senders', async () => {
		const { store, failNext } = fakeStore();
		for (let i = 0; i < 10; i++) failNext(Object.assign(new Error('down'), { code: '57P01' }));
		const writer = createMessageWriter({ store, logger });
		writer.stop();
		await expect(writer.write(row('x'), undefined)).rejects.toThrow('down');
	});

	it('only integrity and data errors count as permanent', () => {
		expect(isPermanent({ code: '23505' })).toBe(true);
		expect(isPermanent({ cause: { code: '22P02' } })).toBe(true);
		expect(isPermanent({ code: '08006' })).toBe(false);
		expect(isPermanent(new Error('x'))).toBe(false);
	});
});
