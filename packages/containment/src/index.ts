export {
  ContainmentError,
  type ContainmentErrorCode,
  type ContainmentErrorOptions,
} from './errors.ts';
