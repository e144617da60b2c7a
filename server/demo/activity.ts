import { randomUUID } from 'node:crypto';
import type { chatMessages, docActivityHours, docContributions, docSnapshots, documents } from '../db/schema';
import { FAREWELLS, PARAGRAPHS, PHRASES, STICKIES, WORK_TITLES } from './content';
import { DAY, type Person } from './people';
import type { DemoSpace } from './program';
import type { Random } from './random';
import { canvasState, textState, type Paragraph, type ShapeRecord } from './works';

const MINUTE = 60_000;
const WEEK = 7 * DAY;

export type MessageRow = typeof chatMessages.$inferInsert & { createdAt: Date };

/** A local evening hour of `person`, as a UTC time on the day of `day`. */
function evening(day: number, person: Person, random: Random): number {
	const midnightUtc = Math.floor(day / DAY) * DAY;
	const localHour = random.int(16, 21) + random.next();
	return midnightUtc + (localHour - person.country.utcOffset) * 3_600_000;
}

/** How likely a chat session is in week `w` of `weeks`, by rhythm. */
function sessionOdds(rhythm: DemoSpace['rhythm'], w: number, weeks: number): number {
	switch (rhythm) {
		case 'lively':
			return 0.95;
		case 'weekly':
			return 0.85;
		case 'tapering':
			return Math.max(0.3, 0.9 - (0.6 * w) / Math.max(1, weeks - 1));
		case 'quiet':
			return 0.8;
	}
}

/** The chat of every space, back-dated over its life, in each author's reading language. */
export function makeMessages({ random, now, spaces }: { random: Random; now: number; spaces: DemoSpace[] }): MessageRow[] {
	const out: MessageRow[] = [];
	for (const space of spaces) {
		const writers = space.members;
		let n = 0;
		const say = (author: Person, at: number, text: string, lang = author.lang) => {
			if (at > space.until || at > now - MINUTE) return;
			out.push({ id: randomUUID(), spaceId: space.id, authorId: author.id, clientId: `demo-${++n}`, text, lang, createdAt: new Date(at) });
		};
		if (space.supervisor) {
			say(space.supervisor, space.from + 2 * 3_600_000, 'Hi everyone! I am the moderator looking after this space. Have fun making things together, and tell me if anything feels wrong.', 'en');
		}
		const weeks = Math.ceil((space.until - space.from) / WEEK);
		for (let w = 0; w < weeks; w++) {
			const sessions = random.chance(sessionOdds(space.rhythm, w, weeks)) ? (space.kind === 'collective' || space.rhythm === 'lively' ? random.int(1, 3) : random.int(1, 2)) : 0;
			for (let s = 0; s < sessions; s++) {
				const opener = random.pick(writers);
				let at = evening(space.from + w * WEEK + random.int(0, 6) * DAY, opener, random);
				let author = opener;
				const length = random.int(3, space.kind === 'collective' ? 9 : 7);
				for (let k = 0; k < length; k++) {
					say(author, at, random.pick(PHRASES[author.lang]));
					at += random.int(1, 9) * MINUTE;
					author = writers.length === 2 ? writers.find((p) => p !== author)! : random.pick(writers.filter((p) => p !== author));
				}
			}
		}
		if (space.farewell) {
			const [mentor, mentee] = space.members as [Person, Person];
			say(mentee, space.until - 2 * 3_600_000, FAREWELLS[mentee.lang]);
			say(mentor, space.until - 3_600_000, FAREWELLS[mentor.lang]);
		}
	}
	return out;
}

export interface WorkRows {
	documents: (typeof documents.$inferInsert)[];
	snapshots: (typeof docSnapshots.$inferInsert)[];
	contributions: (typeof docContributions.$inferInsert)[];
	/** When each contributor edited, to the hour: a few sessions between the work's start and their last edit. */
	activity: (typeof docActivityHours.$inferInsert)[];
}

