import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { capCredit, initialsOf, publicCredit } from './index';
import { containedIn } from './contributors';

describe('credits', () => {
	it('initials take the first letter of each word, in any script', () => {
		expect(initialsOf('Amal Haddad')).toBe('A. H.');
		expect(initialsOf('  lucía   pérez ')).toBe('L. P.');
		expect(initialsOf('أمل حداد')).toBe('أ. ح.');
		expect(initialsOf('Émile')).toBe('É.');
	});

	it('the shown credit is the less telling of the person’s choice and the guardian’s cap', () => {
		expect(capCredit('name', 'initials')).toBe('initials');
		expect(capCredit('initials', 'name')).toBe('initials');
		expect(capCredit('anonymous', 'name')).toBe('anonymous');
		expect(capCredit('name', 'name')).toBe('name');
		const person = { displayName: 'Lucía Pérez', country: 'MX' };
		expect(publicCredit({ credit: 'name', showCountry: true, guardianCredit: 'initials', guardianShowCountry: false }, person, 'en')).toEqual({ name: 'L. P.', country: null });
		expect(publicCredit({ credit: 'name', showCountry: true, guardianCredit: 'name', guardianShowCountry: true }, person, 'es')).toEqual({ name: 'Lucía Pérez', country: 'México' });
		expect(publicCredit({ credit: 'anonymous', showCountry: false, guardianCredit: 'name', guardianShowCountry: true }, person, 'en')).toEqual({ name: null, country: null });
		// A country the guardian allows but the person does not want shown stays hidden.
		expect(publicCredit({ credit: 'name', showCountry: false, guardianCredit: 'name', guardianShowCountry: true }, person, 'en').country).toBeNull();
	});
});

describe('contributors of a version', () => {
	it('an update is part of a version when any of its insertions is', () => {
		const a = new Y.Doc();
		const updates: Uint8Array[] = [];
		a.on('update', (u: Uint8Array) => updates.push(u));
		a.getText('t').insert(0, 'before');
		const version = Y.encodeStateAsUpdate(a);
		a.getText('t').insert(6, ' after');
		const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(version));
		expect(containedIn(updates[0]!, sv)).toBe(true);
		expect(containedIn(updates[1]!, sv)).toBe(false);
		// Another client's update, merged with a covered one, counts.
		expect(containedIn(Y.mergeUpdates([updates[1]!, updates[0]!]), sv)).toBe(true);
	});
});
