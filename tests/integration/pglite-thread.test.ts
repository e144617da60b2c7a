import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../server/db';
import { PGliteThread } from '../../server/db/pglite-thread';

describe('PGlite in its own thread', () => {
	let dir: string;
	let db: PGliteThread;

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'tessera-pglite-thread-'));
		db = await PGliteThread.create({ dataDir: dir });
		await db.exec('create table t (id int primary key, name text not null, at timestamptz not null default now(), data bytea)');
	});
	afterAll(async () => {
		await db?.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('runs queries with parameters and returns rows in either row mode, bytes as bytes', async () => {
		await db.query('insert into t (id, name, data) values ($1, $2, $3)', [1, 'Ana', new Uint8Array([1, 2, 3])]);
		const objects = await db.query('select id, name, data from t where id = $1', [1]);
		expect(objects.rows).toEqual([{ id: 1, name: 'Ana', data: new Uint8Array([1, 2, 3]) }]);
		const arrays = await db.query('select id, name from t where id = $1', [1], { rowMode: 'array' });
		expect(arrays.rows).toEqual([[1, 'Ana']]);
	});

	it('hands back raw text for the types whose parsers return it (as drizzle asks for dates)', async () => {
		const { rows } = await db.query<unknown>('select at from t where id = 1', [], { parsers: { 1184: (v: string) => v } });
		expect(typeof (rows[0] as { at: unknown }).at).toBe('string');
		await expect(db.query('select at from t', [], { parsers: { 1184: (v: string) => new Date(v) } })).rejects.toThrow(/raw text/);
	});

	it('keeps PostgreSQL error fields across the thread, so a unique violation is recognised', async () => {
		const err = await db.query('insert into t (id, name) values (1, $1)', ['again']).catch((e: unknown) => e);
		expect(isUniqueViolation(err)).toBe(true);
		expect((err as Error).message).toMatch(/duplicate key/);
	});

	it('commits a transaction when its function resolves and rolls it back when it throws', async () => {
		await db.transaction(async (tx) => {
			await tx.query('insert into t (id, name) values (2, $1)', ['Bo']);
			await tx.query('insert into t (id, name) values (3, $1)', ['Cy']);
		});
		await expect(
			db.transaction(async (tx) => {
				await tx.query('insert into t (id, name) values (4, $1)', ['Di']);
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		const { rows } = await db.query<{ id: number }>('select id from t order by id');
		expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
	});

	it('a query from outside waits for an open transaction, as on one connection', async () => {
		const order: string[] = [];
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const txDone = db.transaction(async (tx) => {
			await tx.query('update t set name = $1 where id = 1', ['Ana M.']);
			order.push('tx updated');
			await gate;
			order.push('tx ends');
		});
		await new Promise((r) => setTimeout(r, 20));
		const outside = db.query<{ name: string }>('select name from t where id = 1').then((r) => {
			order.push('outside read');
			return r.rows[0]!.name;
		});
		await new Promise((r) => setTimeout(r, 50));
		release();
		await txDone;
		expect(await outside).toBe('Ana M.');
		expect(order).toEqual(['tx updated', 'tx ends', 'outside read']);
	});

	it('a failed statement inside a transaction rejects, and the transaction rolls back as a whole', async () => {
		await expect(
			db.transaction(async (tx) => {
				await tx.query('insert into t (id, name) values (5, $1)', ['Ed']);
				await tx.query('insert into t (id, name) values (1, $1)', ['duplicate']);
			})
		).rejects.toSatisfy(isUniqueViolation);
		const { rows } = await db.query('select id from t where id = 5');
		expect(rows).toEqual([]);
	});

	it('stores and reads back bytes exactly: every byte value, empty, a view into a larger buffer, 1 MiB', async () => {
		const every = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
		const backing = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
		const view = backing.subarray(5, 21);
		const large = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919 + (i >> 8)) & 255);
		const cases = [every, new Uint8Array(0), view, large];
		for (const [i, data] of cases.entries()) await db.query('insert into t (id, name, data) values ($1, $2, $3)', [100 + i, `bytes ${i}`, data]);
		const { rows } = await db.query<{ id: number; data: Uint8Array }>('select id, data from t where id >= 100 order by id');
		expect(rows.map((r) => r.data.byteLength)).toEqual([512, 0, 16, 1 << 20]);
		for (const [i, data] of cases.entries()) {
			expect(rows[i]!.data).toBeInstanceOf(Uint8Array);
			expect(Buffer.compare(Buffer.from(rows[i]!.data), Buffer.from(data.buffer, data.byteOffset, data.byteLength))).toBe(0);
		}
		// What the database holds, read as text on its side: the bytes themselves, not a copy of the whole backing buffer.
		const { rows: hex } = await db.query<{ hex: string }>("select encode(data, 'hex') as hex from t where id = 102");
		expect(hex[0]!.hex).toBe(Buffer.from(view).toString('hex'));
		await expect(db.query('insert into t (id, name, data) values (200, $1, $2)', ['not bytes', 42])).rejects.toThrow(/bytea/);
		// Bytes are read as hex only: any other output format is refused rather than read as zeros.
		await db.exec("set bytea_output = 'escape'");
		try {
			await expect(db.query('select data from t where id = 100')).rejects.toThrow(/not hex/);
		} finally {
			await db.exec('reset bytea_output');
		}
		await db.query('delete from t where id >= 100');
	});

	it('runs a prepared statement with the same parameters and results as query: bytes, arrays, json, null, dates', async () => {
		const insert = `insert into t (id, name, data) select id, name, decode(hex, 'hex') from unnest($1::int[], $2::text[], $3::text[]) as u(id, name, hex)
			returning id, name, data, at`;
		const read = 'select id, name, data, $2::jsonb as extra, $3::timestamptz as since from t where id = any($1::int[]) order by id';
		const values = [
			[300, 301],
			['Fé', 'Ŋo'],
			['00ff', '']
		];
		const inserted = await db.prepared<{ id: number; name: string; data: Uint8Array; at: Date }>(insert, values);
		expect(inserted.rows.map((r) => [r.id, r.name, Buffer.from(r.data).toString('hex')])).toEqual([
			[300, 'Fé', '00ff'],
			[301, 'Ŋo', '']
		]);
		expect(inserted.rows[0]!.at).toBeInstanceOf(Date);
		const since = new Date('2026-01-02T03:04:05.678Z');
		for (let i = 0; i < 2; i++) {
			// The second run uses the statement prepared by the first.
			const viaPrepared = await db.prepared(read, [[301, 300], { a: [1, 'x'] }, since]);
			const viaQuery = await db.query(read, [[301, 300], { a: [1, 'x'] }, since]);
			expect(viaPrepared.rows).toEqual(viaQuery.rows);
			expect(viaPrepared.rows).toEqual([
				{ id: 300, name: 'Fé', data: new Uint8Array([0, 255]), extra: { a: [1, 'x'] }, since },
				{ id: 301, name: 'Ŋo', data: new Uint8Array(0), extra: { a: [1, 'x'] }, since }
			]);
		}
		const nulls = await db.prepared<{ a: null; b: string }>('select $1::text as a, $2::text as b', [null, 'b']);
		expect(nulls.rows).toEqual([{ a: null, b: 'b' }]);
		await db.query('delete from t where id >= 300');
	});

	it('a prepared statement waits for an open transaction and never runs inside it', async () => {
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const txDone = db
			.transaction(async (tx) => {
				await tx.query('insert into t (id, name) values (400, $1)', ['in the transaction']);
				await gate;
				throw new Error('roll back');
			})
			.catch((e: Error) => e.message);
		await new Promise((r) => setTimeout(r, 20));
		const outside = db.prepared('insert into t (id, name) values ($1, $2)', [401, 'outside']);
		await new Promise((r) => setTimeout(r, 50));
		release();
		expect(await txDone).toBe('roll back');
		await outside;
		// Run inside the transaction, the outside insert would have been rolled back with it.
		const { rows } = await db.query<{ id: number }>('select id from t where id >= 400 order by id');
		expect(rows.map((r) => r.id)).toEqual([401]);
		await db.query('delete from t where id >= 400');
	});

	it('a prepared statement that fails keeps PostgreSQL error fields, and the next one runs', async () => {
		const text = 'insert into t (id, name) values ($1, $2)';
		await db.prepared(text, [500, 'first']);
		const err = await db.prepared(text, [500, 'again']).catch((e: unknown) => e);
		expect(isUniqueViolation(err)).toBe(true);
		await expect(db.prepared(text, [501])).rejects.toThrow(/2 parameters, not 1/);
		await expect(db.prepared('insert into nowhere values ($1)', [1])).rejects.toThrow(/nowhere/);
		await db.prepared(text, [502, 'after']);
		const { rows } = await db.query<{ id: number }>('select id from t where id >= 500 order by id');
		expect(rows.map((r) => r.id)).toEqual([500, 502]);
		await db.query('delete from t where id >= 500');
	});

	it('a prepared statement whose table changed under it is prepared afresh, not failed', async () => {
		await db.exec('create table changing (id int primary key)');
		await db.query('insert into changing values (1)');
		const read = 'select * from changing where id = $1';
		expect((await db.prepared(read, [1])).rows).toEqual([{ id: 1 }]);
		// PostgreSQL refuses the old plan now ("cached plan must not change result type").
		await db.exec("alter table changing add column label text not null default 'one'");
		expect((await db.prepared(read, [1])).rows).toEqual([{ id: 1, label: 'one' }]);
		expect((await db.prepared(read, [1])).rows).toEqual([{ id: 1, label: 'one' }]);
		await db.exec('drop table changing');
	});

	it('refuses work after close', async () => {
		const other = await PGliteThread.create({ dataDir: await mkdtemp(join(tmpdir(), 'tessera-pglite-thread-')) });
		await other.close();
		await expect(other.query('select 1')).rejects.toThrow(/closed/);
		await expect(other.prepared('select 1')).rejects.toThrow(/closed/);
	});
});
