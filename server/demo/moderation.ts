import { randomUUID } from 'node:crypto';
import type { auditLog, moderationQueue, reports } from '../db/schema';
import type { MessageRow } from './activity';
import { DAY, type Person } from './people';
import type { DemoSpace } from './program';
import type { Random } from './random';

const HOUR = 3_600_000;

export interface ModerationRows {
	/** Messages the pipeline held (some approved since), to add to the chat. */
	messages: MessageRow[];
	queue: (typeof moderationQueue.$inferInsert)[];
	reports: (typeof reports.$inferInsert)[];
	audit: (typeof auditLog.$inferInsert)[];
}

/** Texts a moderation hook held, as people write them: contact details in minors' spaces, a classifier unsure. */
const HELD: Array<{ text: string; lang: string; hook: string; reason: string }> = [
	{ text: 'Me adiciona no insta: @lari.desenhos', lang: 'pt-BR', hook: 'contact_details', reason: 'contact_handle' },
	{ text: 'Mi número es 55 1234 5678, escríbeme', lang: 'es', hook: 'contact_details', reason: 'contact_phone' },
	{ text: 'Écris-moi sur mon mail, c’est plus simple', lang: 'fr', hook: 'contact_details', reason: 'contact_email' },
	{ text: 'This sketch is killer, you nailed it', lang: 'en', hook: 'webhook', reason: 'violence' },
	{ text: 'Tuongee WhatsApp badala yake?', lang: 'sw', hook: 'contact_details', reason: 'contact_messaging' },
	{ text: 'Your drawing made me cry, in a good way', lang: 'en', hook: 'webhook', reason: 'self_harm' }
];

/**
 * A handful of reports (most closed within 2–30 hours, one open) and of held messages (held, approved,
 * rejected), spread over the weeks, with the audit entries the moderators' actions left.
 */
