import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { DomainRefusal } from '@ciclo/domain';
import { AccessPolicy, type Actor, type Role } from '@ciclo/identity';
import { auditAccessOf, AuditQueries, READ_MODELS } from '@ciclo/projections';
import { DEFINITIONS, type DefinitionRegistry } from '@ciclo/workflow';
import { ActingRole, CurrentActor } from './auth.guard';
import { parseInput } from './validation';
import { ApiAnswer } from './openapi/document';

/** Italian names of the events that no cycle definition names (engine, plan, directory, audit). */
export const ENGINE_EVENT_LABELS: Readonly<Record<string, string>> = {
  CycleOpened: 'Apertura del ciclo',
  DocumentAttached: 'Documento allegato',
  CommentAdded: 'Commento',
  CycleCancelled: 'Annullamento del ciclo',
  CycleMigrated: 'Aggiornamento della versione della definizione',
  DeadlineMoved: 'Spostamento di una scadenza',
  CycleLinked: 'Collegamento a un altro ciclo',
  CycleLinkedFrom: 'Collegamento da un altro ciclo',
  CycleUnlinkedFrom: 'Collegamento da un altro ciclo rimosso',
  LinkedEventRecorded: 'Atto di un ciclo collegato',
  DeadlineRuleSwitched: 'Differimento di una scadenza per legge',
  ReminderSent: 'Promemoria inviato',
  PlanNodeAdded: 'Piano: elemento aggiunto',
  PlanNodeUpdated: 'Piano: elemento modificato',
  PlanNodeMoved: 'Piano: elemento spostato',
  PlanNodeRemoved: 'Piano: elemento rimosso',
  IndicatorTargetsSet: 'Piano: target degli indicatori',
  IndicatorWeightsSet: 'Piano: pesi degli indicatori',
  PlanScoringRulesSet: 'Piano: regole di misurazione',
  NarrativeSectionWritten: 'Sezione descrittiva scritta',
  RegisterItemAdded: 'Registro dei rischi: elemento aggiunto',
  RegisterItemUpdated: 'Registro dei rischi: elemento modificato',
  RegisterItemRemoved: 'Registro dei rischi: elemento rimosso',
  RiskAssessed: 'Registro dei rischi: valutazione del rischio',
  RiskRatingMethodSet: 'Registro dei rischi: metodo di valutazione',
  MeasureMonitoringDatesSet: 'Registro dei rischi: date di monitoraggio',
  MeasureReported: 'Misura di prevenzione rendicontata',
  MeasureReportChecked: 'Rendicontazione di una misura verificata dal RPCT',
  RpctReportFiguresSet: 'Dati della relazione annuale del RPCT',
  PlanVariationOpened: 'Variazione del piano avviata',
  PlanVariationApproved: 'Variazione del piano approvata',
  PlanVariationWithdrawn: 'Variazione del piano ritirata',
  MeasurementRecorded: 'Misurazione registrata',
  MeasurementCorrected: 'Misurazione corretta',
  MeasurementYearClosed: 'Chiusura delle misurazioni dell’anno',
  MeasurementPeriodOpened: 'Monitoraggio: rilevazione del periodo aperta',
  MeasurementPeriodClosed: 'Monitoraggio: rilevazione del periodo chiusa',
  MeasurementPeriodReopened: 'Monitoraggio: rilevazione del periodo riaperta',
  CatalogueProcessAdded: 'Catalogo dei processi: processo aggiunto',
  TransparencyObligationAdded: 'Trasparenza: obbligo aggiunto alla griglia',
  TransparencyOfficesAssigned: 'Trasparenza: uffici responsabili indicati',
  TransparencyPublicationRecorded: 'Trasparenza: pubblicazione registrata',
  TransparencyChangeReported: 'Trasparenza: variazione da pubblicare segnalata',
  AttestationGridRowSet: 'Griglia di rilevazione: riga compilata',
  AttestationGridRowRemoved: 'Griglia di rilevazione: riga tolta',
  CatalogueProcessCardAttached: 'Catalogo dei processi: scheda allegata',
  TenantRegistered: 'Registrazione dell’ente',
  RoleGranted: 'Ruolo attribuito',
  RoleRevoked: 'Ruolo revocato',
  TenantProfileUpdated: 'Dati anagrafici dell’ente aggiornati',
  UserProfileUpdated: 'Dati della persona aggiornati',
  ApiKeyIssued: 'Chiave API emessa',
  ApiKeyRevoked: 'Chiave API revocata',
  CalendarFeedCreated: 'Calendario personale creato',
  DeliberationNumberReserved: 'Numero di deliberazione riservato',
  CalendarFeedRevoked: 'Calendario personale revocato',
  AuditTrailRead: 'Consultazione del registro',
  AuditChainVerified: 'Verifica della catena di hash',
  AuditAnchorPublished: 'Ancoraggio del registro pubblicato',
};

