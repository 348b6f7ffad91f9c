// Object redaction against fast-redact 3.5.0 and @pinojs/redact 0.4.0 on the
// same pino-style log records, in the same run (targets: >= 150 MB/s in
// key-path mode, >= 50 MB/s with value scanning), and stream throughput
// against whole-input redactText on the same text.
// MB/s = hz x (bytes per op in the bench name) / 1e6.
import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pinoRedact from '@pinojs/redact';
import { bench, describe } from 'vitest';
import { createObjectRedactor, createRedactTransform, redactText } from '../src/index.ts';

// fast-redact ships no types: load it through require with its documented shape.
const fastRedact = createRequire(import.meta.url)('fast-redact') as (options: {
  paths: string[];
}) => (value: unknown) => string;

const AWS = ['AKIA', 'Q7BENCHONLY2345X'].join('');

function record(i: number): Record<string, unknown> {
  return {
    level: 30,
    time: 1_700_000_000_000 + i,
    pid: 4242,
    hostname: 'api-7f9c',
    reqId: `req-${i}`,
    msg: `request completed in ${i % 97}ms for tenant acme-${i % 13}`,
    req: {
      method: 'POST',
      url: `/v1/workspaces/${i}/items?limit=50`,
      headers: {
        host: 'api.example.com',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0',
        accept: 'application/json',
        authorization: `Bearer eyJhbGciOiJIUzI1NiJ9.${i}.sig`,
        cookie: `sid=${i}abcdef; theme=dark`,
        'content-type': 'application/json',
      },
      remoteAddress: '10.0.0.12',
    },
    res: { statusCode: 200, headers: { 'content-length': '512', 'x-request-id': `req-${i}` } },
    user: { id: i, name: 'Dana', email_verified: true, password: 'hunter2hunter2', token: 'tok' },
    responseTime: i % 97,
    tags: ['api', 'v1', 'items'],
    note: i % 10 === 0 ? `rotating key ${AWS}` : 'nothing sensitive here',
  };
}

const records = Array.from({ length: 200 }, (_, i) => record(i));
const BYTES = records.reduce((n, r) => n + JSON.stringify(r).length, 0);
const KB = `${(BYTES / 1024).toFixed(0)} KB`;

const paths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'user.password',
  'user.token',
  '*.secret',
];

const ours = createObjectRedactor({ paths, keys: [], scanValues: false });
const oursKeys = createObjectRedactor({ scanValues: false });
const oursScan = createObjectRedactor({ paths });
const fast = fastRedact({ paths });
const pinojs = pinoRedact({ paths });

describe(`log records, key-path mode (${records.length} records = ${KB} of JSON per op)`, () => {
  bench(
    '@palisade/redaction createObjectRedactor({ paths, scanValues: false }) + JSON.stringify',
    () => {
      for (const r of records) JSON.stringify(ours(r));
    },
  );
  bench('@palisade/redaction default sensitive key patterns + JSON.stringify', () => {
    for (const r of records) JSON.stringify(oursKeys(r));
  });
  bench('fast-redact 3.5.0 (serialize: JSON.stringify)', () => {
    for (const r of records) fast(r);
  });
  bench('@pinojs/redact 0.4.0 (serialize: JSON.stringify)', () => {
    for (const r of records) pinojs(r);
  });
});

describe(`log records with value scanning (${records.length} records = ${KB} of JSON per op)`, () => {
  bench('@palisade/redaction paths + default keys + value scanning + JSON.stringify', () => {
    for (const r of records) JSON.stringify(oursScan(r));
  });
  bench('fast-redact 3.5.0 (key paths only, no value scanning)', () => {
    for (const r of records) fast(r);
  });
});

/**
 * The same shape with every string value unique (no repeated host, user agent
 * or content type): what value scanning costs when nothing repeats, so the
 * redactor's memo of clean strings cannot help.
 */
function uniqueRecord(i: number): Record<string, unknown> {
  const r = record(i) as {
    req: { headers: Record<string, string>; remoteAddress: string };
    res: { headers: Record<string, string> };
    user: Record<string, unknown>;
  } & Record<string, unknown>;
  r['hostname'] = `api-${i.toString(16)}`;
  r['msg'] = `request ${i} completed in ${i % 97}ms for tenant acme-${i}`;
  r.req.headers['host'] = `api-${i}.example.com`;
  r.req.headers['user-agent'] = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/${i}.36 Chrome/${i}.0`;
  r.req.headers['accept'] = `application/vnd.acme.v${i}+json`;
  r.req.headers['content-type'] = `application/vnd.acme.v${i}+json`;
  r.req.remoteAddress = `10.0.${i % 250}.${(i % 200) + 1}`;
  r.res.headers['content-length'] = `${512 + i}`;
  r.user['name'] = `Dana ${i}`;
  r['note'] = i % 10 === 0 ? `rotating key ${AWS}` : `nothing sensitive in request ${i}`;
  return r;
}
const uniqueRecords = Array.from({ length: 200 }, (_, i) => uniqueRecord(i));
const UNIQUE_KB = `${(uniqueRecords.reduce((n, r) => n + JSON.stringify(r).length, 0) / 1024).toFixed(0)} KB`;

describe(`log records with value scanning, every string unique (${uniqueRecords.length} records = ${UNIQUE_KB} of JSON per op)`, () => {
  bench(
    '@palisade/redaction paths + default keys + value scanning + JSON.stringify (unique strings)',
    () => {
      // A fresh redactor per op: nothing is remembered from earlier ops.
      const redact = createObjectRedactor({ paths });
      for (const r of uniqueRecords) JSON.stringify(redact(r));
    },
  );
  bench('fast-redact 3.5.0 (key paths only, no value scanning, unique strings)', () => {
    for (const r of uniqueRecords) fast(r);
  });
});

const lines = records.map((r) => JSON.stringify(r)).join('\n');
const text = `${lines}\n`.repeat(4);
const TEXT_KB = `${(text.length / 1024).toFixed(0)} KB`;
const chunks: Buffer[] = [];
for (let i = 0; i < text.length; i += 16 * 1024)
  chunks.push(Buffer.from(text.slice(i, i + 16 * 1024)));

describe(`streams (${TEXT_KB} of NDJSON logs per op, 16 KB chunks)`, () => {
  bench('createRedactTransform (Node Transform)', async () => {
    await pipeline(Readable.from(chunks), createRedactTransform(), new PassThrough().resume());
  });
  bench('redactText on the whole input (peer)', () => {
    redactText(text);
  });
});
