/**
 * What the reminders benchmark and its worker process share: the bench chamber (its people, and
 * the 7, 1 and 0 days reminder offsets of the fire phases), the Relazione annuale RPCT definition and
 * its "fire" variant, and the slow SMTP server run as another process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { CycleDefinition } from '@ciclo/domain';
import { GrantedRecipients, StaticTenantDirectory, type PeopleSource } from '@ciclo/notifications';
import { DefinitionRegistry } from '@ciclo/workflow';

export const TENANT = 'cciaa-bench';
export const ROOT = resolve(__dirname, '../../..');
export const definitions = DefinitionRegistry.fromDirectory(resolve(ROOT, 'seeds/cycles'));
export const rpct = definitions.latest('relazione_rpct') as CycleDefinition;
/** A variant of the definition whose type picks the tenant's [7, 1, 0] offsets. */
export const fireDef: CycleDefinition = { ...rpct, id: 'relazione_rpct_fire' };
export const fireDefinitions = {
  get: (type: string, version: number) => (type === fireDef.id && version === fireDef.version ? fireDef : definitions.get(type, version)),
};

/** The bench chamber's people, as the identity directory would answer for them. */
const people: PeopleSource = {
  people: async (tenant) =>
    tenant === TENANT
      ? [
          { userId: 'u-rpct', name: 'RPCT Bench', email: 'rpct@bench.example.org', roles: ['rpct'] },
          { userId: 'u-dir', name: 'Dirigente Bench', email: 'dirigente@bench.example.org', roles: ['dirigente'] },
          { userId: 'u-sg', name: 'SG Bench', email: 'sg@bench.example.org', roles: ['segretario_generale'] },
        ]
      : null,
};

export const directory = new GrantedRecipients(
  people,
  new StaticTenantDirectory([
    {
      id: TENANT,
      name: 'Camera di commercio Bench',
      timeZone: 'Europe/Rome',
      // Only 7, 1 and 0 days before in the fire phases: nothing is already due at the start.
      reminders: { byCycleType: { relazione_rpct_fire: { offsetsDays: [7, 1, 0] } } },
    },
  ]),
);

/**
 * An SMTP server in another process, as a relay or a catcher would be. With `answerAfterMs` it
 * answers each message that long after receiving it (a slow relay); with `reportKeys` it prints
 * `KEY <reminder key>` on its standard output for each message it accepted.
 */
export async function startSmtpProcess(o: { answerAfterMs?: number; reportKeys?: boolean; onKey?: (key: string) => void } = {}): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    [
      '-e',
      `const { SMTPServer } = require('smtp-server');
       const slow = ${Number(o.answerAfterMs ?? 0)}, report = ${o.reportKeys ? 'true' : 'false'};
       const s = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], disableReverseLookup: true, logger: false,
         onData(st, _x, cb) {
           const chunks = [];
           st.on('data', (c) => { if (report) chunks.push(c); });
           st.on('end', () => {
             const accept = () => {
               if (report) {
                 const m = /^X-Ciclo-Reminder-Key:\\s*(.+)$/im.exec(Buffer.concat(chunks).toString('utf8').replace(/\\r?\\n[ \\t]+/g, ''));
                 process.stdout.write('KEY ' + (m ? m[1].trim() : '-') + '\\n');
               }
               cb();
             };
             if (slow) setTimeout(accept, slow); else accept();
           });
         } });
       s.on('error', () => {});
       s.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + s.server.address().port + '\\n'));`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let buffer = '';
  const port = await new Promise<number>((resolvePort) => {
    proc.stdout!.on('data', (b: Buffer) => {
      buffer += b.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('PORT ')) resolvePort(Number(line.slice(5)));
        else if (line.startsWith('KEY ')) o.onKey?.(line.slice(4));
      }
    });
  });
  return { url: `smtp://127.0.0.1:${port}`, proc };
}
