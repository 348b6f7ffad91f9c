export { AuditLogError, type AuditLogErrorCode, type AuditLogErrorOptions } from './errors.ts';