/** Shared texts and canvases in most spaces, with real Yjs content and who contributed how much. */
export function makeWorks({ random, spaces }: { random: Random; spaces: DemoSpace[] }): WorkRows {
	const rows: WorkRows = { documents: [], snapshots: [], contributions: [], activity: [] };
	for (const space of spaces) {
		const kinds: Array<'text' | 'canvas'> = [];
		if (space.kind === 'collective') kinds.push('text', 'canvas', random.pick(['text', 'canvas'] as const));
		else {
			if (random.chance(0.75)) kinds.push('text');
			if (random.chance(0.5)) kinds.push('canvas');
		}
		for (const kind of kinds) {
			const id = randomUUID();
			const createdAt = Math.min(space.from + random.int(1, 10) * DAY, space.until - 2 * DAY);
			const lastEdit = Math.max(createdAt, space.until - random.int(0, 5) * DAY);
			const contributors = random.sample(space.members, Math.min(space.members.length, space.kind === 'pair' ? (random.chance(0.8) ? 2 : 1) : random.int(2, 4)));
			const tally = new Map<string, { chars: number; shapes: number; updates: number; last: number }>();
			const add = (p: Person, chars: number, shapes: number) => {
				const t = tally.get(p.id) ?? { chars: 0, shapes: 0, updates: 0, last: createdAt };
				t.chars += chars;
				t.shapes += shapes;
				t.updates += Math.ceil(chars / random.int(3, 8)) + shapes * random.int(3, 12) + random.int(1, 20);
				t.last = Math.max(t.last, Math.min(lastEdit, createdAt + random.int(0, Math.max(0, Math.floor((lastEdit - createdAt) / DAY))) * DAY));
				tally.set(p.id, t);
			};
			let state: Uint8Array;
			if (kind === 'text') {
				const paragraphs: Paragraph[] = [];
				for (let k = random.int(2, 6); k > 0; k--) {
					const author = random.pick(contributors);
					const text = random.pick(PARAGRAPHS[author.lang]);
					paragraphs.push({ text, authorId: author.id });
					add(author, text.length + random.int(0, 40), 0);
				}
				state = textState(paragraphs);
			} else {
				const shapes: Array<{ id: string; fields: ShapeRecord }> = [];
				const count = random.int(3, 10);
				for (let k = 0; k < count; k++) {
					const author = random.pick(contributors);
					const fields = shape({ random, author, z: `a${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[k]}`, at: createdAt + k * 3_600_000 });
					shapes.push({ id: randomUUID(), fields });
					add(author, typeof fields.text === 'string' ? fields.text.length : 0, 1);
				}
				state = canvasState(shapes);
			}
			const updatedAt = Math.max(...[...tally.values()].map((t) => t.last));
			rows.documents.push({
				id,
				spaceId: space.id,
				kind,
				title: random.pick(WORK_TITLES[kind]),
				createdBy: contributors[0]!.id,
				createdAt: new Date(createdAt),
				updatedAt: new Date(updatedAt)
			});
			rows.snapshots.push({ documentId: id, state, upToId: 0, createdAt: new Date(updatedAt) });
			for (const [userId, t] of tally) {
				rows.contributions.push({ documentId: id, userId, updates: t.updates, chars: t.chars, shapes: t.shapes, lastEditAt: new Date(t.last) });
				const hours = new Set<number>([startOfHour(t.last)]);
				for (let k = random.int(0, 4); k > 0; k--) hours.add(startOfHour(createdAt + random.int(0, Math.max(0, t.last - createdAt))));
				const each = Math.max(1, Math.floor(t.updates / hours.size));
				for (const hour of hours) rows.activity.push({ documentId: id, userId, hour: new Date(hour), updates: each });
			}
		}
	}
	return rows;
}

const INKS = ['#1d2a28', '#1f5f5b', '#1d4ed8', '#6d28d9', '#a3195b', '#b42318', '#8a4a0b', '#1d6a3c'];
const TINTS = ['#eceeed', '#dff0eb', '#e0e9fd', '#eee8fd', '#fbe6f0', '#fde8e4', '#fcefd6', '#e2f2e7'];

/** One canvas shape in the stored field format (src/lib/canvas/shapes.ts). */
function shape({ random, author, z, at }: { random: Random; author: Person; z: string; at: number }): ShapeRecord {
	const type = random.pick(['sticky', 'sticky', 'rect', 'ellipse', 'arrow', 'pen', 'text'] as const);
	const colour = random.int(0, INKS.length - 1);
	const base: ShapeRecord = {
		type,
		x: random.int(0, 90) * 10,
		y: random.int(0, 60) * 10,
		w: 160,
		h: 100,
		stroke: INKS[colour]!,
		fill: 'none',
		strokeWidth: 3,
		z,
		authorId: author.id,
		authorName: author.name,
		createdAt: at
	};
	switch (type) {
		case 'sticky':
			return { ...base, w: 180, h: 180, fill: TINTS[colour]!, strokeWidth: 1, text: random.pick(STICKIES[author.lang]) };
		case 'text':
			return { ...base, w: 240, h: 40, strokeWidth: 0, text: random.pick(STICKIES[author.lang]) };
		case 'arrow':
			return { ...base, w: random.int(-20, 20) * 10, h: random.int(-10, 10) * 10 };
		case 'pen': {
			const points: number[] = [];
			for (let i = 0; i <= 24; i++) points.push(i * 8, Math.round(30 + 25 * Math.sin(i / 3)));
			return { ...base, w: 192, h: 60, strokeWidth: 6, points };
		}
		default:
			return { ...base, fill: random.chance(0.5) ? TINTS[colour]! : 'none' };
	}
}

const startOfHour = (ms: number) => ms - (ms % 3_600_000);
