import { existsSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Files that libraries Ciclo uses require when they load, for features Ciclo never or rarely
 * uses: TypeORM's drivers for every database but PostgreSQL (its `DriverFactory` requires all of
 * them), BullMQ's PostgreSQL backend's SQL text, and the cron parser (with its date library) that
 * BullMQ's job schedulers need only when one is set. Their source text stays in the heap of a
 * process that loaded them, for as long as it runs.
 */
export function deferrableModuleFiles(): string[] {
  const typeormDrivers = dirname(require.resolve('typeorm/driver/DriverFactory.js'));
  const bullmq = dirname(require.resolve('bullmq'));
  return [
    ...[
      'aurora-mysql/AuroraMysqlDriver',
      'aurora-postgres/AuroraPostgresDriver',
      'better-sqlite3/BetterSqlite3Driver',
      'capacitor/CapacitorDriver',
      'cockroachdb/CockroachDriver',
      'cordova/CordovaDriver',
      'expo/ExpoDriver',
      'mongodb/MongoDriver',
      'mysql/MysqlDriver',
      'nativescript/NativescriptDriver',
      'oracle/OracleDriver',
      'react-native/ReactNativeDriver',
      'sap/SapDriver',
      'spanner/SpannerDriver',
      'sqljs/SqljsDriver',
      'sqlserver/SqlServerDriver',
    ].map((driver) => join(typeormDrivers, `${driver}.js`)),
    join(bullmq, 'postgres/sql-scripts.js'),
    require.resolve('cron-parser', { paths: [bullmq] }),
  ];
}

/**
 * Puts a stand-in for each of these files in Node's module cache, so that the library requiring
 * one gets an object that loads the real module on first use (any property read, `in`, or key
 * listing) and then answers as it. Called before the libraries are loaded (first thing in an
 * app's `main`); a file already loaded, or missing from the installed version, is left alone.
 * Answers the files deferred.
 */
export function deferModules(files: readonly string[] = deferrableModuleFiles()): string[] {
  const deferred: string[] = [];
  for (const file of files) {
    if (require.cache[file] || !existsSync(file)) continue;
    let real: Record<PropertyKey, unknown> | undefined;
    const load = (): Record<PropertyKey, unknown> => {
      if (!real) {
        // The stand-in goes, the real module takes its place in the cache for later requires.
        delete require.cache[file];
        real = createRequire(file)(file) as Record<PropertyKey, unknown>;
      }
      return real;
    };
    const standIn = new Module(file);
    standIn.filename = file;
    standIn.loaded = true;
    standIn.exports = new Proxy(
      {},
      {
        get: (_target, key) => load()[key],
        has: (_target, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_target, key) => {
          const d = Reflect.getOwnPropertyDescriptor(load(), key);
          // The stand-in's own target is empty: a property it reports must be configurable.
          return d && { ...d, configurable: true };
        },
      },
    );
    require.cache[file] = standIn;
    deferred.push(file);
  }
  return deferred;
}
