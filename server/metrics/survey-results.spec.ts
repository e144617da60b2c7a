import { describe, expect, it } from 'vitest';
import { distribution, pairedChange, type AnswerFact, type QuestionFact } from './survey-results';

const likert: QuestionFact = { id: 'q1', surveyId: 's', kind: 'likert', prompt: 'I understand daily life in my partner’s country', choices: [] };
const answer = (userId: string, phase: AnswerFact['phase'], value: number): AnswerFact => ({ surveyId: 's', questionId: 'q1', userId, phase, value, text: null, lang: 'en' });

// Twelve people answered before and after. Reference: scipy 1.17 `ttest_rel(post, pre)` and
// `wilcoxon(post, pre, zero_method='wilcox', correction=True, method='approx')`, the same as R's
// `t.test(post, pre, paired = TRUE)` and `wilcox.test(post, pre, paired = TRUE)`.
const PRE = [2, 3, 3, 4, 2, 1, 3, 2, 4, 3, 2, 3];
const POST = [3, 4, 3, 5, 3, 2, 4, 2, 5, 4, 4, 3];
const answers = [...PRE.map((v, i) => answer(`u${i}`, 'pre', v)), ...POST.map((v, i) => answer(`u${i}`, 'post', v))];

describe('survey results', () => {
	it('gives the paired pre→post change with the paired t-test and its 95% interval, checked by Wilcoxon', () => {
		const change = pairedChange(likert, answers);
		expect(change.pairs).toBe(12);
		expect(change.meanChange).toBeCloseTo(0.8333333333, 9);
		expect(change.ciLow).toBeCloseTo(0.4665024733, 8);
		expect(change.ciHigh).toBeCloseTo(1.2001641933, 8);
		expect(change.pT).toBeCloseTo(0.0004025298, 9);
		expect(change.pWilcoxon).toBeCloseTo(0.0047635768, 8);
	});

	it('pairs each person’s own answers only, and withholds the change below five pairs', () => {
		// Post answers from people with no pre answer do not pair.
		const unpaired = [...answers.slice(0, 12), ...POST.map((v, i) => answer(`other${i}`, 'post', v))];
		expect(pairedChange(likert, unpaired)).toMatchObject({ pairs: null, meanChange: null, pT: null });
		const four = [...PRE.slice(0, 4).map((v, i) => answer(`u${i}`, 'pre', v)), ...POST.slice(0, 4).map((v, i) => answer(`u${i}`, 'post', v))];
		expect(pairedChange(likert, four)).toMatchObject({ pairs: null, meanChange: null, ciLow: null, ciHigh: null, pWilcoxon: null });
	});

	it('counts answers per option for each phase, withholding small counts', () => {
		const [pre, post] = distribution(likert, answers);
		// Pre: 1, 4, 5, 2, 0 → only the five who chose 3 show.
		expect(pre).toEqual({ phase: 'pre', respondents: 12, counts: [null, null, 5, null, null] });
		// Post: 0, 2, 4, 4, 2 → every option describes fewer than five.
		expect(post).toEqual({ phase: 'post', respondents: 12, counts: [null, null, null, null, null] });
	});
});
