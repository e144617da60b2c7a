import { asc, eq, or } from 'drizzle-orm';
import type { Db } from '../db';
import {
	chatMessageEdits,
	chatMessages,
	chatReadPositions,
	consents,
	docActivityHours,
	docContributions,
	documents,
	guardianConsents,
	matchingProfiles,
	mentorshipGoals,
	mentorshipMeetings,
	mentorships,
	mentorshipTasks,
	profiles,
	reports,
	sessions,
	spaceMembers,
	spaces,
	surveyAnswers,
	surveyQuestions,
	surveyResponses,
	surveys,
	users,
	workContributors,
	works
} from '../db/schema';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Everything Tessera holds about one person, in one JSON document. Not in it: what others wrote, reports made
 * about this person (they would name the reporter) and moderators' notes — safeguarding records described in
 * the README.
 */
export async function collectExport(db: Db, userId: string) {
	const [account] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
	if (!account || account.deletedAt) return null;
	const [profile] = await db.select().from(profiles).where(eq(profiles.userId, userId)).limit(1);

	const memberships = await db
		.select({ spaceId: spaceMembers.spaceId, title: spaces.title, kind: spaces.kind, role: spaceMembers.role, joinedAt: spaceMembers.joinedAt })
		.from(spaceMembers)
		.innerJoin(spaces, eq(spaces.id, spaceMembers.spaceId))
		.where(eq(spaceMembers.userId, userId))
		.orderBy(asc(spaceMembers.joinedAt));

	const messages = await db.select().from(chatMessages).where(eq(chatMessages.authorId, userId)).orderBy(asc(chatMessages.seq));
	const edits = await db
		.select({ messageId: chatMessageEdits.messageId, previousText: chatMessageEdits.previousText, editedAt: chatMessageEdits.editedAt })
		.from(chatMessageEdits)
		.innerJoin(chatMessages, eq(chatMessages.id, chatMessageEdits.messageId))
		.where(eq(chatMessages.authorId, userId))
		.orderBy(asc(chatMessageEdits.editedAt));
	const editsOf = new Map<string, { text: string; replacedAt: string | null }[]>();
	for (const e of edits) {
		const list = editsOf.get(e.messageId) ?? [];
		list.push({ text: e.previousText, replacedAt: iso(e.editedAt) });
		editsOf.set(e.messageId, list);
	}

	const contributions = await db
		.select({ documentId: docContributions.documentId, title: documents.title, updates: docContributions.updates, chars: docContributions.chars, shapes: docContributions.shapes, lastEditAt: docContributions.lastEditAt })
		.from(docContributions)
		.innerJoin(documents, eq(documents.id, docContributions.documentId))
		.where(eq(docContributions.userId, userId));

	const editHours = await db
		.select({ documentId: docActivityHours.documentId, hour: docActivityHours.hour, updates: docActivityHours.updates })
		.from(docActivityHours)
		.where(eq(docActivityHours.userId, userId))
		.orderBy(asc(docActivityHours.hour));

	const answers = await db
		.select({
			responseId: surveyResponses.id,
			survey: surveys.title,
			submittedAt: surveyResponses.submittedAt,
			lang: surveyResponses.lang,
			question: surveyQuestions.prompt,
			value: surveyAnswers.value,
			text: surveyAnswers.text
		})
		.from(surveyResponses)
		.innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
		.innerJoin(surveyAnswers, eq(surveyAnswers.responseId, surveyResponses.id))
		.innerJoin(surveyQuestions, eq(surveyQuestions.id, surveyAnswers.questionId))
		.where(eq(surveyResponses.userId, userId))
		.orderBy(asc(surveyResponses.submittedAt), asc(surveyQuestions.position));
	const surveyAnswersGiven = new Map<string, { survey: Record<string, string>; submittedAt: string | null; lang: string; answers: { question: Record<string, string>; value: number | null; text: string | null }[] }>();
	for (const a of answers) {
		const response = surveyAnswersGiven.get(a.responseId) ?? { survey: a.survey, submittedAt: iso(a.submittedAt), lang: a.lang, answers: [] };
		response.answers.push({ question: a.question, value: a.value, text: a.text });
		surveyAnswersGiven.set(a.responseId, response);
	}

	const ledger = await db.select().from(consents).where(eq(consents.userId, userId)).orderBy(asc(consents.grantedAt));
	const guardian = await db.select().from(guardianConsents).where(eq(guardianConsents.userId, userId)).orderBy(asc(guardianConsents.createdAt));
	const reported = await db.select().from(reports).where(eq(reports.reporterId, userId)).orderBy(asc(reports.createdAt));
	const mySessions = await db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(asc(sessions.createdAt));
	const reads = await db.select().from(chatReadPositions).where(eq(chatReadPositions.userId, userId));
	const worksAsked = await db
		.select({ workId: works.id, title: works.title, status: works.status, proposedAt: works.proposedAt, c: workContributors })
		.from(workContributors)
		.innerJoin(works, eq(works.id, workContributors.workId))
		.where(eq(workContributors.userId, userId))
		.orderBy(asc(works.proposedAt));
	const worksProposed = await db.select({ id: works.id, title: works.title, statement: works.statement, altText: works.altText, proposedAt: works.proposedAt }).from(works).where(eq(works.proposedBy, userId)).orderBy(asc(works.proposedAt));
	const [matching] = await db.select().from(matchingProfiles).where(eq(matchingProfiles.userId, userId)).limit(1);
	const pairs = await db
		.select()
		.from(mentorships)
		.where(or(eq(mentorships.menteeId, userId), eq(mentorships.mentorId, userId)))
		.orderBy(asc(mentorships.createdAt));
	const goalsWritten = await db.select().from(mentorshipGoals).where(eq(mentorshipGoals.createdBy, userId)).orderBy(asc(mentorshipGoals.createdAt));
	const tasksWritten = await db.select().from(mentorshipTasks).where(eq(mentorshipTasks.createdBy, userId)).orderBy(asc(mentorshipTasks.createdAt));
	const meetingsProposed = await db.select().from(mentorshipMeetings).where(eq(mentorshipMeetings.proposedBy, userId)).orderBy(asc(mentorshipMeetings.createdAt));

	return {
		format: 'tessera-data-export/1',
		exportedAt: new Date().toISOString(),
		account: { id: account.id, email: account.email, role: account.role, status: account.status, createdAt: iso(account.createdAt) },
		profile: profile
			? {
					displayName: profile.displayName,
					country: profile.country,
					timezone: profile.timezone,
					languages: profile.languages,
					readingLanguage: profile.readingLanguage,
					uiLanguage: profile.uiLanguage,
					passions: profile.passions,
					bio: profile.bio,
					birthDate: profile.birthDate,
					gender: profile.gender
				}
			: null,
		consents: ledger.map((c) => ({ purpose: c.purpose, grantedBy: c.grantedBy, grantedAt: iso(c.grantedAt), revokedAt: iso(c.revokedAt), revokedBy: c.revokedBy })),
		guardianConsentRequests: guardian.map((g) => ({
			guardianName: g.guardianName,
			guardianEmail: g.guardianEmail,
			purposes: g.purposes,
			requestedAt: iso(g.createdAt),
			confirmedAt: iso(g.confirmedAt)
		})),
		spaces: memberships.map((m) => ({ id: m.spaceId, title: m.title, kind: m.kind, role: m.role, joinedAt: iso(m.joinedAt) })),
		chatMessages: messages.map((m) => ({
			id: m.id,
			spaceId: m.spaceId,
			text: m.text,
			lang: m.lang,
			createdAt: iso(m.createdAt),
			editedAt: iso(m.editedAt),
			deletedAt: iso(m.deletedAt),
			heldForReview: m.heldAt !== null,
			earlierVersions: editsOf.get(m.id) ?? []
		})),
		matchingProfile: matching
			? {
					availability: matching.availability,
					goals: matching.goals,
					capacity: matching.capacity,
					crossBorder: matching.crossBorder,
					preferredMentorGender: matching.preferredMentorGender,
					vettedForMinorsAt: iso(matching.vettedForMinorsAt)
				}
			: null,
		// Drafts of a round nobody was shown are the program's working notes, not yet about the person.
		mentorships: pairs
			.filter((m) => m.status !== 'draft')
			.map((m) => ({
				id: m.id,
				as: m.menteeId === userId ? 'mentee' : 'mentor',
				status: m.status,
				source: m.source,
				proposedAt: iso(m.proposedAt),
				activatedAt: iso(m.activatedAt),
				endedAt: iso(m.endedAt),
				spaceId: m.spaceId
			})),
		mentorshipGoalsWritten: goalsWritten.map((g) => ({ mentorshipId: g.mentorshipId, text: g.text, done: g.doneAt !== null, createdAt: iso(g.createdAt) })),
		mentorshipTasksWritten: tasksWritten.map((t) => ({ mentorshipId: t.mentorshipId, title: t.title, due: t.due, done: t.doneAt !== null, createdAt: iso(t.createdAt) })),
		meetingsProposed: meetingsProposed.map((m) => ({ mentorshipId: m.mentorshipId, startsAt: iso(m.startsAt), minutes: m.minutes, note: m.note, status: m.status })),
		documentContributions: contributions.map((c) => ({ ...c, lastEditAt: iso(c.lastEditAt) })),
		documentEditHours: editHours.map((h) => ({ documentId: h.documentId, hour: iso(h.hour), updates: h.updates })),
		surveyAnswers: [...surveyAnswersGiven.values()],
		/** Works proposed for exhibitions that asked for their consent: their answer and credit, and their guardian's. */
		exhibitionConsents: worksAsked.map((w) => ({
			workId: w.workId,
			title: w.title,
			status: w.status,
			proposedAt: iso(w.proposedAt),
			decision: w.c.decision,
			decidedAt: iso(w.c.decidedAt),
			credit: w.c.credit,
			showCountry: w.c.showCountry,
			guardian: w.c.guardianRequired ? { decision: w.c.guardianDecision, decidedAt: iso(w.c.guardianDecidedAt), credit: w.c.guardianCredit, showCountry: w.c.guardianShowCountry } : null
		})),
		worksProposed: worksProposed.map((w) => ({ ...w, proposedAt: iso(w.proposedAt) })),
		readPositions: reads.map((r) => ({ spaceId: r.spaceId, updatedAt: iso(r.updatedAt) })),
		reportsMade: reported.map((r) => ({ id: r.id, targetType: r.targetType, targetId: r.targetId, spaceId: r.spaceId, reason: r.reason, details: r.details, status: r.status, createdAt: iso(r.createdAt) })),
		sessions: mySessions.map((s) => ({ createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), expiresAt: iso(s.expiresAt), userAgent: s.userAgent }))
	};
}

export type DataExport = NonNullable<Awaited<ReturnType<typeof collectExport>>>;
