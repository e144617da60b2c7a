import { randomUUID } from 'node:crypto';
import type { consents, exhibitions, exhibitionWorks, workContributors, works } from '../db/schema';
import type { WorkRows } from './activity';
import type { DemoLang } from './content';
import { DAY, type Person } from './people';
import type { DemoSpace } from './program';
import type { Random } from './random';

export interface ExhibitionRows {
	works: (typeof works.$inferInsert)[];
	contributors: (typeof workContributors.$inferInsert)[];
	exhibitions: (typeof exhibitions.$inferInsert)[];
	exhibitionWorks: (typeof exhibitionWorks.$inferInsert)[];
}

/** What a contributor writes about a work, in their own language. */
const STATEMENTS: Record<DemoLang, string[]> = {
	en: ['We made this over many sessions, each adding to what the other started.', 'Two cities, one page: we wanted the places we live in to talk to each other.'],
	es: ['Lo hicimos en muchas sesiones, cada una sumando a lo que la otra empezó.', 'Dos ciudades, una página: queríamos que los lugares donde vivimos hablaran entre sí.'],
	fr: ['Nous l’avons fait en plusieurs séances, chacune ajoutant à ce que l’autre avait commencé.', 'Deux villes, une page : nous voulions que nos lieux de vie se parlent.'],
	'pt-BR': ['Fizemos isto em muitas sessões, cada uma somando ao que a outra começou.', 'Duas cidades, uma página: queríamos que os lugares onde vivemos conversassem.'],
	ar: ['صنعنا هذا العمل على مدى جلسات كثيرة، يضيف كل منا إلى ما بدأه الآخر.', 'مدينتان وصفحة واحدة: أردنا أن تتحاور الأماكن التي نعيش فيها.'],
	sw: ['Tulitengeneza kazi hii katika vipindi vingi, kila mmoja akiongeza kwa kile mwenzake alichoanza.', 'Miji miwili, ukurasa mmoja: tulitaka mahali tunapoishi pazungumze.']
};

const ALT: Record<'text' | 'canvas', string> = {
	canvas: 'A shared drawing: coloured shapes, sticky notes with short words and pen lines spread over a white page.',
	text: 'A short text written by several people, in more than one language.'
};

/**
 * Works proposed for exhibitions from the demo's documents: most approved with every consent (the published
 * exhibition shows them), a few waiting for a moderator or a guardian, one withdrawn by a contributor.
 */
export function makeExhibitions({
	random,
	now,
	admin,
	moderator,
	spaces,
	documents,
	ledger
}: {
	random: Random;
	now: number;
	admin: Person;
	moderator: Person;
	spaces: DemoSpace[];
	documents: WorkRows;
	ledger: (typeof consents.$inferInsert)[];
}): ExhibitionRows {
	const rows: ExhibitionRows = { works: [], contributors: [], exhibitions: [], exhibitionWorks: [] };
	const consenting = new Set(ledger.filter((c) => c.purpose === 'exhibition' && !c.revokedAt).map((c) => c.userId));
	const people = new Map(spaces.flatMap((s) => s.members).map((p) => [p.id, p]));
	const byDoc = new Map<string, string[]>();
	for (const c of documents.contributions) byDoc.set(c.documentId, [...(byDoc.get(c.documentId) ?? []), c.userId]);
	// Works whose contributors all said yes to exhibition use in the ledger, and are still in the program.
	const candidates = documents.documents.filter((d) => (byDoc.get(d.id!) ?? []).every((id) => consenting.has(id) && !people.get(id)?.pending));
	const chosen = random.sample(candidates, Math.min(candidates.length, 12));
	const shown: string[] = [];
	chosen.forEach((doc, i) => {
		const contributors = byDoc.get(doc.id!)!.map((id) => people.get(id)!);
		const author = contributors[0]!;
		const snapshot = documents.snapshots.find((s) => s.documentId === doc.id)!;
		// The last few wait: two for a moderator, one for a guardian (or a contributor); one was withdrawn.
		const stage = i < chosen.length - 4 ? 'shown' : (['review', 'review', 'consent', 'withdrawn'] as const)[i - (chosen.length - 4)]!;
		const proposedAt = new Date(Math.min(now - DAY, (doc.updatedAt as Date).getTime() + random.int(1, 5) * DAY));
		const workId = randomUUID();
		rows.works.push({
			id: workId,
			spaceId: doc.spaceId,
			documentId: doc.id,
			kind: doc.kind,
			state: snapshot.state,
			versionAt: doc.updatedAt as Date,
			contributorCount: contributors.length,
			title: doc.title,
			statement: random.pick(STATEMENTS[author.lang]),
			altText: ALT[doc.kind],
			lang: author.lang === 'pt-BR' ? 'pt' : author.lang,
			status: stage === 'review' ? 'pending' : 'approved',
			proposedBy: author.id,
			proposedAt,
			reviewedBy: stage === 'review' ? null : moderator.id,
			reviewedAt: stage === 'review' ? null : new Date(proposedAt.getTime() + DAY),
			withdrawnAt: stage === 'withdrawn' ? new Date(now - 2 * DAY) : null
		});
		contributors.forEach((p, k) => {
			const credit = p.minor ? random.pick(['name', 'initials'] as const) : random.pick(['name', 'name', 'initials', 'anonymous'] as const);
			const waiting = stage === 'consent' && k === contributors.length - 1;
			const decidedAt = new Date(proposedAt.getTime() + random.int(1, 48) * 3_600_000);
			rows.contributors.push({
				workId,
				userId: p.id,
				decision: stage === 'withdrawn' && k === 0 ? 'withdrawn' : waiting ? 'pending' : 'granted',
				decidedAt: waiting ? null : decidedAt,
				credit,
				showCountry: random.chance(0.7),
				guardianRequired: p.guardian,
				guardianDecision: p.guardian ? (waiting ? 'pending' : 'granted') : 'granted',
				guardianDecidedAt: p.guardian && !waiting ? decidedAt : null,
				// Guardians mostly allow initials; a minor deciding alone is capped at initials with no country.
				guardianCredit: p.guardian ? random.pick(['initials', 'initials', 'name'] as const) : p.minor ? 'initials' : 'name',
				guardianShowCountry: p.guardian ? random.chance(0.5) : !p.minor,
				edits: documents.contributions.find((c) => c.documentId === doc.id && c.userId === p.id)?.updates ?? 0
			});
		});
		if (stage === 'shown' || stage === 'withdrawn') shown.push(workId);
	});
	const exhibitionId = randomUUID();
	const publishedAt = new Date(now - 3 * DAY);
	rows.exhibitions.push({
		id: exhibitionId,
		slug: 'cities-we-share',
		title: 'Cities we share',
		introduction:
			'Mentees and mentors from nine countries spent twelve weeks making things together: stories, poems, maps and murals, each begun in one city and finished in another. Every work here is shown with the agreement of everyone who made it, and of a parent or guardian for the youngest.',
		lang: 'en',
		status: 'published',
		createdBy: admin.id,
		createdAt: new Date(publishedAt.getTime() - DAY),
		updatedAt: publishedAt,
		publishedAt
	});
	shown.forEach((workId, position) => rows.exhibitionWorks.push({ exhibitionId, workId, position }));
	return rows;
}
