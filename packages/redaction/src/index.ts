export { RedactionError, type RedactionErrorCode, type RedactionErrorOptions } from './errors.ts';