/** Event type → its Italian label: the engine's names, else the title of the transition that produces it (latest definition naming it). */
export function eventLabeller(definitions: DefinitionRegistry): (type: string) => string {
  const out = new Map<string, string>();
  for (const def of definitions.all()) for (const t of def.transitions) out.set(t.event, t.title);
  return (type) => ENGINE_EVENT_LABELS[type] ?? out.get(type) ?? type;
}

export interface AuditFacetsAnswer {
  /** People who appear as actors in the caller's trail, with their display names when the directory has them. */
  actors: {
    /** User id */
    actorId: string;
    /** Display name, or null when the directory does not know it */
    name: string | null;
  }[];
  /** Event types present, with an Italian label (the transition title for definition events). */
  types: {
    /** Event type */
    type: string;
    /** Italian label */
    label: string;
  }[];
  /** Cycles present, by title. */
  cycles: {
    /** Cycle id (UUID) */
    cycleId: string;
    /** Title of the cycle */
    title: string;
    /** Cycle type */
    cycleType: string;
    /** Period label */
    period: string;
  }[];
}

const facetsQuery = z.object({}).strict();

/**
 * What the console's filters of the audit trail offer (people by name, event types in Italian,
 * cycles by title), within the caller's access to the trail. It shows no row of the trail, so it
 * is not recorded as a read.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/facets')
export class AuditFacetsController {
  private readonly audit: AuditQueries;

  constructor(
    @Inject(READ_MODELS) ds: DataSource,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    private readonly policy: AccessPolicy,
  ) {
    this.audit = new AuditQueries(ds);
  }

  @Get()
  @ApiOperation({
    summary: 'The people, event types and cycles present in the trail (for its filters)',
    description: 'Same access as `GET /audit` (RPCT, OIV and administrators the whole tenant; others the cycles they acted in). Not recorded as a read: it shows no row.',
  })
  @ApiHeader({ name: 'X-Acting-Role', required: false, description: "Which of the caller's roles the request acts in (default: the roles that see the most)" })
  @ApiAnswer(200, 'AuditFacetsAnswer')
  async facets(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Query() query: unknown): Promise<AuditFacetsAnswer> {
    parseInput(facetsQuery, query ?? {}, 'query');
    const viewer = { tenant: actor.tenant, userId: actor.userId, roles: actor.roles, actingRole: acting };
    const access = auditAccessOf(viewer);
    if (!access) throw new DomainRefusal('ROLE_NOT_HELD', `${acting ?? 'no role'} in tenant ${actor.tenant}`);
    const [f, users] = await Promise.all([this.audit.facets(viewer, access), this.policy.directory.listUsers(actor.tenant)]);
    const names = new Map(users.map((u) => [u.userId, u.name ?? null]));
    const label = eventLabeller(this.definitions);
    return {
      actors: f.actorIds
        .map((actorId) => ({ actorId, name: names.get(actorId) ?? (actorId === 'system' ? 'Sistema' : null) }))
        .sort((a, b) => (a.name ?? a.actorId).localeCompare(b.name ?? b.actorId, 'it')),
      types: f.types.map((type) => ({ type, label: label(type) })).sort((a, b) => a.label.localeCompare(b.label, 'it')),
      cycles: f.cycles,
    };
  }

}
