import { describe, expect, it } from 'vitest';
import { findContactDetails } from './contact';

describe('contact details', () => {
	it.each([
		['write to ana.perez@gmail.com', 'email'],
		['ana at gmail dot com', 'email'],
		['ana (at) hotmail (dot) fr', 'email'],
		['ana@gmail.c\u043Em', 'email'],
		['call me on +44 7700 900123', 'phone'],
		['mi número es 612 345 678', 'phone'],
		['06.12.34.56.78', 'phone'],
		['(555) 123-4567', 'phone'],
		['5 5 5 1 2 3 4', 'phone'],
		['five five five one two three four', 'phone'],
		['seis uno dos tres cuatro cinco seis', 'phone'],
		['zéro six un deux trois quatre cinq', 'phone'],
		['add me @ana_2009', 'handle'],
		['ig: ana.perez', 'handle'],
		['discord: ana#1234', 'handle'],
		['https://wa.me/34612345678', 'messaging'],
		['join t.me/anachat', 'messaging'],
		['discord.gg/abcdef', 'messaging'],
		['do you have whatsapp?', 'messaging'],
		['tienes wh@tsapp', 'messaging'],
		['mon snapchat', 'messaging']
	])('%s → %s', (text, kind) => {
		expect(findContactDetails(text)).toContain(kind);
	});

	it.each([
		'see you at 10:30 tomorrow',
		'the meeting is on 2024-05-12',
		'from 2019-2023 I lived in Lyon',
		'it costs 1.000.000 pesos',
		'I have 3 brothers and 2 sisters',
		'look at this drawing',
		'my email is not something I share',
		'the signal was weak in the mountains',
		'we are at school',
		'page 123, exercise 45'
	])('%s → nothing', (text) => {
		expect(findContactDetails(text)).toEqual([]);
	});
});
