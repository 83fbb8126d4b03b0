import { describeValue, type InputError } from '../shared/errors';
import type { EventProblem } from './types';

/** {field, value, problem, hint} of an InputError, e.g. problem "is missing" for field "dag_id". */
export function problemOf(error: InputError): EventProblem {
	const value = describeValue(error.value);
	const prefix = `${error.field} `;
	const suffix = `: ${value}`;
	let problem = error.message;
	if (problem.startsWith(prefix)) problem = problem.slice(prefix.length);
	if (problem.endsWith(suffix)) problem = problem.slice(0, -suffix.length);
	return { field: error.field, value, problem, hint: error.hint };
}
