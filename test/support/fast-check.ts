// Property-test budget: PALISADE_FC_RUNS (default 100 runs per property; the
// nightly profile raises it). A failure prints its seed and path; reproduce it
// with `test.prop(..., { seed, path, endOnFailure: true })` (CONTRIBUTING.md).
import fc from 'fast-check';

const runs = Number.parseInt(process.env.PALISADE_FC_RUNS ?? '100', 10);
fc.configureGlobal({ numRuns: Number.isFinite(runs) && runs > 0 ? runs : 100 });
