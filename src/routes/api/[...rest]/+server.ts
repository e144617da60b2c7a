import { AppError } from '$server/errors';
import { endpoint } from '$lib/server/api';

// Unknown API paths answer in JSON, like every other API error.
const notFound = endpoint(async () => {
	throw new AppError(404, 'not_found');
});
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
