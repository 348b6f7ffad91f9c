export { CryptoError, type CryptoErrorCode, type CryptoErrorOptions } from './errors.ts';
