import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CANVAS_SHAPES, TEXT_FRAGMENT } from '../../src/lib/protocol/docs';
import { contactHook, wordListHook } from '../moderation/hooks';
import { createModerationPipeline } from '../moderation/pipeline';
import { changedTargets, inspectDeletions, inspectField, inspectLinks, inspectText, restoreText, stampAuthors, type Removal } from './moderation';

const pipeline = createModerationPipeline([wordListHook(), contactHook()]);
const check = (text: string) =>
	pipeline.checkNow({ spaceId: 's', authorId: 'a', authorName: 'A', text, lang: 'und', kind: 'doc', minorsPresent: true, policy: { contactFilterForMinors: true } });

/** The server's copy of a document, applying each client update the way the relay does: inspected in the same transaction. */
function server(kind: 'text' | 'canvas' = 'text') {
	const doc = new Y.Doc();
	// As the relay does (server/docs/live.ts): typed roots before any update arrives.
	if (kind === 'text') doc.getXmlFragment(TEXT_FRAGMENT);
	else doc.getMap(CANVAS_SHAPES);
	const sent: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => sent.push(u));
	return {
		doc,
		sent,
		apply(update: Uint8Array): Removal[] {
			const removals: Removal[] = [];
			doc.transact((tr) => {
				Y.applyUpdate(doc, update);
				for (const t of changedTargets(tr, kind, doc)) {
					const link = t.type === 'text' ? inspectLinks(t.node, tr, check) : null;
					if (link) removals.push(link);
					const joined = t.type === 'text' ? inspectDeletions(t.node, tr, check) : null;
					if (joined) removals.push(joined);
					const r = t.type === 'text' ? inspectText(t.node, tr, check) : inspectField(t, check);
					if (r) removals.push(r);
				}
				if (kind === 'canvas') stampAuthors(tr, doc, { id: 'u-real', name: 'Real Name' });
			});
			return removals;
		}
	};
}

/** Keeps `client` in step with `srv`, returning what each local change sends. */
function typist(srv: ReturnType<typeof server>) {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(srv.doc));
	return {
		doc,
		/** Makes a change, sends it, and takes the server's answer back (as the relay echoes a removal). */
		edit(change: (doc: Y.Doc) => void): Removal[] {
			const sv = Y.encodeStateVector(doc);
			change(doc);
			const removals = srv.apply(Y.encodeStateAsUpdate(doc, sv));
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(srv.doc, Y.encodeStateVector(doc)));
			return removals;
		}
	};
}

const text = (doc: Y.Doc) => doc.getXmlFragment(TEXT_FRAGMENT).toArray().map((p) => (p as Y.XmlElement).toArray().map((t) => (t as Y.XmlText).toString()).join('')).join('\n');
const firstNode = (doc: Y.Doc) => (doc.getXmlFragment(TEXT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
const strings = (update: Uint8Array) =>
	Y.decodeUpdate(update)
		.structs.filter((s): s is Y.Item => s instanceof Y.Item && s.content instanceof Y.ContentString)
		.map((s) => (s.content as Y.ContentString).str)
		.join('');

function paragraph(doc: Y.Doc, words: string) {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(words)]);
	doc.getXmlFragment(TEXT_FRAGMENT).insert(0, [p]);
}

