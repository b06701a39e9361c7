import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

/** One environment variable: how to parse it, what it is for, and whether it is a secret. */
export interface EnvVar<T extends z.ZodType = z.ZodType> {
  schema: T;
  description: string;
  /**
   * Sensitive values are redacted from logs and error messages, and with NODE_ENV=production
   * the variable's default counts as a development value (see `developmentValues`).
   */
  sensitive?: boolean;
  /**
   * Values, written as in the environment, that are fine for development and tests but never
   * for production (`SEED_STAFF=true`): with NODE_ENV=production `loadConfig` refuses them.
   * A sensitive variable's default is always one, so a new secret cannot forget it.
   */
  developmentValues?: readonly string[];
  /** For values no list can name: true when the parsed value holds a development value. */
  isDevelopment?(value: z.output<T>): boolean;
  /**
   * A boolean variable without which this one is not used (`SEED_STAFF` for the seed
   * password): while that one is false, this one's value is never refused.
   */
  usedOnlyWith?: string;
}

export type EnvSpec = Record<string, EnvVar>;

export type ConfigOf<S extends EnvSpec> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown at boot when one or more variables are invalid; names every one of them. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} variable${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Declares a service's configuration; keeps the spec's types for `loadConfig`. */
export function defineConfig<S extends EnvSpec>(spec: S): S {
  return spec;
}

/** The parsed development values of a variable: its declared ones, and a secret's default. */
function developmentValues(variable: EnvVar): unknown[] {
  const values: unknown[] = [];
  for (const raw of variable.developmentValues ?? []) {
    const parsed = variable.schema.safeParse(raw);
    if (parsed.success) values.push(parsed.data);
  }
  if (variable.sensitive) {
    const fallback = variable.schema.safeParse(undefined);
    if (fallback.success && fallback.data !== undefined) values.push(fallback.data);
  }
  return values;
}

/** Why `value` of `variable` may not run in production, or undefined when it may. */
function productionIssue(variable: EnvVar, raw: string | undefined, value: unknown) {
  const development =
    developmentValues(variable).some((dev) => isDeepStrictEqual(dev, value)) ||
    variable.isDevelopment?.(value) === true;
  if (!development) return undefined;
  return raw === undefined
    ? 'not set, and its default is a development value: NODE_ENV=production needs a real one'
    : 'is a development value: NODE_ENV=production needs a real one';
}

/**
 * Parses every variable of `spec` from `env` and fails with all the bad ones at once.
 * Values of sensitive variables never appear in the error. With `NODE_ENV=production` in
 * `env`, a development value (a secret's default, or one a variable declares) is refused too.
 */
export function loadConfig<S extends EnvSpec>(
  spec: S,
  env: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const issues: ConfigIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = variable.schema.safeParse(raw);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const message = parsed.error.issues.map((i) => i.message).join('; ');
      issues.push({
        variable: name,
        message: raw === undefined ? `${message} (not set)` : message,
      });
    }
  }
  if (env.NODE_ENV === 'production') issues.push(...productionIssues(spec, env, out));
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(out) as ConfigOf<S>;
}

/** The variables of a production configuration that hold development values. */
function productionIssues(
  spec: EnvSpec,
  env: Record<string, string | undefined>,
  values: Record<string, unknown>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, variable] of Object.entries(spec)) {
    if (!(name in values)) continue;
    if (variable.usedOnlyWith !== undefined && values[variable.usedOnlyWith] === false) continue;
    const raw = env[name] === '' ? undefined : env[name];
    const message = productionIssue(variable, raw, values[name]);
    if (message) issues.push({ variable: name, message });
  }
  return issues;
}

/** Names of the variables flagged sensitive: the logger redacts these. */
export function sensitiveKeys(spec: EnvSpec): string[] {
  return Object.entries(spec)
    .filter(([, v]) => v.sensitive === true)
    .map(([k]) => k);
}

/**
 * `loadConfig` for a process entry point: on invalid configuration it prints every bad
 * variable, prefixed with the program's name, and exits 1.
 */
export function loadConfigOrExit<S extends EnvSpec>(spec: S, program: string): ConfigOf<S> {
  try {
    return loadConfig(spec);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${program}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
