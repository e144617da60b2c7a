import { and, desc, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import type { AccountsService } from '../accounts';
import type { Config } from '../config';
import type { Db } from '../db';
import { docContributions, docVersions, documents, profiles, spaces } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import type { SpacesService } from '../spaces';
import { canWrite } from '../spaces/permissions';
import type { DocumentDetail, DocumentKind, DocumentSummary, DocumentVersion, DocumentVersionContent } from '../../src/lib/protocol/docs';
import type { DocumentRef } from './live';
import { createRelay, type RelayModeration } from './relay';
import { blockError, type Restrictions } from '../moderation/restrictions';
import { moderationQueue } from '../db/schema';
import type { TextPlace } from './moderation';
import { createDocStore } from './store';
import type { Scale } from '../scale';

export interface DocsOptions {
	db: Db;
	logger: Logger;
	accounts: AccountsService;
	spaces: SpacesService;
	config: Pick<Config, 'docsMaxDocumentBytes' | 'docsMaxOpenPerUser' | 'docsPingIntervalMs' | 'docsCompactAfterUpdates' | 'docsWriteLingerMs'>;
	/** Moderation of the text written into documents and canvases. */
	moderation?: RelayModeration;
	/** Locks, mutes, pauses and lost supervision: who may not write in a space now. */
	restrictions?: Pick<Restrictions, 'block'>;
	/** Several processes as one: open documents and closing connections are shared through its bus. */
	scale?: Pick<Scale, 'mode' | 'bus'>;
}

/** Shared documents and canvases: their records, versions and attribution, and the live relay. */
export function createDocsService({ db, logger, accounts, spaces: spacesService, config, moderation, restrictions, scale }: DocsOptions) {
	const log = logger.child({ ns: 'docs' });
	const store = createDocStore(db);
	const relay = createRelay({
		store,
		logger,
		limits: {
			maxDocumentBytes: config.docsMaxDocumentBytes,
			maxOpenPerUser: config.docsMaxOpenPerUser,
			pingIntervalMs: config.docsPingIntervalMs,
			compactAfterUpdates: config.docsCompactAfterUpdates,
			writeLingerMs: config.docsWriteLingerMs
		},
		moderation,
		bus: scale?.mode === 'redis' ? scale.bus : undefined
	});

	// Access ends on every open document connection the moment it ends anywhere else.
	const onSessionsEnded = ({ userId, exceptSessionId }: { userId: string; exceptSessionId?: string }) => void relay.closeUser(userId, exceptSessionId);
	const onSessionEnded = ({ sessionId }: { sessionId: string }) => void relay.closeSession(sessionId);
	const onMemberLeft = ({ spaceId, userId }: { spaceId: string; userId: string }) => void relay.closeMembership(userId, spaceId);
	accounts.events.on('user:sessions-ended', onSessionsEnded);
	accounts.events.on('session:ended', onSessionEnded);
	spacesService.events.on('member:left', onMemberLeft);
	// With several processes a closing sent while Redis was away is lost: once it is back, every connection here
	// is checked against the database again (session still live, still a member of the space).
	const stopRecheck = scale?.mode === 'redis' ? scale.bus.onResume(() => void recheckConnections()) : undefined;
	async function recheckConnections(): Promise<void> {
		let closed = 0;
		for (const { userId, sessionId, spaceId } of relay.connections()) {
			try {
				if (!(await accounts.isSessionLive(sessionId))) closed += relay.closeHere({ what: 'session', sessionId });
				else if (!(await spacesService.roleOf(spaceId, userId))) closed += relay.closeHere({ what: 'membership', userId, spaceId });
			} catch (err) {
				log.error({ err, spaceId }, 'checking a document connection again failed');
			}
		}
		if (closed > 0) log.info({ closed }, 'document connections closed after a Redis outage: access had ended meanwhile');
	}

	const summaryColumns = {
		id: documents.id,
		spaceId: documents.spaceId,
		kind: documents.kind,
		title: documents.title,
		createdAt: documents.createdAt,
		updatedAt: documents.updatedAt,
		createdById: documents.createdBy,
		createdByName: profiles.displayName
	};
	type SummaryRow = { id: string; spaceId: string; kind: DocumentKind; title: string; createdAt: Date; updatedAt: Date; createdById: string | null; createdByName: string | null };
	const toSummary = (r: SummaryRow): DocumentSummary => ({
		id: r.id,
		spaceId: r.spaceId,
		kind: r.kind,
		title: r.title,
		createdAt: r.createdAt.toISOString(),
		updatedAt: r.updatedAt.toISOString(),
		createdBy: r.createdById && r.createdByName !== null ? { id: r.createdById, displayName: r.createdByName } : null
	});

	/** The document and the caller's role in its space; non-members get "not found", as for a missing document. */
	async function access({ documentId, userId }: { documentId: string; userId: string }) {
		const [row] = await db
			.select({ ...summaryColumns, spaceTitle: spaces.title })
			.from(documents)
			.innerJoin(spaces, eq(spaces.id, documents.spaceId))
			.leftJoin(profiles, eq(profiles.userId, documents.createdBy))
			.where(eq(documents.id, documentId))
			.limit(1);
		const role = row ? await spacesService.roleOf(row.spaceId, userId) : null;
		if (!row || !role) return null;
		return { row, role, ref: { id: row.id, spaceId: row.spaceId, kind: row.kind } satisfies DocumentRef };
	}

	/**
	 * Titles and version names are text others read, so they go through the moderation pipeline too. A name cannot
	 * wait for a moderator: one the pipeline would hold or block is refused, and nothing is saved. The error names
	 * `field`, so a form marks the field that holds the name.
	 */
	async function checkName({ spaceId, userId, name, field, code = 'name_not_allowed' }: { spaceId: string; userId: string; name: string; field: string; code?: 'name_not_allowed' | 'exhibitions_text_not_allowed' }): Promise<void> {
		if (!moderation) return;
		const decision = await moderation.pipeline.run({
			spaceId,
			authorId: userId,
			authorName: '',
			authorRole: null,
			text: name,
			lang: 'und',
			kind: 'doc',
			clientId: null,
			editOf: null,
			...(await moderation.context(spaceId))
		});
		if (decision.action === 'hold' || decision.action === 'block') {
			log.info({ spaceId, userId, action: decision.action, hook: decision.hook, reason: decision.reason }, 'document or version name refused by moderation');
			throw new AppError(422, code, { fields: { [field]: code } });
		}
	}

	/**
	 * A new document or a named version is writing in the space: refused while a lock, a mute or lost supervision
	 * stops the person writing there. A pause after a report refuses it as the read-only document does.
	 */
	async function assertMayWrite(spaceId: string, userId: string): Promise<void> {
		const block = await restrictions?.block({ spaceId, userId });
		if (!block) return;
		throw block.code === 'paused' ? new AppError(403, 'read_only') : blockError(block, new Date());
	}

	async function requireAccess(args: { documentId: string; userId: string }) {
		const found = await access(args);
		if (!found) throw notFound();
		return found;
	}

	/** The whole current state: from memory when the document is open here (it may hold updates still being stored), else from the database. */
	async function currentState(documentId: string): Promise<Uint8Array> {
		const live = relay.liveState(documentId);
		if (live) return live;
		const stored = await store.load(documentId);
		return stored.updates.length > 0 ? Y.mergeUpdates(stored.updates) : Y.encodeStateAsUpdate(new Y.Doc());
	}

	const versionColumns = {
		id: docVersions.id,
		documentId: docVersions.documentId,
		name: docVersions.name,
		auto: docVersions.auto,
		createdAt: docVersions.createdAt,
		createdById: docVersions.createdBy,
		createdByName: profiles.displayName
	};
	type VersionRow = { id: string; documentId: string; name: string; auto: boolean; createdAt: Date; createdById: string | null; createdByName: string | null };
	const toVersion = (r: VersionRow): DocumentVersion => ({
		id: r.id,
		documentId: r.documentId,
		name: r.name,
		auto: r.auto,
		createdAt: r.createdAt.toISOString(),
		createdBy: r.createdById && r.createdByName !== null ? { id: r.createdById, displayName: r.createdByName } : null
	});

	return {
		relay,
		access,

		/**
		 * Text about a document that others will read (an exhibition proposal's title, statement, alt text): through
		 * the moderation pipeline like a title; one it would hold or block is refused on `field`.
		 */
		checkText: ({ spaceId, userId, text, field }: { spaceId: string; userId: string; text: string; field: string }) => checkName({ spaceId, userId, name: text, field, code: 'exhibitions_text_not_allowed' }),

		async create({ spaceId, userId, kind, title }: { spaceId: string; userId: string; kind: DocumentKind; title: string }): Promise<DocumentSummary> {
			const role = await spacesService.roleOf(spaceId, userId);
			if (!role) throw notFound();
			if (!canWrite(role)) throw new AppError(403, 'read_only');
			await assertMayWrite(spaceId, userId);
			await checkName({ spaceId, userId, name: title, field: 'title' });
			const [created] = await db.insert(documents).values({ spaceId, kind, title, createdBy: userId }).returning({ id: documents.id });
			log.info({ documentId: created!.id, spaceId, userId, kind }, 'document created');
			return toSummary((await requireAccess({ documentId: created!.id, userId })).row);
		},

		async list({ spaceId, userId }: { spaceId: string; userId: string }): Promise<DocumentSummary[]> {
			if (!(await spacesService.roleOf(spaceId, userId))) throw notFound();
			const rows = await db
				.select(summaryColumns)
				.from(documents)
				.leftJoin(profiles, eq(profiles.userId, documents.createdBy))
				.where(eq(documents.spaceId, spaceId))
				.orderBy(desc(documents.updatedAt));
			return rows.map(toSummary);
		},

		async get({ documentId, userId }: { documentId: string; userId: string }): Promise<DocumentDetail> {
			const { row, role } = await requireAccess({ documentId, userId });
			// Counters are written every few seconds; bring them up to date with what is stored.
			await relay.flushActivity();
			const contributors = await db
				.select({
					userId: docContributions.userId,
					displayName: profiles.displayName,
					updates: docContributions.updates,
					chars: docContributions.chars,
					shapes: docContributions.shapes,
					lastEditAt: docContributions.lastEditAt
				})
				.from(docContributions)
				.innerJoin(profiles, eq(profiles.userId, docContributions.userId))
				.where(eq(docContributions.documentId, documentId))
				.orderBy(desc(docContributions.updates));
			return {
				...toSummary(row),
				spaceTitle: row.spaceTitle,
				myRole: role,
				canWrite: canWrite(role),
				contributors: contributors.map((c) => ({ ...c, lastEditAt: c.lastEditAt.toISOString() }))
			};
		},

		async listVersions({ documentId, userId }: { documentId: string; userId: string }): Promise<DocumentVersion[]> {
			await requireAccess({ documentId, userId });
			const rows = await db
				.select(versionColumns)
				.from(docVersions)
				.leftJoin(profiles, eq(profiles.userId, docVersions.createdBy))
				.where(eq(docVersions.documentId, documentId))
				.orderBy(desc(docVersions.createdAt));
			return rows.map(toVersion);
		},

		/** Saves the document as it is now under a name. Observers may not (a version is an edit to history). */
		async saveVersion({ documentId, userId, name, auto = false }: { documentId: string; userId: string; name: string; auto?: boolean }): Promise<DocumentVersion> {
			const { role, ref } = await requireAccess({ documentId, userId });
			if (!canWrite(role)) throw new AppError(403, 'read_only');
			await assertMayWrite(ref.spaceId, userId);
			// 'auto' only says who named it; a client can send any name with it, so it is checked all the same.
			await checkName({ spaceId: ref.spaceId, userId, name, field: 'name' });
			const saved = await store.saveVersion({ documentId, name, auto, state: await currentState(documentId), createdBy: userId });
			log.info({ documentId, userId, versionId: saved.id, auto }, 'version saved');
			const [row] = await db
				.select(versionColumns)
				.from(docVersions)
				.leftJoin(profiles, eq(profiles.userId, docVersions.createdBy))
				.where(eq(docVersions.id, saved.id));
			return toVersion(row!);
		},

		async getVersion({ documentId, versionId, userId }: { documentId: string; versionId: string; userId: string }): Promise<DocumentVersionContent> {
			const { row: doc } = await requireAccess({ documentId, userId });
			const [row] = await db
				.select({ ...versionColumns, state: docVersions.state })
				.from(docVersions)
				.leftJoin(profiles, eq(profiles.userId, docVersions.createdBy))
				.where(and(eq(docVersions.id, versionId), eq(docVersions.documentId, documentId)));
			if (!row) throw notFound();
			return { ...toVersion(row), kind: doc.kind, update: Buffer.from(row.state).toString('base64') };
		},

		/** A moderator approved text held from a document: it goes back where it was written. */
		async approved({ queueId }: { queueId: string }): Promise<boolean> {
			const [item] = await db
				.select({ text: moderationQueue.text, place: moderationQueue.place, authorId: moderationQueue.authorId, documentId: documents.id, spaceId: documents.spaceId, kind: documents.kind })
				.from(moderationQueue)
				.innerJoin(documents, eq(documents.id, moderationQueue.targetId))
				.where(and(eq(moderationQueue.id, queueId), eq(moderationQueue.kind, 'doc')))
				.limit(1);
			if (!item?.place || !item.authorId) return false;
			const restored = await relay.restore({
				document: { id: item.documentId, spaceId: item.spaceId, kind: item.kind },
				authorId: item.authorId,
				place: item.place as TextPlace,
				text: item.text
			});
			log.info({ documentId: item.documentId, queueId, restored }, 'approved text put back into its document');
			return restored;
		},

		async close(): Promise<void> {
			stopRecheck?.();
			accounts.events.off('user:sessions-ended', onSessionsEnded);
			accounts.events.off('session:ended', onSessionEnded);
			spacesService.events.off('member:left', onMemberLeft);
			await relay.close();
		}
	};
}

export type DocsService = ReturnType<typeof createDocsService>;
