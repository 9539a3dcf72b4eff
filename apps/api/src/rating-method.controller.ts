import { Body, Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Role } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { RatingMethodService, type RatingMethodResponse } from '@ciclo/workflow';
import { ActingRole, CurrentActor } from './auth.guard';
import { toOpenApi } from './schemas';
import { parseInput } from './validation';
import { ApiAnswer } from './openapi/document';

const expectedVersion = z
  .number()
  .describe(
    'The `version` of `GET /rating-method` the change is based on (0 while ANAC’s method applies): when the method changed since, the write is refused with 409 `RATING_METHOD_VERSION_CHANGED` and nothing is written. Without it the last write wins.',
  );

// The shape only; the domain checks keys, lengths and repetitions and names each bad field.
const methodBody = z
  .object({
    method: z
      .object({
        indicators: z
          .array(
            z
              .object({
                key: z.string().describe('Key: lower-case letters, digits and _ (e.g. interesse_esterno)'),
                title: z.string().describe('Italian title, e.g. "Livello di interesse esterno"'),
              })
              .strict(),
          )
          .describe('The key risk indicators (1 to 12), each rated on the levels'),
        levels: z
          .array(z.string())
          .describe('The levels, lowest first (2 to 7; lower-case letters, digits and _), e.g. basso, medio, alto'),
      })
      .strict()
      .describe('The method: key risk indicators and the scale of levels'),
    reason: z.string().describe('Why the chamber adopts this method (e.g. the act that approved it)'),
    expectedVersion: expectedVersion.optional(),
  })
  .strict();
const resetBody = z
  .object({
    reason: z.string().describe("Why the chamber goes back to ANAC's method"),
    expectedVersion: expectedVersion.optional(),
  })
  .strict();

const ERRORS: MethodDecorator[] = [
  ApiResponse({
    status: 400,
    description:
      'Malformed input (`INVALID_REQUEST`, `INVALID_FIELDS`): `fields` names each offending field (`method.levels[1]`, `reason`…); nothing written',
  }),
  ApiResponse({ status: 403, description: 'Role not allowed (`ROLE_NOT_ALLOWED`, `ROLE_NOT_HELD`): administrators and the RPCT' }),
  ApiResponse({
    status: 409,
    description:
      '`RATING_METHOD_VERSION_CHANGED`: the method changed since `expectedVersion`; `CONCURRENT_MODIFICATION`: changed meanwhile, reload and retry. Nothing written',
  }),
];
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (t, k, d) => {
    for (const dec of decorators) dec(t, k, d);
  };

/**
 * The chamber's risk rating method (PNA 2019, Allegato 1 by default): key risk indicators and
 * levels, kept in the tenant's `rating-method` stream. Register assessments are checked against it
 * and record the version they were made under (docs/anticorruption.md).
 */
@ApiTags('register')
@ApiBearerAuth()
@Controller('rating-method')
export class RatingMethodController {
  constructor(@Inject(RatingMethodService) private readonly service: RatingMethodService) {}

  @Get()
  @ApiOperation({
    summary: "The chamber's risk rating method in force",
    description:
      "The key risk indicators and levels assessments are made with: the chamber's own (`source` `ente`, with its version, reason, author and date) or ANAC's qualitative method of PNA 2019, Allegato 1 (`source` `pna2019`, version 0). `history` lists every version the chamber set.",
  })
  @ApiAnswer(200, 'RatingMethodResponse')
  async view(@CurrentActor() actor: Actor): Promise<RatingMethodResponse> {
    return this.service.view(actor.tenant);
  }

  @Put()
  @ApiOperation({
    summary: "Set the chamber's risk rating method",
    description:
      'Administrators and the RPCT. A new version of the method: the next assessment of each register not yet rated under it pins it (unless the plan has a method of its own); earlier assessments keep the version they were made under and, when the levels or indicators differ, are to be made again while the register is editable. Adopted registers keep the method they were rated with. The same method again writes nothing (`changed: false`).',
  })
  @ApiBody({ schema: toOpenApi(methodBody) })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'RatingMethodResponse')
  async set(
    @CurrentActor() actor: Actor,
    @ActingRole() acting: Role | undefined,
    @Body() body: unknown,
  ): Promise<RatingMethodResponse> {
    const b = parseInput(methodBody, body ?? {}, 'body');
    return this.service.execute(
      actor,
      { type: 'set_tenant_rating_method', method: b.method, reason: b.reason, expectedVersion: b.expectedVersion },
      { actingRole: acting, correlationId: randomUUID() },
    );
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({
    summary: "Go back to ANAC's rating method",
    description:
      "Administrators and the RPCT. A new version equal to PNA 2019, Allegato 1; nothing written when ANAC's method is already in force.",
  })
  @ApiBody({ schema: toOpenApi(resetBody) })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'RatingMethodResponse')
  async reset(
    @CurrentActor() actor: Actor,
    @ActingRole() acting: Role | undefined,
    @Body() body: unknown,
  ): Promise<RatingMethodResponse> {
    const b = parseInput(resetBody, body ?? {}, 'body');
    return this.service.execute(
      actor,
      { type: 'reset_tenant_rating_method', reason: b.reason, expectedVersion: b.expectedVersion },
      { actingRole: acting, correlationId: randomUUID() },
    );
  }
}
