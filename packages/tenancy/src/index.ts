export { TenancyError, type TenancyErrorCode, type TenancyErrorOptions } from './errors.ts';
