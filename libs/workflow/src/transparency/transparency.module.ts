import { Global, Module } from '@nestjs/common';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE } from '@ciclo/platform';
import { CycleRepository } from '../cycle-repository';
import type { DefinitionRegistry } from '../definition-registry';
import { DEFINITIONS } from '../tokens';
import { AttestationGridService, ExecuteTransparencyCommandsHandler, TransparencyRepository } from './transparency';

/** The tenant's transparency grid and the survey grids of the OIV's attestation cycles (docs/transparency.md). */
@Global()
@Module({
  providers: [
    { provide: TransparencyRepository, useFactory: (store: EventStore) => new TransparencyRepository(store), inject: [EVENT_STORE] },
    {
      provide: AttestationGridService,
      useFactory: (store: EventStore, repo: TransparencyRepository, defs: DefinitionRegistry, cycles: CycleRepository) => new AttestationGridService(store, repo, defs, cycles),
      inject: [EVENT_STORE, TransparencyRepository, DEFINITIONS, CycleRepository],
    },
    ExecuteTransparencyCommandsHandler,
  ],
  exports: [TransparencyRepository, AttestationGridService],
})
export class TransparencyModule {}
