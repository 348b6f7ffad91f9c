import type { TextSink } from '../io.ts';

/** What a demo step may use: a private temp dir and a place to narrate. */
export interface DemoContext {
  /** A fresh temp directory owned by this step; removed after the demo. */
  readonly dir: string;
  /** Narration lines for the newcomer (indented under the step title). */
  say(line: string): void;
  /** Where narration goes. */
  readonly out: TextSink;
}

/** The outcome of one demo step. */
export interface DemoOutcome {
  /** True only when every claim the step makes was observed. */
  readonly ok: boolean;
  /** One line per observed fact (what the step saw). */
  readonly facts: readonly string[];
}

/** One step of `palisade demo`: real work, never a simulation. */
export interface DemoStep {
  readonly id: string;
  readonly title: string;
  /** The package that did the work, e.g. `@palisade/containment`. */
  readonly pkg: string;
  /** Link to that package's docs. */
  readonly docs: string;
  run(ctx: DemoContext): Promise<DemoOutcome>;
}
