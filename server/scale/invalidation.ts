import { EventEmitter } from 'node:events';
import type { AccountsService, Role } from '../accounts';
import type { ChatService } from '../chat';
import type { Logger } from '../logger';
import type { RestrictionChange, Restrictions } from '../moderation/restrictions';
import type { Safeguarding } from '../safeguarding';
import type { SpacesService } from '../spaces';
import type { Bus } from './bus';
import { z } from 'zod';
import { userRole } from '../db/schema';

/** Someone's standing changed on another process: account status, account role, or withdrawn participation. */
const role = z.enum(userRole.enumValues);
const userChange = z.union([
	z.object({ userId: z.uuid(), kind: z.literal('status') }),
	z.object({ userId: z.uuid(), kind: z.literal('role'), from: role, to: role }),
	z.object({ userId: z.uuid(), kind: z.literal('withdrawn') })
]);
const memberChange = z.object({ spaceId: z.uuid(), userId: z.uuid(), kind: z.enum(['joined', 'left']) });
const restrictionChange = z.object({ spaceId: z.uuid(), userId: z.uuid().optional(), endsAt: z.number().finite().optional() });

export type UserChange =
	| { userId: string; kind: 'status' }
	| { userId: string; kind: 'role'; from: Role; to: Role }
	| { userId: string; kind: 'withdrawn' };

/** Someone joined or left a space on another process. */
export interface MemberChange {
	spaceId: string;
	userId: string;
	kind: 'joined' | 'left';
}

export interface RemoteChanges {
	user: [UserChange];
	member: [MemberChange];
	restrictions: [RestrictionChange];
}

/**
 * What one process caches and another's actions make stale: chat's member roles, locks and mutes (whose followers
 * also bring open documents in line), safeguarding's participation and minors. Each such change made here is
 * published on the bus and applied by every other process as if it had been made there. Socket connections need
 * none of this: rooms, disconnects and `fetchSockets` already go through the adapter to every process.
 *
 * `events` re-emits the changes heard from other processes, for parts that keep state of their own (the document
 * relay's connections).
 */
export function shareInvalidations({
	bus,
	logger,
	accounts,
	spaces,
	safeguarding,
	chat,
	restrictions
}: {
	bus: Bus;
	logger: Logger;
	accounts: Pick<AccountsService, 'events'>;
	spaces: Pick<SpacesService, 'events'>;
	safeguarding: Pick<Safeguarding, 'events' | 'forget'>;
	chat: Pick<ChatService, 'forgetUser' | 'forgetMember'>;
	restrictions: Pick<Restrictions, 'forget' | 'observe' | 'changedElsewhere' | 'refreshAll'>;
}) {
	const log = logger.child({ ns: 'scale.invalidation' });
	const events = new EventEmitter<RemoteChanges>();

	// Announced through the bus, which keeps what Redis has not confirmed yet (`bus.settled()`, awaited by mutating requests).
	const publish = <T>(topic: string, payload: T): Promise<void> => bus.publish(topic, payload);
	const onStatus = ({ userId }: { userId: string }) => void publish<UserChange>('inv:user', { userId, kind: 'status' });
	const onRole = ({ userId, from, to }: { userId: string; from: Role; to: Role }) => void publish<UserChange>('inv:user', { userId, kind: 'role', from, to });
	const onWithdrawn = ({ userId }: { userId: string }) => void publish<UserChange>('inv:user', { userId, kind: 'withdrawn' });
	const onJoined = ({ spaceId, userId }: { spaceId: string; userId: string }) => void publish<MemberChange>('inv:member', { spaceId, userId, kind: 'joined' });
	const onLeft = ({ spaceId, userId }: { spaceId: string; userId: string }) => void publish<MemberChange>('inv:member', { spaceId, userId, kind: 'left' });
	accounts.events.on('user:status-changed', onStatus);
	accounts.events.on('user:role-changed', onRole);
	safeguarding.events.on('participation:withdrawn', onWithdrawn);
	spaces.events.on('member:joined', onJoined);
	spaces.events.on('member:left', onLeft);
	// Awaited by the action that made the change: once Redis has handed it on, it answers.
	const unobserve = restrictions.observe((change) => publish<RestrictionChange>('inv:restrictions', change));

	const offs = [
		bus.on<UserChange>(
			'inv:user',
			(change) => {
				chat.forgetUser(change.userId);
				safeguarding.forget({ userId: change.userId });
				// A supervisor suspended or demoted may leave a minor's space unsupervised.
				if (change.kind !== 'withdrawn') restrictions.forget();
				events.emit('user', change);
			},
			userChange
		),
		bus.on<MemberChange>(
			'inv:member',
			(change) => {
				if (change.kind === 'left') chat.forgetMember(change);
				safeguarding.forget({ spaceId: change.spaceId });
				events.emit('member', change);
			},
			memberChange
		),
		bus.on<RestrictionChange>(
			'inv:restrictions',
			(change) => {
				restrictions.changedElsewhere(change).catch((err: unknown) => log.error({ err, spaceId: change.spaceId }, 'a lock or mute made elsewhere could not be applied here'));
				events.emit('restrictions', change);
			},
			restrictionChange
		),
		// Messages lost while Redis was away: nothing says which, so every cache of that kind starts afresh.
		bus.onResume(() => {
			log.info('locks and mutes read again after a Redis outage');
			void restrictions.refreshAll();
		})
	];

	return {
		events,

		close(): void {
			accounts.events.off('user:status-changed', onStatus);
			accounts.events.off('user:role-changed', onRole);
			safeguarding.events.off('participation:withdrawn', onWithdrawn);
			spaces.events.off('member:joined', onJoined);
			spaces.events.off('member:left', onLeft);
			unobserve();
			for (const off of offs) off();
			events.removeAllListeners();
		}
	};
}

export type Invalidations = ReturnType<typeof shareInvalidations>;
