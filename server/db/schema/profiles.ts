import { date, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

export type LanguageLevel = 'native' | 'fluent' | 'conversational' | 'basic';
export interface SpokenLanguage {
	/** BCP 47 tag, canonical form (e.g. "pt-BR"). */
	tag: string;
	level: LanguageLevel;
}

export const profiles = pgTable('profiles', {
	userId: uuid('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	displayName: text('display_name').notNull(),
	/** ISO 3166-1 alpha-2. */
	country: text('country').notNull(),
	/** IANA time zone. */
	timezone: text('timezone').notNull(),
	languages: jsonb('languages').$type<SpokenLanguage[]>().notNull().default([]),
	/** BCP 47 tag of the language this person reads chat in. */
	readingLanguage: text('reading_language').notNull(),
	/** UI language chosen by the person; null follows the browser. */
	uiLanguage: text('ui_language'),
	passions: jsonb('passions').$type<string[]>().notNull().default([]),
	bio: text('bio').notNull().default(''),
	/** Used only to compute age-based rules; never shown to others. */
	birthDate: date('birth_date').notNull(),
	/** Self-described, optional, used only in aggregate. */
	gender: text('gender'),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});
