import { describe, expect, it } from 'vitest';
import { rowCount } from '$lib/surveys/form-shape';
import { readSurveyForm } from './survey-form';

const base = { sourceLang: 'en', title: 'Check-in', rows: '5', 'q.0.kind': 'likert', 'q.0.prompt': 'I enjoy our sessions', 'when.pre': 'on' };

describe('the new-survey form', () => {
	it('blank rows are left out and a choice question takes one option per line, translations line by line', () => {
		const { input, errors } = readSurveyForm({
			...base,
			'title.es': 'Seguimiento',
			'q.1.kind': 'text',
			'q.3.kind': 'choice',
			'q.3.prompt': 'Medium',
			'q.3.choices': 'Ink\n\n Paint \r\n',
			'q.3.choices.es': 'Tinta\nPintura',
			'q.3.prompt.fr': 'Support',
			'when.other': 'on',
			opensOn: '2030-01-15'
		});
		expect(errors).toEqual({});
		expect(input).toEqual({
			title: { en: 'Check-in', es: 'Seguimiento' },
			sourceLang: 'en',
			questions: [
				{ kind: 'likert', prompt: { en: 'I enjoy our sessions' } },
				{ kind: 'choice', prompt: { en: 'Medium', fr: 'Support' }, choices: [{ en: 'Ink', es: 'Tinta' }, { en: 'Paint', es: 'Pintura' }] }
			],
			points: [{ phase: 'pre', trigger: 'activation' }, { phase: 'other', trigger: 'date', opensOn: '2030-01-15' }]
		});
	});

	it('says what is missing, on the field it is about, in the row it was typed', () => {
		const { input, errors } = readSurveyForm({ sourceLang: 'en', title: ' ', rows: '5', 'q.2.kind': 'choice', 'q.2.prompt.es': 'Medio', 'q.2.choices': 'Only one', 'q.2.choices.es': 'Una\nDos', 'when.other': 'on' });
		expect(input).toBeNull();
		expect(errors).toEqual({
			title: 'title_required',
			'q.2.prompt': 'prompt_required',
			'q.2.choices': 'survey_choices_invalid',
			'q.2.choices.es': 'choices_count',
			opensOn: 'date_required'
		});
	});

	it('needs a question and a moment, and a language from the list', () => {
		expect(readSurveyForm({ sourceLang: 'xx', title: 'T', rows: '5' }).errors).toEqual({ sourceLang: 'survey_language_invalid', 'q.0.prompt': 'no_questions', when: 'schedule_required' });
	});

	it('puts the schema’s refusals on the row they came from', () => {
		const { errors } = readSurveyForm({ ...base, 'q.0.prompt': '', 'q.4.kind': 'choice', 'q.4.prompt': 'Pick', 'q.4.choices': 'Just one' });
		expect(errors).toEqual({ 'q.4.choices': 'survey_choices_invalid' });
		expect(readSurveyForm({ ...base, 'q.0.prompt': 'x'.repeat(301) }).errors).toEqual({ 'q.0.prompt': 'survey_text_invalid' });
	});

	it('shows at least the blank rows and never more than 20', () => {
		expect(rowCount({})).toBe(5);
		expect(rowCount({ rows: '8' })).toBe(8);
		expect(rowCount({ rows: '500' })).toBe(20);
	});
});