describe('document text moderation', () => {
	it('takes a phone number typed key by key out of the sentence being written, keeping everything else', () => {
		const srv = server();
		const other = typist(srv);
		other.edit((d) => paragraph(d, 'We meet on Friday. '));
		const author = typist(srv);
		const removals: Removal[] = [];
		for (const ch of 'Call me on 555 123 4') removals.push(...author.edit((d) => firstNode(d).insert(firstNode(d).length, ch)));
		// Seven digits make a phone number: at the seventh, that sentence so far goes; the earlier one stays.
		expect(removals).toHaveLength(1);
		expect(removals[0]!.decision).toMatchObject({ action: 'hold', reason: 'contact_phone' });
		expect(removals[0]!.text).toBe('Call me on 555 123 4');
		expect(text(srv.doc)).toBe('We meet on Friday. ');
		expect(text(author.doc)).toBe(text(srv.doc));
		// The update that completed the number carried its deletion too, with the text already collected.
		const completing = srv.sent.find((u) => Y.decodeUpdate(u).ds.clients.size > 0)!;
		expect(strings(completing)).not.toMatch(/\d/);
	});

	it('leaves allowed text alone, and does not blame someone for what another person wrote', () => {
		const srv = server();
		const a = typist(srv);
		a.edit((d) => paragraph(d, 'My favourite number is 555.'));
		const b = typist(srv);
		expect(b.edit((d) => firstNode(d).insert(firstNode(d).length, ' Lovely sketch!'))).toEqual([]);
		expect(text(srv.doc)).toBe('My favourite number is 555. Lovely sketch!');
	});

	it('puts back characters whose deletion would join the text around them into contact details', () => {
		const srv = server();
		const author = typist(srv);
		author.edit((d) => paragraph(d, 'Call 555 12x34567 or 555 98y76543 today'));
		// Deleting the x makes a phone number of the digits on either side: that deletion is refused, the x stays.
		const [removal, ...more] = author.edit((d) => firstNode(d).delete(11, 1));
		expect(more).toEqual([]);
		expect(removal!.decision).toMatchObject({ action: 'block', reason: 'contact_phone' });
		expect(removal!.text).toContain('555 1234567');
		expect(text(srv.doc)).toBe('Call 555 12x34567 or 555 98y76543 today');
		expect(text(author.doc)).toBe(text(srv.doc));
		// Two deletions in one update: the one that joins a number is refused, and the other place is checked too.
		const [second] = author.edit((d) => {
			firstNode(d).delete(33, 6);
			firstNode(d).delete(27, 1);
		});
		expect(second!.decision).toMatchObject({ action: 'block', reason: 'contact_phone' });
		expect(text(srv.doc)).toBe('Call 555 12x34567 or 555 98y76543');
		expect(text(author.doc)).toBe(text(srv.doc));
		// A deletion that joins nothing refused goes through, and so does taking contact details out.
		expect(author.edit((d) => firstNode(d).delete(0, 5))).toEqual([]);
		expect(text(srv.doc)).toBe('555 12x34567 or 555 98y76543');
		// Written before the filter applied (no minor in the space then): not checked on the way in.
		paragraph(srv.doc, 'Old note: call 555 123 4567 now');
		const minor = typist(srv);
		expect(minor.edit((d) => firstNode(d).delete(15, 4))).toEqual([]);
		expect(text(srv.doc).split('\n')[0]).toBe('Old note: call 123 4567 now');
	});

	it('judges each deleted place against the text before the whole update, also beside an insertion, and puts formatting back', () => {
		const srv = server();
		const writer = typist(srv);
		writer.edit((d) => paragraph(d, 'Call 555 12x34567 today'));
		// The C and the x in one update: both places read the joined number, and did not before the update: both come back.
		const [joined, ...more] = writer.edit((d) => {
			firstNode(d).delete(11, 1);
			firstNode(d).delete(0, 1);
		});
		expect(more).toEqual([]);
		expect(joined!.decision).toMatchObject({ action: 'block', reason: 'contact_phone' });
		expect(text(srv.doc)).toBe('Call 555 12x34567 today');
		// Two numbers joined in one update do not cover for each other: each was allowed before the update.
		const twice = typist(srv);
		twice.edit((d) => firstNode(d).insert(23, ' or 555 98y76543'));
		expect(twice.edit((d) => {
			firstNode(d).delete(33, 1);
			firstNode(d).delete(11, 1);
		})).toHaveLength(1);
		expect(text(srv.doc)).toBe('Call 555 12x34567 today or 555 98y76543');
		// Someone else selects the x and types a dash: the x comes back first, and the dash beside it joins nothing.
		const other = typist(srv);
		const removals = other.edit((d) => {
			firstNode(d).delete(11, 1);
			firstNode(d).insert(11, '-');
		});
		expect(removals.map((r) => r.decision.action)).toEqual(['block']);
		expect(text(srv.doc)).toMatch(/^Call 555 12(x-|-x)34567 today or 555 98y76543$/);
		expect(text(other.doc)).toBe(text(srv.doc));
		// The x deleted and a slur typed in one update: the x comes back and stays (it is nobody's new writing), the slur goes.
		const kept = text(srv.doc);
		const rude = typist(srv);
		rude.edit((d) => {
			const node = firstNode(d);
			node.insert(node.length, ' you absolute retard');
			node.delete(kept.indexOf('x'), 1);
		});
		expect(text(srv.doc)).toBe(kept);
		expect(text(rude.doc)).toBe(kept);
		// A bold x comes back bold, and text beside a link does not come back inside it.
		const styled = server();
		const author = typist(styled);
		const link = { href: 'https://example.org/' };
		author.edit((d) => {
			paragraph(d, '');
			firstNode(d).insert(0, 'Call 555 12', {});
			firstNode(d).insert(11, 'x', { bold: true });
			firstNode(d).insert(12, '34567 ', {});
			firstNode(d).insert(18, 'page 555 12', { link });
			firstNode(d).insert(29, 'z34567', {});
		});
		const delta = firstNode(styled.doc).toDelta();
		expect(delta).toEqual([
			{ insert: 'Call 555 12' },
			{ insert: 'x', attributes: { bold: true } },
			{ insert: '34567 ' },
			{ insert: 'page 555 12', attributes: { link } },
			{ insert: 'z34567' }
		]);
		expect(author.edit((d) => firstNode(d).delete(11, 1))).toHaveLength(1);
		expect(author.edit((d) => firstNode(d).delete(29, 1))).toHaveLength(1);
		expect(firstNode(styled.doc).toDelta()).toEqual(delta);
		expect(firstNode(author.doc).toDelta()).toEqual(delta);
	});

	it("takes out only what an update wrote when taking the author's older characters too would join someone else's into a number", () => {
		const srv = server();
		const a = typist(srv);
		a.edit((d) => paragraph(d, 'Call 555 12'));
		const b = typist(srv);
		b.edit((d) => firstNode(d).insert(11, 'x'));
		Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(srv.doc, Y.encodeStateVector(a.doc)));
		a.edit((d) => firstNode(d).insert(12, '34567 today'));
		Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(srv.doc, Y.encodeStateVector(b.doc)));
		const [removal] = b.edit((d) => firstNode(d).insert(23, ' you absolute retard'));
		expect(removal!.text).toBe(' you absolute retard');
		expect(text(srv.doc)).toBe('Call 555 12x34567 today');
	});

	it('checks a deletion in many places of a paragraph as a whole, and puts every deleted character back when it is refused', () => {
		const srv = server();
		const author = typist(srv);
		const start = 'Call 555 12x34567. ' + 'ab '.repeat(300);
		author.edit((d) => paragraph(d, start));
		const [removal] = author.edit((d) => {
			// Every b (from the last one back, so the indexes hold), then the x: 301 places in one update.
			for (let k = 299; k >= 0; k--) firstNode(d).delete(19 + 3 * k + 1, 1);
			firstNode(d).delete(11, 1);
		});
		expect(removal!.decision).toMatchObject({ action: 'block', reason: 'contact_phone' });
		expect(text(srv.doc)).toBe(start);
		expect(text(author.doc)).toBe(start);
		// The same many places without the x: nothing is joined, all of it goes through.
		expect(author.edit((d) => {
			for (let k = 299; k >= 0; k--) firstNode(d).delete(19 + 3 * k + 1, 1);
		})).toEqual([]);
		expect(text(srv.doc)).toBe('Call 555 12x34567. ' + 'a '.repeat(300));
	});

	it('checks a pasted paragraph as a whole, inside a new element', () => {
		const srv = server();
		const author = typist(srv);
		const removals = author.edit((d) => paragraph(d, 'Nice! my insta is @sunny_kid'));
		expect(removals).toHaveLength(1);
		expect(text(srv.doc)).toBe('');
	});

	it('checks every paragraph of a long paste, also after taking a refused link out of one of them', () => {
		const srv = server();
		const author = typist(srv);
		const removals = author.edit((d) => {
			const paragraphs = Array.from({ length: 300 }, (_, i) => {
				const p = new Y.XmlElement('paragraph');
				const t = new Y.XmlText(i === 120 ? 'See my chat' : i === 250 ? 'Or call 0612 345 678' : `Paragraph ${i} of the essay.`);
				if (i === 120) t.format(7, 4, { link: { href: 'https://wa.me/447700900123' } });
				p.insert(0, [t]);
				return p;
			});
			d.getXmlFragment(TEXT_FRAGMENT).insert(0, paragraphs);
		});
		expect(removals.map((r) => r.text).sort()).toEqual(['Or call 0612 345 678', 'https://wa.me/447700900123']);
		const paragraphs = text(srv.doc).split('\n');
		expect(paragraphs).toHaveLength(300);
		expect(paragraphs[120]).toBe('See my chat');
		expect(paragraphs[250]).toBe('');
		expect(paragraphs[249]).toBe('Paragraph 249 of the essay.');
		expect(text(author.doc)).toBe(text(srv.doc));
	});

	it('puts approved text back where it was taken from, or at the end when that paragraph is gone', () => {
		const srv = server();
		const author = typist(srv);
		author.edit((d) => paragraph(d, 'Before. After.'));
		const [removal] = author.edit((d) => firstNode(d).insert(8, 'Email me at kid@example.com '));
		expect(text(srv.doc)).toBe('Before. After.');
		srv.doc.transact(() => restoreText(srv.doc, 'text', removal!.place, removal!.text, srv.doc.getXmlFragment(TEXT_FRAGMENT)));
		expect(text(srv.doc)).toBe('Before. Email me at kid@example.com After.');

		const gone = server();
		const writer = typist(gone);
		writer.edit((d) => paragraph(d, 'x'));
		const [r] = writer.edit((d) => firstNode(d).insert(1, ' whatsapp +44 7700 900123'));
		writer.edit((d) => d.getXmlFragment(TEXT_FRAGMENT).delete(0, 1));
		gone.doc.transact(() => restoreText(gone.doc, 'text', r!.place, r!.text, gone.doc.getXmlFragment(TEXT_FRAGMENT)));
		expect(text(gone.doc)).toBe(r!.text);
	});

	it("puts a sticky note's text back to what it said before the refused edit", () => {
		const srv = server('canvas');
		const author = typist(srv);
		author.edit((d) => {
			const shape = new Y.Map<unknown>();
			shape.set('type', 'sticky');
			shape.set('text', 'Ideas');
			d.getMap(CANVAS_SHAPES).set('s1', shape);
		});
		const shapeOf = (d: Y.Doc) => d.getMap(CANVAS_SHAPES).get('s1') as Y.Map<unknown>;
		const [removal] = author.edit((d) => shapeOf(d).set('text', 'Ideas: text me 555 123 4567'));
		expect(removal?.place).toEqual({ type: 'field', shapeId: 's1', field: 'text' });
		expect(shapeOf(srv.doc).get('text')).toBe('Ideas');
		expect(shapeOf(author.doc).get('text')).toBe('Ideas');
		// A new shape that arrives with a refused text arrives empty.
		author.edit((d) => {
			const shape = new Y.Map<unknown>();
			shape.set('type', 'text');
			shape.set('alt', 'my insta is @sunny_kid');
			d.getMap(CANVAS_SHAPES).set('s2', shape);
		});
		expect((srv.doc.getMap(CANVAS_SHAPES).get('s2') as Y.Map<unknown>).get('alt')).toBe('');
	});

	it('takes a refused link target off the text, which stays; an allowed link stays a link', () => {
		const srv = server();
		const author = typist(srv);
		author.edit((d) => paragraph(d, 'Our mural and my chat'));
		expect(author.edit((d) => firstNode(d).format(4, 5, { link: { href: 'https://example.org/mural' } }))).toEqual([]);
		const [removal] = author.edit((d) => firstNode(d).format(17, 4, { link: { href: 'https://wa.me/447700900123' } }));
		expect(removal?.text).toBe('https://wa.me/447700900123');
		const links = (firstNode(srv.doc).toDelta() as { insert: string; attributes?: { link?: { href: string } } }[]).filter((op) => op.attributes?.link);
		expect(links.map((op) => [op.insert, op.attributes!.link!.href])).toEqual([['mural', 'https://example.org/mural']]);
		expect((firstNode(srv.doc).toDelta() as { insert: string }[]).map((op) => op.insert).join('')).toBe('Our mural and my chat');
		expect(firstNode(author.doc).toDelta()).toEqual(firstNode(srv.doc).toDelta());
	});

	it('reads the same window around an edit as the whole text would give, wherever the edit lands in a long paragraph', () => {
		// The checker sees 120 characters before the first new one and 60 after the last; the server finds them
		// from the new items outward instead of copying the paragraph. Embeds count as U+FFFC, formatting not at all.
		const flat = (node: Y.XmlText) => (node.toDelta() as { insert: unknown }[]).map((op) => (typeof op.insert === 'string' ? op.insert : '\uFFFC')).join('');
		const op = fc.oneof(
			fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), str: fc.string({ minLength: 1, maxLength: 40 }) }),
			fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) }),
			fc.record({ kind: fc.constant('embed' as const), at: fc.nat() }),
			fc.record({ kind: fc.constant('bold' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) })
		);
		const writes = fc.array(fc.record({ at: fc.nat(), str: fc.string({ minLength: 1, maxLength: 8 }) }), { minLength: 1, maxLength: 3 });
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(2), op), { minLength: 1, maxLength: 60 }), writes, fc.boolean(), (history, edit, deleteOne) => {
				const seen: string[] = [];
				const recorder = (t: string) => (seen.push(t), check('ok'));
				const srv = new Y.Doc();
				const node = new Y.XmlText('x'.repeat(150));
				srv.getXmlFragment(TEXT_FRAGMENT).insert(0, [node]);
				const clients = [0, 1, 2].map(() => {
					const d = new Y.Doc();
					Y.applyUpdate(d, Y.encodeStateAsUpdate(srv));
					return d;
				});
				const nodeOf = (d: Y.Doc) => d.getXmlFragment(TEXT_FRAGMENT).get(0) as Y.XmlText;
				const sync = (d: Y.Doc) => {
					Y.applyUpdate(srv, Y.encodeStateAsUpdate(d, Y.encodeStateVector(srv)));
					Y.applyUpdate(d, Y.encodeStateAsUpdate(srv, Y.encodeStateVector(d)));
				};
				for (const [who, o] of history) {
					const d = clients[who]!;
					const t = nodeOf(d);
					const at = o.at % (t.length + 1);
					if (o.kind === 'insert') t.insert(at, o.str);
					else if (o.kind === 'embed') t.insertEmbed(at, { src: 'x.png' });
					else if (t.length > at) (o.kind === 'delete' ? t.delete(at, Math.min(o.len, t.length - at)) : t.format(at, Math.min(o.len, t.length - at), { bold: true }));
					sync(d);
				}
				// The last update writes in one place or several (in order), and may delete one of its own new characters.
				const author = clients[0]!;
				sync(author);
				const t = nodeOf(author);
				const sv = Y.encodeStateVector(author);
				let lo = Infinity;
				let hi = -1;
				let floor = 0;
				for (const w of edit) {
					const at = floor + (w.at % (t.length - floor + 1));
					t.insert(at, w.str);
					lo = Math.min(lo, at);
					hi = at + w.str.length;
					floor = hi;
				}
				if (deleteOne && edit.at(-1)!.str.length > 1) {
					t.delete(hi - 2, 1);
					hi -= 1;
				}
				const expected = flat(t).slice(Math.max(0, lo - 120), hi + 60);
				srv.transact((tr) => {
					Y.applyUpdate(srv, Y.encodeStateAsUpdate(author, sv));
					inspectText(node, tr, recorder);
				});
				expect(seen).toEqual([expected]);
			}),
			{ numRuns: 300, seed: 20261129 }
		);
	});

	it("writes a shape's author as the person who set it, whatever the client claimed", () => {
		const srv = server('canvas');
		const author = typist(srv);
		author.edit((d) => {
			const shape = new Y.Map<unknown>();
			shape.set('type', 'rect');
			shape.set('authorId', 'someone-else');
			shape.set('authorName', 'snap: jo_smith12');
			d.getMap(CANVAS_SHAPES).set('s1', shape);
		});
		const shape = srv.doc.getMap(CANVAS_SHAPES).get('s1') as Y.Map<unknown>;
		expect([shape.get('authorId'), shape.get('authorName')]).toEqual(['u-real', 'Real Name']);
		author.edit((d) => (d.getMap(CANVAS_SHAPES).get('s1') as Y.Map<unknown>).set('authorName', 'call 555 0100'));
		expect(shape.get('authorName')).toBe('Real Name');
		expect((author.doc.getMap(CANVAS_SHAPES).get('s1') as Y.Map<unknown>).get('authorName')).toBe('Real Name');
	});
});
