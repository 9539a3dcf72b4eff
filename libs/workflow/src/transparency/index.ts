export {
  AttestationGridService,
  ExecuteTransparencyCommands,
  ExecuteTransparencyCommandsHandler,
  TransparencyRepository,
  type AttestationGridView,
  type TransparencyCommandsResult,
} from './transparency';
export { TransparencyModule } from './transparency.module';
export { loadTransparencySeed, type TransparencySeedResult } from './seed';
