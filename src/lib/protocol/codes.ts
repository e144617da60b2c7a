/**
 * Error codes shared by the JSON API, form actions and Socket.IO acks. Each has a message in every UI
 * language (`messages/<locale>.json`, key `error_<code>`).
 */
export const ERROR_CODES = [
	'invalid_input',
	'invalid_json',
	'unsupported_media_type',
	'payload_too_large',
	'unauthorized',
	'forbidden',
	'not_found',
	'method_not_allowed',
	'internal',
	'rate_limited',
	'csrf',
	'bad_origin',
	'email_taken',
	'bad_credentials',
	'account_suspended',
	'wrong_password',
	'last_admin',
	'account_deleted',
	'consent_pending',
	'consent_withdrawn',
	'consent_guardian_only',
	'consent_guardian_withdrew',
	'guardian_change_needs_admin',
	'guardian_not_needed',
	'consent_link_invalid',
	'consent_link_used',
	'consent_link_expired',
	'guardian_link_revoked',
	'guardian_link_ended',
	'supervisor_required',
	'last_supervisor',
	'invite_expired',
	'invite_used_up',
	'space_full',
	'read_only',
	'message_empty',
	'message_too_long',
	'not_your_message',
	'message_deleted',
	'send_rate_limited',
	'message_blocked',
	'message_flood',
	'message_held',
	'message_rejected',
	'edit_superseded',
	'already_reviewed',
	'server_busy',
	'muted',
	'muted_until',
	'space_locked',
	'report_closed',
	'pair_only',
	// matching and mentorships
	'matching_illegal_transition',
	'matching_round_closed',
	'matching_already_matched',
	'matching_mentee_unavailable',
	'matching_mentor_unavailable',
	'matching_not_a_mentor',
	'matching_capacity',
	'matching_minor_needs_vetted_mentor',
	'matching_no_common_language',
	'matching_too_little_overlap',
	'matching_ended_by_report',
	'matching_cross_border_preference',
	'matching_gender_preference',
	'matching_balance',
	'matching_pair_not_allowed',
	'matching_text_not_allowed',
	'matching_not_active',
	// field-level codes
	'email_invalid',
	'password_too_short',
	'password_too_long',
	'password_too_common',
	'display_name_invalid',
	'display_name_contact',
	'display_name_not_allowed',
	'role_invalid',
	'birth_date_invalid',
	'birth_date_locked',
	'too_young',
	'country_invalid',
	'timezone_invalid',
	'language_invalid',
	'language_level_invalid',
	'languages_too_many',
	'passions_invalid',
	'bio_too_long',
	'gender_too_long',
	'title_invalid',
	'kind_invalid',
	'required',
	'invalid_value',
	'mentor_too_young',
	'supervisor_invalid',
	'guardian_required',
	'guardian_name_invalid',
	'consent_age_above_minor_age',
	'age_out_of_range',
	'retention_out_of_range',
	'purpose_invalid',
	'participation_required',
	'invalid_characters',
	'details_too_long',
	'name_not_allowed',
	'matching_slot_invalid',
	'matching_slots_too_many',
	'matching_goal_invalid',
	'matching_capacity_invalid',
	'matching_text_invalid',
	'matching_meeting_time_invalid',
	'matching_assignee_invalid',
	'evaluation_period_invalid',
	'evaluation_date_invalid',
	'evaluation_cohort_invalid',
	'evaluation_quiet_days_invalid',
	'survey_language_invalid',
	'survey_text_invalid',
	'survey_choices_invalid',
	'survey_question_invalid',
	'survey_point_invalid',
	'survey_source_missing',
	'survey_answer_invalid',
	'survey_answer_empty',
	'survey_status_conflict',
	'survey_answered'
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(s: string): s is ErrorCode {
	return (ERROR_CODES as readonly string[]).includes(s);
}

/** The body of every error response and failed ack. */
export interface ErrorBody {
	code: ErrorCode;
	message: string;
	fields?: Record<string, { code: ErrorCode; message: string }>;
}

/** WebSocket close codes (4000-4999 are ours), shared with the browser. */
export const CloseCode = {
	/** No valid session or token. */
	Unauthorized: 4401,
	/** Authenticated, but no access to this document. */
	Forbidden: 4403,
	NotFound: 4404,
	/** A message that is not valid y-websocket protocol (or not a valid Yjs update). */
	InvalidMessage: 4400,
	/** Frame or document larger than allowed. */
	TooLarge: 4413,
	/** Too many open connections (per account), or too many requests. */
	RateLimited: 4429,
	/** Session ended (signed out, suspended, removed from the space). */
	SessionEnded: 4440,
	/** The route exists but the capability is not available on this server yet. */
	NotImplemented: 4501
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
