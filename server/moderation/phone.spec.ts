import { describe, expect, it } from 'vitest';
import { foldLetters } from './normalize';
import { hasPhone } from './phone';

const phone = (text: string) => hasPhone(foldLetters(text));

describe('phone numbers', () => {
	it.each([
		'555·123·4567',
		'555 • 123 • 4567',
		'555‧123‧4567',
		'555∙123∙4567',
		'555_123_4567',
		'555~123~4567',
		'555🔥123🔥4567',
		'555, 123, 4567',
		'06,12,34,56,78',
		'555-123-4567, 10, 12',
		'06-12-34-56-78',
		'612.345.678',
		'612/34/56/78',
		'2024-05-01 555 1234'
	])('digits with any punctuation, symbol or space between groups: %s', (text) => {
		expect(phone(text)).toBe(true);
	});

	it.each(['٥٥٥١٢٣٤٥٦٧', '५५५१२३४५६७', '２０２５５５０１４３'])('digits of any script: %s', (text) => {
		expect(phone(text)).toBe(true);
	});

	it.each([
		'my number is six one two, thirty four, fifty six, seventy eight',
		'double five five one two three four',
		'seis doce treinta y cuatro cincuenta y seis setenta y ocho',
		'zéro six douze trente-quatre cinquante-six soixante-dix-huit'
	])('digits written as words, tens included: %s', (text) => {
		expect(phone(text)).toBe(true);
	});

	it.each([
		'my score is 555 points',
		'page 12, line 4',
		'2024-05-01',
		'I was born on 12.05.2009',
		'01/05/2024 - 15/05/2024',
		'01/05/2024-15/05/2024',
		'1.5.2024 - 3.5.2024',
		'in 2023/24 and 2024/25',
		'between 2019 and 2023, 2024 and 2025',
		'10:30-11:45 and 12:00-13:15',
		'10:30-11:45, 12:00-13:15',
		'it costs $1,299.99',
		'it costs 12,500.00 €',
		'Ça coûte 1 299,99 €',
		'France has 68,000,000 people',
		'scores: 12, 15, 18, 20',
		'100, 95, 88, 70 and 60',
		'results 3-2, 4-1, 2-2, 1-0',
		'pages 120-145, 150-160',
		'12 + 34 = 46 and 123 + 456 = 579',
		'1920×1080',
		'uno y dos'
	])('not a phone number: %s', (text) => {
		expect(phone(text)).toBe(false);
	});
});
