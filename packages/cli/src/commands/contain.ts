import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ContainmentError,
  detectSandbox,
  installContainment,
  listWorktrees,
  type PromotionPlan,
  promote,
  runSandboxed,
  uninstallContainment,
  verifyContainment,
  writeGitShim,
} from '@palisade/containment';
import type { Command } from '../command.ts';
import { parseCommandArgs, runSubcommand, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const usage = `Usage: palisade contain install [--all-worktrees] [--pre-commit-scan warn|block] [path]
       palisade contain verify [path]
       palisade contain uninstall [--all-worktrees] [path]
       palisade contain status [path]
       palisade contain promote <worktree> --remote <remote> --branch <branch> [--ref <commit>] [--yes]
       palisade contain shim <dir>
       palisade contain sandbox [--worktree <path>] -- <command> [args...]

install    Contains a worktree (or every worktree): its pushes are refused by
           per-worktree push URLs (contained::), a catch-all pushInsteadOf and a
           pre-push hook; the repository's own hooks keep running, chained.
verify     Checks every layer of every contained worktree; exit 1 on any alert.
           Run it after every agent turn.
uninstall  Restores the pre-install state byte for byte.
status     Lists contained and uncontained worktrees and the sandbox tier.
promote    The explicit human step: shows the commits, files and a secret scan,
           pins the SHA and pushes exactly it once (repository pre-push hooks
           still run). Asks on the terminal; --yes is the host app's explicit
           confirmation. Without a terminal and without --yes it refuses.
shim       Writes the agent-PATH git shim (and remote helper) into <dir>.
sandbox    Runs a command in the bubblewrap sandbox tier (Linux): no network,
           containment files and everything outside the repository read-only.

There is no switch, variable or rc file that turns containment off.`;

type Values = Record<string, string | boolean | undefined>;

function parse(
  args: readonly string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): { values: Values; positionals: string[] } {
  const { values, positionals } = parseCommandArgs({
    args: [...args],
    options,
    allowPositionals: true,
  });
  return { values: values as Values, positionals };
}

const cwdOf = (io: CliIO): string => io.cwd ?? process.cwd();
const target = (io: CliIO, positionals: readonly string[]): string => {
  if (positionals.length > 1) throw new UsageError('at most one path');
  return resolve(cwdOf(io), positionals[0] ?? '.');
};
const gitEnv = (io: CliIO): Readonly<Record<string, string | undefined>> => io.env;

async function worktreesFor(io: CliIO, path: string, all: boolean): Promise<string[]> {
  if (!all) return [path];
  return (await listWorktrees(path, { env: gitEnv(io) })).filter((w) => !w.bare).map((w) => w.path);
}

async function install(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { values, positionals } = parse(args, {
    'all-worktrees': { type: 'boolean' },
    'pre-commit-scan': { type: 'string' },
  });
  const scan = values['pre-commit-scan'] ?? 'off';
  if (scan !== 'off' && scan !== 'warn' && scan !== 'block') {
    throw new UsageError('--pre-commit-scan must be warn or block');
  }
  const path = target(io, positionals);
  const reports = [];
  for (const wt of await worktreesFor(io, path, values['all-worktrees'] === true)) {
    reports.push(await installContainment(wt, { env: gitEnv(io), preCommitScan: scan }));
  }
  if (json) writeJson(io, { installed: reports });
  else {
    for (const r of reports) {
      io.stdout.write(
        `contained ${r.worktree}${r.changed ? '' : ' (already contained, unchanged)'}\n  push URLs: ${r.remotes.map((x) => `${x} -> contained::${x}`).join(', ') || '(no remotes yet; the catch-all covers new ones)'}\n  hooks:     ${r.hooksDir}\n`,
      );
    }
  }
  return EXIT.OK;
}

async function uninstall(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { values, positionals } = parse(args, { 'all-worktrees': { type: 'boolean' } });
  const path = target(io, positionals);
  const reports = [];
  for (const wt of await worktreesFor(io, path, values['all-worktrees'] === true)) {
    reports.push(await uninstallContainment(wt, { env: gitEnv(io) }));
  }
  if (json) writeJson(io, { uninstalled: reports });
  else
    for (const r of reports)
      io.stdout.write(`${r.wasContained ? 'released' : 'was not contained'}: ${r.worktree}\n`);
  return EXIT.OK;
}

async function verify(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { positionals } = parse(args, {});
  const report = await verifyContainment(target(io, positionals), { env: gitEnv(io) });
  if (json) writeJson(io, report);
  else {
    io.stdout.write(
      `${report.ok ? 'ok' : 'ALERT'}: ${report.contained.length} contained worktree(s), ${report.alerts.length} alert(s)\n`,
    );
    for (const a of report.alerts) io.stdout.write(`  [${a.layer}] ${a.worktree}: ${a.message}\n`);
  }
  return report.ok ? EXIT.OK : EXIT.FINDINGS;
}

async function status(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { positionals } = parse(args, {});
  const report = await verifyContainment(target(io, positionals), { env: gitEnv(io) });
  const sandbox = detectSandbox();
  if (json)
    writeJson(io, {
      contained: report.contained,
      uncontained: report.uncontained,
      ok: report.ok,
      sandbox,
    });
  else {
    for (const w of report.contained) io.stdout.write(`contained    ${w}\n`);
    for (const w of report.uncontained) io.stdout.write(`uncontained  ${w}\n`);
    io.stdout.write(
      `layers:      ${report.ok ? 'intact' : `${report.alerts.length} alert(s); run palisade contain verify`}\n`,
    );
    io.stdout.write(
      `sandbox:     ${sandbox.available ? 'available' : 'unavailable'} (${sandbox.reason})\n`,
    );
  }
  return EXIT.OK;
}

function describePlan(plan: PromotionPlan): string {
  const lines = [
    `About to publish ${plan.sha}`,
    `  to ${plan.remote} (${plan.remoteUrl}) branch ${plan.branch}${plan.previousRemoteSha === null ? ' (new branch)' : ` (now ${plan.previousRemoteSha})`}`,
    `  commits (${plan.commits.length}):`,
    ...plan.commits.map((c) => `    ${c.sha.slice(0, 12)} ${c.subject}`),
    `  files (${plan.files.length}):`,
    ...plan.files.map((f) => `    ${f.status} ${f.path}`),
    plan.findings.length === 0
      ? '  secret scan: no findings'
      : `  secret scan: ${plan.findings.length} finding(s):`,
    ...plan.findings.map((f) => `    ${f.file}:${f.line} ${f.ruleId} (${f.kind}, ${f.confidence})`),
  ];
  return `${lines.join('\n')}\n`;
}

async function askOnTty(io: CliIO, plan: PromotionPlan): Promise<boolean> {
  const stdin = io.stdin as (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined;
  if (stdin === undefined || stdin.isTTY !== true || io.stderr.isTTY !== true) return false;
  io.stderr.write(describePlan(plan));
  io.stderr.write(
    `Publish exactly ${plan.sha.slice(0, 12)} to ${plan.remote}/${plan.branch}? Type "yes" to confirm: `,
  );
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    const answer = await new Promise<string>((res) => {
      rl.once('line', res);
      rl.once('close', () => res(''));
    });
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

async function promoteCmd(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { values, positionals } = parse(args, {
    remote: { type: 'string' },
    branch: { type: 'string' },
    ref: { type: 'string' },
    yes: { type: 'boolean' },
  });
  const [wt, ...extra] = positionals;
  if (wt === undefined || extra.length > 0)
    throw new UsageError('promote takes exactly one <worktree>');
  const remote = values['remote'];
  const branch = values['branch'];
  if (typeof remote !== 'string') throw new UsageError('--remote <remote> is required');
  if (typeof branch !== 'string') throw new UsageError('--branch <branch> is required');
  const yes = values['yes'] === true;
  const ref = values['ref'];
  try {
    const record = await promote({
      worktree: resolve(cwdOf(io), wt),
      remote,
      branch,
      env: gitEnv(io),
      ...(typeof ref === 'string' ? { ref } : {}),
      confirm: async (plan) => {
        if (yes) {
          if (!json) io.stdout.write(describePlan(plan));
          return true;
        }
        return askOnTty(io, plan);
      },
    });
    if (json) writeJson(io, record);
    else
      io.stdout.write(
        `published ${record.sha} to ${record.remote}/${record.branch} (remote ref verified)\ncontainment after push: ${record.containmentVerified ? 'intact' : `${record.alerts.length} alert(s)`}\n`,
      );
    return EXIT.OK;
  } catch (e) {
    if (ContainmentError.isInstance(e) && e.code === 'ERR_CONTAINMENT_PROMOTION_REFUSED') {
      const why = yes ? 'not confirmed' : 'no terminal to ask on and no --yes from the host app';
      if (json) writeJson(io, { published: false, code: e.code, reason: why });
      else io.stderr.write(`palisade: promotion refused: ${why}; nothing was pushed\n`);
      return EXIT.FINDINGS;
    }
    if (ContainmentError.isInstance(e)) {
      if (json) writeJson(io, { published: false, code: e.code, reason: e.message });
      else io.stderr.write(`palisade: promotion failed (${e.code}): ${e.message}\n`);
      return EXIT.FINDINGS;
    }
    throw e;
  }
}

async function shim(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals.length !== 1 || positionals[0] === undefined)
    throw new UsageError('shim takes exactly one <dir>');
  const pathVar = io.env['PATH'];
  const s = await writeGitShim(
    resolve(cwdOf(io), positionals[0]),
    pathVar === undefined ? {} : { path: pathVar },
  );
  if (json) writeJson(io, s);
  else
    io.stdout.write(
      `wrote ${s.shim} (real git: ${s.realGit})\nput ${s.dir} first on the agent's PATH\n`,
    );
  return EXIT.OK;
}

async function sandbox(args: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const dd = args.indexOf('--');
  const own = dd === -1 ? args : args.slice(0, dd);
  const cmd = dd === -1 ? [] : args.slice(dd + 1);
  const { values, positionals } = parse(own, { worktree: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError('put the command after --');
  const avail = detectSandbox();
  if (cmd.length === 0) {
    if (json) writeJson(io, avail);
    else
      io.stdout.write(
        `sandbox: ${avail.available ? 'available' : 'unavailable'} (${avail.reason})\n`,
      );
    return avail.available ? EXIT.OK : EXIT.FINDINGS;
  }
  if (!avail.available) {
    io.stderr.write(`palisade: no OS sandbox here: ${avail.reason}\n`);
    return EXIT.FINDINGS;
  }
  const [command, ...rest] = cmd;
  const r = await runSandboxed({
    worktree: resolve(cwdOf(io), typeof values['worktree'] === 'string' ? values['worktree'] : '.'),
    command: command ?? 'true',
    args: rest,
    env: io.env,
  });
  if (json) writeJson(io, r);
  else {
    io.stdout.write(r.stdout);
    io.stderr.write(r.stderr);
  }
  return r.exitCode;
}

/**
 * `palisade contain`: install, verify, uninstall and report git push
 * containment, promote a worktree's commit (the explicit human step), write
 * the agent git shim, and run a command in the sandbox tier.
 *
 * Exported from `@palisade/cli` internals (registered in `commands/index.ts`).
 */
export const containCommand: Command = {
  name: 'contain',
  summary: 'Contain agent worktrees (no push), verify, promote a pinned commit, shim and sandbox',
  usage,
  async run(args, io, flags) {
    const j = flags.json;
    return runSubcommand(args, {
      install: (rest) => install(rest, io, j),
      verify: (rest) => verify(rest, io, j),
      uninstall: (rest) => uninstall(rest, io, j),
      status: (rest) => status(rest, io, j),
      promote: (rest) => promoteCmd(rest, io, j),
      shim: (rest) => shim(rest, io, j),
      sandbox: (rest) => sandbox(rest, io, j),
    });
  },
};
