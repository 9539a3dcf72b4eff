/* eslint-disable no-restricted-imports */
// blockedCommands: what a console shows greyed out with its reason, and that it agrees with decide.
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { availableCommands, blockedCommands } from './decide';
import { actor, given, NOW, pathTo, sampleFields, todayAt } from './testing';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const piao = load('piao');

describe('blockedCommands', () => {
  it('publish without an attachment is blocked with ATTACHMENT_REQUIRED, and the decider refuses it the same way', () => {
    const p = pathTo(piao, 'adottato', { attach: false });
    const po = actor('po');
    const ctx = { actor: po, now: NOW, definition: piao };
    expect(blockedCommands(p.state, ctx)).toEqual([{ command: 'publish', code: 'ATTACHMENT_REQUIRED' }]);
    expect(availableCommands(p.state, ctx)).not.toContain('publish');
    const t = piao.transitions.find((x) => x.command === 'publish')!;
    given(piao, ...p.events)
      .when({ type: 'transition', command: 'publish', fields: sampleFields(t, todayAt(NOW)) as Record<string, unknown> }, po, { now: NOW })
      .then('ATTACHMENT_REQUIRED');
  });

  it('once a document is attached nothing is blocked and publish is available', () => {
    const p = pathTo(piao, 'adottato');
    const ctx = { actor: actor('po'), now: NOW, definition: piao };
    expect(blockedCommands(p.state, ctx)).toEqual([]);
    expect(availableCommands(p.state, ctx)).toContain('publish');
  });

  it('who submitted (also SG) may neither approve nor request changes (separation of duties); another SG may', () => {
    const sg = actor(['po', 'segretario_generale']);
    const p = pathTo(piao, 'revisione_sg', { prefer: { submit: sg } });
    expect(p.steps.at(-1)?.actor.userId).toBe(sg.userId);
    expect(blockedCommands(p.state, { actor: sg, now: NOW, definition: piao })).toEqual([
      { command: 'request_changes', code: 'SEPARATION_OF_DUTIES' },
      { command: 'approve', code: 'SEPARATION_OF_DUTIES' },
    ]);
    const other = actor('segretario_generale', { userId: 'u-sg-altro' });
    expect(blockedCommands(p.state, { actor: other, now: NOW, definition: piao })).toEqual([]);
  });

  it('lists nothing for transitions the roles do not allow, nor on a closed cycle', () => {
    const p = pathTo(piao, 'adottato', { attach: false });
    expect(blockedCommands(p.state, { actor: actor('oiv'), now: NOW, definition: piao })).toEqual([]);
    const end = pathTo(piao, 'trasmesso');
    expect(blockedCommands(end.state, { actor: actor('po'), now: NOW, definition: piao })).toEqual([]);
  });
});
