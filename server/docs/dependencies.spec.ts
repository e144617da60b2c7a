import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasMissingDependencies } from './dependencies';

const decode = (u: Uint8Array) => Y.decodeUpdate(u);

describe('hasMissingDependencies', () => {
	it('a whole state, or an edit on top of what the server has, depends on nothing missing', () => {
		const client = new Y.Doc();
		client.getText('t').insert(0, 'hello');
		const server = new Y.Doc();
		expect(hasMissingDependencies(decode(Y.encodeStateAsUpdate(client)), server)).toBe(false);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
		const sv = Y.encodeStateVector(client);
		client.getText('t').insert(5, ' world');
		client.getText('t').delete(0, 1);
		expect(hasMissingDependencies(decode(Y.encodeStateAsUpdate(client, sv)), server)).toBe(false);
	});

	it('an edit that builds on content the server never received is missing dependencies', () => {
		const client = new Y.Doc();
		client.getText('t').insert(0, 'first');
		const sv = Y.encodeStateVector(client);
		client.getText('t').insert(5, ' second');
		expect(hasMissingDependencies(decode(Y.encodeStateAsUpdate(client, sv)), new Y.Doc())).toBe(true);
	});

	it('deleting content the server does not have is missing dependencies', () => {
		const client = new Y.Doc();
		client.getText('t').insert(0, 'abc');
		const server = new Y.Doc();
		const sv = Y.encodeStateVector(client);
		client.getText('t').delete(0, 2);
		expect(hasMissingDependencies(decode(Y.encodeStateAsUpdate(client, sv)), server)).toBe(true);
	});

	it('edits from another client inside the same update count as present', () => {
		const a = new Y.Doc();
		a.getText('t').insert(0, 'from a');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		b.getText('t').insert(6, ' and b');
		expect(hasMissingDependencies(decode(Y.encodeStateAsUpdate(b)), new Y.Doc())).toBe(false);
	});
});
