import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import {
  type AuditEventInput,
  type EntryProof,
  exportCsv,
  type FileAuditStore,
  formatSignerKey,
  type JsonValue,
  openFileStore,
  parseSignerKey,
  type Verdict,
  verifyEntryProof,
  verifyLogFile,
} from '@palisade/audit-log';
import type { Command } from '../command.ts';
import { parseCommandArgs, subcommandError, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const USAGE = `Usage: palisade audit <subcommand> [options]

Subcommands (on a local append-only log file):
  append --actor <id> --action <a> --target <t> [--org <o>] [--subject <s>]
         [--request-id <r>] [--ip <ip>] [--user-agent <ua>] [--email <e>]
         [--details <json>] [--timestamp <rfc3339>]
  verify [--trusted <checkpoint file>] [--proof <proof.json>]
  prove <seq>                  print a self-contained inclusion proof (JSON)
  checkpoint                   sign and append a checkpoint now
  export [--format bundle|csv] [--out <file>]
  prune (--before <seq> | --older-than <days>)
  erase <subject> [--actor <id>]

One log file holds one org's chain (--org, default local).

Options:
  --log <file>     the log (default .palisade/audit.jsonl)
  --key <file>     signer key (default <log dir>/audit.key; created on first use, mode 0600)
  --vkey <vkey>    verify with this verifier key instead of <log dir>/audit.vkey
  --origin <name>  log origin and key name (default palisade.local/audit)
  --json           one JSON document on stdout

Exit codes: 0 OK / PRUNED_OK; 1 any other verdict or failure; 2 usage error.`;

interface Flags {
  org: string;
  log: string;
  key: string;
  vkey: string | undefined;
  origin: string;
}

type Values = Record<string, string | boolean | undefined>;

const OPTIONS = {
  log: { type: 'string' },
  key: { type: 'string' },
  vkey: { type: 'string' },
  origin: { type: 'string' },
  actor: { type: 'string' },
  action: { type: 'string' },
  target: { type: 'string' },
  org: { type: 'string' },
  subject: { type: 'string' },
  'request-id': { type: 'string' },
  ip: { type: 'string' },
  'user-agent': { type: 'string' },
  email: { type: 'string' },
  details: { type: 'string' },
  timestamp: { type: 'string' },
  trusted: { type: 'string' },
  proof: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  before: { type: 'string' },
  'older-than': { type: 'string' },
} as const;

function str(v: Values, k: string): string | undefined {
  const x = v[k];
  return typeof x === 'string' ? x : undefined;
}

function need(v: Values, k: string): string {
  const x = str(v, k);
  if (x === undefined || x === '') throw new UsageError(`--${k} is required`);
  return x;
}

async function loadSigner(
  flags: Flags,
  create: boolean,
): Promise<ReturnType<typeof parseSignerKey>> {
  let skey: string;
  try {
    skey = (await readFile(flags.key, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw e;
    skey = formatSignerKey(flags.origin, new Uint8Array(randomBytes(32)));
    await mkdir(dirname(flags.key), { recursive: true });
    await writeFile(flags.key, `${skey}\n`, { mode: 0o600, flag: 'wx' });
  }
  const signer = parseSignerKey(skey);
  return signer;
}

async function readVkey(flags: Flags): Promise<string> {
  if (flags.vkey !== undefined) return flags.vkey;
  return (await readFile(join(dirname(flags.log), 'audit.vkey'), 'utf8')).trim();
}

async function withStore<T>(flags: Flags, fn: (s: FileAuditStore) => Promise<T>): Promise<T> {
  const signer = await loadSigner(flags, true);
  const store = await openFileStore({
    path: flags.log,
    origin: signer.name,
    signer,
    org: flags.org,
    autoCheckpoint: false,
  });
  await writeFile(join(dirname(flags.log), 'audit.vkey'), `${store.verifierKey}\n`);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function report(io: CliIO, json: boolean, v: Verdict): number {
  if (json) writeJson(io, v);
  else {
    const where = v.seq === undefined ? '' : ` at seq ${v.seq}`;
    io.stdout.write(`${v.status}${where}: ${v.reason}\n`);
  }
  return v.ok ? EXIT.OK : EXIT.FINDINGS;
}

function parseDetails(text: string | undefined): JsonValue | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new UsageError('--details must be JSON');
  }
}

/** `palisade audit`: append to, verify, prove, checkpoint, export, prune and erase a local audit log. */
const AUDIT_SUBCOMMANDS = ['append', 'verify', 'prove', 'checkpoint', 'export', 'prune', 'erase'];

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Tamper-evident audit log: append, verify, prove, checkpoint, export, prune, erase',
  usage: USAGE,
  async run(args, io, gflags) {
    const parsed = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
    const { values, positionals } = parsed;
    const [sub, ...rest] = positionals;
    const cwd = io.cwd ?? process.cwd();
    const abs = (p: string): string => (isAbsolute(p) ? p : join(cwd, p));
    const log = abs(str(values, 'log') ?? '.palisade/audit.jsonl');
    const flags: Flags = {
      org: str(values, 'org') ?? 'local',
      log,
      key: abs(str(values, 'key') ?? join(dirname(log), 'audit.key')),
      vkey: str(values, 'vkey'),
      origin: str(values, 'origin') ?? 'palisade.local/audit',
    };
    const json = gflags.json;
    switch (sub) {
      case 'append': {
        const details = parseDetails(str(values, 'details'));
        const ev: AuditEventInput = {
          org: flags.org,
          actor: need(values, 'actor'),
          action: need(values, 'action'),
          target: need(values, 'target'),
          ...(str(values, 'subject') === undefined
            ? {}
            : { subject: str(values, 'subject') as string }),
          ...(str(values, 'request-id') === undefined
            ? {}
            : { requestId: str(values, 'request-id') as string }),
          ...(str(values, 'ip') === undefined ? {} : { ip: str(values, 'ip') as string }),
          ...(str(values, 'user-agent') === undefined
            ? {}
            : { userAgent: str(values, 'user-agent') as string }),
          ...(str(values, 'email') === undefined
            ? {}
            : { actorEmail: str(values, 'email') as string }),
          ...(str(values, 'timestamp') === undefined
            ? {}
            : { timestamp: str(values, 'timestamp') as string }),
          ...(details === undefined ? {} : { details }),
        };
        const r = await withStore(flags, async (s) => s.append(ev));
        if (json) writeJson(io, r);
        else io.stdout.write(`appended seq ${r.seq} (${r.durability})\n`);
        return EXIT.OK;
      }
      case 'verify': {
        const vkey = await readVkey(flags);
        const proofFile = str(values, 'proof');
        if (proofFile !== undefined) {
          const proof = JSON.parse(await readFile(abs(proofFile), 'utf8')) as EntryProof;
          const origin = vkey.split('+')[0] as string;
          const r = verifyEntryProof(proof, { verifiers: [vkey], origin });
          if (json) writeJson(io, { ok: r.ok, reason: r.reason, seq: r.leaf?.seq });
          else io.stdout.write(`${r.ok ? 'OK' : 'INVALID'}: ${r.reason}\n`);
          return r.ok ? EXIT.OK : EXIT.FINDINGS;
        }
        const trustedFile = str(values, 'trusted');
        const trusted =
          trustedFile === undefined ? undefined : await readFile(abs(trustedFile), 'utf8');
        const origin = vkey.split('+')[0] as string;
        const v = await verifyLogFile(log, {
          verifiers: [vkey],
          origin,
          ...(trusted === undefined ? {} : { trusted }),
        });
        return report(io, json, v);
      }
      case 'prove': {
        const seq = Number(rest[0]);
        if (rest[0] === undefined || !Number.isSafeInteger(seq) || seq < 0) {
          throw new UsageError('prove needs a sequence number');
        }
        const proof = await withStore(flags, async (s) => {
          await s.checkpoint();
          return s.prove(seq);
        });
        io.stdout.write(`${JSON.stringify(proof, null, json ? 2 : 0)}\n`);
        return EXIT.OK;
      }
      case 'checkpoint': {
        const note = await withStore(flags, (s) => s.checkpoint());
        if (json) writeJson(io, { checkpoint: note ?? null });
        else io.stdout.write(note ?? 'log is empty: no checkpoint\n');
        return EXIT.OK;
      }
      case 'export': {
        const format = str(values, 'format') ?? 'bundle';
        if (format !== 'bundle' && format !== 'csv')
          throw new UsageError('--format must be bundle or csv');
        let text = '';
        await withStore(flags, async (s) => {
          await s.checkpoint();
          if (format === 'csv') {
            for await (const chunk of exportCsv(s.lines())) text += chunk;
          } else {
            text = await readFile(log, 'utf8');
          }
        });
        const out = str(values, 'out');
        if (out === undefined) io.stdout.write(text);
        else {
          await writeFile(abs(out), text);
          if (json) writeJson(io, { out: abs(out), format, bytes: Buffer.byteLength(text) });
          else io.stdout.write(`wrote ${format} to ${abs(out)}\n`);
        }
        return EXIT.OK;
      }
      case 'prune': {
        const before = str(values, 'before');
        const older = str(values, 'older-than');
        if ((before === undefined) === (older === undefined)) {
          throw new UsageError('prune needs exactly one of --before or --older-than');
        }
        const r = await withStore(flags, async (s) => {
          if (before !== undefined) {
            const n = Number(before);
            if (!Number.isSafeInteger(n) || n < 0)
              throw new UsageError('--before must be a sequence number');
            return s.prune({ before: n, actor: 'cli' });
          }
          const days = Number(older);
          if (!Number.isFinite(days) || days < 0)
            throw new UsageError('--older-than must be a number of days');
          return s.sweep({ olderThan: days * 86_400_000, actor: 'cli' });
        });
        if (json) writeJson(io, r);
        else io.stdout.write(`pruned ${r.pruned} entries; log now starts at seq ${r.before}\n`);
        return EXIT.OK;
      }
      case 'erase': {
        const subject = rest[0];
        if (subject === undefined) throw new UsageError('erase needs a subject');
        const r = await withStore(flags, (s) =>
          s.erase(subject, { actor: str(values, 'actor') ?? 'cli' }),
        );
        if (json) writeJson(io, r);
        else
          io.stdout.write(
            `erased personal values of ${r.erased} entries; logged as seq ${r.eventSeq}\n`,
          );
        return EXIT.OK;
      }
      default:
        throw subcommandError(sub, AUDIT_SUBCOMMANDS);
    }
  },
};
