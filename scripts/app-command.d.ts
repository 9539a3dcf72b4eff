/** Types of scripts/app-command.js (the Node arguments each app is started with). */
export type AppName = 'api' | 'worker';
export const NODE_FLAGS: Readonly<Record<AppName, readonly string[]>>;
export function appNodeArgs(app: AppName, extra?: readonly string[]): string[];