export function makeModeration({ random, now, moderator, spaces, messages }: { random: Random; now: number; moderator: Person; spaces: DemoSpace[]; messages: MessageRow[] }): ModerationRows {
	const rows: ModerationRows = { messages: [], queue: [], reports: [], audit: [] };
	const supervised = spaces.filter((s) => s.supervisor && s.until > now - DAY);
	const active = spaces.filter((s) => s.until > now - DAY);
	// Four rounds of the same kinds of texts across the supervised spaces, so the moderators' figures have enough people behind them.
	const statuses = ['approved', 'rejected', 'approved', 'approved', 'rejected', 'approved'] as const;
	for (let round = 0; round < 4; round++) {
		HELD.forEach((held, i) => {
			const n = round * HELD.length + i;
			// Contact details in minors' spaces first; then the classifier's doubts anywhere, by anyone.
			const pool = round < 2 ? supervised : active;
			const space = pool[(n * 7) % pool.length]!;
			const minors = space.members.filter((m) => m.minor);
			const author = round < 2 ? (minors[round % Math.max(1, minors.length)] ?? space.members[1]!) : space.members[(round + i) % space.members.length]!;
			const recent = round === 0 && i === HELD.length - 1;
			const at = recent ? now - 5 * HOUR : now - random.int(7, 75) * DAY;
			const status = recent ? 'held' : statuses[(i + round) % statuses.length]!;
			const id = randomUUID();
			rows.messages.push({ id, spaceId: space.id, authorId: author.id, clientId: `demo-held-${n}`, text: held.text, lang: held.lang, createdAt: new Date(Math.max(at, space.from + HOUR)), heldAt: status === 'approved' ? null : new Date(at) });
			const reviewedAt = status === 'held' ? null : new Date(at + random.int(1, 18) * HOUR);
			rows.queue.push({ kind: 'chat', spaceId: space.id, targetId: id, authorId: author.id, text: held.text, lang: held.lang, hook: held.hook, reason: held.reason, status, createdAt: new Date(at), reviewedAt, reviewedBy: reviewedAt ? moderator.id : null });
		});
	}

	const collectives = spaces.filter((s) => s.kind === 'collective');
	const pairs = spaces.filter((s) => s.kind === 'pair');
	const messageIn = (space: DemoSpace) => random.pick(messages.filter((m) => m.spaceId === space.id && space.members.some((p) => p.id === m.authorId)));
	const specs: Array<{ space: DemoSpace; target: 'message' | 'user' | 'space'; reason: string; details: string; daysAgo: number; closeHours: number | null; status: 'open' | 'resolved' | 'dismissed'; resolution: string | null }> = [
		{ space: collectives[0]!, target: 'message', reason: 'spam', details: 'The same link posted again and again.', daysAgo: 58, closeHours: 5, status: 'resolved', resolution: 'Message removed; the member was reminded of the rules.' },
		{ space: pairs[3]!, target: 'user', reason: 'harassment', details: 'Kept asking about my school after I said no.', daysAgo: 41, closeHours: 26, status: 'resolved', resolution: 'Talked with both; the mentor apologised. Watching the space.' },
		{ space: collectives[1]!, target: 'space', reason: 'inappropriate', details: 'A drawing on the canvas seemed too violent.', daysAgo: 27, closeHours: 12, status: 'dismissed', resolution: 'A war memorial study for the project; fine in context.' },
		{ space: collectives[2]!, target: 'message', reason: 'contact_request', details: 'Someone asked for phone numbers.', daysAgo: 15, closeHours: 2, status: 'resolved', resolution: 'Message removed.' },
		{ space: pairs[9]!, target: 'message', reason: 'other', details: 'Not sure this is okay, can someone look?', daysAgo: 2, closeHours: null, status: 'open', resolution: null }
	];
	// The same situations again in other spaces, earlier in the program: a dozen and a half reports in all.
	const more = [1, 2].flatMap((round) =>
		specs.slice(0, 4).map((spec, i) => ({ ...spec, space: spec.space.kind === 'pair' ? pairs[(3 + 7 * round + i) % pairs.length]! : collectives[(i + round) % collectives.length]!, daysAgo: Math.max(3, spec.daysAgo - 9 * round + i), closeHours: spec.closeHours === null ? null : spec.closeHours + round }))
	);
	specs.push(...more, { ...specs[4]!, space: pairs[(9 + 5) % pairs.length]!, daysAgo: 1 });
	for (const spec of specs) {
		const id = randomUUID();
		const message = spec.target === 'message' ? messageIn(spec.space) : null;
		const subject = message ? spec.space.members.find((m) => m.id === message.authorId)! : spec.target === 'user' ? spec.space.members[0]! : null;
		const reporter = spec.space.members.find((m) => m !== subject && !m.minor) ?? spec.space.members.find((m) => m !== subject)!;
		const createdAt = now - spec.daysAgo * DAY - random.int(0, 10) * HOUR;
		const resolvedAt = spec.closeHours === null ? null : createdAt + spec.closeHours * HOUR + random.int(0, 50) * 60_000;
		rows.reports.push({
			id,
			reporterId: reporter.id,
			targetType: spec.target,
			targetId: message?.id ?? subject?.id ?? spec.space.id,
			spaceId: spec.space.id,
			subjectId: subject?.id ?? null,
			reason: spec.reason,
			details: spec.details,
			urgent: false,
			status: spec.status,
			createdAt: new Date(createdAt),
			resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
			resolvedBy: resolvedAt === null ? null : moderator.id,
			resolution: spec.resolution
		});
		rows.audit.push({ actorId: reporter.id, action: 'report.create', targetType: 'report', targetId: id, detail: JSON.stringify({ reason: spec.reason, urgent: false }), createdAt: new Date(createdAt) });
		if (resolvedAt !== null) {
			rows.audit.push({
				actorId: moderator.id,
				action: spec.status === 'resolved' ? 'report.resolve' : 'report.dismiss',
				targetType: 'report',
				targetId: id,
				detail: JSON.stringify({ resolution: spec.resolution, liftPause: false }),
				createdAt: new Date(resolvedAt)
			});
		}
	}
	return rows;
}
