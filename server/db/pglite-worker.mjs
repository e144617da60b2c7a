// The embedded database's own thread. PGlite is PostgreSQL compiled to WebAssembly: every query runs
// synchronously on the thread that owns it, so on the server's thread each INSERT would hold up every socket.
// Here it runs beside the event loop instead; server/db/pglite-thread.ts forwards queries and transactions.
// Plain JavaScript: Node 20 worker threads cannot load TypeScript, and the build copies this file as it is.
// Messages in: { id, op: 'query' | 'prepared' | 'exec' | 'begin' | 'end' | 'close', tx?, sql?, params?, options?, commit? }.
// Messages out: { id, result } or { id, error: { message, name, code, ... } }; first of all { ready: true } or { failed }.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, parse, protocol } from '@electric-sql/pglite';

const identity = (value) => value;

/** Query options as PGlite takes them: `rawTypes` are the type OIDs the caller wants as unparsed text. */
function options(o) {
	if (!o) return undefined;
	const { rawTypes, ...rest } = o;
	if (rawTypes) rest.parsers = Object.fromEntries(rawTypes.map((oid) => [oid, identity]));
	return rest;
}

/** An error as plain data: message, name and PostgreSQL's fields (code, constraint, detail, ...). */
function plainError(e) {
	const out = { message: e instanceof Error ? e.message : String(e), name: e instanceof Error ? e.name : 'Error' };
	if (e && typeof e === 'object') {
		for (const [k, v] of Object.entries(e)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
	}
	return out;
}

/** Open transactions by id: PGlite's transaction handle, and how to end its callback. */
const transactions = new Map();
const ROLLBACK = Symbol('rollback');

const BYTEA = 17;

/**
 * Bytes in and out as hex through Buffer. PGlite's own bytea serializer and parser go one byte at a time in
 * JavaScript: 270 ms to write 1 MiB and 131 ms to read it back, against 28 ms and 6 ms this way (PGlite 0.5.17).
 * Snapshots, versions and large updates are bytea, and this one thread serves every query.
 */
const byteaAsHex = {
	serializers: {
		[BYTEA]: (value) => {
			if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
			return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
		}
	},
	parsers: {
		// The server's output is always hex (bytea_output = 'hex', the default): "\x" then two digits a byte.
		[BYTEA]: (text) => {
			if (!text.startsWith('\\x')) throw new Error('bytea output is not hex');
			const bytes = new Uint8Array((text.length - 2) >>> 1);
			Buffer.from(bytes.buffer).write(text.slice(2), 'hex');
			return bytes;
		}
	}
};

let db;
try {
	db = await PGlite.create({ dataDir: workerData.dataDir, ...byteaAsHex });
	parentPort.postMessage({ ready: true });
} catch (e) {
	parentPort.postMessage({ failed: plainError(e) });
	process.exit(1);
}

/**
 * Named prepared statements by text, with the parameter types PostgreSQL inferred for each. `query` runs the
 * extended protocol as six separate calls into the WebAssembly PostgreSQL (parse, describe, bind, describe,
 * execute, sync) and plans the statement every time: 270–340 µs of this thread for one keystroke's INSERT. A
 * statement prepared once runs as bind, describe, execute and sync in one call: 120–130 µs (PGlite 0.5.17).
 * The same contract as PostgreSQL's prepared statements in server/db/raw.ts: a fixed set of texts, so the
 * cache stays small; past MAX_PREPARED distinct texts a statement runs as an ordinary query.
 */
const prepared = new Map();
const MAX_PREPARED = 200;
let statements = 0;

const { serialize } = protocol;

function message(...parts) {
	return Buffer.concat(parts);
}

/** Parses `text` under a new name and learns its parameter types; called with PGlite's locks held. */
async function prepare(text) {
	statements += 1;
	const name = `tessera_${statements}`;
	const messages = await db.execProtocolStream(message(serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()), { syncToFs: false });
	const statement = { name, types: parse.parseDescribeStatementResults(messages) };
	prepared.set(text, statement);
	return statement;
}

/** Binds and runs a prepared statement in one call; results as PGlite's query gives them. */
async function execute(statement, params) {
	// As PGlite's query serializes them: by the parameter's type, else as text.
	const values = params.map((v, i) => {
		if (v === null || v === undefined) return null;
		const serializer = db.serializers[statement.types[i]];
		return serializer ? serializer(v) : v.toString();
	});
	const messages = await db.execProtocolStream(
		message(serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()),
		{ syncToFs: true }
	);
	return parse.parseResults(messages, db.parsers)[0];
}

/**
 * Runs `text` (outside any transaction) as a named prepared statement. It waits for PGlite's transaction and
 * query locks, as `query` does, so it never runs inside another caller's open transaction.
 */
function runPrepared(text, params) {
	if (!prepared.has(text) && prepared.size >= MAX_PREPARED) return db.query(text, params);
	return db._runExclusiveTransaction(() =>
		db._runExclusiveQuery(async () => {
			await db._checkReady(); // after a close queued ahead of this: "PGlite is closed", as query says
			const statement = prepared.get(text) ?? (await prepare(text));
			if (params.length !== statement.types.length) throw new Error(`the statement takes ${statement.types.length} parameters, not ${params.length}`);
			try {
				return await execute(statement, params);
			} catch (e) {
				// A table changed under the plan ("cached plan must not change result type"): prepare it afresh, once.
				if (e?.code !== '0A000') throw e;
				prepared.delete(text);
				await db.execProtocolStream(message(serialize.close({ type: 'S', name: statement.name }), serialize.sync()), { syncToFs: false });
				return execute(await prepare(text), params);
			}
		})
	);
}

function on(tx) {
	if (tx === undefined) return db;
	const open = transactions.get(tx);
	if (!open) throw new Error('the transaction is not open');
	return open.tx;
}

const ops = {
	query: (m) => on(m.tx).query(m.sql, m.params, options(m.options)),
	prepared: (m) => runPrepared(m.sql, m.params),
	exec: (m) => on(m.tx).exec(m.sql, options(m.options)),
	/** Resolves once BEGIN has run (after any other transaction, as PGlite queues them); the callback stays open until 'end'. */
	begin: (m) =>
		new Promise((started, failed) => {
			const done = db.transaction(
				(tx) =>
					new Promise((commit, rollback) => {
						transactions.set(m.id, { tx, commit, rollback, done });
						started(true);
					})
			);
			done.then(
				() => transactions.delete(m.id),
				(e) => {
					// Before the callback ran, BEGIN itself failed; afterwards 'end' reports the outcome.
					if (!transactions.delete(m.id)) failed(e);
				}
			);
		}),
	/** COMMIT (or ROLLBACK) the transaction `m.tx`; resolves when PGlite has finished it. */
	async end(m) {
		const open = transactions.get(m.tx);
		if (!open) throw new Error('the transaction is not open');
		if (m.commit) open.commit(true);
		else open.rollback(ROLLBACK);
		try {
			await open.done;
		} catch (e) {
			if (e !== ROLLBACK) throw e;
		}
		return true;
	},
	async close() {
		await db.close();
		return true;
	}
};

parentPort.on('message', async (m) => {
	try {
		const result = await ops[m.op](m);
		parentPort.postMessage({ id: m.id, result });
	} catch (e) {
		parentPort.postMessage({ id: m.id, error: plainError(e) });
	}
});
