/**
 * The commands of `npm run bench -- system`: PIAO cycles opened and sent for review beforehand,
 * then, for each scheduled slot, a command on a cycle that has no command in flight (so every
 * command is valid for the cycle's stage when it is sent): about half are comments (valid in every
 * stage) by one of four roles, the rest move the cycle around the review loop (the SG approves,
 * the Giunta returns it, the PO resubmits, withdraws and resubmits, the SG asks for changes, ...).
 */
import { signDevToken, type Role } from '@ciclo/identity';
import type { BenchHttp } from './open-loop';

export interface TenantTokens {
  tenant: string;
  tokens: Record<'po' | 'sg' | 'organi' | 'rpct' | 'dirigente', string>;
}

const PEOPLE: [keyof TenantTokens['tokens'], Role][] = [
  ['po', 'po'],
  ['sg', 'segretario_generale'],
  ['organi', 'segreteria_organi'],
  ['rpct', 'rpct'],
  ['dirigente', 'dirigente'],
];

/** One person per role in each tenant, with a development token. */
export async function tenantTokens(tenants: string[], secret: string): Promise<TenantTokens[]> {
  return Promise.all(
    tenants.map(async (tenant) => {
      const entries = await Promise.all(
        PEOPLE.map(
          async ([key, role]) =>
            [
              key,
              await signDevToken({ userId: `u-${key}-${tenant}`, roles: [role], tenant }, secret),
            ] as const,
        ),
      );
      return { tenant, tokens: Object.fromEntries(entries) as TenantTokens['tokens'] };
    }),
  );
}

/** From `revisione_sg` back to `revisione_sg`: each step valid in the stage the previous one left. */
const REVIEW_LOOP: [string, keyof TenantTokens['tokens'], Record<string, string>][] = [
  ['approve', 'sg', {}],
  ['return_for_changes', 'organi', { reason: 'Integrare gli indicatori di impatto della sezione 2.1' }],
  ['submit', 'po', { note: 'Indicatori integrati' }],
  ['withdraw', 'po', {}],
  ['submit', 'po', {}],
  ['request_changes', 'sg', { reason: 'Rivedere i pesi degli obiettivi operativi' }],
  ['submit', 'po', { note: 'Pesi rivisti' }],
];

const COMMENTERS: (keyof TenantTokens['tokens'])[] = ['po', 'sg', 'rpct', 'dirigente'];
const COMMENTS = [
  'Verificare la coerenza con il preventivo economico',
  'Osservazione sulla sezione 3',
  'Ok per me',
  'Allineare i target al triennio',
];

export interface BenchCycle {
  id: string;
  tenant: TenantTokens;
  /** Position in the review loop. */
  step: number;
}

export interface PlannedCommand {
  cycle: BenchCycle;
  path: string;
  token: string;
  body: Record<string, string>;
  transition: boolean;
}

/** Opens `n` PIAO cycles spread over the tenants and submits each for review, `concurrency` at a time. */
export async function openCycles(
  http: BenchHttp,
  tenants: TenantTokens[],
  n: number,
  concurrency = 8,
): Promise<BenchCycle[]> {
  const cycles: BenchCycle[] = [];
  let next = 0;
  const must = async (path: string, token: string, body: unknown) => {
    const a = await http.request('POST', path, token, body);
    if (a.status < 200 || a.status > 299)
      throw new Error(`POST ${path}: ${a.status} ${a.body.slice(0, 300)}`);
    return JSON.parse(a.body) as { cycleId: string };
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const tenant = tenants[i % tenants.length];
        const { cycleId } = await must('/cycles', tenant.tokens.po, {
          type: 'piao',
          year: 2027 + (i % 3),
          title: `PIAO di prova ${i}`,
        });
        await must(`/cycles/${cycleId}/commands/submit`, tenant.tokens.po, {});
        cycles.push({ id: cycleId, tenant, step: 0 });
      }
    }),
  );
  return cycles;
}

/**
 * Hands out one command at a time on an idle cycle (least recently used first). A cycle comes back
 * when its command is answered; after a failed command it is set aside, since its stage is no
 * longer known.
 */
export class CommandMix {
  private readonly idle: BenchCycle[];
  private comments = 0;
  setAside = 0;

  constructor(
    cycles: BenchCycle[],
    private readonly commentShare: number,
  ) {
    this.idle = [...cycles];
  }

  /** The next command, or null when every cycle has a command in flight. */
  next(): PlannedCommand | null {
    const cycle = this.idle.shift();
    if (!cycle) return null;
    if (Math.random() < this.commentShare) {
      const k = this.comments++;
      return {
        cycle,
        path: `/cycles/${cycle.id}/commands/comment`,
        token: cycle.tenant.tokens[COMMENTERS[k % COMMENTERS.length]],
        body: { text: COMMENTS[k % COMMENTS.length] },
        transition: false,
      };
    }
    const [command, who, body] = REVIEW_LOOP[cycle.step % REVIEW_LOOP.length];
    return {
      cycle,
      path: `/cycles/${cycle.id}/commands/${command}`,
      token: cycle.tenant.tokens[who],
      body,
      transition: true,
    };
  }

  answered(c: PlannedCommand, ok: boolean): void {
    if (!ok) {
      this.setAside++;
      return;
    }
    if (c.transition) c.cycle.step++;
    this.idle.push(c.cycle);
  }
}
