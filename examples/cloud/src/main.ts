// Starts the service: `DATABASE_URL=postgres://... pnpm start` for the real
// server, or just `pnpm start` for embedded PGlite. Prints one line with the
// URL and a demo token for each of two orgs, then serves until interrupted.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { generateStandardWebhookSecret } from '@palisade/crypto';
import { createCloudHandler, issueApiToken } from './cloud-app.ts';
import { openCloudDatabase } from './setup.ts';

const db = await openCloudDatabase(process.env['DATABASE_URL']);
const handler = createCloudHandler({
  tenancy: db.tenancy,
  owner: db.owner,
  audit: db.audit,
  master: db.master,
  webhookSecrets: [process.env['WEBHOOK_SECRET'] ?? generateStandardWebhookSecret()],
  log: (record) => process.stderr.write(`${JSON.stringify(record)}\n`),
});
const orgA = randomUUID();
const orgB = randomUUID();
const tokenA = await issueApiToken(db.owner, orgA, 'user:alice');
const tokenB = await issueApiToken(db.owner, orgB, 'user:bob');
const server = createServer(handler);
const port = Number(process.env['PORT'] ?? 8787);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(
    `palisade cloud example on ${db.kind}: http://127.0.0.1:${port}\n  org A token (shown once): ${tokenA}\n  org B token (shown once): ${tokenB}\n`,
  );
});
const stop = () => {
  server.close(() => {
    db.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
